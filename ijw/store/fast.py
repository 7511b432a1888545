"""Running prepared statements on the driver's own cursor, for the import's hot path.

SQLAlchemy's execution machinery costs some 25 microseconds a statement, ten
times what SQLite needs to answer an indexed question. The import asks about
twenty questions per message, so :class:`Prepared` compiles a Core statement
once per dialect (SQL text, parameter order, the types' bind and result
processors) and runs it on the DBAPI cursor of the caller's connection, inside
the caller's transaction. Values go through the same type processors
SQLAlchemy would use, so the stored data is identical either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Insert, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.schema import ScalarElementColumnDefault

Processor = Callable[[Any], Any] | None


_REQUIRED: Any = object()


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # positional parameter order (qmark); None: named
    binds: dict[str, Processor]
    results: tuple[Processor, ...]
    #: Values the statement carries itself (literals compiled as parameters).
    fixed: dict[str, Any]
    #: Per positional parameter: its name, its bind processor and its fixed value.
    slots: tuple[tuple[str, Processor, Any], ...] = ()

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        """The driver's parameters: positional in order, or a dict for named styles."""
        if self.names is None:
            merged = {**self.fixed, **params}
            binds = self.binds
            return {k: (p(v) if (p := binds.get(k)) else v) for k, v in merged.items()}
        out = []
        for name, processor, fixed in self.slots:
            value = params.get(name, fixed)
            if value is _REQUIRED:
                raise KeyError(name)
            out.append(processor(value) if processor is not None else value)
        return tuple(out)


class Prepared:
    """A Core statement compiled once per dialect and run on the raw cursor."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The statement as ``dialect`` runs it."""
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = cast(SQLCompiler, self.statement.compile(dialect=dialect))
            binds: dict[str, Processor] = {
                name: param.type.dialect_impl(dialect).bind_processor(dialect)
                for name, param in compiled.binds.items()
            }
            columns = getattr(self.statement, "selected_columns", ())
            results = tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            )
            names = tuple(compiled.positiontup) if compiled.positiontup else None
            fixed = {k: v for k, v in compiled.params.items() if v is not None}
            slots = tuple(
                (name, binds.get(name), fixed.get(name, _REQUIRED)) for name in names or ()
            )
            found = _Compiled(str(compiled), names, binds, results, fixed, slots)
            self._compiled[dialect.name] = found
        return found

    def _execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        dialect = conn.dialect
        c = self._compiled.get(dialect.name) or self.compiled(dialect)
        values = c.values(params)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        dbapi_error = dialect.loaded_dbapi.Error
        try:
            cursor.execute(c.sql, values)
        except dbapi_error as exc:
            cursor.close()
            # Raise what SQLAlchemy would (IntegrityError for a refused duplicate, and so
            # on), so callers handle one family of errors; never with the values (a BSN).
            raise DBAPIError.instance(
                c.sql, None, exc, dbapi_error, hide_parameters=True, dialect=dialect
            ) from exc
        return cursor

    def run(self, conn: Connection, **params: Any) -> None:
        """Run a statement that returns no rows (an update, a delete)."""
        self._execute(conn, params).close()

    def rows(self, conn: Connection, **params: Any) -> list[tuple[Any, ...]]:
        """Every row, with each column through its type's result processor."""
        c = self.compiled(conn.dialect)
        cursor = self._execute(conn, params)
        try:
            raw = cursor.fetchall()
        finally:
            cursor.close()
        if not any(c.results):
            return [tuple(r) for r in raw]
        return [tuple(p(v) if p else v for p, v in zip(c.results, r, strict=True)) for r in raw]

    def first(self, conn: Connection, **params: Any) -> tuple[Any, ...] | None:
        """The first row, or ``None``."""
        found = self.rows(conn, **params)
        return found[0] if found else None

    def scalar(self, conn: Connection, **params: Any) -> Any:
        """The first column of the first row, or ``None``."""
        row = self.first(conn, **params)
        return None if row is None else row[0]


class Inserter:
    """``INSERT`` of one row into a table by the raw cursor; returns the new id.

    One compiled form per set of column names (and dialect).
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self._prepared: dict[tuple[str, ...], Prepared] = {}
        #: Scalar column defaults, filled in as SQLAlchemy would.
        self._defaults = {
            c.key: cast(ScalarElementColumnDefault, c.default).arg for c in table.columns
            if c.default is not None and c.default.is_scalar
        }

    def __call__(self, conn: Connection, given: Mapping[str, Any]) -> int:
        row = {**self._defaults, **given} if self._defaults else given
        keys = tuple(row)
        prepared = self._prepared.get(keys)
        if prepared is None:
            statement: Insert = insert(self.table).values(
                {k: _param(self.table, k) for k in keys}
            )
            if conn.dialect.name != "sqlite":
                statement = statement.returning(self.table.c.id)
            prepared = self._prepared[keys] = Prepared(statement)
        if conn.dialect.name == "sqlite":
            cursor = prepared._execute(conn, row)
            try:
                return int(cursor.lastrowid)
            finally:
                cursor.close()
        return int(prepared.scalar(conn, **row))


def _param(table: Table, key: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(key, type_=table.c[key].type)
