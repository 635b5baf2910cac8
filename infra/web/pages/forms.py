"""Forms: read a submitted form into the same msgspec Struct the JSON API takes, or say, field by
field and in the reader's language, what is wrong.

Form fields carry the JSON API's names (`primaryColour`, `roles`), so one Struct and one set of
rules serve both, and a domain error's `field` (`IthacaError.field`) points at the form field to
show it beside. A page that fails re-renders the form with the submitted values and the errors,
status 422 (400 for a form that does not fit at all), and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, TypeAlias, TypeVar

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body

from infra.translations import N_
from infra.web.i18n import translations_for
from infra.web.pages.rendering import FormErrors, page_context
from services.errors import IthacaError, NotFoundError

__all__ = [
    "FormBody", "FormInvalidError", "Refusal", "error_of", "keep", "read_form", "refusals",
    "submitted",
]

StructT = TypeVar("StructT", bound=msgspec.Struct)

_AT_FIELD = re.compile(r"at `\$\.([A-Za-z0-9_]+)")
_INDEX = re.compile(r"\[\d+\]$")
_MISSING = re.compile(r"missing required field `([^`]+)`")


class FormInvalidError(Exception):
    """A submitted form that does not fit its Struct; `errors` are ready to show."""

    def __init__(self, errors: FormErrors) -> None:
        super().__init__(errors)
        self.errors = errors


FormBody: TypeAlias = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A page's submitted form, as a handler takes it (`data: FormBody`): Litestar reads it on the
event loop, so the handler itself runs in a worker thread (`sync_to_thread=True`) like the API's.
A field given several times (checkboxes) is a list."""


def submitted(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values, without the CSRF field (no Struct expects it)."""
    return {name: value for name, value in data.items() if name != "_csrf_token"}


def read_form(
    request: Request[Any, Any, Any], values: dict[str, Any], struct: type[StructT],
    *, lists: tuple[str, ...] = (), blank_is_missing: bool = True,
) -> StructT:
    """`values` as `struct`. Fields named in `lists` are lists even with one value or none;
    empty text fields count as not given (so defaults apply)."""
    shaped: dict[str, Any] = {}
    for name, value in values.items():
        if blank_is_missing and value == "":
            continue
        shaped[name] = value
    for name in lists:
        value = values.get(name, [])
        shaped[name] = [item for item in (value if isinstance(value, list) else [value]) if item]
    try:
        return msgspec.convert(shaped, struct, strict=False)
    except msgspec.ValidationError as error:
        message = str(error)
        found = _MISSING.search(message) or _AT_FIELD.search(message)
        field = found.group(1) if found else "form"
        gettext = translations_for(page_context(request).locale).gettext
        problem = (gettext("This field is required.") if _MISSING.search(message)
                   else _in_words(message, gettext))
        raise FormInvalidError({field: problem}) from error


_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"length >= (\d+)"), N_("Use at least %(n)s characters.")),
    (re.compile(r"length <= (\d+)"), N_("Use at most %(n)s characters.")),
    (re.compile(r">= (\d+(?:\.\d+)?)"), N_("Enter %(n)s or more.")),
    (re.compile(r"<= (\d+(?:\.\d+)?)"), N_("Enter %(n)s or less.")),
    (re.compile(r"Expected `int`"), N_("Enter a whole number.")),
    (re.compile(r"Expected `(?:float|decimal)`"), N_("Enter a number.")),
    (re.compile(r"Invalid enum value|Expected `(?:array|list)`"), N_("Choose one of the options.")),
    (re.compile(r"Expected `uuid`"), N_("Choose one of the options.")),
    (re.compile(r"(?:datetime|date|time)"), N_("Enter a valid date and time.")),
)


def _in_words(message: str, gettext: Callable[[str], str]) -> str:
    """msgspec's reason ("Expected `str` of length >= 10") as a reader would put it."""
    for pattern, words in _RULES:
        found = pattern.search(message)
        if found:
            return gettext(words) % {"n": found.group(1)} if "%(n)s" in words else gettext(words)
    return gettext("This value is not valid.")


class Refusal:
    """What a `refusals` block caught: the errors to show beside the fields, and the status to
    answer with. False while nothing was refused."""

    def __init__(self) -> None:
        self.errors: FormErrors = {}
        self.status_code = 200

    def __bool__(self) -> bool:
        return bool(self.errors)

    def beside(self, fields: Iterable[str] | Mapping[str, str]) -> FormErrors:
        """The errors as a form shows them: each beside the field it concerns, the rest at the
        top ("form"), the first per place. `fields` names the form's fields, or maps the API's
        field to the form's where they differ (`startsAt` typed as `date` and `time`); an
        index is dropped (`languages[1]` goes beside `languages`)."""
        named = fields if isinstance(fields, Mapping) else {name: name for name in fields}
        placed: FormErrors = {}
        for given, problem in self.errors.items():
            placed.setdefault(named.get(_INDEX.sub("", given), "form"), problem)
        return placed

    @property
    def problem(self) -> str:
        """The first problem, for a refused button that has no field to show it beside."""
        return next(iter(self.errors.values()), "")


@contextmanager
def refusals(request: Request[Any, Any, Any]) -> Iterator[Refusal]:
    """Reads a form and runs its command inside; a form that does not fit (400) or a refused
    command (its status) becomes errors to show beside the fields. An unknown id still answers
    404, as it would anywhere else.

        with refusals(request) as refused:
            data = read_form(request, values, SomeStruct)
            service.command(data)
        if refused:
            return render(..., values=keep(values), errors=refused.errors,
                          status_code=refused.status_code)
    """
    refusal = Refusal()
    try:
        yield refusal
    except NotFoundError:
        raise
    except FormInvalidError as invalid:
        refusal.errors, refusal.status_code = invalid.errors, 400
    except IthacaError as refused:
        refusal.errors, refusal.status_code = error_of(request, refused), refused.status_code


def error_of(request: Request[Any, Any, Any], error: IthacaError) -> FormErrors:
    """A domain refusal as form errors: beside its field, or at the top of the form."""
    gettext = translations_for(page_context(request).locale).gettext
    words = gettext(error.template)
    return {error.field or "form": words % error.values if error.values else words}


def keep(values: dict[str, Any], hide: Callable[[str], bool] = lambda name: "password" in name
         ) -> dict[str, Any]:
    """What a re-rendered form shows again: everything but passwords."""
    return {name: value for name, value in values.items() if not hide(name.lower())}
