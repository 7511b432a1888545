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
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from ijw.errors import ImportInterruptedError

#: Seconds between two attempts at a lock another run holds (a waiting run stays stoppable).
POLL_SECONDS = 0.2

#: Asked while waiting: true when the run should stop instead (a signal came).
StopCheck = Callable[[], bool]

log = logging.getLogger("ijw.import")


def group_key(group: str) -> int:
    """A stable signed 64-bit advisory-lock key for a dependency group."""
    digest = hashlib.sha256(f"ijw-import-group:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def group_lock(engine: Engine, group: str, *, wait: bool = True,
               stop: StopCheck | None = None) -> Iterator[bool]:
    """Hold the PostgreSQL advisory lock of ``group`` for the block.

    With ``wait=False`` the block gets ``False`` at once when another holder
    has the group (and nothing is held); otherwise it waits and gets ``True``.
    A wait asks ``stop`` between attempts and raises :class:`ImportInterruptedError` when it
    says so.
    """
    key = {"k": group_key(group)}
    with engine.connect() as conn:
        waiting = False
        while True:
            held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), key).scalar())
            conn.commit()
            if held or not wait:
                break
            if not waiting:
                waiting = True
                _say_waiting(_pg_holder(conn, key["k"]))
            _pause(stop)
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), key)
                conn.commit()


@contextmanager
def import_lock(engine: Engine, *, stop: StopCheck | None = None) -> Iterator[None]:
    """Hold a SQLite store's import lock for the duration of the block (waits for it).

    A file lock beside the database file; an in-memory store needs none.
    PostgreSQL imports lock per dependency group instead (:func:`group_lock`).
    A wait asks ``stop`` between attempts and raises :class:`ImportInterruptedError` when
    it says so.
    """
    if engine.dialect.name != "sqlite":
        raise ValueError("import_lock is for SQLite stores; PostgreSQL locks per group")
    database = engine.url.database or ""
    if not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.lock").open("a+") as handle:
        waiting = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    waiting = True
                    handle.seek(0)
                    _say_waiting(_file_holder(handle.read()))
                _pause(stop)
        # Who holds it, for a run that has to wait: "pid started-at".
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {time.time():.0f}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _file_holder(content: str) -> tuple[str, float] | None:
    try:
        pid, since = content.split()
        return pid, float(since)
    except ValueError:
        return None


def _pg_holder(conn: Connection, key: int) -> tuple[str, float] | None:
    """The ijw process holding advisory lock ``key`` and since when (application_name)."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    row = conn.execute(text(
        "SELECT a.application_name, a.pid, extract(epoch FROM a.state_change)"
        " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
        " AND l.classid = :hi AND l.objid = :lo"),
        {"hi": unsigned >> 32, "lo": unsigned & 0xFFFF_FFFF}).first()
    conn.commit()
    if row is None or row[2] is None:
        return None
    name, backend, since = str(row[0] or ""), row[1], float(row[2])
    return (name.removeprefix(APPLICATION_PREFIX) if name.startswith(APPLICATION_PREFIX)
            else f"{backend} (a PostgreSQL backend)"), since


#: ``application_name`` of ijw's PostgreSQL connections: this prefix and the process id.
APPLICATION_PREFIX = "ijw/"


def _say_waiting(holder: tuple[str, float] | None) -> None:
    if holder is None:
        log.warning("waiting for another run to finish")
        return
    pid, since = holder
    log.warning(f"waiting for the run of pid {pid} since "
                f"{time.strftime('%H:%M', time.localtime(since))}")


def _pause(stop: StopCheck | None) -> None:
    if stop is not None and stop():
        raise ImportInterruptedError
    time.sleep(POLL_SECONDS)
