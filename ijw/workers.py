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
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ijw.errors import ConfigurationError, StoreError
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


def _worker(url: str, options: ImportOptions, run_id: int, tasks: Any, results: Any,
            remaining: Any) -> None:
    """A worker process: take groups until the queue is empty, report each outcome.

    Every failure is caught and reported as a short text (never a traceback:
    those can quote SQL parameters, and so a BSN); the worker then stops.
    """
    engine = None
    try:
        engine = db.make_engine(url)
        importer = Importer(engine, options, on_file=results.put)
        while remaining.value > 0:
            try:
                group, items, deferred = tasks.get(timeout=0.2)
            except queue_module.Empty:
                continue  # groups are in flight or being deferred by another worker
            with group_lock(engine, group, wait=deferred) as held:
                if not held:  # another host has it: try the rest first, then wait
                    tasks.put((group, items, True))
                    continue
                importer.process(items, run_id)
            with remaining.get_lock():
                remaining.value -= 1
        # What this worker really published (a name taken by other bytes is not).
        results.put((_DONE, importer.summary.retours_written))
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
) -> ImportSummary:
    """Import with ``workers`` processes (PostgreSQL only); the summary keeps queue order."""
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
    run_id = main.start_run()
    engine.dispose()  # no connection crosses the fork

    context = multiprocessing.get_context("fork")
    tasks = context.Queue()
    results = context.Queue()
    planned = groups(queue)
    remaining = context.Value("i", len(planned))
    for group, items in planned:
        # The bytes stay behind: a worker reads its own files again.
        tasks.put((group, [replace(item, data=None) for item in items], False))
    processes = [
        context.Process(target=_worker, args=(url, options, run_id, tasks, results, remaining),
                        name=f"ijw-import-{n}")
        for n in range(min(workers, max(1, len(planned))))  # no more than the groups
    ]
    for process in processes:
        process.start()
    outcomes: dict[str, FileOutcome] = {}
    failures: list[str] = []
    written = 0
    reported = 0
    while reported < len(processes):
        try:
            message = results.get(timeout=1.0)
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
        process.join(timeout=30)
        if process.is_alive():
            process.kill()

    engine = db.make_engine(url)
    finisher = Importer(engine, options)
    finisher.summary.files = _in_queue_order(queue, outcomes)
    finisher.summary.retours_written = recovered + written + finisher.flush_outbox()
    finisher.finish_run(run_id)
    engine.dispose()
    if failures:
        raise StoreError(
            "import workers failed (files they did not finish are imported by the next run): "
            + "; ".join(failures))
    return finisher.summary


def _in_queue_order(queue: list[_Queued], outcomes: dict[str, FileOutcome]) -> list[FileOutcome]:
    return [outcomes[str(item.path)] for item in queue if str(item.path) in outcomes]
