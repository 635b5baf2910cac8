"""Read-model tables, declared once and stored on either backend.

A projection declares its tables as `Table`s (columns with logical types, a primary key,
indexes). `ReadModelStore` (in `store`) is the one place that knows the SQL dialects: it creates
them in the tenant's schema (PostgreSQL) or file (SQLite), converts values both ways, and writes a
batch's rows in as few statements as the dialect allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.personal_data import Personal

__all__ = ["Column", "ColumnType", "Row", "Table"]

Row = dict[str, Any]
"""A read-model row: column name -> Python value (UUID, datetime, int, float, bool, str, JSON)."""


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    REAL = "real"
    BOOL = "bool"
    TIMESTAMP = "timestamp"
    """An aware datetime: timestamptz on PostgreSQL, microseconds since the epoch on SQLite."""
    UUID = "uuid"
    JSON = "json"
    """Any msgspec-encodable value, stored as JSON text."""


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = False
    personal: Personal | None = None
    """Set when the column keeps a person's personal data (the member its table's `subject`
    names): erasure overwrites it with `personal.erased`, and a test fails when a read model
    keeps personal text in a column that does not say so."""


@dataclass(frozen=True)
class Table:
    """One read-model table. `key` names the primary-key columns; each index is a tuple of
    column names. Names are unqualified: the store puts them in the tenant's schema or file."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    subject: str | None = None
    """The column holding the member whose personal data a row keeps (needed with personal
    columns)."""
    column_types: Mapping[str, ColumnType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        unknown = [name for name in (*self.key, *(c for i in self.indexes for c in i))
                   if name not in names]
        if unknown or not self.key:
            msg = f"table {self.name}: key and indexes must name its columns ({unknown})"
            raise ValueError(msg)
        if self.personal_columns and self.subject not in names:
            msg = f"table {self.name}: personal columns need a `subject` column naming whose"
            raise ValueError(msg)
        object.__setattr__(self, "column_types", {c.name: c.type for c in self.columns})

    @property
    def personal_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.personal is not None)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def key_of(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(row[name] for name in self.key)

    def index_name(self, index: tuple[str, ...], table_name: str | None = None) -> str:
        return f"{table_name or self.name}__{'_'.join(index)}"
