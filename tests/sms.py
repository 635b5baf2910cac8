"""A real Kannel on loopback for the tests of the SMS channel: Debian's `kannel` (bearerbox, the
core, and smsbox, whose HTTP `sendsms` interface Ithaca calls) and `kannel-extras`' fakesmsc, a
fake SMS centre that connects to bearerbox's `smsc = fake` port and prints every message it is
given: what the "phone" got. Missing Kannel fails the tests that need it; they never skip
(`.ci/run` and `./dev test` install it).

fakesmsc prints one line per message it receives, `<sender receiver kind data>`: `text` (the
text itself), `data` (URL-encoded bytes), `ucs-2` (URL-encoded UTF-16BE), or `udh` for one
segment of a concatenated SMS (`udh <header> data <bytes>`, the header naming the message and
the segment's place). `received` puts segments back together as a phone does. Its line protocol
cannot carry a newline inside a text.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote_to_bytes

import httpx
import pytest

__all__ = ["Kannel", "ReceivedSms", "kannel"]

FAKESMSC = "/usr/lib/kannel/test/fakesmsc"  # kannel-extras installs it off PATH
_GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$")


class ReceivedSms(NamedTuple):
    """One SMS as the fake SMS centre got it, its segments put back together."""

    to: str
    text: str
    sender: str
    segments: int


class Kannel:
    """bearerbox, smsbox and fakesmsc on free loopback ports, with one `sendsms-user`."""

    username = "ithaca"
    password = "kannel-test-secret"  # noqa: S105 - the test Kannel's own

    def __init__(self, directory: Path) -> None:
        self._bearerbox = _executable("bearerbox")
        self._smsbox = _executable("smsbox")
        if not Path(FAKESMSC).is_file():
            pytest.fail("fakesmsc is missing: apt-get install -y kannel-extras (.ci/run does)")
        self._directory = directory
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for _ in range(5):  # a free port can be taken between the probe and Kannel's bind
                self.admin_port, self.smsbox_port, self.smsc_port, self.sendsms_port = (
                    _free_ports(4))
                if self._start():
                    return
                self.stop()
            pytest.fail(f"Kannel did not start: {self._logs()}")
        except BaseException:
            self.stop()  # nothing of a failed start outlives the test session
            raise

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def settings(self) -> dict[str, str]:
        """The Settings fields that send through this Kannel, for `msgspec.structs.replace` or
        `Settings.from_env({}, **kannel.settings())`."""
        return {"sms_provider": "kannel", "sms_url": self.sendsms_url,
                "sms_username": self.username, "sms_password": self.password,
                "sms_from": "Ithaca"}

    def received(self, timeout: float = 10.0, *, to: str | None = None,
                 count: int = 1) -> list[ReceivedSms]:
        """Every whole SMS the fake SMS centre got (for `to` only, when given), once there are
        `count`, or whatever there is after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            messages = [message for message in self._read_centre()
                        if to is None or message.to == to]
            if len(messages) >= count or time.monotonic() > deadline:
                return messages
            time.sleep(0.05)

    @contextmanager
    def smsbox_stopped(self) -> Iterator[None]:
        """smsbox, which answers `sendsms`, is down for the block and back after it."""
        self._stop_process("smsbox")
        try:
            yield
        finally:
            self._start_smsbox()
            self._wait_for_sendsms()

    def stop(self) -> None:
        for name in ("smsbox", "fakesmsc", "bearerbox"):
            self._stop_process(name)

    def _start(self) -> bool:
        config = self._directory / "kannel.conf"
        config.write_text(self._configuration(), encoding="ascii")
        self._spawn("bearerbox", [self._bearerbox, "-v", "1", str(config)])
        if not self._port_answers(self.smsc_port, "bearerbox"):
            return False
        self._spawn("fakesmsc", [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port),
                                 "-m", "0", "0 0 text nothing"])
        self._start_smsbox()
        if not self._port_answers(self.sendsms_port, "smsbox"):
            return False
        self._wait_for_sendsms()
        self._wait_for_the_centre()
        return True

    def _start_smsbox(self) -> None:
        self._spawn("smsbox", [self._smsbox, "-v", "1", str(self._directory / "kannel.conf")])

    def _configuration(self) -> str:
        log = self._directory
        return f"""\
group = core
admin-port = {self.admin_port}
admin-interface = 127.0.0.1
admin-password = admin-test-secret
smsbox-port = {self.smsbox_port}
box-allow-ip = 127.0.0.1
log-file = "{log / "bearerbox.log"}"
log-level = 1

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{log / "smsbox.log"}"
log-level = 1

group = sendsms-user
username = {self.username}
password = {self.password}
default-sender = Ithaca
max-messages = 10
concatenation = true
"""

    def _spawn(self, name: str, command: list[str]) -> None:
        output = (self._directory / f"{name}.out").open("ab")
        self._processes[name] = subprocess.Popen(  # noqa: S603 - our own command line
            command, stdout=output, stderr=subprocess.STDOUT, cwd=self._directory)

    def _stop_process(self, name: str) -> None:
        process = self._processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def _port_answers(self, port: int, name: str) -> bool:
        """Waits until `port` takes connections; False when `name` exited (a port was taken)."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._processes[name].poll() is not None:
                return False
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return True
            time.sleep(0.05)
        pytest.fail(f"Kannel's {name} did not listen on {port}: {self._logs()}")

    def _wait_for_sendsms(self) -> None:
        """smsbox listens before it is connected to bearerbox; wait until it answers."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                # No user: smsbox answers 403 once it serves requests.
                if httpx.get(self.sendsms_url, timeout=1).status_code == 403:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(f"smsbox did not answer sendsms: {self._logs()}")

    def _wait_for_the_centre(self) -> None:
        """bearerbox queues messages until fakesmsc is connected; wait for it to say so."""
        status = f"http://127.0.0.1:{self.admin_port}/status.txt"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(status, params={"password": "admin-test-secret"}, timeout=1)
                if "online" in answer.text:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(f"fakesmsc did not connect to bearerbox: {self._logs()}")

    def _read_centre(self) -> list[ReceivedSms]:
        whole: list[ReceivedSms] = []
        parts: dict[tuple[str, str, int], dict[int, bytes]] = {}
        path = self._directory / "fakesmsc.out"
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            got = _GOT.search(line)
            if got is None:
                continue
            sender, to, kind, data = got.groups()
            if kind == "text":
                whole.append(ReceivedSms(to, data, sender, 1))
            elif kind == "data":
                whole.append(ReceivedSms(to, _decoded(_unquoted(data)), sender, 1))
            elif kind == "ucs-2":
                whole.append(ReceivedSms(to, _unquoted(data).decode("utf-16-be"), sender, 1))
            elif kind == "udh":
                header, _, body = data.partition(" data ")
                reference, total, place = _concatenation(_unquoted(header))
                segments = parts.setdefault((sender, to, reference), {})
                segments[place] = _unquoted(body)
                if len(segments) == total:
                    text = _decoded(b"".join(segments[index] for index in sorted(segments)))
                    whole.append(ReceivedSms(to, text, sender, total))
                    del parts[(sender, to, reference)]
        return whole

    def _logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
                         for path in sorted(self._directory.glob("*.out")))


