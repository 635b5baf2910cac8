"""The errors every bounded context raises; `infra.web.errors` maps them to HTTP, the CLI to text.

A domain error names the field it is about (when there is one) and says the problem in words a
caller can show to a person. One mapper turns them into responses, so every endpoint answers the
same way.
"""

from __future__ import annotations

__all__ = ["ConflictError", "ForbiddenError", "InvalidInputError", "IthacaError", "NotFoundError"]


class IthacaError(Exception):
    """Base of the errors that are part of Ithaca's contract."""

    status_code = 400
    retry_after_seconds: int | None = None
    """When set, the answer says when to try again (Retry-After): 429, 503."""

    def __init__(self, problem: str, *, field: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field


class InvalidInputError(IthacaError):
    """The input is well-formed but breaks a rule (bad slug, unknown locale, reserved word)."""

    status_code = 422


class NotFoundError(IthacaError):
    """Nothing with that id exists here, or it belongs to another tenant (indistinguishable)."""

    status_code = 404


class ConflictError(IthacaError):
    """The command clashes with what is already recorded (duplicate slug, illegal transition)."""

    status_code = 409


class ForbiddenError(IthacaError):
    """The caller may not do this, or the tenant is suspended."""

    status_code = 403
