"""Everything Ithaca says to a person, in their language: one set of gettext catalogues.

The pages, the refusals (`IthacaError` sentences), the mail and the taxonomies' names are all
messages of one gettext domain, `infra/locales/<locale>/LC_MESSAGES/messages.po`, English being
the source language. One domain, because one translator keeps one file in step and a word reads
the same on a page and in a refusal; where the same English must read differently, the message
has a context: mail's words are in the context "mail" (`NC_("mail", ...)`), so a mail's button
keeps its own wording beside the page's. The catalogues are compiled in memory when first read,
so there is no build step and no binary file in the repository; `./dev translations`
(`infra.web.catalogues`) extracts the messages and `tests/web/test_translations.py` checks that
every language translates each of them with the same `%(name)s` placeholders.

This module is the lookup both sides share: the write side (mail, taxonomies) reads it without
knowing the web layer, and the pages read it through `infra.web.i18n`.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "LOCALES_DIRECTORY",
    "NC_",
    "N_",
    "SOURCE_LOCALE",
    "interface_locale",
    "translated",
    "translations_for",
]

LOCALES_DIRECTORY = Path(__file__).parent / "locales"
SOURCE_LOCALE = "en"


def N_(message: str) -> str:  # noqa: N802 - the name gettext's extractor looks for
    """Marks a message for the catalogues where it is written; it is translated where shown."""
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802 - the name the extractor looks for
    """`N_` for a message of a context: translate it with `pgettext(context, message)`."""
    return message


def interface_locale(locale: str) -> str:
    """The locale itself when Ithaca speaks it, else the source language."""
    return locale if locale in INTERFACE_LOCALES else SOURCE_LOCALE


def translated(locale: str, context: str, message: str) -> str:
    """A message of a context (`NC_`) in the locale's words (English where Ithaca does not speak
    the locale, or the catalogue lacks the message)."""
    return str(translations_for(interface_locale(locale)).pgettext(context, message))


@cache
def translations_for(locale: str) -> NullTranslations:
    """The compiled catalogue of an interface language (English is the source language)."""
    path = LOCALES_DIRECTORY / locale / "LC_MESSAGES" / "messages.po"
    if locale not in INTERFACE_LOCALES or not path.exists():
        return NullTranslations()
    with path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)
