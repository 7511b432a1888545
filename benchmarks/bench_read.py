"""Read throughput of ijw against bare lxml, on the same files in the same run.

Generates at least 10,000 messages (synthetic trajectories 315/301/305/307 and
319s from :mod:`tests.synth`, plus the official examples, repaired, when the
reference material is at hand) in a temporary folder, then measures:

(a) bare lxml: read the bytes, ``etree.fromstring`` with a plain ``XMLParser``,
    ``XMLSchema.validate`` (each schema compiled once, before timing);
(b) ``ijw.reading.read(path)``: hardened parse, detection, XSD validation, the
    typed model and the level-2 content checks;
(c) the same read without the level-2 content rules: parse, validate, model.

Prints messages per second for each; the ratio that counts is c/a (the issue's
"parse + validate + model" against bare lxml), and b/a is shown beside it.
Exits 1 when c/a is below ``--min-ratio`` (default 0.5). The three take turns
within each round and the best of ``--repeat`` rounds counts. Run from the
repository root::

    .venv/bin/python benchmarks/bench_read.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lxml import etree  # noqa: E402

from ijw.reading import read  # noqa: E402
from ijw.schemas import load as load_schemas  # noqa: E402
from ijw.writing import write  # noqa: E402
from tests.synth import AANBIEDERS, jw319, traject  # noqa: E402

MIN_MESSAGES = 10_000


def _examples() -> list[tuple[str, bytes]]:
    """The official examples (repaired), or nothing when the material is absent."""
    from tests.mutations import load_examples, serialise

    shared = Path(os.environ.get("IJW_SHARED", REPO.parent / "shared")) / "ijw-3.2" / "examples"
    if not shared.is_dir():
        return []
    return [(e.name.lower(), serialise(e.root)) for e in load_examples(shared)]


def generate(folder: Path, count: int) -> list[Path]:
    """Write at least ``count`` messages into ``folder``; returns the paths."""
    paths: list[Path] = []

    def put(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        paths.append(path)

    examples = _examples()
    copies = 25 if examples else 0
    for i in range(copies):  # the examples, 25 copies each (300 files)
        for name, data in examples:
            put(f"{name}-{i}.xml", data)
    i = 0
    while len(paths) < count:
        for name, message in traject(i):
            put(name, write(message, stamp=False, validate=False))
        if i % 4 == 0:
            day = date(2024, 1, 1 + i % 28)
            answer = jw319(AANBIEDERS[i % 3], f"A{i:010d}", day, f"REF{i:08d}")
            put(f"jw319-{i}.xml", write(answer, stamp=False, validate=False))
        i += 1
    return paths


def bare_lxml(paths: list[Path]) -> Callable[[], int]:
    """(a): read, parse with a plain XMLParser, validate with the precompiled schema."""
    schema_set = load_schemas()
    compiled = {
        ns: etree.XMLSchema(etree.parse(str(schema_set.path(ns))))
        for ns in schema_set.namespaces()
        if "/jw" in ns
    }

    def run() -> int:
        parser = etree.XMLParser()
        valid = 0
        for path in paths:
            root = etree.fromstring(path.read_bytes(), parser)
            valid += compiled[etree.QName(root).namespace or ""].validate(root)
        return valid

    return run


def ijw_read(paths: list[Path], *, content_checks: bool = True) -> Callable[[], int]:
    """(b): the full ijw read (parse, validate, model, content checks); (c) without the checks."""

    def run() -> int:
        return sum(read(path, content_checks=content_checks).valid for path in paths)

    return run


def best_of_interleaved(
    repeat: int, runs: list[Callable[[], int]]
) -> list[tuple[float, int]]:
    """For each run, its shortest wall time over ``repeat`` rounds and what it returned.

    The runs take turns within each round, so that a slow spell of a shared
    machine hits all of them alike instead of one.
    """
    best = [float("inf")] * len(runs)
    results = [0] * len(runs)
    for _ in range(repeat):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            results[i] = run()
            best[i] = min(best[i], time.perf_counter() - start)
    return list(zip(best, results, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=MIN_MESSAGES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--min-ratio", type=float, default=0.5)
    args = parser.parse_args(argv)
    if args.messages < 1 or args.repeat < 1:
        parser.error("--messages and --repeat must be positive")

    with tempfile.TemporaryDirectory(prefix="ijw-bench-") as tmp:
        paths = generate(Path(tmp), args.messages)
        mix = Counter(p.name.split("-")[0] for p in paths)
        print(f"{len(paths)} messages: " + ", ".join(f"{k} {v}" for k, v in sorted(mix.items())))

        bare, ours = bare_lxml(paths), ijw_read(paths)
        for path in {p.name.split("-")[0]: p for p in paths}.values():
            read(path)  # warm up: compile every schema and shape once, outside the timing

        (a_time, a_valid), (b_time, b_valid), (c_time, _) = best_of_interleaved(
            args.repeat, [bare, ours, ijw_read(paths, content_checks=False)]
        )

    n = len(paths)
    a_rate = n / a_time
    ratio = a_time / c_time
    print(f"(a) bare lxml parse+validate         : {a_rate:10,.0f} msg/s  ({a_time:.2f} s, "
          f"{a_valid} XSD-valid)")
    print(f"(c) ijw read: parse+validate+model   : {n / c_time:10,.0f} msg/s  ({c_time:.2f} s)")
    print(f"(b) ijw read, plus level-2 rules     : {n / b_time:10,.0f} msg/s  ({b_time:.2f} s, "
          f"{b_valid} without findings), ratio b/a {a_time / b_time:.2f}")
    print(f"ratio c/a (parse + validate + model against bare lxml): {ratio:.2f} "
          f"(minimum {args.min_ratio})")
    if a_valid != n:
        print(f"error: only {a_valid} of {n} messages are XSD-valid", file=sys.stderr)
        return 1
    if ratio < args.min_ratio:
        print("error: ijw reads slower than the minimum ratio", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
