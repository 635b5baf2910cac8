"""The SMS channel on its own: texts measured in segments, sent through the real Kannel to its
fake SMS centre or through a Twilio-shaped provider, and members' numbers made E.164."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from infra.delivery.sms import (
    KannelGateway,
    SmsEncoding,
    SmsRefusedError,
    SmsUnavailableError,
    TwilioGateway,
    count_segments,
    fit_with_link,
    sms_gateway,
)
from infra.phone import mask_phone, normalise_phone
from infra.settings import Settings, SettingsError
from services.errors import InvalidInputError
from tests.sms import Kannel, ReceivedSms, kannel

__all__ = ["kannel"]

LINK = "https://acme.ithaca.example/r/7Hq2"


def gateway_of(kannel: Kannel, **changes: str) -> KannelGateway:
    settings = Settings.from_env({}, **(kannel.settings() | changes))
    gateway = sms_gateway(settings)
    assert isinstance(gateway, KannelGateway)
    return gateway


# Segments ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Ben accepted your request", (SmsEncoding.GSM7, 1)),
    ("a" * 160, (SmsEncoding.GSM7, 1)),
    ("a" * 161, (SmsEncoding.GSM7, 2)),
    ("a" * 306, (SmsEncoding.GSM7, 2)),
    ("a" * 307, (SmsEncoding.GSM7, 3)),
    ("Café à 10 € chez Björn", (SmsEncoding.GSM7, 1)),     # é à ö are GSM; € an extension
    ("€" * 80, (SmsEncoding.GSM7, 1)),                      # 160 septets
    ("€" * 80 + "x", (SmsEncoding.GSM7, 2)),                # 161: 76 € (152 septets) + 4 € and x
    ("a" * 152 + "€" + "a" * 152, (SmsEncoding.GSM7, 3)),  # 306 septets, but € is not split
    ("ç", (SmsEncoding.UCS2, 1)),                           # only the capital Ç is GSM
    ("مرحبا" * 14, (SmsEncoding.UCS2, 1)),                  # 70 code units
    ("مرحبا" * 14 + "!", (SmsEncoding.UCS2, 2)),
    ("😀" * 35, (SmsEncoding.UCS2, 1)),                     # an emoji is two code units
    ("😀" * 35 + "a", (SmsEncoding.UCS2, 2)),
    ("a" * 66 + "😀" + "a" * 66, (SmsEncoding.UCS2, 3)),    # 134 units, but 😀 is not split
])
def test_a_text_is_counted_in_the_segments_a_phone_receives(
        text: str, expected: tuple[SmsEncoding, int]) -> None:
    assert count_segments(text) == expected


def test_a_short_text_keeps_every_word_and_its_link() -> None:
    assert fit_with_link("Ben accepted your request.", LINK) == f"Ben accepted your request. {LINK}"


def test_a_long_text_is_shortened_at_a_word_and_the_link_stays_whole() -> None:
    text = ("Ben accepted your request for mentoring and suggests meeting next week to talk "
            "about your bakery's plans, the loan you are applying for and the new oven. ") * 3
    fitted = fit_with_link(text, LINK, max_segments=2)
    assert fitted.endswith(f"... {LINK}")
    assert count_segments(fitted) == (SmsEncoding.GSM7, 2)
    words = fitted.removesuffix(f"... {LINK}")
    assert text.startswith(words)
    assert text[len(words)] == " "          # cut between words
    assert len(fitted) > 280                # and no shorter than it had to be


def test_shortening_a_gsm_text_does_not_turn_it_into_ucs2() -> None:
    fitted = fit_with_link("word " * 100, LINK, max_segments=1)
    assert "…" not in fitted
    assert count_segments(fitted) == (SmsEncoding.GSM7, 1)


def test_an_arabic_text_is_shortened_with_an_ellipsis_in_ucs2() -> None:
    text = "قبل بن طلبك للإرشاد ويقترح الاجتماع الأسبوع المقبل للحديث عن خطط المخبز. " * 4
    fitted = fit_with_link(text, LINK, max_segments=2)
    assert fitted.endswith(f"… {LINK}")
    assert count_segments(fitted) == (SmsEncoding.UCS2, 2)


def test_a_link_that_cannot_fit_is_an_error_not_a_cut_link() -> None:
    with pytest.raises(ValueError, match="link"):
        fit_with_link("Hello", "https://example.org/" + "x" * 200, max_segments=1)


# Kannel --------------------------------------------------------------------------------------

def test_a_gsm_text_arrives_at_the_phone_intact(kannel: Kannel) -> None:
    number = unique_number()
    text = "Ben accepted your request: {Monday} 10:00 at Café Björn, 5€ [bring notes]"
    assert gateway_of(kannel).send(number, text) == ""
    assert kannel.received(to=number) == [ReceivedSms(number, text, "Ithaca", 1)]


def test_an_arabic_text_arrives_as_ucs2_intact(kannel: Kannel) -> None:
    number = unique_number()
    text = f"قبل بن طلبك للإرشاد. {LINK}"
    gateway_of(kannel).send(number, text)
    assert kannel.received(to=number) == [ReceivedSms(number, text, "Ithaca", 1)]


@pytest.mark.parametrize("text", [
    "Ben accepted your request for mentoring and suggests meeting next week. " * 3,
    "€" * 80 + " and more",
    "قبل بن طلبك للإرشاد ويقترح الاجتماع الأسبوع المقبل. " * 3,
    "Rendez-vous confirmé 😀 " * 6,
    "a" * 152 + "€" + "a" * 152,
])
def test_a_long_text_arrives_in_the_segments_we_counted(kannel: Kannel, text: str) -> None:
    number = unique_number()
    _, segments = count_segments(text)
    assert segments > 1
    gateway_of(kannel).send(number, text)
    [received] = kannel.received(to=number)
    assert received.text == text
    assert received.segments == segments


def test_wrong_credentials_are_refused_and_no_password_is_shown(
        kannel: Kannel, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = gateway_of(kannel, sms_password="not-the-password")  # noqa: S106
    with pytest.raises(SmsRefusedError, match="403") as refused:
        gateway.send(unique_number(), "Hello")
    assert "not-the-password" not in str(refused.value)
    assert "not-the-password" not in repr(gateway)
    assert "not-the-password" not in caplog.text
    assert kannel.password not in caplog.text


def test_a_number_not_in_e164_is_refused_before_kannel_sees_it(kannel: Kannel) -> None:
    with pytest.raises(SmsRefusedError, match=r"E\.164"):
        gateway_of(kannel).send("+44 7911 123456", "Hello")  # a space: a second recipient


def test_a_gateway_that_is_down_is_unavailable_and_the_retry_gets_through(
        kannel: Kannel) -> None:
    number = unique_number()
    gateway = gateway_of(kannel)
    with kannel.smsbox_stopped(), pytest.raises(SmsUnavailableError, match="cannot be reached"):
        gateway.send(number, "Your meeting starts in one hour")
    gateway.send(number, "Your meeting starts in one hour")
    assert [sms.text for sms in kannel.received(to=number)] == ["Your meeting starts in one hour"]


def test_a_gateway_on_the_wrong_port_is_unavailable(kannel: Kannel) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    gateway = gateway_of(kannel, sms_url=f"http://127.0.0.1:{port}/cgi-bin/sendsms")
    with pytest.raises(SmsUnavailableError):
        gateway.send(unique_number(), "Hello")


def test_a_gateway_that_does_not_answer_in_time_is_unavailable(kannel: Kannel) -> None:
    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/cgi-bin/sendsms"
        gateway = gateway_of(kannel, sms_url=url, sms_timeout="0.3")
        with pytest.raises(SmsUnavailableError, match=r"within 0\.3 s"):
            gateway.send(unique_number(), "Hello")


# Choosing the gateway -------------------------------------------------------------------------

def test_no_provider_means_no_sms() -> None:
    assert sms_gateway(Settings.from_env({})) is None


def test_a_provider_without_what_it_needs_names_the_variables() -> None:
    with pytest.raises(SettingsError, match="ITHACA_SMS_URL, ITHACA_SMS_USERNAME"):
        sms_gateway(Settings.from_env({"ITHACA_SMS_PROVIDER": "kannel"}))
    with pytest.raises(SettingsError, match="ITHACA_SMS_FROM"):
        sms_gateway(Settings.from_env({"ITHACA_SMS_PROVIDER": "twilio",
                                       "ITHACA_SMS_USERNAME": "AC1",
                                       "ITHACA_SMS_PASSWORD": "token"}))


# The Twilio-shaped provider ------------------------------------------------------------------

class TwilioStandIn(ThreadingHTTPServer):
    """Twilio's Messages API as far as Ithaca uses it, on loopback: basic authentication, the
    form, Twilio's answers and error codes (its test number +15005550001 is an invalid 'To')."""

    account_sid = "AC" + "0" * 32
    auth_token = "twilio-test-token"  # noqa: S105 - the stand-in's own

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TwilioHandler)
        self.messages: list[dict[str, str]] = []
        self.down = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _TwilioHandler(BaseHTTPRequestHandler):
    server: TwilioStandIn

    def do_POST(self) -> None:
        twilio = self.server
        if twilio.down:
            self._answer(503, {"code": 20500, "message": "Service unavailable", "status": 503})
            return
        if self.path != f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json":
            self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
            return
        expected = base64.b64encode(f"{twilio.account_sid}:{twilio.auth_token}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = {name: values[0] for name, values in
                parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        to = form.get("To", "")
        if not to or not form.get("From") or not form.get("Body"):
            self._answer(400, {"code": 21604, "message": "A 'To' phone number is required.",
                               "status": 400})
        elif to == "+15005550001":
            self._answer(400, {"code": 21211, "status": 400,
                               "message": f"The 'To' number {to} is not a valid phone number."})
        else:
            twilio.messages.append(form)
            self._answer(201, {"sid": "SM" + secrets.token_hex(16), "to": to,
                               "from": form["From"], "body": form["Body"], "status": "queued",
                               "num_segments": str(count_segments(form["Body"])[1])})

    def _answer(self, status: int, body: dict[str, object]) -> None:
        content = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def twilio() -> Iterator[TwilioStandIn]:
    server = TwilioStandIn()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def twilio_gateway(twilio: TwilioStandIn, token: str = TwilioStandIn.auth_token) -> TwilioGateway:
    gateway = sms_gateway(Settings.from_env(
        {}, sms_provider="twilio", sms_url=twilio.base_url, sms_username=twilio.account_sid,
        sms_password=token, sms_from="+15005550006"))
    assert isinstance(gateway, TwilioGateway)
    return gateway


def test_the_provider_takes_a_message_and_gives_its_id(twilio: TwilioStandIn) -> None:
    message_id = twilio_gateway(twilio).send("+254712345678", f"قبل بن طلبك. {LINK}")
    assert message_id.startswith("SM")
    assert twilio.messages == [{"To": "+254712345678", "From": "+15005550006",
                                "Body": f"قبل بن طلبك. {LINK}"}]


def test_an_invalid_to_number_is_refused_with_the_providers_code(twilio: TwilioStandIn) -> None:
    with pytest.raises(SmsRefusedError, match="21211"):
        twilio_gateway(twilio).send("+15005550001", "Hello")


def test_refused_credentials_never_show_the_token(twilio: TwilioStandIn) -> None:
    gateway = twilio_gateway(twilio, token="wrong-token-value")  # noqa: S106
    with pytest.raises(SmsRefusedError, match="20003") as refused:
        gateway.send("+254712345678", "Hello")
    assert "wrong-token-value" not in str(refused.value)


def test_a_provider_that_is_down_is_unavailable(twilio: TwilioStandIn) -> None:
    twilio.down = True
    with pytest.raises(SmsUnavailableError, match="503"):
        twilio_gateway(twilio).send("+254712345678", "Hello")
    assert twilio.messages == []


# Phone numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "region", "e164"), [
    ("+254 712 345 678", None, "+254712345678"),
    ("0712 345678", "KE", "+254712345678"),
    ("0712 345678", "ke", "+254712345678"),
    ("+44 7911 123456", "KE", "+447911123456"),           # a country code wins over the hint
    ("(202) 555-0143", "US", "+12025550143"),
    ("0812-3456-7890", "ID", "+6281234567890"),
    ("010 0123 4567", "EG", "+201001234567"),
])
def test_a_mobile_number_becomes_e164(typed: str, region: str | None, e164: str) -> None:
    assert normalise_phone(typed, region) == e164


