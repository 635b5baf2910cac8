"""Ithaca's one settings object: typed, read once from the environment, every field documented.

`Settings.from_env()` is the only place that reads configuration from the environment; everything
else receives a `Settings`. `settings_help()` renders the table that `ithaca --help` shows.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

__all__ = ["Settings", "SettingsError", "settings_help"]


def _doc(description: str) -> Any:
    return msgspec.Meta(description=description)


class SettingsError(ValueError):
    """An environment variable holds a value the setting cannot take."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every field maps to one environment variable, named in `ENVIRONMENT`."""

    database_url: Annotated[str, _doc(
        "PostgreSQL URL of the main database (postgresql://user:pass@host:port/db). Empty: the "
        "embedded default, one SQLite file per tenant under the data directory.")] = ""
    extra_databases: Annotated[dict[str, str], _doc(
        "More database locations a tenant can be placed on, as name=URL pairs separated by "
        "commas (eu2=postgresql://...). The registry records each tenant's location; 'main' is "
        "the database above.")] = {}
    data_dir: Annotated[str, _doc(
        "Directory of the embedded default's SQLite files (platform.sqlite3, tenants/*.sqlite3)."
    )] = "./var"
    pool_size: Annotated[int, msgspec.Meta(ge=1, le=500), _doc(
        "Connections in the one pool shared by every tenant on a PostgreSQL server (per process)."
    )] = 10
    pool_timeout: Annotated[float, msgspec.Meta(gt=0), _doc(
        "Seconds a request waits for a pooled connection before failing with 503.")] = 10.0
    base_domain: Annotated[str, _doc(
        "Tenants answer on {slug}.{base domain}; the bare base domain serves the platform.")
    ] = "ithaca.localhost"
    platform_hosts: Annotated[str, _doc(
        "More host names (comma-separated) on which the platform's own pages and API answer, "
        "besides the bare base domain, localhost and loopback addresses; on any other host "
        "(a tenant's) they answer 404 like unknown paths.")] = ""
    dns_resolver: Annotated[str, _doc(
        "DNS server that checks custom domains' proof of control (the TXT record "
        "_ithaca-challenge.<domain>), as address or address:port (127.0.0.1:5353, "
        "[::1]:53). Empty: the system's resolver.")] = ""
    metrics_token: Annotated[str, _doc(
        "Bearer token that /metrics requires (Authorization: Bearer <token>). Empty: /metrics "
        "answers only on the platform's own hosts (see ITHACA_PLATFORM_HOSTS), without a token."
    )] = ""
    host: Annotated[str, _doc("Address `ithaca serve` listens on.")] = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=1, le=65535), _doc(
        "Port `ithaca serve` listens on.")] = 8000
    workers: Annotated[int, msgspec.Meta(ge=1, le=64), _doc(
        "Granian worker processes for `ithaca serve`; each holds its own pool.")] = 1
    workers_kill_timeout: Annotated[int, msgspec.Meta(ge=1, le=1800), _doc(
        "Seconds `ithaca serve`'s workers have to finish their requests after SIGTERM or SIGINT "
        "before they are killed; the whole stop takes at most 5 s more, however many signals "
        "arrive.")] = 10
    secret_key: Annotated[str, _doc(
        "Signs the pages' CSRF tokens; every web process of a deployment needs the same one. "
        "Empty: a random key kept in the data directory (`secret_key`), which does for one "
        "machine.")] = ""
    signing_secret: Annotated[str, _doc(
        "Master secret from which each tenant's Ed25519 audit signing key is derived (signed "
        "exports, checkpoints of the event log, erasure certificates); every process of a "
        "deployment needs the same one, and it must never be stored in the database. Empty: a "
        "random secret kept in the data directory (`signing_secret`), which does for one machine."
    )] = ""
    tenant_cache_seconds: Annotated[float, msgspec.Meta(ge=0), _doc(
        "How stale a process's tenant directory may be before it checks the platform stream "
        "again; changes made through this process are seen at once.")] = 2.0
    open_tenants: Annotated[int, msgspec.Meta(ge=1), _doc(
        "Tenant streams kept open at once per process (SQLite files hold connections; the "
        "least recently used are closed).")] = 256
    password_hash_time_cost: Annotated[int, msgspec.Meta(ge=1, le=20), _doc(
        "Argon2id passes per password hash (OWASP: 2-3). Lower only in tests."
    )] = 3
    password_hash_memory_kib: Annotated[int, msgspec.Meta(ge=8, le=1_048_576), _doc(
        "Argon2id memory per password hash in KiB (OWASP: at least 19456). Lower only in tests."
    )] = 65_536
    mail_host: Annotated[str, _doc(
        "SMTP server that sends members' mail. The default is `ithaca mail-sink` on this machine."
    )] = "localhost"
    mail_port: Annotated[int, msgspec.Meta(ge=1, le=65535), _doc(
        "Port of the SMTP server (587 for STARTTLS, 465 for TLS, 8025 for the mail sink).")] = 8025
    mail_security: Annotated[Literal["none", "starttls", "tls"], _doc(
        "How the SMTP connection is secured: none (local sink only), starttls or tls.")] = "none"
    mail_username: Annotated[str, _doc("SMTP user name; empty: no authentication.")] = ""
    mail_password: Annotated[str, _doc("SMTP password.")] = ""
    mail_from: Annotated[str, _doc(
        "Sender address of members' mail; the tenant's product name is its display name."
    )] = "noreply@ithaca.localhost"
    mail_link_base: Annotated[str, _doc(
        "How links in mail, SMS and the notification centre begin; {host} becomes the tenant's "
        "host (its first custom domain, else slug.base-domain). Empty: http://{host}:<port> on "
        "the embedded default (what `ithaca serve` listens on), https://{host} on "
        "PostgreSQL.")] = ""
    mail_timeout: Annotated[float, msgspec.Meta(gt=0), _doc(
        "Seconds an SMTP connection or command may take before the attempt counts as failed."
    )] = 10.0
    mail_background: Annotated[bool, _doc(
        "Carry out due work (notifications, reminders, expiries) from a background thread of "
        "the web app (off: only when something calls `Scheduler.run_once`, as tests do, or "
        "the worker does).")] = True
    mail_sweep_seconds: Annotated[float, msgspec.Meta(ge=1), _doc(
        "Seconds between sweeps of every tenant for work due (reminders, retries, work queued "
        "before a restart or by another process); notifications of this process's commands "
        "go at once.")] = 60.0
    mail_max_attempts: Annotated[int, msgspec.Meta(ge=1, le=100), _doc(
        "Delivery attempts of one mail (backing off exponentially, 30 s doubling up to an hour) "
        "before it is given up as failed.")] = 12
    work_lease_seconds: Annotated[float, msgspec.Meta(ge=1), _doc(
        "Seconds claimed work (a notification being sent) is left to the scheduler that claimed "
        "it; if that process dies, another carries it out after this (sending it again if the "
        "first had sent it: at most one duplicate per crash).")] = 900.0
    nudges_per_week: Annotated[int, msgspec.Meta(ge=0, le=50), _doc(
        "Most nudges (reminders of a next step) one member is sent in seven days; the rest "
        "are recorded as capped.")] = 2
    sms_provider: Annotated[Literal["none", "kannel", "twilio"], _doc(
        "Gateway that sends members' SMS: none (no SMS), kannel (Kannel's HTTP sendsms "
        "interface) or twilio (Twilio's Messages API, or a provider that speaks it).")] = "none"
    sms_url: Annotated[str, _doc(
        "kannel: the smsbox's sendsms URL (http://127.0.0.1:13013/cgi-bin/sendsms). twilio: the "
        "API base (https://api.twilio.com).")] = ""
    sms_username: Annotated[str, _doc(
        "kannel: the sendsms-user's username. twilio: the account SID.")] = ""
    sms_password: Annotated[str, _doc(
        "kannel: the sendsms-user's password. twilio: the auth token. Never logged.")] = ""
    sms_from: Annotated[str, _doc(
        "Sender of members' SMS: a number in E.164 or an alphanumeric sender id, as the "
        "gateway allows; empty: the gateway's default (kannel only).")] = ""
    sms_timeout: Annotated[float, msgspec.Meta(gt=0), _doc(
        "Seconds a request to the SMS gateway may take before the attempt counts as failed "
        "(and is retried later).")] = 10.0
    projections_in_process: Annotated[Literal["auto", "on", "off"], _doc(
        "Run the projection worker as a thread of the web app. auto: on for the embedded "
        "default, off on PostgreSQL (where `ithaca projections run` serves every tenant)."
    )] = "auto"
    projection_threads: Annotated[int, msgspec.Meta(ge=1, le=64), _doc(
        "Tenants a projection worker brings up to date at once (each uses one connection).")] = 4
    projection_batch: Annotated[int, msgspec.Meta(ge=1, le=100_000), _doc(
        "Events per projection batch (one transaction each).")] = 2000
    rebuild_batch: Annotated[int, msgspec.Meta(ge=1, le=200_000), _doc(
        "Events per batch when a read model is rebuilt into shadow tables (nobody reads those, "
        "so bigger batches rewrite each row fewer times).")] = 20_000
    projection_poll_seconds: Annotated[float, msgspec.Meta(gt=0), _doc(
        "Seconds between a projection worker's checks of every tenant, in case a wake-up "
        "(NOTIFY) was lost; new events normally wake it at once.")] = 5.0
    read_waits_per_member: Annotated[int, msgspec.Meta(ge=1, le=1000), _doc(
        "Reads one member may have waiting at once for a read model to reach a position "
        "(`?after=`), per web process; more answer 429.")] = 4
    read_waits_per_tenant: Annotated[int, msgspec.Meta(ge=1, le=100_000), _doc(
        "Reads one tenant's members may have waiting at once for a position, per web process; "
        "more answer 503.")] = 64
    checkpoint_events: Annotated[int, msgspec.Meta(ge=1, le=10_000_000), _doc(
        "Events the sealer chains between two signed checkpoints of a tenant's event log "
        "(tamper evidence; the sealer runs with the projection worker).")] = 1000
    checkpoint_seconds: Annotated[float, msgspec.Meta(gt=0), _doc(
        "Seconds after which events sealed since the last signed checkpoint get one of their "
        "own, however few they are: the longest a sealed event waits for a signature.")] = 60.0
    match_index_refresh_seconds: Annotated[float, msgspec.Meta(ge=0), _doc(
        "Seconds between the web process's background refreshes of its tenants' match indexes, "
        "which also loads them at start-up so that no request pays for it (0: load on the "
        "first request instead).")] = 10.0
    log_format: Annotated[Literal["json", "console"], _doc(
        "Log lines as JSON (production) or readable console output (development).")] = "json"
    log_level: Annotated[Literal["debug", "info", "warning", "error"], _doc(
        "Lowest level of log lines written.")] = "info"

    ENVIRONMENT = {
        "database_url": "DATABASE_URL",
        "extra_databases": "ITHACA_EXTRA_DATABASES",
        "data_dir": "ITHACA_DATA_DIR",
        "pool_size": "ITHACA_POOL_SIZE",
        "pool_timeout": "ITHACA_POOL_TIMEOUT",
        "base_domain": "ITHACA_BASE_DOMAIN",
        "platform_hosts": "ITHACA_PLATFORM_HOSTS",
        "dns_resolver": "ITHACA_DNS_RESOLVER",
        "metrics_token": "ITHACA_METRICS_TOKEN",
        "host": "ITHACA_HOST",
        "port": "ITHACA_PORT",
        "workers": "ITHACA_WORKERS",
        "workers_kill_timeout": "ITHACA_WORKERS_KILL_TIMEOUT",
        "secret_key": "ITHACA_SECRET_KEY",
        "signing_secret": "ITHACA_SIGNING_SECRET",
        "tenant_cache_seconds": "ITHACA_TENANT_CACHE_SECONDS",
        "open_tenants": "ITHACA_OPEN_TENANTS",
        "password_hash_time_cost": "ITHACA_PASSWORD_HASH_TIME_COST",
        "password_hash_memory_kib": "ITHACA_PASSWORD_HASH_MEMORY_KIB",
        "mail_host": "ITHACA_MAIL_HOST",
        "mail_port": "ITHACA_MAIL_PORT",
        "mail_security": "ITHACA_MAIL_SECURITY",
        "mail_username": "ITHACA_MAIL_USERNAME",
        "mail_password": "ITHACA_MAIL_PASSWORD",
        "mail_from": "ITHACA_MAIL_FROM",
        "mail_link_base": "ITHACA_MAIL_LINK_BASE",
        "mail_timeout": "ITHACA_MAIL_TIMEOUT",
        "mail_background": "ITHACA_MAIL_BACKGROUND",
        "mail_sweep_seconds": "ITHACA_MAIL_SWEEP_SECONDS",
        "mail_max_attempts": "ITHACA_MAIL_MAX_ATTEMPTS",
        "nudges_per_week": "ITHACA_NUDGES_PER_WEEK",
        "work_lease_seconds": "ITHACA_WORK_LEASE_SECONDS",
        "sms_provider": "ITHACA_SMS_PROVIDER",
        "sms_url": "ITHACA_SMS_URL",
        "sms_username": "ITHACA_SMS_USERNAME",
        "sms_password": "ITHACA_SMS_PASSWORD",
        "sms_from": "ITHACA_SMS_FROM",
        "sms_timeout": "ITHACA_SMS_TIMEOUT",
        "projections_in_process": "ITHACA_PROJECTIONS_IN_PROCESS",
        "projection_threads": "ITHACA_PROJECTION_THREADS",
        "projection_batch": "ITHACA_PROJECTION_BATCH",
        "rebuild_batch": "ITHACA_REBUILD_BATCH",
        "projection_poll_seconds": "ITHACA_PROJECTION_POLL_SECONDS",
        "read_waits_per_member": "ITHACA_READ_WAITS_PER_MEMBER",
        "read_waits_per_tenant": "ITHACA_READ_WAITS_PER_TENANT",
        "checkpoint_events": "ITHACA_CHECKPOINT_EVENTS",
        "checkpoint_seconds": "ITHACA_CHECKPOINT_SECONDS",
        "match_index_refresh_seconds": "ITHACA_MATCH_INDEX_REFRESH_SECONDS",
        "log_format": "ITHACA_LOG_FORMAT",
        "log_level": "ITHACA_LOG_LEVEL",
    }

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Reads every field from its environment variable; `overrides` win (tests, CLI flags)."""
        environ = dict(os.environ if environ is None else environ)
        raw: dict[str, Any] = {}
        for field, variable in cls.ENVIRONMENT.items():
            if variable in environ and environ[variable] != "":
                raw[field] = environ[variable]
        if "extra_databases" in raw:
            raw["extra_databases"] = _parse_pairs(raw["extra_databases"])
        raw.update({key: value for key, value in overrides.items() if value is not None})
        try:
            return msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as error:
            raise SettingsError(_name_the_variable(str(error))) from error

    @property
    def link_base(self) -> str:
        """How links to a tenant's pages begin (`{host}` stands for the tenant's host)."""
        if self.mail_link_base:
            return self.mail_link_base
        return f"http://{{host}}:{self.port}" if self.embedded else "https://{host}"

    @property
    def embedded(self) -> bool:
        """True when running on the SQLite default rather than PostgreSQL."""
        return not self.database_url

    @property
    def projections_run_in_process(self) -> bool:
        if self.projections_in_process == "auto":
            return self.embedded
        return self.projections_in_process == "on"

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    def web_secret(self) -> str:
        """`secret_key`, or the data directory's own random key (created on first use)."""
        return self.secret_key or self._kept_secret("secret_key")

    def audit_signing_secret(self) -> str:
        """`signing_secret`, or the data directory's own random one (created on first use)."""
        return self.signing_secret or self._kept_secret("signing_secret")

    def _kept_secret(self, name: str) -> str:
        path = self.data_path / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside, then linked into place: of two workers starting together, one key
            # wins and neither reads a half-written file.
            draft = path.with_name(f"{name}.{os.getpid()}")
            draft.write_text(secrets.token_urlsafe(32), encoding="ascii")
            draft.chmod(0o600)
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_text(encoding="ascii").strip()

    def platform_host_names(self) -> list[str]:
        """`platform_hosts` as a list of names."""
        return [host.strip() for host in self.platform_hosts.split(",") if host.strip()]

    def database_locations(self) -> dict[str, str]:
        """Location name -> URL; 'main' is always present ('' meaning the embedded default)."""
        return {"main": self.database_url, **self.extra_databases}


def _parse_pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, separator, url = item.partition("=")
        if not separator or not name.strip() or not url.strip():
            raise SettingsError(
                f"ITHACA_EXTRA_DATABASES: expected name=URL pairs separated by commas, got {item!r}"
            )
        pairs[name.strip()] = url.strip()
    return pairs


def _name_the_variable(message: str) -> str:
    # msgspec says "... - at `$.pool_size`"; people set POOL_SIZE, so say that.
    for field, variable in Settings.ENVIRONMENT.items():
        message = message.replace(f"`$.{field}`", variable)
    return message


def settings_help() -> str:
    """One line per setting: variable, default and meaning; shown by `ithaca --help`."""
    lines = []
    for field in msgspec.structs.fields(Settings):
        variable = Settings.ENVIRONMENT[field.name]
        description = ""
        for meta in getattr(field.type, "__metadata__", ()):
            description = getattr(meta, "description", None) or description
        default = field.default if field.default is not msgspec.NODEFAULT else ""
        shown = f"{default!r}" if default not in ("", {}) else "(empty)"
        lines.append(f"{variable} [{shown}]\n    {description}")
    return "\n".join(lines)
