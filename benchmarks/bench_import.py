"""Import throughput on SQLite against bare lxml parse + validate of the same files.

Usage (from the repository root)::

    python -m benchmarks.bench_import [--clients 5000] [--keep DIR]

Generates the corpus (default: 5,000 full trajectories 315, 301, 305, 307, and
the declaratie traffic of 7,500 more clients: a 301 each, then 50 months of
monthly 323s of 5 to 50 prestaties, so a third of the messages are 323s), then
in one run measures bare lxml (read, parse, validate) over the files and
``ijw import`` into a fresh SQLite store, and prints messages/second for both,
their ratio and the peak memory of the import (target < 300 MB).

Then it compares what a prestatie costs with what a one-line 305 costs: on two
stores that hold the same toewijzingen, it times importing one 305 per
toewijzing and importing 323s with one prestatie per toewijzing, and prints
the time per 305 message, per prestatie, and their ratio (target <= 1).
Not a timed test: numbers vary between machines; the ratios are what to compare.
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
from ijw.messages.r3_2.declaratie import Jw323
from ijw.writing import write
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


#: Months of declaraties in the corpus: with one and a half declaratie client per
#: trajectory and 323s of 27.5 prestaties on average, a third of the messages are 323s.
DECLARATIE_MONTHS = 50


def corpus(work: Path, clients: int) -> tuple[Path, list[Path]]:
    """The inbox under ``work`` and its files: generated, or as a kept folder left them."""
    inbox = work / "inbox"
    if inbox.exists():
        return inbox, sorted(inbox.iterdir())
    return inbox, (synth.write_corpus(inbox, clients)
                   + synth.write_declaraties(inbox, clients * 3 // 2, offset=clients,
                                             months=DECLARATIE_MONTHS,
                                             first=date(2021, 1, 1)))


def _timed_import(inbox: Path, db: Path, outbox: Path) -> float:
    start = time.perf_counter()
    summary = api.import_paths([inbox], gemeente=synth.GEMEENTE, outbox=outbox,
                               database_url=f"sqlite:///{db}", today=date(2026, 11, 24))
    if not summary.ok or any(f.outcome not in ("accepted", "registered", "skipped")
                             for f in summary.files):
        raise SystemExit(f"{inbox}: not every message was accepted")
    return time.perf_counter() - start


def prestatie_against_305(work: Path, toewijzingen: int) -> tuple[float, float]:
    """Seconds per one-line 305 and per prestatie, on stores with the same toewijzingen."""
    base = work / "p-toewijzingen"
    messages = list(synth.declaraties(toewijzingen, months=1, first=date(2025, 1, 1)))
    starts, declaraties = work / "p-305", work / "p-323"
    for folder in (base, starts, declaraties):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    prestaties = 0
    for name, message in messages:
        (base if message.message_type == "JW301" else declaraties).joinpath(name).write_bytes(
            write(message, stamp=False, validate=False))
        if isinstance(message, Jw323):
            prestaties += sum(len(c.prestaties) for c in message.declaratie.clienten)
    for i in range(toewijzingen):  # one start per toewijzing, for its client and provider
        start = synth.jw305(i, synth.aanbieder(i % len(synth.AANBIEDERS)), f"PS{i:08d}",
                            date(2025, 1, 6), synth.DECLARATIE_NUMMER + i, date(2025, 1, 1))
        (starts / f"jw305-{i}.xml").write_bytes(write(start, stamp=False, validate=False))
    seconds = {}
    for label, folder in (("305", starts), ("323", declaraties)):
        db = work / f"p-{label}.db"
        db.unlink(missing_ok=True)
        _timed_import(base, db, work / f"p-out-{label}")
        seconds[label] = _timed_import(folder, db, work / f"p-out-{label}")
    return seconds["305"] / toewijzingen, seconds["323"] / prestaties


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
        print(f"ratio import/lxml:        {ratio:8.2f}")
        print(f"peak memory:              {peak_mb:8.0f} MB (target < 300)")
        if bad:
            print(f"{len(bad)} messages not accepted, e.g. {bad[0]}")
            sys.exit(1)
        per_305, per_prestatie = prestatie_against_305(work, max(args.clients // 2, 10))
        print(f"one-line 305:             {1e6 * per_305:8.0f} µs/message")
        print(f"prestatie of a 323:       {1e6 * per_prestatie:8.0f} µs/prestatie")
        print(f"ratio prestatie/305:      {per_prestatie / per_305:8.2f}  (target <= 1.00)")


if __name__ == "__main__":
    main()
