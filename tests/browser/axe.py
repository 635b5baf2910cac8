"""axe-core (npm, pinned in package-lock.json; `./dev test` runs `npm ci`) run inside Chromium on
the page as the person sees it. The script is evaluated through the browser's debugging
protocol, which the pages' Content-Security-Policy (no inline script) does not govern."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

from tests.servers import REPO

__all__ = ["SERIOUS", "axe_violations"]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@cache
def _axe_source(path: Path = AXE) -> str:
    if not path.exists():
        msg = f"{path} is missing: run `npm ci` in the repository (./dev test does)"
        raise RuntimeError(msg)
    return path.read_text()


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """The page's violations of these impacts, each as `rule: element, element...`."""
    page.evaluate(_axe_source())
    found: list[list[str]] = page.evaluate(
        """async (impacts) => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.filter(v => impacts.includes(v.impact))
                .map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')]);
        }""", list(impacts))
    return [f"{rule}: {where}" for rule, where in found]
