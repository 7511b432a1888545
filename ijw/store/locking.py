"""Who may import what, when.

SQLite: one import at a time per store, a file lock beside the database file.
PostgreSQL: one lock per *dependency group* (the aanbieder a message concerns),
an advisory lock held on its own connection while the group's files are
processed. Runs, workers and hosts then work on different groups at the same
time; a second holder of a group waits, then finds every file the first
committed (by sha256) and skips it, so no file is processed twice and none is
lost, and the messages of one group keep their order.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


def group_key(group: str) -> int:
    """A stable signed 64-bit advisory-lock key for a dependency group."""
    digest = hashlib.sha256(f"ijw-import-group:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def group_lock(engine: Engine, group: str, *, wait: bool = True) -> Iterator[bool]:
    """Hold the PostgreSQL advisory lock of ``group`` for the block.

    With ``wait=False`` the block gets ``False`` at once when another holder
    has the group (and nothing is held); otherwise it waits and gets ``True``.
    """
    key = {"k": group_key(group)}
    with engine.connect() as conn:
        if wait:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), key)
            held = True
        else:
            held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), key).scalar())
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), key)
                conn.commit()


@contextmanager
def import_lock(engine: Engine) -> Iterator[None]:
    """Hold a SQLite store's import lock for the duration of the block (blocking).

    A file lock beside the database file; an in-memory store needs none.
    PostgreSQL imports lock per dependency group instead (:func:`group_lock`).
    """
    if engine.dialect.name != "sqlite":
        raise ValueError("import_lock is for SQLite stores; PostgreSQL locks per group")
    database = engine.url.database or ""
    if not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
