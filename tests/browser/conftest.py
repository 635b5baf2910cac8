"""Browser tests: the real server (`ithaca serve`, Granian) on a free localhost port, driven by
Playwright in Debian's Chromium (`/usr/bin/chromium`, headless), on both backends.

Tenants answer on `{slug}.ithaca.localhost:{port}`: Chromium resolves every `*.localhost` name
to the loopback address and treats it as a secure context, so the Secure session and CSRF
cookies work over plain http, and each brand is reached by its own host name as in production.
Screenshots of the pages a test visits are saved under `test-artifacts/screenshots/` (CI keeps
them). There is no browser download: a missing Chromium fails the tests, it does not skip them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from infra.bootstrap import bootstrap
from infra.clock import SettableClock
from infra.container import Ithaca
from infra.settings import Settings
from services.actor import Actor
from tenants.domain import Branding
from tests.environment import environment_of
from tests.servers import free_port, start_server

CHROMIUM = os.environ.get("ITHACA_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The flags Chromium needs in a sandboxed, offline CI machine (as root, no network beyond
# loopback): without the background-networking ones it keeps trying to reach Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


class RunningSite:
    """`ithaca serve` in a child process, and an `Ithaca` in the test's process on the same
    storage (to provision tenants and bring read models up to date as an operator would)."""

    def __init__(self, settings: Settings, port: int, ithaca: Ithaca) -> None:
        self.settings, self.port, self.ithaca = settings, port, ithaca

    def url(self, slug: str | None, path: str = "/") -> str:
        host = f"{slug}.{self.settings.base_domain}" if slug else self.settings.base_domain
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def site(settings: Settings, tmp_path: Path) -> Iterator[RunningSite]:
    port = free_port()
    settings = Settings.from_env(
        {}, **{**{field: getattr(settings, field) for field in Settings.__struct_fields__},
               "port": port, "secret_key": "browser-tests-secret", "mail_background": False,
               # Tests provision tenants from their own process and browse at once: the server
               # must look at the platform stream on every request, not within a staleness bound
               # (0.2 s let a request that came within 0.2 s of start-up answer 404).
               "tenant_cache_seconds": 0.0,
               # Read models (recommendations, timelines) kept up to date by the server itself,
               # on PostgreSQL too, as `ithaca projections run` would beside it.
               "projections_in_process": "on", "match_index_refresh_seconds": 0.0})
    environment = {**os.environ, **environment_of(settings), "ITHACA_LOG_FORMAT": "console"}
    server = start_server(environment, tmp_path / "server.log", port=port)
    ithaca = bootstrap(settings, SettableClock())  # the demo's story moves it
    try:
        server.wait_until_ready()
        yield RunningSite(settings, port, ithaca)
    finally:
        server.stop()
        ithaca.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


class People:
    """Browser contexts, one per person (own cookies, language and time zone)."""

    def __init__(self, browser: Browser, test_name: str) -> None:
        self.browser = browser
        self.test_name = test_name
        self.contexts: list[object] = []

    def person(self, *, locale: str = "en-GB", time_zone: str = "Europe/Madrid",
               mobile: bool = False) -> Page:
        context = self.browser.new_context(
            locale=locale, timezone_id=time_zone,
            viewport={"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900},
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def screenshot(self, page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def people(browser: Browser, request: pytest.FixtureRequest) -> Iterator[People]:
    crowd = People(browser, request.node.name.replace("[", "-").replace("]", ""))
    yield crowd
    for context in crowd.contexts:
        context.close()  # type: ignore[attr-defined]


BRANDS = {
    "sqlite": ("acme", Branding(product_name="Acme Mentoring", primary_colour="#1f4e79",
                                accent_colour="#f2a900", support_email="help@acme.example")),
    "postgresql": ("globex", Branding(product_name="Globex Volunteers",
                                      primary_colour="#7a1f5c", accent_colour="#ffd166",
                                      support_email="help@globex.example")),
}
"""A different brand on each backend, so tests that run on both see every page under two."""


class BrandedTenant(NamedTuple):
    slug: str
    branding: Branding
    other_brand: str
    """The other backend's product name, which must never show here."""


def branded_tenant(site: RunningSite) -> BrandedTenant:
    """Provisions this backend's branded tenant (English by default)."""
    backend = "postgresql" if site.settings.database_url.startswith("postgres") else "sqlite"
    slug, branding = BRANDS[backend]
    other = next(brand.product_name for name, brand in BRANDS.values() if name != slug)
    actor = Actor(kind="cli", id="browser-test")
    site.ithaca.registry.provision_tenant(slug=slug, display_name=branding.product_name,
                                          actor=actor, default_locale="en")
    site.ithaca.registry.rebrand_tenant(slug, branding, actor)
    return BrandedTenant(slug, branding, other)


def sign_in(person: Page, site: RunningSite, slug: str, email: str, password: str) -> None:
    person.goto(site.url(slug, "/sign-in"))
    person.locator("#field-email").fill(email)
    person.locator("#field-password").fill(password)
    person.locator("form.stacked button[type=submit]").click()
    person.wait_for_url(lambda url: "/sign-in" not in url)
