"""A request that cannot be read is the client's mistake: a 400 naming what could not be read,
never a 500 with a traceback in the log."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from tests.tenant_api import TenantApi

SIGN_UP = "/api/v1/accounts"
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(("body", "problem"), [
    (b"[" * 1000 + b"]" * 1000, "JSON is malformed: arrays and objects are nested too deeply"),
    (b'{"a":' * 1000 + b"1" + b"}" * 1000,
     "JSON is malformed: arrays and objects are nested too deeply"),
    (b'{"email": "ana\xff\xfe@example.org", "name": "Ana"}',
     "JSON is malformed: the body is not UTF-8"),
    (b"{email", "JSON is malformed: object keys must be strings (byte 1)"),
])
def test_a_body_that_is_not_json_is_refused_naming_the_body(
    acme: TenantApi, body: bytes, problem: str,
) -> None:
    with capture_logs() as lines:
        answer = acme.post(SIGN_UP, content=body, headers=JSON)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": {"status": 400, "problem": problem, "field": "body"}}
    assert "unhandled error" not in [line["event"] for line in lines]


def test_a_static_path_with_a_nul_byte_is_refused_naming_the_path(acme: TenantApi) -> None:
    client = acme.client
    with capture_logs() as lines:
        answers = [client.get("/static/%00"), client.get("/static/app.css%00.png")]
        page = client.get("/static/%00", headers={"Accept": "text/html"})
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert answer.json() == {"error": {
            "status": 400, "problem": "a path may not hold a NUL byte (%00)", "field": "path"}}
    assert page.status_code == 400
    assert "a path may not hold a NUL byte" in page.text
    assert "unhandled error" not in [line["event"] for line in lines]
    assert client.get("/static/no-such-file.css").status_code == 404
