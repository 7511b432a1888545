"""The store's plumbing: URLs, engines, migrations and the database-level constraints."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from ijw.errors import ConfigurationError, StoreError
from ijw.store import db
from ijw.store.fast import Prepared
from ijw.store.schema import Allocation, Base, CareLine, Client, Message, table_of
from tests.conftest import REPO

MESSAGE = table_of(Message)
CLIENT = table_of(Client)
ALLOCATION = table_of(Allocation)
CARE = table_of(CareLine)

SECRET = "s3cr3t-pa55"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database that nothing has migrated (for SQLite: no file yet, its folder made)."""
    if request.param == "sqlite":
        (tmp_path / "store").mkdir()
        return f"sqlite:///{tmp_path / 'store' / 'ijw.db'}"
    # The plain postgresql:// form, as an operator would write it.
    url: str = request.getfixturevalue("empty_postgres_url")
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


# --------------------------------------------------------------------------- URLs


def test_resolve_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
    assert db.resolve_url(None) == db.DEFAULT_URL == "sqlite+pysqlite:///ijw.db"
    monkeypatch.setenv(db.DATABASE_URL_ENV, "postgresql://ijw@dbhost/ijw")
    assert db.resolve_url(None) == "postgresql://ijw@dbhost/ijw"
    assert db.resolve_url("sqlite:///other.db") == "sqlite:///other.db"
    monkeypatch.setenv(db.DATABASE_URL_ENV, "  ")
    assert db.resolve_url(None) == db.DEFAULT_URL


def test_urls_are_normalised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pg = db.normalize_url("postgresql://ijw@dbhost:5433/ijw")
    assert pg.drivername == "postgresql+psycopg"
    assert (pg.host, pg.port, pg.database) == ("dbhost", 5433, "ijw")
    assert db.normalize_url("postgres://ijw@dbhost/ijw").drivername == "postgresql+psycopg"
    lite = db.normalize_url(db.DEFAULT_URL)
    assert lite.drivername == "sqlite+pysqlite"
    assert lite.database == str(tmp_path / "ijw.db")
    assert db.sqlite_path("sqlite:///a/b.db") == tmp_path / "a" / "b.db"
    assert db.sqlite_path("sqlite://") is None
    assert db.sqlite_path("postgresql://h/d") is None


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ijw:{SECRET}@dbhost:notaport/ijw",
        f"mysql://ijw:{SECRET}@dbhost/ijw",
        f"postgresql+asyncpg://ijw:{SECRET}@dbhost/ijw",
        "not a url",
        "",
    ],
)
def test_malformed_or_unsupported_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        db.make_engine(url) if url else db.normalize_url(url)
    assert not isinstance(caught.value, StoreError)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ijw:{SECRET}@127.0.0.1:1/ijw",  # nothing listens: refused at once
        f"postgresql+psycopg://ijw:{SECRET}@no-such-host.invalid/ijw",  # no such name
    ],
)
def test_unreachable_database_is_a_store_error_quickly(url: str) -> None:
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        db.make_engine(url)
    assert time.monotonic() - started < 15
    message = str(caught.value)
    assert SECRET not in message
    assert "ijw:***@" in message
    assert message.startswith("cannot connect to database postgresql+psycopg://")


def test_unopenable_sqlite_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot connect to database"):
        db.make_engine(f"sqlite:///{blocker / 'ijw.db'}")


# --------------------------------------------------------------------------- migrations


def test_head_is_the_newest_revision_file() -> None:
    versions = sorted(p.stem.split("_")[0] for p in (REPO / "migrations" / "versions").glob("*.py"))
    assert db.head() == versions[-1]


def test_migrations_and_models_agree(empty_url: str) -> None:
    assert db.current(empty_url) is None
    assert db.upgrade(empty_url) == db.head()
    engine = db.make_engine(empty_url)
    try:
        assert _differences(engine) == []
        assert db.current(engine) == db.head()
        assert db.current(empty_url) == db.head()
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_reverses_it(empty_url: str) -> None:
    assert db.upgrade(empty_url) == db.head()
    assert db.upgrade(empty_url) == db.head()
    assert db.downgrade(empty_url, "base") is None
    engine = db.make_engine(empty_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert db.upgrade(empty_url) == db.head()


def test_partial_unique_indexes_exist(engine: Engine) -> None:
    indexes = {
        ix["name"]: ix
        for table in ("message", "care_line")
        for ix in inspect(engine).get_indexes(table)
    }
    for name in ("uq_message_identity", "uq_care_line_active_key"):
        assert indexes[name]["unique"]
        options = indexes[name].get("dialect_options", {})
        assert any(key.endswith("_where") for key in options), options


def test_current_does_not_create_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "ijw.db"
    assert db.current(f"sqlite:///{path}") is None
    assert not path.exists()


def test_ensure_schema_creates_sqlite_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "ijw.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        db.ensure_schema(engine)
        assert path.is_file()
        assert db.current(engine) == db.head()
        assert _differences(engine) == []
        with engine.begin() as conn:
            conn.execute(insert(CLIENT).values(bsn="123456782"))
        db.ensure_schema(engine)  # idempotent: nothing is recreated or lost
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(CLIENT)) == 1
    finally:
        engine.dispose()


