"""Connections to the store and its migrations (SQLite or PostgreSQL).

Which database
    :func:`resolve_url` picks the URL: the one given, else the environment
    variable ``IJW_DATABASE_URL``, else :data:`DEFAULT_URL`, the SQLite file
    ``ijw.db`` in the current directory. Accepted forms::

        sqlite:///relative/path/ijw.db     sqlite:////absolute/path/ijw.db
        postgresql://user@host:5432/ijw    postgresql+psycopg://user:pw@host/ijw

    ``postgresql://`` (and ``postgres://``) are rewritten to the psycopg 3
    driver; a relative SQLite path is made absolute against the current
    directory when the engine is made.

SQLite
    Every connection gets ``journal_mode=WAL``, ``foreign_keys=ON``,
    ``synchronous=NORMAL`` and ``busy_timeout=30000``. Transactions are begun
    by SQLAlchemy (not by the sqlite3 module), so savepoints nest correctly
    and reads are part of their transaction. A connection can ask for
    ``BEGIN IMMEDIATE`` (take the write lock up front) with
    ``connection.execution_options(sqlite_begin="IMMEDIATE")``.
    :func:`ensure_schema` creates and migrates a SQLite store on first use.

PostgreSQL
    Never migrated implicitly: run ``ijw db upgrade`` (:func:`upgrade`) once
    per release; :func:`ensure_schema` refuses a database that is not at head.

Alembic runs programmatically from :func:`ijw.resources.migrations_dir`, so
no ``alembic.ini`` is needed (the one at the top of the checkout is for
developers who want the ``alembic`` command itself).

Errors: a malformed or unsupported URL raises
:class:`~ijw.errors.ConfigurationError`; a database that cannot be reached or
refuses an operation raises :class:`~ijw.errors.StoreError`. Messages name
the database with its password masked.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ijw.errors import ConfigurationError, StoreError
from ijw.resources import migrations_dir

#: Environment variable with the database URL.
DATABASE_URL_ENV = "IJW_DATABASE_URL"

#: The store when nothing else is said: the SQLite file ``ijw.db`` in the current directory.
DEFAULT_URL = "sqlite+pysqlite:///ijw.db"

#: Execution option naming the BEGIN mode of a SQLite transaction (DEFERRED, IMMEDIATE, EXCLUSIVE).
SQLITE_BEGIN_OPTION = "sqlite_begin"

#: Pragmas set on every SQLite connection (busy_timeout first, so the others wait too).
SQLITE_PRAGMAS = (
    ("busy_timeout", "30000"),
    ("journal_mode", "WAL"),
    ("synchronous", "NORMAL"),
    ("foreign_keys", "ON"),
)

#: Seconds a PostgreSQL connection attempt may take (unless the URL says otherwise).
PG_CONNECT_TIMEOUT = 10

#: Key of the transaction-scoped advisory lock ``upgrade`` takes on PostgreSQL ('ijw-mig').
MIGRATION_LOCK_KEY = 0x696A_772D_6D69_67

NOT_MIGRATED = "database is not migrated; run `ijw db upgrade`"

_URL_HINT = "expected e.g. sqlite:///ijw.db or postgresql+psycopg://user@host:5432/ijw"
_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})
_USERINFO = re.compile(r"(?P<head>://[^:/@?#]*):[^@/?#]*@")


# --------------------------------------------------------------------------- URLs


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$IJW_DATABASE_URL``, else :data:`DEFAULT_URL`."""
    if url is not None and url.strip():
        return url.strip()
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    return from_env or DEFAULT_URL


