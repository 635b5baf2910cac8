"""A real DNS server on loopback for the tests of custom domains' proof of control: Debian's
dnsmasq (`apt-get install dnsmasq-base`), answering only what a test publishes. Missing dnsmasq
fails the tests that need it; they never skip (`.ci/run` installs it)."""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.exception
import dns.resolver
import pytest

from tests.web import PLATFORM_API, Served

__all__ = ["DnsServer", "attach_with_proof", "dns_server", "quiet_resolver"]


class DnsServer:
    """dnsmasq on 127.0.0.1 and a free port, authoritative for every name: a TXT record it was
    given answers, anything else is NXDOMAIN. `publish` restarts it with one more record
    (dnsmasq reads TXT records only at start)."""

    def __init__(self, directory: Path) -> None:
        executable = shutil.which("dnsmasq") or shutil.which("dnsmasq", path="/usr/sbin:/sbin")
        if executable is None:
            pytest.fail("dnsmasq is missing: apt-get install -y dnsmasq-base (.ci/run does)")
        self._executable = executable
        self._config = directory / "dnsmasq.conf"
        self._log = directory / "dnsmasq.log"
        self._records: list[tuple[str, str]] = []
        self._process: subprocess.Popen[bytes] | None = None
        for _ in range(10):  # a free port can be taken between the probe and dnsmasq's bind
            self.port = _free_port()
            if self._start():
                return
        pytest.fail(f"dnsmasq did not start: {self._log.read_text()}")

    @property
    def address(self) -> str:
        """What ITHACA_DNS_RESOLVER takes."""
        return f"127.0.0.1:{self.port}"

    def publish(self, name: str, value: str) -> None:
        self._records.append((name, value))
        self.stop()
        for _ in range(50):  # the port was ours a moment ago; wait until the kernel lets it go
            if self._start():
                return
            time.sleep(0.1)
        pytest.fail(f"dnsmasq did not start again: {self._log.read_text()}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def _start(self) -> bool:
        lines = ["local=/#/"] + [f'txt-record={name},"{value}"' for name, value in self._records]
        self._config.write_text("\n".join(lines) + "\n", encoding="ascii")
        self._process = subprocess.Popen(  # noqa: S603 - our own command line
            [self._executable, "--keep-in-foreground", "--no-resolv", "--no-hosts",
             "--bind-interfaces", "--listen-address=127.0.0.1", f"--port={self.port}",
             "--pid-file=", f"--user={getpass.getuser()}", f"--conf-file={self._config}",
             "--log-facility=-"],
            stdout=self._log.open("ab"), stderr=subprocess.STDOUT,
        )
        return self._answering()

    def _answering(self) -> bool:
        """Waits until dnsmasq answers; False when it exited (its port was taken)."""
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers, resolver.port, resolver.lifetime = ["127.0.0.1"], self.port, 0.5
        deadline = time.monotonic() + 10
        while True:
            try:
                resolver.resolve("ready.invalid", "TXT")
            except dns.resolver.NXDOMAIN:
                return True
            except dns.exception.DNSException:
                assert self._process is not None
                if self._process.poll() is not None:
                    self._process = None
                    return False
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"dnsmasq did not answer: {self._log.read_text()}")
                time.sleep(0.05)


def _free_port() -> int:
    """A port free for both UDP and TCP on loopback (dnsmasq listens on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port: int = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


@pytest.fixture(scope="session")
def quiet_resolver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DnsServer]:
    """A DNS server on loopback that knows no name: every test's settings point the app at it,
    so nothing a test does (the property-based API test verifying made-up domains included)
    ever asks a resolver off this machine, and every lookup answers at once."""
    server = DnsServer(tmp_path_factory.mktemp("quiet_resolver"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dns_server(tmp_path: Path) -> Iterator[DnsServer]:
    """A DNS server of the test's own on loopback; point ITHACA_DNS_RESOLVER at `.address`."""
    server = DnsServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def attach_with_proof(served: Served, operator: dict[str, str], dns: DnsServer, slug: str,
                      domain: str) -> dict[str, Any]:
    """Claims `domain` for `slug` through the platform API, publishes the challenge in `dns`
    and verifies it, as a tenant's IT department and its operator would; returns the tenant."""
    claimed = served.client.post(f"{PLATFORM_API}/tenants/{slug}/domains",
                                 json={"domain": domain}, headers=operator)
    assert claimed.status_code == 201, claimed.text
    pending = next(claim for claim in claimed.json()["pendingDomains"]
                   if claim["domain"] == domain.lower())
    dns.publish(pending["record"], pending["challenge"])
    verified = served.client.post(
        f"{PLATFORM_API}/tenants/{slug}/domains/{pending['domain']}/verification",
        headers=operator)
    assert verified.status_code == 200, verified.text
    tenant: dict[str, Any] = verified.json()
    return tenant