@pytest.mark.parametrize(("typed", "region"), [
    ("0712 345678", None),          # no country code and no region to read it in
    ("12", "KE"),
    ("call me", "KE"),
    ("+44 7700 900123", None),      # the range UK dramas use: never a real number
    ("020 7946 0018", "GB"),        # a London landline cannot receive SMS
])
def test_a_number_that_cannot_receive_sms_is_a_422_naming_the_field(
        typed: str, region: str | None) -> None:
    with pytest.raises(InvalidInputError) as refused:
        normalise_phone(typed, region)
    assert refused.value.status_code == 422
    assert refused.value.field == "phone"
    assert "mobile number" in refused.value.problem


def test_the_field_can_be_named_by_the_caller() -> None:
    with pytest.raises(InvalidInputError) as refused:
        normalise_phone("12", "KE", field="mobile")
    assert refused.value.field == "mobile"


def test_a_number_is_shown_masked_with_its_country_and_last_two_digits() -> None:
    assert mask_phone("+447911123489") == "+44 •••• ••89"
    assert mask_phone("+254712345678") == "+254 •••• ••78"


_numbers = iter(range(100_000))


def unique_number() -> str:
    """A Kenyan mobile number no other test in this session sends to."""
    return f"+2547{next(_numbers) + 12_300_000:08d}"
