"""The gettext catalogues: every message the pages can show is in the template, and every
interface language translates all of it, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from infra.web.catalogues import SOURCE_LOCALE, TEMPLATE, catalogue_path, extract
from tenants.domain import INTERFACE_LOCALES

TRANSLATED = [locale for locale in INTERFACE_LOCALES if locale != SOURCE_LOCALE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _ids(catalogue: Catalog) -> set[str]:
    return {message.id if isinstance(message.id, str) else message.id[0]
            for message in catalogue if message.id}


def test_the_template_holds_every_message_the_code_shows(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    extract(fresh)
    extracted, committed = _ids(_read(fresh)), _ids(_read(TEMPLATE))
    assert sorted(extracted - committed) == [], "new messages: run ./dev translations"
    assert sorted(committed - extracted) == [], "messages gone: run ./dev translations"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_language_translates_every_message(locale: str) -> None:
    catalogue = _read(catalogue_path(locale), locale)
    assert _ids(catalogue) >= _ids(_read(TEMPLATE)), "run ./dev translations"
    untranslated = [message.id for message in catalogue if message.id and (
        message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                 else (message.string,)))]
    assert untranslated == [], f"{len(untranslated)} messages untranslated in {locale}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_the_placeholders(locale: str) -> None:
    catalogue = _read(catalogue_path(locale), locale)
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, str):
            used = set(PLACEHOLDER.findall(str(message.string)))
            if set(PLACEHOLDER.findall(message.id)) != used:
                wrong.append(message.id)
        else:
            # A plural form may spell its number out ("one message"), so each form uses only
            # placeholders of the English plural.
            allowed = set(PLACEHOLDER.findall(message.id[1]))
            if any(not set(PLACEHOLDER.findall(form)) <= allowed for form in message.string or ()):
                wrong.append(message.id[0])
    assert wrong == []
    assert [str(error) for _, errors in catalogue.check() for error in errors] == []
