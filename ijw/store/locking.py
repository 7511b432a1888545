"""One import at a time per store: a file lock for SQLite, an advisory lock for PostgreSQL.

Two ``ijw import`` runs against the same database serialise on this lock; the
second then finds every file the first committed (by sha256) and skips it, so
no file is processed twice and none is lost.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

#: Key of the PostgreSQL advisory lock held by an import run ('ijw-import').
ADVISORY_KEY = 0x696A_7769_6D70


@contextmanager
def import_lock(engine: Engine) -> Iterator[None]:
    """Hold the store's import lock for the duration of the block (blocking)."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database or ""
        lock_path = Path(f"{database}.lock") if database and database != ":memory:" else None
        if lock_path is None:
            yield
            return
        with lock_path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            conn.commit()
