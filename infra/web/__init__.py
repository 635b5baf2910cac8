"""Ithaca's web shell: its one core plugin (the app factory is `infra.app.create_app`), the error
mapper, request context, health and metrics. Features contribute routes and pages in their
declarations; `IthacaCore` registers them.

Nothing is imported here: every feature's controllers import this package's modules, and the
app imports every feature."""
