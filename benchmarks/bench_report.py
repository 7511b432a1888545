"""The HTML report on a large synthetic store: time and peak memory.

Usage (from the repository root)::

    python -m benchmarks.bench_report [--clients 20000] [--declaraties 5000] [--keep DIR]

Generates full trajectories (315, 301, 305, 307) for ``--clients`` clients and
the declaratie traffic of ``--declaraties`` more (a 301 each, then twelve
months of 323s of 5 to 50 prestaties), imports them into a fresh SQLite store,
then times ``ijw.api.report`` on it (gathering the figures, then rendering the
page and its charts) and prints the time of each step and the peak memory of
the process, and the peak of the report's own allocations (tracemalloc, which
slows the report down while it measures; so the time is measured in a first
run without it). With ``--keep DIR`` the corpus and store stay in DIR, and a
later run with the same DIR reuses the store. The figures are read with
aggregate statements, so the report's time should grow far slower than the
store. Not a timed test: numbers vary between machines.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

from ijw import api
from ijw.clock import AMSTERDAM
from ijw.report import queries
from ijw.report.queries import Period, gather
from ijw.report.render import write_report
from tests import synth


def peak_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--declaraties", type=int, default=5_000)
    parser.add_argument("--keep", type=Path, help="Keep the corpus and store in this folder.")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        url = f"sqlite:///{folder / 'ijw.db'}"
        if (folder / "ijw.db").exists():
            print(f"store: reusing {folder / 'ijw.db'}")
        else:
            inbox = folder / "inbox"
            synth.write_corpus(inbox / "trajecten", args.clients)
            synth.write_declaraties(inbox / "declaraties", args.declaraties,
                                    offset=args.clients, months=12)
            started = time.perf_counter()
            summary = api.import_paths([inbox], gemeente="0363", outbox=folder / "outbox",
                                       database_url=url, today=date(2026, 1, 1))
            print(f"store: {len(summary.files):,} messages imported in "
                  f"{time.perf_counter() - started:.0f} s")
        print(f"peak memory before the report: {peak_mb():.0f} MB")
        engine = api.open_store(url, create=False)
        started = time.perf_counter()
        figures = gather(engine, Period(), [], today=date(2026, 1, 1),
                         now=datetime.now(AMSTERDAM))
        gathered = time.perf_counter() - started
        write_report(figures, folder / "report.html")
        rendered = time.perf_counter() - started - gathered
        size = (folder / "report.html").stat().st_size
        with engine.connect() as conn:
            messages = queries.store_messages(conn)
        print(f"report on {messages:,} messages: figures {gathered:.2f} s, page and charts "
              f"{rendered:.2f} s, total {gathered + rendered:.2f} s; {size / 1024:.0f} KB")
        print(f"peak memory: {peak_mb():.0f} MB (the process, import included)")
        tracemalloc.start()
        write_report(gather(engine, Period(), [], today=date(2026, 1, 1),
                            now=datetime.now(AMSTERDAM)), folder / "report.html")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        engine.dispose()
        print(f"report's own peak allocations: {peak / 2**20:.1f} MB")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
