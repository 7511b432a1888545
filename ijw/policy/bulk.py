"""Bulk inserts and updates inside the caller's transaction, fast on both stores.

A decision run may write a million rows. SQLAlchemy's executemany spends most
of that time building parameters (and, on psycopg, parsing very long
multi-row INSERTs), so these helpers go one level down, on the same
connection and transaction:

* PostgreSQL: ``COPY ... FROM STDIN`` (updates: COPY into a temporary table,
  then one ``UPDATE ... FROM``);
* SQLite: the driver's ``executemany`` with values converted by the column
  types' own bind processors, so what is stored is exactly what SQLAlchemy
  would store (and reads back the same);
* anything else: plain SQLAlchemy executemany.

Rows are tuples in the order of ``columns``; table and column names come
from the schema, never from input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Connection, Table, any_, bindparam, insert, update
from sqlalchemy.dialects.postgresql import ARRAY


def in_ids(conn: Connection, column: ColumnElement[Any], name: str = "ids"
           ) -> ColumnElement[bool]:
    """``column IN (:name)`` for a list of ids: one array parameter on PostgreSQL.

    A list of 20,000 ids as separate parameters makes a query psycopg spends
    longer parsing than PostgreSQL spends running it.
    """
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(BigInteger())))
    return column.in_(bindparam(name, expanding=True))


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _processors(conn: Connection, table: Table, columns: Sequence[str]
                ) -> list[tuple[int, Callable[[Any], Any]]]:
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(columns):
        process = table.c[name].type.bind_processor(conn.dialect)
        if process is not None:
            found.append((i, process))
    return found


def _sqlite_rows(conn: Connection, table: Table, columns: Sequence[str],
                 rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    processors = _processors(conn, table, columns)
    if not processors:
        return list(rows)
    out = []
    for row in rows:
        values = list(row)
        for i, process in processors:
            if values[i] is not None:
                values[i] = process(values[i])
        out.append(tuple(values))
    return out


def _copy(conn: Connection, target: str, columns: Sequence[str],
          rows: Sequence[tuple[Any, ...]]) -> None:
    names = ", ".join(_quote(conn, c) for c in columns)
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(conn: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        _copy(conn, _quote(conn, table.name), columns, rows)
    elif dialect == "sqlite":
        names = ", ".join(_quote(conn, c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f"INSERT INTO {_quote(conn, table.name)} ({names}) "  # noqa: S608
                             f"VALUES ({marks})", _sqlite_rows(conn, table, columns, rows))
    else:
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def update_rows(conn: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]], key: str = "id") -> None:
    """Set ``columns`` of the rows whose ``key`` is each tuple's first value."""
    if not rows:
        return
    dialect = conn.dialect.name
    name = _quote(conn, table.name)
    if dialect == "postgresql":
        temp = _quote(conn, f"_ijw_update_{table.name}")
        selected = ", ".join(_quote(conn, c) for c in (key, *columns))
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
                             f"SELECT {selected} FROM {name} WITH NO DATA")
        _copy(conn, temp, (key, *columns), rows)
        assignments = ", ".join(f"{_quote(conn, c)} = u.{_quote(conn, c)}" for c in columns)
        conn.exec_driver_sql(f"UPDATE {name} SET {assignments} FROM {temp} AS u "  # noqa: S608
                             f"WHERE {name}.{_quote(conn, key)} = u.{_quote(conn, key)}")
        conn.exec_driver_sql(f"DROP TABLE {temp}")
    elif dialect == "sqlite":
        assignments = ", ".join(f"{_quote(conn, c)} = ?" for c in columns)
        values = _sqlite_rows(conn, table, (key, *columns), rows)
        conn.exec_driver_sql(f"UPDATE {name} SET {assignments} "  # noqa: S608
                             f"WHERE {_quote(conn, key)} = ?",
                             [(*row[1:], row[0]) for row in values])
    else:
        statement = update(table).where(table.c[key] == bindparam("b_key")).values(
            {c: bindparam(f"b_{c}") for c in columns})
        conn.execute(statement, [{"b_key": row[0], **{f"b_{c}": v for c, v in
                                                       zip(columns, row[1:], strict=True)}}
                                 for row in rows])
