"""The gettext catalogues: every message Ithaca can show a person (pages, refusals, mail and the
taxonomies' names) is in the template, and every interface language translates all of it, with
the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from infra.web.catalogues import (
    PROJECT_ROOT,
    SOURCE_LOCALE,
    TEMPLATE,
    catalogue_path,
    extract,
    refusal_classes,
    source_modules,
)
from services.taxonomy import EXPERTISE, INDUSTRIES, STAGES
from tenants.domain import INTERFACE_LOCALES

TRANSLATED = [locale for locale in INTERFACE_LOCALES if locale != SOURCE_LOCALE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
NOT_SENTENCES = {
    ("DuplicateCommandError", "claim.marker_id"),  # its sentence is fixed in its constructor
    ("MalformedRequestError", "str(error)"),  # the JSON decoder's own words, for the API only
}


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


def test_mail_and_the_taxonomies_names_are_in_the_catalogues() -> None:
    # Not dicts of words by locale beside the code: the mail's words in the context "mail",
    # the stages', industries' and expertise areas' names in the context "taxonomy".
    catalogue = _read(TEMPLATE)
    template = {(message.context, message.id) for message in catalogue if message.id}
    names = [*STAGES.values(), *INDUSTRIES.values(), *EXPERTISE.values()]
    assert [name for name in names if ("taxonomy", name) not in template] == []
    mail_sources = {path for message in catalogue if message.context == "mail"
                    for path, _ in message.locations}
    assert mail_sources >= {
        "services/accounts/notifications.py", "services/mentoring/notifications.py",
        "infra/mail/message.py", "infra/delivery/digests.py",
    }


def test_no_refusal_is_built_from_its_values() -> None:
    # A refusal's sentence is one literal naming its values with %(name)s, so the extractor
    # finds it and a page shows it translated; an f-string is in no catalogue.
    classes, built = refusal_classes(), []
    for module in source_modules():
        for node in ast.walk(ast.parse(module.read_bytes(), str(module))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            called = ast.unparse(node.func).rpartition(".")[2]
            sentence = node.args[0]
            if (called in classes and not (isinstance(sentence, ast.Constant)
                                           and isinstance(sentence.value, str))
                    and (called, ast.unparse(sentence)) not in NOT_SENTENCES):
                built.append(f"{module.relative_to(PROJECT_ROOT)}:{node.lineno} {called}")
    assert built == []
