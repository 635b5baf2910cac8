"""(being written)"""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

__all__ = ["ROUTES"]

ROUTES: list[ControllerRouterHandler] = []
