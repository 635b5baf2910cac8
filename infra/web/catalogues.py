"""Keeping the gettext catalogues in step with the code (`./dev translations`).

`extract` gathers every message Ithaca can show a person into `messages.pot` (one domain, see
`infra.translations`): the templates and page modules, the mail (`NC_("mail", ...)`), the
taxonomies' names (`N_`), and the refusals. A refusal is raised with its problem in words
(`InvalidInputError("must be 1 to %(most)s characters", field=..., values=...)`) and a page
shows those words beside the field, translated and then filled in, so the error classes are
extraction keywords like gettext's `N_`: every class the code derives from `IthacaError`, found
by reading the source (`refusal_classes`), so a new one is extracted without being listed.

`update` then brings each language's `messages.po` up to date: new messages arrive empty (and a
test fails until they are translated), messages no longer used are dropped, and nothing is
guessed (no fuzzy matching).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from contextlib import chdir
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from infra.translations import LOCALES_DIRECTORY, SOURCE_LOCALE
from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "PROJECT_ROOT",
    "SOURCE_LOCALE",
    "SOURCE_PACKAGES",
    "TEMPLATE",
    "catalogue_path",
    "extract",
    "refusal_classes",
    "source_modules",
    "update",
]

TEMPLATE = LOCALES_DIRECTORY / "messages.pot"
PROJECT_ROOT = LOCALES_DIRECTORY.parents[1]
SOURCE_PACKAGES = ("services", "tenants", "projections", "infra")
MARKERS = ("N_", "NC_:1c,2")
"""`N_(message)` and `NC_(context, message)` (`infra.translations`) mark messages shown later."""


def catalogue_path(locale: str) -> Path:
    return LOCALES_DIRECTORY / locale / "LC_MESSAGES" / "messages.po"


def extract(output: Path = TEMPLATE) -> None:
    _pybabel("extract", "-F", str(LOCALES_DIRECTORY / "babel.cfg"), "-o", str(output),
             *(argument for keyword in (*MARKERS, *sorted(refusal_classes()))
               for argument in ("-k", keyword)),
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


def source_modules() -> Iterator[Path]:
    for package in SOURCE_PACKAGES:
        yield from sorted((PROJECT_ROOT / package).rglob("*.py"))


def refusal_classes() -> frozenset[str]:
    """The names of `IthacaError` and of every class the code derives from it, however far."""
    bases: dict[str, set[str]] = {}
    for module in source_modules():
        for node in ast.walk(ast.parse(module.read_bytes(), str(module))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    base.id if isinstance(base, ast.Name) else ast.unparse(base).rpartition(".")[2]
                    for base in node.bases)
    found = {"IthacaError"}
    while grown := {name for name, parents in bases.items() if parents & found} - found:
        found |= grown
    return frozenset(found)


def _pybabel(*arguments: str) -> None:
    # From the project's root, so the catalogues name files by their path in the repository.
    with chdir(PROJECT_ROOT):
        CommandLineInterface().run([  # type: ignore[no-untyped-call]
            "pybabel", "--quiet", *arguments])


if __name__ == "__main__":
    extract()
    update()
    sys.exit(0)