def test_sqlite_default_store_in_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
    engine = db.make_engine()
    try:
        db.ensure_schema(engine)
    finally:
        engine.dispose()
    assert (tmp_path / "ijw.db").is_file()


def test_sqlite_connection_pragmas(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'ijw.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


def test_unmigrated_postgres_is_refused(empty_postgres_url: str) -> None:
    engine = db.make_engine(empty_postgres_url)
    try:
        with pytest.raises(ConfigurationError,
                           match=r"not migrated; run `ijw db upgrade --db postgresql"):
            db.ensure_schema(engine)
        assert inspect(engine).get_table_names() == []  # nothing was created
        db.upgrade(engine)
        db.ensure_schema(engine)
    finally:
        engine.dispose()


def test_database_from_a_newer_ijw_is_refused(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
        with pytest.raises(ConfigurationError, match="does not know"):
            db.ensure_schema(engine)
        with pytest.raises(ConfigurationError, match="does not know"):
            db.upgrade(engine)
    finally:
        engine.dispose()


def test_ensure_schema_on_a_migrated_store(engine: Engine) -> None:
    db.ensure_schema(engine)
    assert db.current(engine) == db.head()


# --------------------------------------------------------------------------- transactions


def test_savepoints_nest_inside_the_transaction(engine: Engine) -> None:
    with engine.connect() as conn:
        with conn.begin() as outer:
            with conn.begin_nested():  # released: part of the outer transaction
                conn.execute(insert(CLIENT).values(bsn="111111110"))
            savepoint = conn.begin_nested()
            conn.execute(insert(CLIENT).values(bsn="222222220"))
            savepoint.rollback()
            assert conn.scalar(select(func.count()).select_from(CLIENT)) == 1
            outer.rollback()
        assert conn.scalar(select(func.count()).select_from(CLIENT)) == 0


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(ALLOCATION).values(_allocation(client_id=999, message_id=999)))


# --------------------------------------------------------------------------- natural keys


def _message(identificatie: str = "B1", duplicate_of_id: int | None = None, **over: Any) -> Any:
    now = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    values: dict[str, Any] = {
        "message_type": "JW315",
        "direction": "in",
        "sender": "12345678",
        "receiver": "0599",
        "gemeente": "0599",
        "aanbieder": "12345678",
        "identificatie": identificatie,
        "dagtekening": date(2024, 3, 1),
        "sha256": secrets.token_hex(32),
        "received_at": now,
        "imported_at": now,
        "outcome": "accepted",
        "duplicate_of_id": duplicate_of_id,
        "raw_xml": b"<x/>",
    }
    values.update(over)
    return values


def _allocation(*, client_id: int, message_id: int, nummer: int = 1001) -> dict[str, Any]:
    return {
        "gemeente": "0599",
        "toewijzing_nummer": nummer,
        "client_id": client_id,
        "aanbieder": "12345678",
        "toewijzingsdatum": date(2024, 3, 1),
        "toewijzingstijd": clock(12, 0),
        "ingangsdatum": date(2024, 3, 1),
        "message_id": message_id,
    }


def _care_line(*, client_id: int, message_id: int, **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "start",
        "message_id": message_id,
        "client_id": client_id,
        "gemeente": "0599",
        "aanbieder": "12345678",
        "toewijzing_nummer": 1001,
        "begindatum": date(2024, 3, 4),
        "status": "1",
        "start_key": "k",
        "line_key": "k",
    }
    values.update(over)
    return values


def _insert(engine: Engine, table: Any, values: dict[str, Any]) -> int:
    with engine.begin() as conn:
        key = conn.execute(insert(table).values(values)).inserted_primary_key
        assert key is not None
        return int(key[0])


def _parents(engine: Engine) -> tuple[int, int]:
    client = _insert(engine, CLIENT, {"bsn": "123456782"})
    message = _insert(engine, MESSAGE, _message("PARENT", sha256="a" * 64))
    return client, message


def test_message_identity_is_unique_unless_marked_duplicate(engine: Engine) -> None:
    first = _insert(engine, MESSAGE, _message(sha256="1" * 64))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(MESSAGE).values(_message(sha256="2" * 64)))
    # The same identity, recorded as a duplicate of the first: allowed (twice, even).
    _insert(engine, MESSAGE, _message(duplicate_of_id=first, sha256="3" * 64))
    _insert(engine, MESSAGE, _message(duplicate_of_id=first, sha256="4" * 64))
    # Another message type or sender with the same Identificatie is another message.
    _insert(engine, MESSAGE, _message(message_type="JW317", sha256="5" * 64))
    _insert(engine, MESSAGE, _message(sender="87654321", sha256="6" * 64))


