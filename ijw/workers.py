"""``ijw import --workers N``: several processes import one inbox into PostgreSQL.

The planning process reads every header once and splits the work into
dependency groups (one per aanbieder, see :mod:`ijw.store.locking`). Almost
every rule that compares messages stays within one aanbieder's traffic; two
do not: TR056 on the messages the gemeente sends (its Identificatie is unique
per gemeente) and TR332 (a ToewijzingNummer belongs to one client and
aanbieder). When two groups race on such a key, the store's unique
constraints refuse the second row: that message is reported as failed, is
not stored, and the next run judges it again, now against the first. Worker
processes take groups from a shared queue, largest first; each holds the
group's advisory lock while it processes that group's files in the global
order. Other hosts running ``ijw import`` on the same inbox take the same
locks, so a file is never processed twice and a 305 still follows its 301.
SQLite has one writer at a time, so more than one worker is refused there.

Stopping: a worker never dies of SIGINT or SIGTERM (Ctrl-C or ``kill`` of the
process group). It sets the run's shared stop flag instead; the planning
process does the same when it is asked to stop. Every worker then ends after
its current batch, the parent records the run as interrupted and raises
:class:`~ijw.errors.ImportInterruptedError`; a worker that has not stopped within
:data:`STOP_GRACE_SECONDS` is killed (its batch is rolled back).
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ijw.errors import ConfigurationError, ImportInterruptedError, StoreError
from ijw.importing import (
    FileOutcome,
    Importer,
    ImportOptions,
    ImportSummary,
    _Queued,
    groups,
    plan,
)
from ijw.privacy import scrub
from ijw.store import db
from ijw.store.locking import group_lock

#: Seconds a worker gets to finish its batch once the run is asked to stop.
STOP_GRACE_SECONDS = 10.0


def _worker(url: str, options: ImportOptions, run_id: int, tasks: Any, results: Any,
            remaining: Any, stopping: Any) -> None:
    """A worker process: take groups until the queue is empty, report each outcome.

    Every failure is caught and reported as a short text (never a traceback:
    those can quote SQL parameters, and so a BSN); the worker then stops.
    """

    def on_signal(_signum: int, _frame: object) -> None:
        stopping.set()  # no exception inside a database call: stop after the batch

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    engine = None
    importer = None
    try:
        engine = db.make_engine(url)
        importer = Importer(engine, options, on_file=results.put, stop=stopping.is_set)
        while remaining.value > 0 and not stopping.is_set():
            try:
                group, items, deferred = tasks.get(timeout=0.2)
            except queue_module.Empty:
                continue  # groups are in flight or being deferred by another worker
            with group_lock(engine, group, wait=deferred, stop=stopping.is_set) as held:
                if not held:  # another host has it: try the rest first, then wait
                    tasks.put((group, items, True))
                    continue
                importer.process(items, run_id)
            with remaining.get_lock():
                remaining.value -= 1
        # What this worker really published (a name taken by other bytes is not).
        results.put((_DONE, importer.summary.retours_written))
    except ImportInterruptedError:
        results.put((_DONE, importer.summary.retours_written if importer else 0))
    except BaseException as exc:
        results.put((_FAILED, describe(exc)))
    finally:
        if engine is not None:
            engine.dispose()


_DONE = "done"
_FAILED = "failed"


def describe(exc: BaseException) -> str:
    """A short, BSN-free description of a failure (no SQL, no parameters)."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).splitlines()
    return scrub(f"{type(original or exc).__name__}: {text[0] if text else ''}")[:300]


