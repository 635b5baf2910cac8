"""Ithaca's web shell: the Litestar app (`app.create_app`), its one core plugin, the error
mapper, request context, health and metrics. Features contribute routes and pages in their
declarations; `IthacaCore` registers them.

Nothing is imported here: every feature's controllers import this package's modules, and the
app imports every feature."""