def test_same_bytes_are_stored_once(engine: Engine) -> None:
    _insert(engine, MESSAGE, _message("B1", sha256="7" * 64))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(MESSAGE).values(_message("B2", sha256="7" * 64)))


def test_allocation_number_is_unique_per_gemeente(engine: Engine) -> None:
    client, message = _parents(engine)
    _insert(engine, ALLOCATION, _allocation(client_id=client, message_id=message))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(ALLOCATION).values(_allocation(client_id=client, message_id=message)))
    other = _allocation(client_id=client, message_id=message)
    other["gemeente"] = "0363"
    _insert(engine, ALLOCATION, other)


def test_active_care_line_key_is_unique(engine: Engine) -> None:
    client, message = _parents(engine)
    first = _insert(engine, CARE, _care_line(client_id=client, message_id=message))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(CARE).values(_care_line(client_id=client, message_id=message)))
    # A stop with the same key is another kind of line.
    _insert(engine, CARE, _care_line(client_id=client, message_id=message, kind="stop"))
    # A status-3 deletion line carries the same key ...
    deleter = _insert(engine, CARE, _care_line(client_id=client, message_id=message, status="3"))
    # ... and once the first is marked deleted, the start may be sent again.
    with engine.begin() as conn:
        conn.execute(CARE.update().where(CARE.c.id == first).values(deleted_by_id=deleter))
    _insert(engine, CARE, _care_line(client_id=client, message_id=message))
    # A line inserted already deleted does not count either.
    _insert(engine, CARE, _care_line(client_id=client, message_id=message, deleted_by_id=deleter))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(CARE).values(_care_line(client_id=client, message_id=message)))


def test_the_fast_path_raises_sqlalchemys_integrity_error_without_values(engine: Engine) -> None:
    """The import's raw-cursor statements refuse a duplicate as SQLAlchemy would.

    The import's batch fallback (redo message by message) catches IntegrityError; a
    driver's own exception would end the run instead. The statement's values are not
    in the error; PostgreSQL's own detail names the key, which ``scrub`` masks.
    """
    from ijw.privacy import scrub
    from ijw.store import persist

    with engine.begin() as conn:
        persist.client_id(conn, "999900006")
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        persist._INSERT_CLIENT(conn, {"bsn": "999900006"})
    assert "parameters" not in str(caught.value)
    assert "999900006" not in scrub(str(caught.value))
    with engine.begin() as conn:  # the connection is usable after the refusal
        assert persist.client_id(conn, "999900006") == 1


def _questions() -> dict[str, Prepared]:
    """Every prepared statement of the import's hot path, by module and name."""
    from ijw.store import context, persist

    return {f"{module.__name__}.{name}": value for module in (context, persist)
            for name, value in vars(module).items() if isinstance(value, Prepared)}


def test_every_hot_question_is_an_index_search_on_sqlite(tmp_path: Path) -> None:
    """No question of the import scans a table, nor searches on only part of a key.

    Checked on a migrated store without statistics, as a new store runs, with every
    parameter bound to a value no predicate names ("x"): a plan may not depend on what
    a parameter holds. SQLite re-plans a statement at each run when it does, and a
    generic PostgreSQL plan cannot. A care line's status written as a parameter once
    cost that re-planning on every 305/307, or a search through every line of a kind.
    """
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    db.ensure_schema(db.make_engine(url))
    engine = db.make_engine(url)
    questions = _questions()
    assert len(questions) >= 12
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        plans = {}
        for name, prepared in questions.items():
            compiled = prepared.compiled(conn.dialect)
            args = tuple("x" for _ in compiled.names or ())
            plans[name] = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {compiled.sql}",
                                                         args)]
    engine.dispose()
    for name, steps in plans.items():
        for step in steps:
            assert not step.startswith("SCAN") or step == "SCAN CONSTANT ROW", (name, step)
            assert "(kind=?)" not in step, (name, step)
    assert any("uq_care_line_active_key (kind=? AND line_key=?)" in step
               for step in plans["ijw.store.context._ACTIVE_LINE"])
