"""Searching everything a test's database holds for given strings and bytes.

PostgreSQL: every table of every schema of the test's database, each value as text, and bytea
values both as raw bytes and decoded (UTF-8 and latin-1); and, through `pageinspect` (shipped
with PostgreSQL's contrib modules), the raw pages of every table and TOAST table, where row
versions that were updated or deleted stay until vacuumed. SQLite: every table of every database
file under the data directory, and the raw bytes of every file there (write-ahead logs, freed
pages and replays included). Text is compared case-insensitively: read models lower-case what
they keep for search.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from infra.settings import Settings

__all__ = ["found_in_storage"]


def found_in_storage(settings: Settings, needles: Mapping[str, str | bytes]) -> dict[str, set[str]]:
    """Which needles (by name) were found, and where (table or file names)."""
    found: dict[str, set[str]] = {}
    for place, haystack in _haystacks(settings):
        for name, needle in needles.items():
            if _contains(haystack, needle):
                found.setdefault(name, set()).add(place)
    return found


def _contains(haystack: bytes, needle: str | bytes) -> bool:
    if isinstance(needle, bytes):
        return needle in haystack
    lowered = haystack.lower()
    return any(
        encoded in lowered
        for encoded in (needle.lower().encode(), needle.lower().encode("latin-1", "ignore"))
        if encoded
    )


def _haystacks(settings: Settings) -> Iterator[tuple[str, bytes]]:
    if settings.database_url:
        yield from _postgres(settings.database_url)
    else:
        yield from _sqlite(settings.data_path)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        # Raw, and as text in both encodings (the raw bytes are there for key material).
        return value + b"\n" + value.decode("utf-8", "ignore").encode() + b"\n" + (
            value.decode("latin-1").encode())
    return str(value).encode()


def _postgres(url: str) -> Iterator[tuple[str, bytes]]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        assert tables, "no tables: the search would find nothing anywhere"
        for schema, table in tables:
            rows = conn.execute(
                sql.SQL("SELECT t.*, t::text FROM {} AS t").format(sql.Identifier(schema, table))
            ).fetchall()
            yield f"{schema}.{table}", b"\n".join(
                _as_bytes(value) for row in rows for value in row)
        yield from _postgres_pages(conn)


def _postgres_pages(conn: psycopg.Connection[Any]) -> Iterator[tuple[str, bytes]]:
    conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    relations = conn.execute(
        "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / current_setting('block_size')::int"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 't')"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    for relation, blocks in relations:
        pages = [
            conn.execute("SELECT get_raw_page(%s, 'main', %s)", (relation, block)).fetchone()
            for block in range(int(blocks))
        ]
        yield f"pages of {relation}", b"".join(bytes(page[0]) for page in pages if page)


def _sqlite(data_dir: Path) -> Iterator[tuple[str, bytes]]:
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert files, "no files: the search would find nothing anywhere"
    for path in files:
        yield f"file {path.relative_to(data_dir)}", path.read_bytes()
        if path.suffix == ".sqlite3":
            yield from _sqlite_tables(path, data_dir)


def _sqlite_tables(path: Path, data_dir: Path) -> Iterator[tuple[str, bytes]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            yield f"{path.relative_to(data_dir)}:{table}", b"\n".join(
                _as_bytes(value) for row in rows for value in row)
    finally:
        connection.close()
