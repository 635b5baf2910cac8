"""The read side: projections of tenant streams into match lists, timelines and dashboards.

The projection engine and its read models arrive with issue 4. The platform's own read model,
the tenant directory, lives with the registry in `tenants/directory.py` because every request
needs it in memory before any projection worker is involved.
"""
