"""Ithaca's web shell: the Litestar app, its one core plugin, the error mapper, request context,
health and metrics. Feature packages contribute controllers; `IthacaCore` registers them."""

from infra.web.app import create_app

__all__ = ["create_app"]
