"""The read side: projections of tenant streams into match lists, timelines and dashboards.

The engine (`engine.py`, `store/`, `worker.py`, `leases.py`, `rebuild.py`, `reading.py`) and the
read models, one package each. The platform's own read model, the tenant directory, lives with
the registry in `tenants/directory.py` because every request needs it in memory before any
projection worker is involved.
"""
