"""``ijw db check``: is the store sound? Storage, migration state, row counts, orphans.

What is checked
    * the storage itself: on SQLite ``PRAGMA integrity_check`` (every page,
      every index against its table); on PostgreSQL every table is read in
      full (a damaged page makes the read fail) and, where the ``amcheck``
      extension is installed, every index of ours is verified with
      ``bt_index_check``;
    * the migration state: the store is at this ijw's newest revision;
    * the rows of every table, counted;
    * orphans: a row whose reference (a foreign key, or one of the columns the
      continuity tables keep without one) names a row that is not there.

A problem is something to act on (restore from backup, upgrade); a note is
information (counts, what could not be verified). The check only reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, func, inspect, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from ijw.errors import ConfigurationError, StoreError
from ijw.store import db
from ijw.store.dump import IMPLIED_REFERENCES
from ijw.store.schema import Base

#: How many lines of ``PRAGMA integrity_check`` are reported at most.
INTEGRITY_LINES = 20


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """The outcome of :func:`check_store`."""

    store: str
    revision: str | None
    head: str
    #: Rows per table (tables that could not be read are missing).
    counts: dict[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form."""
        return {"store": self.store, "ok": self.ok, "revision": self.revision,
                "head": self.head, "counts": self.counts, "problems": list(self.problems),
                "notes": list(self.notes)}


def check_store(url: str | None = None) -> StoreCheck:
    """Check the store at ``url`` (``None``: :func:`~ijw.store.db.resolve_url`).

    Raises :class:`ConfigurationError` when there is no SQLite store at the
    path, :class:`StoreError` when the database cannot be reached; damage
    found in a store that opens is a problem in the result. Every step runs,
    whatever an earlier one found.
    """
    resolved = db.resolve_url(url)
    name = db.store_name(resolved)
    path = db.sqlite_path(resolved)
    if path is not None and not path.is_file():
        raise ConfigurationError(f"no store at {path}")
    engine = db.make_engine(resolved, check=False)
    problems: list[str] = []
    notes: list[str] = []
    counts: dict[str, int] = {}
    revision: list[str | None] = []
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"

            def step(what: str, run: Callable[[], None]) -> None:
                try:
                    run()
                except OperationalError as exc:
                    if not sqlite or _unreachable(exc):
                        raise StoreError(f"cannot connect to database {name}: {_why(exc)}"
                                         ) from None
                    problems.append(f"{what}: {_why(exc)}")
                except (DBAPIError, StoreError) as exc:  # not a database, a damaged page
                    problems.append(f"{what}: {_why(exc)}")
                if conn.in_transaction():
                    conn.rollback()

            if sqlite:
                step("integrity_check", lambda: _sqlite_storage(conn, problems))
            else:
                step("index check", lambda: _postgres_storage(conn, problems, notes))
            step("migration state", lambda: revision.append(db.current(conn)))
            if revision:
                _migration(revision[0], problems)
            step("row counts", lambda: _counts(conn, counts, problems))
            if revision and revision[0] is not None and db.known(revision[0]):
                step("orphans", lambda: _orphans(conn, counts, problems))
    except OperationalError as exc:  # connecting at all
        raise StoreError(f"cannot connect to database {name}: {_why(exc)}") from None
    except DBAPIError as exc:  # SQLite: the file opens, but is not a database (any more)
        problems.append(f"the store cannot be read: {_why(exc)}")
    finally:
        engine.dispose()
    return StoreCheck(name, revision[0] if revision else None, db.head(), counts,
                      tuple(problems), tuple(notes))


def _why(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return " ".join(str(original).split())[:300] or type(original).__name__


def _unreachable(exc: BaseException) -> bool:
    text_ = _why(exc).lower()
    return "unable to open" in text_ or "cannot connect" in text_


def _migration(revision: str | None, problems: list[str]) -> None:
    head = db.head()
    if revision is None:
        problems.append("the store is not migrated; run `ijw db upgrade`")
    elif not db.known(revision):
        problems.append(f"the store is at revision {revision}, which this ijw (newest {head}) "
                        "does not know: it was migrated by a newer ijw")
    elif revision != head:
        problems.append(f"the store is at revision {revision}, this ijw needs {head}; "
                        "run `ijw db upgrade`")


def _sqlite_storage(conn: Connection, problems: list[str]) -> None:
    lines = [str(r[0]) for r in conn.exec_driver_sql(
        f"PRAGMA integrity_check({INTEGRITY_LINES})")]
    if lines != ["ok"]:
        problems.extend(f"integrity_check: {line}" for line in lines)
    foreign = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if foreign:
        problems.append(f"foreign_key_check: {len(foreign)} row(s) name a row that is not "
                        "there")


def _postgres_storage(conn: Connection, problems: list[str], notes: list[str]) -> None:
    installed = conn.execute(text(
        "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).first() is not None
    if not installed:
        notes.append("amcheck is not installed: the indexes were not verified "
                     "(CREATE EXTENSION amcheck, as a superuser, to have them checked)")
        return
    names = sorted(t.name for t in Base.metadata.sorted_tables)
    indexes = conn.execute(text(
        "SELECT i.indexrelid::regclass::text FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_am a"
        " ON a.oid = (SELECT relam FROM pg_class WHERE oid = i.indexrelid)"
        " WHERE c.relname = ANY(:names) AND a.amname = 'btree' ORDER BY 1"),
        {"names": names}).scalars().all()
    for index in indexes:
        try:
            with conn.begin_nested():
                conn.execute(text("SELECT bt_index_check(CAST(:i AS regclass))"), {"i": index})
        except DBAPIError as exc:
            problems.append(f"index {index}: {_why(exc)}")


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _counts(conn: Connection, counts: dict[str, int], problems: list[str]) -> None:
    present = set(db_tables(conn))
    for table in _tables():
        if table.name not in present:
            continue  # a missing table is the migration state's problem
        try:
            counts[table.name] = int(conn.execute(
                select(func.count()).select_from(table)).scalar_one())
        except DBAPIError as exc:
            if conn.in_transaction():
                conn.rollback()
            problems.append(f"table {table.name} cannot be read: {_why(exc)}")


def db_tables(conn: Connection) -> list[str]:
    """The names of the tables in the store."""
    return list(inspect(conn).get_table_names())


def _orphans(conn: Connection, counts: dict[str, int], problems: list[str]) -> None:
    tables = {t.name: t for t in _tables()}
    for table in _tables():
        if table.name not in counts:
            continue
        links: list[tuple[list[Column[Any]], list[Column[Any]]]] = [
            (list(fk.columns), [e.column for e in fk.elements])
            for fk in table.foreign_key_constraints]
        linked = {c.name for children, _ in links for c in children}
        links += [([table.c[column]], [tables[target].c.id])
                  for column, target in IMPLIED_REFERENCES.items()
                  if column in table.c and column not in linked and target in tables]
        for children, parents in links:
            target = parents[0].table
            if target.name not in counts:
                continue
            parent = target.alias("parent")  # a table may name its own rows (message)
            match = and_(*(parent.c[p.name] == c for c, p in zip(children, parents, strict=True)))
            missing = select(func.count()).select_from(table).where(
                *(c.is_not(None) for c in children),
                ~select(1).select_from(parent).where(match).exists())
            orphans = int(conn.execute(missing).scalar_one())
            if orphans:
                where = ", ".join(f"{table.name}.{c.name}" for c in children)
                problems.append(f"{orphans} row(s) of {table.name} name a {target.name} "
                                f"row that is not there ({where})")


__all__ = ["StoreCheck", "check_store"]
