"""The read-model store's interface: where one projection of one stream stands, and the
operations each backend (`postgres`, `sqlite`) implements in its own dialect."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from projections.tables import ColumnType, Row, Table

if TYPE_CHECKING:
    from infra.eventstore.streams import EventStream

__all__ = [
    "STATE_COLUMNS",
    "SWAP_STATE",
    "ProjectionState",
    "ReadModelStore",
    "ReadModelTransaction",
    "Records",
    "json_decode",
    "json_encode",
    "row_of",
    "state_of",
]

Records = list[tuple[Any, ...]]

json_encode = msgspec.json.Encoder().encode
json_decode = msgspec.json.Decoder().decode


class ProjectionState(msgspec.Struct, frozen=True, kw_only=True):
    """Where one projection of one stream stands."""

    name: str
    version: int
    generation: int
    position: int
    updated_at: datetime | None = None
    error: str | None = None
    error_position: int | None = None
    failed_at: datetime | None = None
    failures: int = 0


class ReadModelTransaction(ABC):
    """One open transaction on a stream's read models."""

    @abstractmethod
    def advance(self, name: str, from_position: int, to_position: int, now: datetime) -> bool:
        """Moves the projection's position if it is still `from_position`; False otherwise (the
        batch was applied by someone else, and this transaction must be abandoned)."""

    @abstractmethod
    def load(self, table: Table, keys: Sequence[tuple[Any, ...]], suffix: str = "") -> list[Row]:
        """The stored rows among `keys`."""

    @abstractmethod
    def write(
        self, table: Table, rows: Sequence[Row], deleted: Sequence[tuple[Any, ...]],
        suffix: str = "",
    ) -> None:
        """Upserts `rows` (whole rows) and deletes the rows with the `deleted` keys."""


class ReadModelStore(ABC):
    """A stream's read models; see `projections.store`."""

    stream_name: str

    # Schema ---------------------------------------------------------------------------------

    @abstractmethod
    def create_tables(self, tables: Iterable[Table], suffix: str = "") -> None:
        """Creates the tables (and the state table) if missing; `suffix` names a shadow copy."""

    @abstractmethod
    def drop_tables(self, tables: Iterable[Table], suffix: str = "") -> None: ...

    @abstractmethod
    def swap_in(self, tables: Sequence[Table], suffix: str, name: str, shadow_name: str) -> None:
        """In one transaction: the shadow tables replace the live ones, and the shadow's state
        becomes the projection's with its generation moved on (readers see the old tables until
        the commit, then the new)."""

    # State ----------------------------------------------------------------------------------

    @abstractmethod
    def state(self, name: str) -> ProjectionState | None: ...

    @abstractmethod
    def states(self) -> list[ProjectionState]: ...

    @abstractmethod
    def start(self, name: str, version: int, generation: int = 0) -> ProjectionState:
        """The projection's state, created at position 0 if it has none."""

    @abstractmethod
    def reset(self, name: str, version: int) -> None:
        """Position 0, no error (for a shadow about to be rebuilt)."""

    @abstractmethod
    def record_error(self, name: str, position: int, error: str, now: datetime) -> None: ...

    @abstractmethod
    def forget(self, name: str) -> None:
        """Deletes the projection's state row."""

    # Batches and queries --------------------------------------------------------------------

    @abstractmethod
    def transaction(self) -> Any:
        """A context manager giving a `ReadModelTransaction`, committed on a clean exit."""

    @abstractmethod
    def select(self, statement: str, params: Sequence[Any] = (), **tables: str) -> Records:
        """Rows of a read query; `{name}` in the statement is the qualified `tables[name]`."""

    def rows(self, table: Table, where: str = "", params: Sequence[Any] = (),
             order_by: str = "", limit: int | None = None) -> list[Row]:
        """Whole rows of one table, values converted back to Python."""
        # Column names are the table's own declared identifiers, safe to quote as they are.
        statement = "SELECT " + ", ".join(f'"{c}"' for c in table.column_names) + " FROM {t}"
        statement += f" WHERE {where}" if where else ""
        statement += f" ORDER BY {order_by}" if order_by else ""
        statement += f" LIMIT {int(limit)}" if limit is not None else ""
        return [row_of(table, values, self._out)
                for values in self.select(statement, params, t=table.name)]

    @abstractmethod
    def erase_subject(self, table: Table, member_id: UUID) -> int:
        """Overwrites the table's personal columns on the rows of one member (its `subject`)
        with their erased values; answers how many rows changed."""

    @staticmethod
    @abstractmethod
    def _out(kind: ColumnType, value: Any) -> Any:
        """A stored value as Python."""

    def head(self, stream: EventStream) -> int:
        return stream.events.max_notification_id() or 0


STATE_COLUMNS = (
    "name, version, generation, position, updated_at, error, error_position, failed_at, failures"
)


def state_of(row: Sequence[Any], timestamp: Any) -> ProjectionState:
    return ProjectionState(
        name=row[0], version=row[1], generation=row[2], position=row[3],
        updated_at=timestamp(row[4]), error=row[5], error_position=row[6],
        failed_at=timestamp(row[7]), failures=row[8],
    )


SWAP_STATE = (
    # The shadow's position and version become the live projection's, generation + 1.
    "UPDATE {state} SET version = shadow.version, position = shadow.position,"
    " updated_at = shadow.updated_at, error = NULL, error_position = NULL, failed_at = NULL,"
    " failures = 0, generation = {state}.generation + 1"
    " FROM (SELECT version, position, updated_at FROM {state} WHERE name = %s) AS shadow"
    " WHERE {state}.name = %s",
    "DELETE FROM {state} WHERE name = %s",
)


def row_of(table: Table, values: Sequence[Any], convert: Any) -> Row:
    return {
        column.name: convert(column.type, value)
        for column, value in zip(table.columns, values, strict=True)
    }
