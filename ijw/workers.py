"""``ijw import --workers N``: several processes import one inbox into PostgreSQL.

The planning process reads every header once and splits the work into
dependency groups (one per aanbieder: every rule that compares messages stays
within one aanbieder's traffic, see :mod:`ijw.store.locking`). Worker
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

from ijw.errors import ConfigurationError
from ijw.importing import (
    FileOutcome,
    Importer,
    ImportOptions,
    ImportSummary,
    _Queued,
    groups,
    plan,
)
from ijw.store import db
from ijw.store.locking import group_lock


def _worker(url: str, options: ImportOptions, run_id: int, tasks: Any, results: Any) -> None:
    """A worker process: take groups until the queue is empty, report each outcome."""
    engine = db.make_engine(url)
    importer = Importer(engine, options, on_file=results.put)
    try:
        while True:
            try:
                group, items = tasks.get_nowait()
            except queue_module.Empty:
                break
            with group_lock(engine, group):
                importer.process(items, run_id)
    finally:
        results.put(None)
        engine.dispose()


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
    queue = plan(paths, main.skip_dirs(), options.max_bytes)
    run_id = main.start_run()
    engine.dispose()  # no connection crosses the fork

    context = multiprocessing.get_context("fork")
    tasks = context.Queue()
    results = context.Queue()
    for group, items in groups(queue):
        # The bytes stay behind: a worker reads its own files again.
        tasks.put((group, [replace(item, data=None) for item in items]))
    processes = [
        context.Process(target=_worker, args=(url, options, run_id, tasks, results),
                        name=f"ijw-import-{n}")
        for n in range(min(workers, max(1, len(queue))))
    ]
    for process in processes:
        process.start()
    outcomes: dict[str, FileOutcome] = {}
    running = len(processes)
    while running:
        outcome = results.get()
        if outcome is None:
            running -= 1
            continue
        outcomes[outcome.file] = outcome
        if on_file is not None:
            on_file(outcome)
    for process in processes:
        process.join()
    failed = [p.name for p in processes if p.exitcode != 0]

    engine = db.make_engine(url)
    finisher = Importer(engine, options)
    finisher.summary.files = _in_queue_order(queue, outcomes)
    finisher.summary.retours_written = (
        recovered + sum(1 for o in outcomes.values() if o.retour_file) + finisher.flush_outbox())
    finisher.finish_run(run_id)
    engine.dispose()
    if failed:
        raise RuntimeError(f"import workers failed: {', '.join(failed)}")
    return finisher.summary


def _in_queue_order(queue: list[_Queued], outcomes: dict[str, FileOutcome]) -> list[FileOutcome]:
    return [outcomes[str(item.path)] for item in queue if str(item.path) in outcomes]
