"""The write side: domain models and application services, one package per bounded context.

`errors` and `actor` are the shared kernel every context uses.
"""
