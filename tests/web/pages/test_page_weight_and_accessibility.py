"""Pages for slow connections and for everyone: small once compressed, one small script, and
the basics of accessibility (a language, labelled fields, alternative text, one main region, a
skip link first in a focus order that follows the page). Contrast of brand colours is checked
in the browser (tests/browser/test_public_pages.py)."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

import pytest

from infra.web.pages.static import STATIC_DIRECTORY, static_url
from tests.web.pages.conftest import TenantPages

PAGE_BUDGET_BYTES = 25_000
"""Compressed HTML of one page, as sent over the wire."""
SCRIPT_BUDGET_BYTES = 20_000
"""Compressed script of one page: htmx, nothing else."""
FIELDS = ("input", "select", "textarea")
PUBLIC_PAGES = ("", "/", "/sign-in", "/sign-up", "/forgot-password")


class _Outline(HTMLParser):
    """What the checks need from a page: its language, fields, labels, images and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.language = ""
        self.label_targets: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.images_without_alt: list[str] = []
        self.scripts: list[str] = []
        self.inline_scripts = 0
        self.mains = 0
        self.focusable: list[str] = []
        """Links and controls in document order, which is the focus order: no positive
        tabindex reorders it."""
        self.positive_tabindex = 0
        self._labels_open = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if int(found.get("tabindex") or 0) > 0:
            self.positive_tabindex += 1
        if (tag == "a" and found.get("href")) or (
                tag in (*FIELDS, "button") and found.get("type") != "hidden"):
            self.focusable.append(f"{tag} {found.get('href') or found.get('name') or ''}")
        if tag == "html":
            self.language = found.get("lang") or ""
        elif tag == "label":
            self._labels_open += 1
            if found.get("for"):
                self.label_targets.add(str(found["for"]))
        elif tag in FIELDS and found.get("type") not in ("hidden", "submit"):
            self.fields.append({**found, "wrapped": "yes" if self._labels_open else None})
        elif tag == "img" and "alt" not in found:
            self.images_without_alt.append(str(found.get("src")))
        elif tag == "script":
            if found.get("src"):
                self.scripts.append(str(found["src"]))
            else:
                self.inline_scripts += 1
        elif tag == "main":
            self.mains += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels_open -= 1

    def unlabelled(self) -> list[str]:
        return [str(field.get("name")) for field in self.fields
                if not field["wrapped"] and field.get("id") not in self.label_targets
                and not field.get("aria-label")]


@pytest.mark.parametrize("path", ["/", "/onboarding/profile", "/mentors", "/my-requests",
                                  "/relationships", "/profile", "/sign-in"])
def test_an_entrepreneurs_pages_are_small_labelled_and_script_free(
    acme_pages: TenantPages, path: str,
) -> None:
    ana = acme_pages.member("Ana Ruiz", roles=["entrepreneur"], locale="es")
    response = ana.get(path, headers={"accept-encoding": "gzip"}, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded < PAGE_BUDGET_BYTES

    outline = _Outline()
    outline.feed(response.text)
    assert outline.language == "es"
    assert outline.mains == 1
    # Focus starts at the link that skips to the content, and follows the reading order.
    assert outline.focusable[0] == "a #main"
    assert outline.positive_tabindex == 0
    assert outline.unlabelled() == []
    assert outline.images_without_alt == []
    assert outline.inline_scripts == 0
    if response.url.path.removeprefix("/t/acme") in PUBLIC_PAGES:  # nothing swapped: no htmx
        assert outline.scripts == []
        return
    assert outline.scripts == [static_url("htmx-2.0.11.min.js")]

    script = ana.client.get(outline.scripts[0], headers={"accept-encoding": "gzip"})
    assert script.status_code == 200
    assert script.num_bytes_downloaded < SCRIPT_BUDGET_BYTES


def test_the_landing_page_loads_no_script_and_static_files_are_kept_until_they_change(
    acme_pages: TenantPages,
) -> None:
    visitor = acme_pages.visitor()
    landing = visitor.get("/")
    assert landing.status_code == 200
    outline = _Outline()
    outline.feed(landing.text)
    assert outline.scripts == []
    style = static_url("ithaca.css")
    assert f'href="{style}"' in landing.text  # its address names its content
    digest = hashlib.sha256((STATIC_DIRECTORY / "ithaca.css").read_bytes()).hexdigest()[:12]
    assert style == f"/static/ithaca.css?v={digest}"
    answer = visitor.client.get(style)
    assert answer.status_code == 200
    cache = answer.headers["cache-control"]
    assert "max-age=31536000" in cache
    assert "immutable" in cache
