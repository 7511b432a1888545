"""Shared fixtures.

Reference material (the official XSDs and examples) is looked up in
``$IJW_SHARED`` or ``../shared`` beside the checkout. Tests that need it skip
with a reason when it is absent; with ``IJW_REQUIRE_SHARED=1`` (set by
``.ci/run``) that absence is a failure instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ijw.store.db import normalize_url, upgrade

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
OUR_SCHEMAS = REPO / "schemas" / "ijw-3.2"
#: Generated documents as they must come out, byte for byte (see :func:`assert_golden`).
GOLDEN = REPO / "tests" / "golden"
UPDATE_GOLDEN_ENV = "IJW_UPDATE_GOLDEN"


def assert_golden(relative: str, data: bytes) -> None:
    """``data`` equals the golden file ``tests/golden/<relative>``.

    The golden files are what the shipped schemas give (their XsdVersie stamps);
    with ``IJW_SCHEMA_DIR`` set to another release nothing is compared. With
    ``IJW_UPDATE_GOLDEN=1`` the file is written instead of compared (every one of
    a test's files, not only its first): review the diff before committing it,
    since the golden files are what a provider receives.
    """
    from ijw.schemas import load

    if not load().shipped:
        return
    path = GOLDEN / relative
    if os.environ.get(UPDATE_GOLDEN_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.is_file(), f"no golden file {relative}: run with {UPDATE_GOLDEN_ENV}=1, review"
    assert data == path.read_bytes(), f"{relative} differs from its golden file"


#: Settings an operator may have in the environment that would change what the tests see.
#: (``IJW_SCHEMA_DIR`` stays: the suite passes on the official XSDs as well.)
OPERATOR_SETTINGS = ("IJW_DATABASE_URL", "IJW_GEMEENTE", "IJW_OUTBOX", "IJW_TODAY",
                     "IJW_MAX_BYTES", "IJW_CBS_GEMEENTEN", "IJW_PRODUCTCODES")


@pytest.fixture(autouse=True, scope="session")
def _no_operator_settings() -> Iterator[None]:
    """Session-wide (autouse comes first in its scope, so the session fixtures see it too)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in OPERATOR_SETTINGS:
            patch.delenv(name, raising=False)
        yield


def _shared_root() -> Path:
    return Path(os.environ.get("IJW_SHARED", REPO.parent / "shared")) / "ijw-3.2"


def require_shared() -> Path:
    """Return ``shared/ijw-3.2`` or skip (fail under CI) when it is absent."""
    root = _shared_root()
    if (root / "xsd").is_dir() and (root / "examples").is_dir():
        return root
    reason = f"reference material not found at {root} (set IJW_SHARED)"
    if os.environ.get("IJW_REQUIRE_SHARED") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def official_xsd_dir(shared_dir: Path) -> Path:
    return shared_dir / "xsd"


@pytest.fixture(scope="session")
def official_examples_dir(shared_dir: Path) -> Path:
    return shared_dir / "examples"


# --------------------------------------------------------------------------- databases
#
# PostgreSQL tests run against the server named by IJW_TEST_POSTGRES_URL (any
# database on it; e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). They
# create their own databases ``ijw_test_<random>...`` there and drop them again.
# Without the variable they skip; with IJW_REQUIRE_POSTGRES=1 (``.ci/run``) they fail.

POSTGRES_ENV = "IJW_TEST_POSTGRES_URL"


def require_postgres() -> str:
    """The server URL from ``IJW_TEST_POSTGRES_URL``, or skip (fail under CI)."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    reason = f"{POSTGRES_ENV} is not set"
    if os.environ.get("IJW_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class PostgresServer:
    """Creates and drops databases on the test server (AUTOCOMMIT, no pooling)."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"ijw_test_{secrets.token_hex(5)}"
        self._count = 0

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, suffix: str | None = None, template: str | None = None) -> str:
        """Create a database (a copy of ``template``, else empty); return its name.

        The name is ``ijw_test_<random><suffix>``; without a suffix, a counter.
        """
        if suffix is None:
            self._count += 1
            suffix = f"_{self._count}"
        name = f"{self.prefix}{suffix}"
        source = f' TEMPLATE "{template}"' if template else " TEMPLATE template0"
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{source}')
        return name

    def drop(self, name: str) -> None:
        """Drop ``name``, ending whatever connections the test left open on it."""
        with self.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')

    @contextmanager
    def database(self, suffix: str | None = None, template: str | None = None) -> Iterator[str]:
        """A new database for the block; yields its URL."""
        name = self.create(suffix, template)
        try:
            yield self.url_of(name)
        finally:
            self.drop(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(require_postgres())
    yield server
    server.engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty (not migrated) PostgreSQL database for the test session."""
    with postgres_server.database("") as url:
        yield url


@pytest.fixture
def empty_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty (not migrated) PostgreSQL database for one test."""
    with postgres_server.database() as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_template(postgres_server: PostgresServer) -> Iterator[str]:
    """A migrated database that per-test databases are copied from (never connected to)."""
    name = postgres_server.create("_template")
    try:
        upgrade(postgres_server.url_of(name))
        yield name
    finally:
        postgres_server.drop(name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that per-test stores are copied from."""
    path = tmp_path_factory.mktemp("sqlite-template") / "ijw.db"
    upgrade(f"sqlite+pysqlite:///{path}")
    assert not path.with_name("ijw.db-wal").exists()  # all in the file, safe to copy
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated, empty store of its own: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "ijw.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite+pysqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("_postgres_template")
    with server.database(template=template) as url:
        yield url


@pytest.fixture
def migrated_postgres_factory(
    postgres_server: PostgresServer, _postgres_template: str
) -> Iterator[Callable[[], str]]:
    """Make as many migrated, empty PostgreSQL stores as a test needs; all dropped after."""
    names: list[str] = []

    def make() -> str:
        names.append(postgres_server.create(template=_postgres_template))
        return postgres_server.url_of(names[-1])

    yield make
    for name in names:
        postgres_server.drop(name)
