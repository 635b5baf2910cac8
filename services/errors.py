"""The errors every bounded context raises; `infra.web.errors` maps them to HTTP, the CLI to text.

A domain error names the field it is about (when there is one) and says the problem in words a
caller can show to a person. One mapper turns them into responses, so every endpoint answers the
same way.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ConflictError", "ForbiddenError", "InvalidInputError", "IthacaError", "NotFoundError"]


class IthacaError(Exception):
    """Base of the errors that are part of Ithaca's contract.

    The problem is one literal sentence; what changes from one refusal to the next (a limit, an
    id, a status) goes in `values` and is named in the sentence with `%(name)s`:

        InvalidInputError("must be 1 to %(most)s characters", field="body",
                          values={"most": MESSAGE_MAX})

    because the pages translate the sentence before filling it in: a sentence built with an
    f-string is different for every value and so in no catalogue. `problem` is the sentence
    filled in, in English (the JSON API's answer); `template` and `values` are what a page
    translates and then fills. A literal `%` in a sentence with values is written `%%`.
    """

    status_code = 400
    retry_after_seconds: int | None = None
    """When set, the answer says when to try again (Retry-After): 429, 503."""

    def __init__(self, problem: str, *, field: str | None = None,
                 values: Mapping[str, object] | None = None) -> None:
        self.template = problem
        self.values: dict[str, object] = dict(values or {})
        self.problem = problem % self.values if values else problem
        self.field = field
        super().__init__(self.problem)


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