def mask_url(url: str | URL) -> str:
    """``url`` fit for a message or log: the password replaced by ``***``."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _USERINFO.sub(r"\g<head>:***@", url)


def normalize_url(url: str | URL) -> URL:
    """Parse and check ``url``; pick the drivers ijw uses (pysqlite, psycopg 3).

    Raises :class:`ConfigurationError` for a malformed URL or a database
    other than SQLite and PostgreSQL.
    """
    if isinstance(url, str):
        if not url.strip():
            raise ConfigurationError(f"empty database URL; {_URL_HINT}")
        try:
            parsed = make_url(url.strip())
        except (ArgumentError, ValueError):
            raise ConfigurationError(
                f"malformed database URL {mask_url(url)!r}; {_URL_HINT}"
            ) from None
    else:
        parsed = url
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise ConfigurationError(f"unsupported SQLite driver {driver!r}; use sqlite:///path")
        parsed = parsed.set(drivername="sqlite+pysqlite")
        database = parsed.database or ""
        is_uri = str(parsed.query.get("uri", "")).lower() in ("true", "1")
        if database and database != ":memory:" and not is_uri:
            parsed = parsed.set(database=str(Path(database).expanduser().absolute()))
        return parsed
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise ConfigurationError(
                f"unsupported PostgreSQL driver {driver!r}; use postgresql+psycopg://"
            )
        return parsed.set(drivername="postgresql+psycopg")
    raise ConfigurationError(
        f"unsupported database {backend!r} in {mask_url(parsed)!r}; "
        "ijw stores in SQLite or PostgreSQL"
    )


def store_name(url: str | URL | None = None) -> str:
    """The store ``url`` names, fit for output: an absolute SQLite path, a password masked.

    ``url`` is resolved with :func:`resolve_url` when ``None``, e.g.
    ``sqlite:////srv/ijw/ijw.db`` or ``postgresql+psycopg://ijw:***@db.example.nl/ijw``.
    """
    parsed = normalize_url(resolve_url(url) if url is None or isinstance(url, str) else url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{parsed.database or ':memory:'}"
    return mask_url(parsed)


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (``None`` for PostgreSQL or an in-memory database)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


# --------------------------------------------------------------------------- engines


def _missing_folder(given: str | URL, path: Path) -> str:
    message = (f"the folder {path.parent} of SQLite store {path} does not exist; create it, "
               "or pass --create")
    database = make_url(given).database if isinstance(given, str) else given.database
    if database and not Path(database).expanduser().is_absolute():
        message += (f" (sqlite:///{database}, with three slashes, is relative to the current "
                    f"folder; an absolute path takes four: sqlite:////{database})")
    return message


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # sqlite3 must not emit BEGIN itself (it skips it for SELECT and SAVEPOINT);
    # _sqlite_on_begin does, so transactions and savepoints behave as documented.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    mode = str(options.get(SQLITE_BEGIN_OPTION, "DEFERRED")).upper()
    if mode not in _BEGIN_MODES:
        raise ConfigurationError(f"{SQLITE_BEGIN_OPTION}={mode!r}: expected one of {_BEGIN_MODES}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _reason(exc: BaseException, url: URL) -> str:
    """The driver's message of ``exc`` on one line, without the password."""
    orig = getattr(exc, "orig", None) or exc
    reason = " ".join(str(orig).split()) or type(orig).__name__
    if url.password and len(str(url.password)) >= 4:
        reason = reason.replace(str(url.password), "***")
    return reason


@contextmanager
def store_errors(url: URL, doing: str = "use") -> Iterator[None]:
    """Turn driver errors inside the block into :class:`StoreError` (password masked)."""
    try:
        yield
    except DBAPIError as exc:
        reason = _reason(exc, url)
        if "invalid connection option" in reason or "invalid dsn" in reason:
            # The URL itself is wrong: a configuration error, not an outage.
            raise ConfigurationError(f"database URL {mask_url(url)}: {reason}") from None
        raise StoreError(f"cannot {doing} database {mask_url(url)}: {reason}") from None