def _executable(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(f"{name} is missing: apt-get install -y kannel kannel-extras (.ci/run does)")
    return found


def _unquoted(data: str) -> bytes:
    return unquote_to_bytes(data.replace("+", " "))


def _decoded(data: bytes) -> str:
    """Concatenated segments' bytes, whose coding fakesmsc's line does not name: Kannel hands
    GSM-7 text over as UTF-8 and UCS-2 as UTF-16BE, whose high bytes are control characters
    (Latin, Arabic, Cyrillic, Devanagari) or not UTF-8 at all (CJK)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-16-be")
    if any(ord(character) < 0x20 and character not in "\r\n" for character in text):
        return data.decode("utf-16-be")
    return text


def _concatenation(header: bytes) -> tuple[int, int, int]:
    """(reference, total, place) from a user data header's concatenation element: 0x00 with an
    8-bit reference or 0x08 with a 16-bit one."""
    index = 1  # past the header's length
    while index < len(header):
        element, length = header[index], header[index + 1]
        value = header[index + 2:index + 2 + length]
        if element == 0x00:
            return value[0], value[1], value[2]
        if element == 0x08:
            return int.from_bytes(value[:2], "big"), value[2], value[3]
        index += 2 + length
    raise AssertionError(f"no concatenation in the user data header {header.hex()}")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for each in sockets:
            each.bind(("127.0.0.1", 0))
        return [each.getsockname()[1] for each in sockets]
    finally:
        for each in sockets:
            each.close()


@pytest.fixture(scope="session")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    """One Kannel and fake SMS centre per test session (per xdist worker)."""
    gateway = Kannel(tmp_path_factory.mktemp("kannel"))
    try:
        yield gateway
    finally:
        gateway.stop()
