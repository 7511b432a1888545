"""Import throughput on SQLite against bare lxml parse + validate of the same files.

Usage (from the repository root)::

    python -m benchmarks.bench_import [--clients 5000] [--keep DIR]

Generates ``4 * clients`` synthetic messages (default 20,000: full trajectories
315, 301, 305, 307), then in one run measures bare lxml (read, parse, validate)
over the files and ``ijw import`` into a fresh SQLite store, and prints
messages/second for both, their ratio (target >= 0.3) and the peak memory of
the import (target < 300 MB). Not a timed test: numbers vary between machines;
the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from lxml import etree

from ijw import api
from ijw.messages import lookup
from tests import synth


def bare_lxml(files: list[Path]) -> float:
    """Seconds for read + parse + XSD-validate of every file with plain lxml."""
    schemas = api.schema_set()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    validators: dict[str, etree.XMLSchema] = {}
    start = time.perf_counter()
    for path in files:
        root = etree.fromstring(path.read_bytes(), parser)
        namespace = etree.QName(root).namespace or ""
        validator = validators.get(namespace)
        if validator is None:
            found = lookup(namespace)
            assert found is not None
            validator = validators[namespace] = schemas.validator(found[1].namespace)
        if not validator.validate(root):
            raise SystemExit(f"{path} does not validate")
    return time.perf_counter() - start


def processor_seconds() -> float:
    """Processor time (user + system) this process used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def corpus_parser(description: str) -> argparse.ArgumentParser:
    """The options of a benchmark over the generated corpus (``--clients``, ``--keep``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="work in this folder instead of a temp one")
    return parser


def corpus(work: Path, clients: int) -> tuple[Path, list[Path]]:
    """The inbox under ``work`` and its files: generated, or as a kept folder left them."""
    inbox = work / "inbox"
    if inbox.exists():
        return inbox, sorted(inbox.iterdir())
    return inbox, synth.write_corpus(inbox, clients)


def main() -> None:
    args = corpus_parser(__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        inbox, files = corpus(work, args.clients)
        n = len(files)
        print(f"{n} messages in {inbox}")
        lxml_seconds = min(bare_lxml(files) for _ in range(2))
        db = work / "bench.db"
        db.unlink(missing_ok=True)
        shutil.rmtree(work / "outbox", ignore_errors=True)  # a kept folder's last run
        start, used = time.perf_counter(), processor_seconds()
        summary = api.import_paths([inbox], gemeente=synth.GEMEENTE, outbox=work / "outbox",
                                   database_url=f"sqlite:///{db}", today=date(2026, 11, 24))
        import_seconds, used = time.perf_counter() - start, processor_seconds() - used
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        bad = [f for f in summary.files if f.outcome not in ("accepted", "registered")]
        print(f"bare lxml parse+validate: {n / lxml_seconds:8.0f} msg/s")
        print(f"ijw import (SQLite):      {n / import_seconds:8.0f} msg/s"
              f"  (processor {1e6 * used / n:.0f} µs/msg)")
        ratio = lxml_seconds / import_seconds
        print(f"ratio import/lxml:        {ratio:8.2f}  (target >= 0.30)")
        print(f"peak memory:              {peak_mb:8.0f} MB (target < 300)")
        if bad:
            print(f"{len(bad)} messages not accepted, e.g. {bad[0]}")
            sys.exit(1)


if __name__ == "__main__":
    main()