def parallel_import(
    url: str,
    paths: Iterable[Path],
    options: ImportOptions,
    workers: int,
    on_file: Callable[[FileOutcome], None] | None = None,
    stop: Callable[[], bool] | None = None,
    on_planned: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import with ``workers`` processes (PostgreSQL only); the summary keeps queue order.

    ``stop`` is asked while the workers run; when it returns true (or a worker
    was signalled) they end after their current batch and
    :class:`~ijw.errors.ImportInterruptedError` is raised, the run recorded as interrupted.
    """
    engine = db.make_engine(url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise ConfigurationError(
            "--workers above 1 needs PostgreSQL: SQLite has one writer at a time")
    db.ensure_schema(engine)
    options.outbox.mkdir(parents=True, exist_ok=True)
    main = Importer(engine, options)
    recovered = main.flush_outbox()
    queue = plan(paths, main.skip_dirs(), main.max_bytes)
    main.planned = len(queue)
    if on_planned is not None:
        on_planned(len(queue))
    run_id = main.start_run()
    if stop is not None and stop():
        error = main.interrupted()
        engine.dispose()
        raise error
    engine.dispose()  # no connection crosses the fork

    context = multiprocessing.get_context("fork")
    tasks = context.Queue()
    results = context.Queue()
    stopping = context.Event()
    planned = groups(queue)
    remaining = context.Value("i", len(planned))
    for group, items in planned:
        # The bytes stay behind: a worker reads its own files again.
        tasks.put((group, [replace(item, data=None) for item in items], False))
    processes = [
        context.Process(target=_worker, name=f"ijw-import-{n}",
                        args=(url, options, run_id, tasks, results, remaining, stopping))
        for n in range(min(workers, max(1, len(planned))))  # no more than the groups
    ]
    for process in processes:
        process.start()
    outcomes: dict[str, FileOutcome] = {}
    failures: list[str] = []
    written = 0
    reported = 0
    deadline: float | None = None
    while reported < len(processes):
        if deadline is None and (stopping.is_set() or (stop is not None and stop())):
            stopping.set()
            deadline = time.monotonic() + STOP_GRACE_SECONDS
        if deadline is not None and time.monotonic() > deadline:
            break  # the workers still busy are killed below
        try:
            message = results.get(timeout=0.2)
        except KeyboardInterrupt:  # a caller without a stop check: stop all the same
            stopping.set()
            continue
        except queue_module.Empty:
            # A worker killed from outside (OOM, kill -9) never reports. Stop handing
            # out groups (the rest stay for the next run) and wait for the others.
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                with remaining.get_lock():
                    remaining.value = 0
            if not any(p.is_alive() for p in processes):
                failures.extend(f"{p.name} exited with {p.exitcode}" for p in dead)
                break
            continue
        if isinstance(message, tuple) and message[0] == _DONE:
            reported += 1
            written += message[1]
        elif isinstance(message, tuple):
            reported += 1
            failures.append(message[1])
            with remaining.get_lock():
                remaining.value = 0
        else:
            outcomes[message.file] = message
            if on_file is not None:
                on_file(message)
    for process in processes:
        process.join(timeout=1 if deadline is not None else 30)
        if process.is_alive():
            process.kill()
            process.join()
    while True:  # what a killed worker reported before it went (its last batch is undone)
        try:
            message = results.get(timeout=0.05)
        except queue_module.Empty:
            break
        if not isinstance(message, tuple):
            outcomes[message.file] = message
    # Groups nobody took stay in the queue's pipe: exiting must not wait to flush them.
    tasks.cancel_join_thread()
    tasks.close()
    results.close()

    engine = db.make_engine(url)
    finisher = Importer(engine, options)
    finisher.summary.files = _in_queue_order(queue, outcomes)
    finisher.summary.retours_written = recovered + written + finisher.flush_outbox()
    finisher.finish_run(run_id, status="interrupted" if deadline is not None else "finished")
    engine.dispose()
    if deadline is not None:
        raise ImportInterruptedError(len(finisher.summary.files), len(queue))
    if failures:
        raise StoreError(
            "import workers failed (files they did not finish are imported by the next run): "
            + "; ".join(failures))
    return finisher.summary


def _in_queue_order(queue: list[_Queued], outcomes: dict[str, FileOutcome]) -> list[FileOutcome]:
    return [outcomes[str(item.path)] for item in queue if str(item.path) in outcomes]
