"""Proof that a tenant controls a custom domain: its claim's challenge, published in DNS.

A pending claim is proven when a TXT record at `_ithaca-challenge.<domain>` holds the claim's
challenge; other records there (another claimant's, a stale one) do not matter. The lookup asks
the resolver `ITHACA_DNS_RESOLVER` names (`host` or `host:port`), else the system's. No HTTP
challenge: fetching `http://<domain>/...` would make the server connect wherever the claimant's
DNS points (internal addresses included), and a TXT record proves control of the zone, which is
what the claim is about.
"""

from __future__ import annotations

import ipaddress

import dns.exception
import dns.resolver

from services.errors import InvalidInputError, IthacaError
from tenants.domain import challenge_record

__all__ = ["DnsChallenges", "DomainProofUnavailableError", "parse_resolver"]


class DomainProofUnavailableError(IthacaError):
    """The DNS did not answer (timeout, no server reachable): nothing is known either way."""

    status_code = 503
    retry_after_seconds = 30


def parse_resolver(text: str) -> tuple[str, int] | None:
    """`127.0.0.1:5353`, `[::1]:5353`, `::1` or `10.0.0.2` as (address, port); '' is None (the
    system's resolver). Raises ValueError naming what is wrong."""
    text = text.strip()
    if not text:
        return None
    host, port = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    address = str(ipaddress.ip_address(host))  # dnspython takes addresses, not names
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        msg = f"port {port!r} is not a port number"
        raise ValueError(msg)
    return address, int(port)


class DnsChallenges:
    """Looks up claims' challenges in DNS."""

    def __init__(self, resolver: str = "", *, timeout: float = 5.0) -> None:
        try:
            nameserver = parse_resolver(resolver)
        except ValueError as error:
            msg = f"DNS resolver {resolver!r} (ITHACA_DNS_RESOLVER): {error}"
            raise ValueError(msg) from None
        try:
            self._resolver = dns.resolver.Resolver(configure=nameserver is None)
        except dns.resolver.NoResolverConfiguration:  # no /etc/resolv.conf: every lookup fails
            self._resolver = dns.resolver.Resolver(configure=False)
        if nameserver is not None:
            self._resolver.nameservers = [nameserver[0]]
            self._resolver.port = nameserver[1]
        self._resolver.lifetime = timeout
        self._resolver.cache = None  # a record just published must be seen at the next try

    def published(self, domain: str, challenge: str) -> bool:
        """Whether `_ithaca-challenge.<domain>` holds `challenge` now."""
        name = challenge_record(domain)
        try:
            answer = self._resolver.resolve(name, "TXT", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return False
        except dns.resolver.YXDOMAIN:
            raise InvalidInputError("'%(name)s' is too long to look up", field="domain",
                                    values={"name": name}) from None
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
            raise DomainProofUnavailableError(
                "the DNS did not answer for %(name)s (%(why)s); try again in a moment",
                field="domain", values={"name": name, "why": type(error).__name__},
            ) from None
        values = {b"".join(record.strings).decode("utf-8", "replace").strip()
                  for record in answer}
        return challenge in values