def make_engine(url: str | URL | None = None, *, check: bool = True,
                create_folder: bool = False, **options: Any) -> Engine:
    """An engine on ``url`` (resolved with :func:`resolve_url` when ``None``).

    A SQLite file is made on first use, but only in a folder that exists: a
    missing folder is most often a mistyped path (``sqlite:///srv/ijw.db``, three
    slashes, is relative to the current folder) and raises
    :class:`ConfigurationError`, unless ``create_folder`` says to make it. With
    ``check`` (the default) the database is connected to once, so an
    unreachable server or an unopenable SQLite file raises :class:`StoreError`
    here rather than at first use. ``options`` go to :func:`sqlalchemy.create_engine`.
    """
    given = resolve_url(url) if url is None or isinstance(url, str) else url
    parsed = normalize_url(given)
    path = sqlite_path(parsed)
    if path is not None and not path.parent.exists():
        if not create_folder:
            raise ConfigurationError(_missing_folder(given, path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of SQLite database {path}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        connect_args = {"timeout": 30.0, **options.pop("connect_args", {})}
    else:
        connect_args = dict(options.pop("connect_args", {}))
        if "connect_timeout" not in parsed.query:
            connect_args.setdefault("connect_timeout", PG_CONNECT_TIMEOUT)
        if "application_name" not in parsed.query:  # ijw/PID: who holds a lock
            connect_args.setdefault("application_name", f"ijw/{os.getpid()}")
        options.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(parsed, connect_args=connect_args, **options)
    except (ArgumentError, NoSuchModuleError, TypeError) as exc:
        raise ConfigurationError(
            f"cannot use database URL {mask_url(parsed)!r}: {_reason(exc, parsed)}"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    if check:
        try:
            with store_errors(parsed, "connect to"), engine.connect():
                pass
        except StoreError:
            engine.dispose()
            raise
    return engine


@contextmanager
def _engine_for(target: Engine | str | None, *, create_folder: bool = False) -> Iterator[Engine]:
    """``target`` itself, or a temporary engine on the URL (disposed afterwards)."""
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(resolve_url(target), create_folder=create_folder)
    try:
        yield engine
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the shipped migrations (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision of the shipped migrations."""
    revision = _script().get_current_head()
    if revision is None:
        raise ConfigurationError(f"no migrations found in {migrations_dir()}")
    return revision


def known(revision: str) -> bool:
    """True when ``revision`` is one of the shipped migrations (else: from a newer ijw)."""
    return _known(revision)


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def current(target: Engine | Connection | str | None = None) -> str | None:
    """The revision the database is at (``None``: not migrated).

    ``target`` is an engine, a connection or a URL (``None``: :func:`resolve_url`).
    A SQLite file that does not exist yet is reported as not migrated and is
    not created.
    """
    if isinstance(target, Connection):
        with store_errors(target.engine.url, "read"):
            return _current(target)
    if not isinstance(target, Engine):
        path = sqlite_path(resolve_url(target))
        if path is not None and not path.exists():
            return None
    with _engine_for(target) as engine, store_errors(engine.url, "read"), engine.connect() as conn:
        return _current(conn)


def _lock_for_migration(conn: Connection) -> None:
    """Serialise concurrent migrations (PostgreSQL; SQLite has BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})


def _check_known(revision: str | None) -> None:
    if revision is not None and not _known(revision):
        raise ConfigurationError(
            f"database is at revision {revision!r}, which this version of ijw does not know "
            "(was it migrated by a newer ijw?)"
        )


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> str | None:
    """Run Alembic over one connection, in one locked transaction; the revision after."""
    with store_errors(engine.url, "migrate"), engine.connect() as conn:
        conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            _lock_for_migration(conn)
            _check_known(_current(conn))
            config = alembic_config(conn)
            try:
                if down:
                    command.downgrade(config, revision)
                else:
                    command.upgrade(config, revision)
            except CommandError as exc:
                raise ConfigurationError(f"cannot migrate to {revision!r}: {exc}") from None
            return _current(conn)


def upgrade(target: Engine | str | None = None, revision: str = "head", *,
            create_folder: bool = False) -> str | None:
    """Migrate the database (engine or URL; ``None``: :func:`resolve_url`) to ``revision``.

    Runs in one transaction (taken with a lock, so concurrent upgrades wait
    for each other) and returns the revision the database is at afterwards.
    A SQLite store's missing folder is made only with ``create_folder``.
    """
    with _engine_for(target, create_folder=create_folder) as engine:
        return _migrate(engine, revision)


def downgrade(target: Engine | str | None, revision: str) -> str | None:
    """Migrate the database down to ``revision`` (``base``: drop everything). For developers."""
    with _engine_for(target) as engine:
        return _migrate(engine, revision, down=True)


def ensure_schema(engine: Engine) -> None:
    """Make sure the store's tables are there and current.

    SQLite: created and migrated to head on first use (and after an ijw
    upgrade). PostgreSQL: never migrated here; a database that is not at head
    raises :class:`ConfigurationError` asking for ``ijw db upgrade``.
    """
    target = head()
    with store_errors(engine.url, "connect to"), engine.connect() as conn:
        revision = _current(conn)
    if revision == target:
        return
    _check_known(revision)
    if engine.dialect.name == "sqlite":
        _migrate(engine, "head")
        return
    upgrade_hint = f"run `ijw db upgrade --db {store_name(engine.url)}`"
    if revision is None:
        raise ConfigurationError(NOT_MIGRATED.replace("run `ijw db upgrade`", upgrade_hint))
    raise ConfigurationError(
        f"database is at revision {revision}, this ijw needs {target}; {upgrade_hint}"
    )


__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_URL",
    "NOT_MIGRATED",
    "SQLITE_BEGIN_OPTION",
    "alembic_config",
    "current",
    "downgrade",
    "ensure_schema",
    "head",
    "known",
    "make_engine",
    "mask_url",
    "normalize_url",
    "resolve_url",
    "sqlite_path",
    "store_errors",
    "store_name",
    "upgrade",
]
