"""Rendering a page: the Jinja environment, and what every template knows about its reader.

Every page is rendered by `render(request, template, **context)`. Besides the handler's own
values a template gets `page` (`PageContext`: the tenant and its brand, the signed-in member
and their unread notifications, their locale, text direction and formatter, and `url()` for
links that keep the `/t/{slug}` prefix the request came in by), `csrf_input` (the hidden field
every form carries) and `_`/`gettext`/`ngettext`, which translate into the reader's language.

An HTMX request (header `HX-Request`) for a page that has a `fragment` gets only that partial
template, so a list or a form can be swapped in place; the same handler serves both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from infra.web.i18n import Formatter, translations_for
from infra.web.pages.role_names import ROLE_NAMES
from infra.web.pages.static import static_url
from services.accounts.application import Caller
from services.accounts.domain import Role
from tenants.directory import TenantRecord

__all__ = [
    "TEMPLATES_DIRECTORY",
    "FormErrors",
    "PageContext",
    "page_context",
    "render",
    "template_config",
]

TEMPLATES_DIRECTORY = Path(__file__).parent.parent / "templates"

FormErrors = dict[str, str]
"""Field name (as in the form and the JSON API) -> what is wrong with it, in the reader's
language."""


@dataclass(frozen=True)
class PageContext:
    """Who reads the page and under which brand."""

    tenant: TenantRecord | None
    caller: Caller | None
    locale: str
    format: Formatter
    base: str = ""
    """The path prefix the request came in by (`/t/acme`), kept by every link."""
    operator: str | None = None
    """The platform operator signed in to the platform's pages."""
    unread_notifications: int = 0
    """The signed-in member's unread lines in their notification centre (the header's count)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        return self.format.direction

    @property
    def product_name(self) -> str:
        return self.tenant.branding.product_name if self.tenant else "Ithaca"

    def url(self, path: str) -> str:
        return self.base + path

    def has_role(self, *roles: str) -> bool:
        return self.caller is not None and self.caller.has(*(Role(role) for role in roles))

    def role_name(self, role: str) -> str:
        """A role in words in the reader's language ("Programme admin", never the code)."""
        return self.gettext(ROLE_NAMES[Role(role)])

    def gettext(self, message: str) -> str:
        """A message in the reader's language, for words a handler puts on the page."""
        return translations_for(self.locale).gettext(message)


def page_context(request: Request[Any, Any, Any]) -> PageContext:
    """Set on `request.state.page` by the pages' guard (`infra.web.pages.guard`)."""
    context: PageContext = request.state.page
    return context


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    name = fragment if fragment and request.headers.get("hx-request") else template
    return Template(template_name=name, context={"page": page_context(request), **context},
                    status_code=status_code)


@pass_context
def _gettext(context: Context, message: str) -> str:
    page: PageContext = context["page"]
    return page.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    page: PageContext = context["page"]
    return translations_for(page.locale).ngettext(singular, plural, count)


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIRECTORY),
        autoescape=select_autoescape(["html", "svg", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True)
    environment.globals["static_url"] = static_url
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment()))
