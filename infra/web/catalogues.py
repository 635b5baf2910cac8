"""Keeping the pages' gettext catalogues in step with the code (`./dev translations`).

`extract` gathers every message the pages can show into `messages.pot`: the templates, the page
modules, and the domain's refusals. A refusal is raised with its problem in words
(`InvalidInputError("must be 1 to %(most)s characters", field=..., values=...)`) and a page
shows those words beside the field, translated and then filled in, so the error classes are
extraction keywords like gettext's `N_`.

`update` then brings each language's `messages.po` up to date: new messages arrive empty (and a
test fails until they are translated), messages no longer used are dropped, and nothing is
guessed (no fuzzy matching).
"""

from __future__ import annotations

import sys
from contextlib import chdir
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from infra.web.i18n import LOCALES_DIRECTORY
from tenants.domain import INTERFACE_LOCALES

__all__ = ["SOURCE_LOCALE", "TEMPLATE", "catalogue_path", "extract", "update"]

SOURCE_LOCALE = "en"
TEMPLATE = LOCALES_DIRECTORY / "messages.pot"
PROJECT_ROOT = LOCALES_DIRECTORY.parents[2]
KEYWORDS = ("N_", "IthacaError", "InvalidInputError", "NotFoundError", "ConflictError",
            "ForbiddenError", "NotSignedInError", "TooManyAttemptsError", "NotCaughtUpError",
            "PersonalDataErasedError", "PositionBeyondHeadError", "WaitLimitError",
            "TenantWaitLimitError", "DomainProofUnavailableError")


def catalogue_path(locale: str) -> Path:
    return LOCALES_DIRECTORY / locale / "LC_MESSAGES" / "messages.po"


def extract(output: Path = TEMPLATE) -> None:
    _pybabel("extract", "-F", str(LOCALES_DIRECTORY / "babel.cfg"), "-o", str(output),
             *(argument for keyword in KEYWORDS for argument in ("-k", keyword)),
             "--add-location=file", "--sort-by-file", "--no-wrap", "--project=Ithaca",
             "--copyright-holder=Ithaca's authors", "--add-comments=Translators:",
             ".")


def update() -> None:
    for locale in INTERFACE_LOCALES:
        if locale == SOURCE_LOCALE:
            continue
        catalogue = catalogue_path(locale)
        if catalogue.exists():
            _pybabel("update", "-i", str(TEMPLATE), "-o", str(catalogue), "-l", locale,
                     "--no-fuzzy-matching", "--ignore-obsolete", "--no-wrap")
        else:
            _pybabel("init", "-i", str(TEMPLATE), "-o", str(catalogue), "-l", locale,
                     "--no-wrap")


def _pybabel(*arguments: str) -> None:
    # From the project's root, so the catalogues name files by their path in the repository.
    with chdir(PROJECT_ROOT):
        CommandLineInterface().run([  # type: ignore[no-untyped-call]
            "pybabel", "--quiet", *arguments])


if __name__ == "__main__":
    extract()
    update()
    sys.exit(0)
