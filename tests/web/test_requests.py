"""Every request gets an id that ties its response, its log lines and its events together; every
failure answers in the one error shape."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import structlog
from litestar import get
from structlog.testing import capture_logs

from infra.app import create_app
from infra.logging import get_logger
from infra.settings import Settings
from tests.web import PLATFORM_API, serving

_CONTEXT = [structlog.contextvars.merge_contextvars]


@get("/test/speak", sync_to_thread=True)
def speak() -> str:
    get_logger("test").info("spoken inside the handler's worker thread")
    return "ok"


@get("/test/boom", sync_to_thread=True)
def boom() -> None:
    msg = "connection to db-7.internal failed: password=hunter2"
    raise RuntimeError(msg)


def test_the_request_id_is_echoed_and_taken_from_the_caller_when_it_looks_like_one(
    settings: Settings,
) -> None:
    with serving(settings) as served:
        fresh = served.client.get("/healthz").headers["X-Request-ID"]
        assert len(fresh) == 32
        assert served.client.get("/healthz").headers["X-Request-ID"] != fresh

        given = served.client.get("/healthz", headers={"X-Request-ID": "lb-4f1c.77:2"})
        assert given.headers["X-Request-ID"] == "lb-4f1c.77:2"
        for insane in ("a b", "x" * 200, "<script>"):
            answer = served.client.get("/healthz", headers={"X-Request-ID": insane})
            assert answer.headers["X-Request-ID"] != insane

        # Requests that match no route are answered by the error mapper and get an id too.
        lost = served.client.get("/no/such/page")
        assert lost.status_code == 404
        assert len(lost.headers["X-Request-ID"]) == 32
        assert lost.json() == {"error": {
            "status": 404, "problem": "nothing here: no route for GET /no/such/page",
            "field": "path",
        }}


def test_every_log_line_of_a_request_carries_its_id_tenant_and_user(settings: Settings) -> None:
    app = create_app(settings)
    app.register(speak)
    with serving(settings, app) as served:
        operator = served.operator("olga")
        served.provision(operator, "acme")
        with capture_logs(processors=_CONTEXT) as lines:
            served.client.get("/test/speak", headers={"X-Request-ID": "req-speak"})
            served.client.get(f"{PLATFORM_API}/tenants",
                              headers={**operator, "X-Request-ID": "req-platform"})
            served.client.get("/api/v1/tenant",
                              headers={"Host": "acme.ithaca.localhost", "X-Request-ID": "req-t"})
            served.client.get("/no/such/page", headers={"X-Request-ID": "req-lost"})

    def lines_of(request_id: str) -> list[MutableMapping[str, Any]]:
        return [line for line in lines if line.get("request_id") == request_id]

    spoken, access = lines_of("req-speak")
    assert spoken["event"] == "spoken inside the handler's worker thread"
    assert (spoken["tenant"], spoken["user"]) == (None, None)
    assert {key: access[key] for key in ("event", "method", "path", "status")} == {
        "event": "request", "method": "GET", "path": "/test/speak", "status": 200,
    }
    assert isinstance(access["duration_ms"], float)

    [platform] = lines_of("req-platform")
    assert (platform["user"], platform["route"]) == ("operator:olga", "/platform/api/v1/tenants")
    [tenant] = lines_of("req-t")
    assert (tenant["tenant"], tenant["status"]) == ("acme", 200)
    [lost] = lines_of("req-lost")
    assert (lost["status"], lost["path"]) == (404, "/no/such/page")
    # Nothing leaks from one request's context into the next.
    assert all(line.get("request_id") for line in lines if line["event"] == "request")


def test_an_unexpected_error_is_a_500_that_tells_nothing_and_is_logged_with_its_traceback(
    settings: Settings,
) -> None:
    app = create_app(settings)
    app.register(boom)
    with serving(settings, app) as served:
        with capture_logs(processors=_CONTEXT) as lines:
            answer = served.client.get("/test/boom", headers={"X-Request-ID": "req-boom"})
        page = served.client.get("/test/boom", headers={"accept": "text/html"})
    # A browser gets the friendly error page instead, which tells nothing more.
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in page.text
    assert "<main" in page.text
    assert "hunter2" not in page.text
    assert answer.status_code == 500
    assert answer.json() == {"error": {
        "status": 500, "problem": "something went wrong on our side; it has been logged",
        "field": None,
    }}
    assert "hunter2" not in answer.text
    assert "db-7" not in answer.text
    [error] = [line for line in lines if line["event"] == "unhandled error"]
    assert error["request_id"] == "req-boom"
    assert isinstance(error["exc_info"], RuntimeError)
    assert error["log_level"] == "error"


def test_a_browser_gets_error_pages_in_html_in_its_own_words(settings: Settings) -> None:
    with serving(settings) as served:
        page = served.client.get("/no/<such>", headers={"Accept": "text/html,*/*;q=0.8"})
        spanish = served.client.get("/no/such", headers={
            "Accept": "text/html,*/*;q=0.8", "Accept-Language": "es"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in page.text
    assert "no route" not in page.text  # the framework's words are for API clients
    assert "<such>" not in page.text
    assert spanish.status_code == 404
    assert "no route" not in spanish.text
    assert "There is no page" not in spanish.text  # in Spanish
