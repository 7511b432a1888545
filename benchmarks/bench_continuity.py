"""``decide`` over 1,000,000 allocated products, on SQLite and on PostgreSQL.

Usage (from the repository root)::

    python -m benchmarks.bench_continuity [--products 1000000] [--pg URL] [--skip-sqlite]

Generates the products directly in a fresh, migrated store with bulk Core
inserts (executemany in chunks of 50,000): message rows (one 315 and one 301
per client and provider), requested products, allocations, some referral
register rows and start/stop lines, with a spread of dates so every check has
work. Then times ``ijw.policy.api.decide`` with the demo pack in a child
process and prints its seconds and peak RSS (``resource.getrusage``), for a
first run (writes every decision) and a second one (writes nothing). Targets:
under 60 s and under 1 GB each. PostgreSQL comes from ``--pg`` or
``IJW_TEST_POSTGRES_URL``; a database ``ijw_bench_<random>`` is created there
and dropped afterwards. Not a timed test.

BSNs come from the test range (999900006-999999990; 12 products per client).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.pool import NullPool

from ijw.store import db
from ijw.store.schema import (
    Allocation,
    CareLine,
    Client,
    Message,
    Referral,
    RequestedProduct,
    table_of,
)

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "fixtures" / "continuity" / "demo-pack.toml"
CHUNK = 50_000
PER_PROVIDER = 3
PROVIDERS = ("99990001", "99990002", "99990003", "99990004")
PER_CLIENT = PER_PROVIDER * len(PROVIDERS)
FIRST_BSN = 999_900_006
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(engine: Engine, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    table = table_of(model)
    n = 0
    for chunk in _chunks(rows):
        with engine.begin() as conn:
            conn.execute(insert(table), chunk)
        n += len(chunk)
    return n


def _day(base: date, offset: int) -> date:
    return base + timedelta(days=offset)


def generate(engine: Engine, products: int) -> dict[str, int]:
    """Fill the store with ``products`` allocated products (and what they need)."""
    clients = -(-products // PER_CLIENT)
    if clients > 999_999_990 - FIRST_BSN:
        raise SystemExit("too many clients for the BSN test range")
    pairs = clients * len(PROVIDERS)

    def client_rows() -> Iterator[dict[str, Any]]:
        for c in range(clients):
            yield {"id": c + 1, "bsn": str(FIRST_BSN + c)}

    def request_day(pair: int) -> date:
        # Mostly 2023, some on and after the deadline (2024-01-31).
        return _day(date(2023, 3, 1), pair % 340)

    def message_rows() -> Iterator[dict[str, Any]]:
        for pair in range(pairs):
            agb = PROVIDERS[pair % len(PROVIDERS)]
            day = request_day(pair)
            common = {"gemeente": "0363", "aanbieder": agb, "received_at": NOW,
                      "imported_at": NOW, "raw_xml": b"", "outbox_written": False}
            yield {**common, "id": 2 * pair + 1, "message_type": "JW315", "direction": "in",
                   "sender": agb, "receiver": "0363", "identificatie": f"V{pair:011d}",
                   "dagtekening": day, "sha256": f"{2 * pair + 1:064x}", "outcome": "accepted"}
            yield {**common, "id": 2 * pair + 2, "message_type": "JW301", "direction": "out",
                   "sender": "0363", "receiver": agb, "identificatie": f"T{pair:011d}",
                   "dagtekening": _day(day, 2), "sha256": f"{2 * pair + 2:064x}",
                   "outcome": "registered"}

    def product_facts() -> Iterator[tuple[int, int, int, str, date, date | None, bool]]:
        for n in range(products):
            pair, k = divmod(n, PER_PROVIDER)
            client = pair // len(PROVIDERS)
            agb = PROVIDERS[pair % len(PROVIDERS)]
            start = _day(request_day(pair), 7 + k)
            end = (None, date(2023, 12, 31), date(2024, 6, 30), date(2025, 3, 31))[n % 4]
            yield n, pair, client, agb, start, end, n % 97 != 0

    def requested_rows() -> Iterator[dict[str, Any]]:
        for n, pair, client, agb, start, _, accepted in product_facts():
            yield {"id": n + 1, "message_id": 2 * pair + 1, "client_id": client + 1,
                   "gemeente": "0363", "aanbieder": agb, "accepted": accepted,
                   "dagtekening": request_day(pair), "referentie_aanbieder": f"R{n:011d}",
                   "product_categorie": "54", "product_code": "54001",
                   "toewijzing_ingangsdatum": start, "volume": 10, "eenheid": "04",
                   "frequentie": "4", "verwijzer_type": "02"}

    def allocation_rows() -> Iterator[dict[str, Any]]:
        for n, pair, client, agb, start, end, _ in product_facts():
            day = _day(request_day(pair), 2)
            yield {"id": n + 1, "gemeente": "0363", "toewijzing_nummer": 1_000_000 + n,
                   "client_id": client + 1, "aanbieder": agb,
                   "referentie_aanbieder": None if n % 50 == 0 else f"R{n:011d}",
                   "product_categorie": "54", "product_code": "54001",
                   "toewijzingsdatum": day, "toewijzingstijd": clock(9, 0),
                   "ingangsdatum": start, "einddatum": end,
                   "reden_wijziging": "13" if n % 211 == 0 else None, "volume": 10,
                   "eenheid": "04", "frequentie": "4", "message_id": 2 * pair + 2}

    def referral_rows() -> Iterator[dict[str, Any]]:
        for pair in range(0, pairs, 10):
            client, provider = divmod(pair, len(PROVIDERS))
            yield {"bsn": str(FIRST_BSN + client), "agb": PROVIDERS[provider],
                   "verwijsdatum": _day(date(2023, 9, 1), pair % 150), "verwijzer_type": "02",
                   "source": "bench", "imported_at": NOW}

    def care_rows() -> Iterator[dict[str, Any]]:
        for n, pair, client, agb, start, _, _ in product_facts():
            if n % 10:
                continue
            key = f"bench:{n}"
            yield {"kind": "start", "message_id": 2 * pair + 1, "client_id": client + 1,
                   "gemeente": "0363", "aanbieder": agb, "toewijzing_nummer": 1_000_000 + n,
                   "product_categorie": "54", "product_code": "54001", "begindatum": start,
                   "einddatum": None, "reden_beeindiging": None, "status": "1",
                   "start_key": key, "line_key": key}
            if n % 20 == 0:
                yield {"kind": "stop", "message_id": 2 * pair + 1, "client_id": client + 1,
                       "gemeente": "0363", "aanbieder": agb,
                       "toewijzing_nummer": 1_000_000 + n, "product_categorie": "54",
                       "product_code": "54001", "begindatum": start,
                       "einddatum": _day(start, 60), "reden_beeindiging": "31", "status": "1",
                       "start_key": key, "line_key": f"{key}:stop"}

    counts = {
        "client": _bulk(engine, Client, client_rows()),
        "message": _bulk(engine, Message, message_rows()),
        "requested_product": _bulk(engine, RequestedProduct, requested_rows()),
        "allocation": _bulk(engine, Allocation, allocation_rows()),
        "referral": _bulk(engine, Referral, referral_rows()),
        "care_line": _bulk(engine, CareLine, care_rows()),
    }
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("client", "message", "requested_product", "allocation"):
                sql = (f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                       f"(SELECT max(id) FROM {table}))")  # fixed table names, no input
                conn.execute(text(sql))
        conn.execute(text("ANALYZE"))
    return counts


def decide_in_child(url: str) -> dict[str, float]:
    """Run one ``decide`` in a fresh process; its seconds and peak RSS."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_continuity", "--decide-only", url],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def decide_only(url: str) -> None:
    """The child: decide once, print JSON with seconds, peak RSS and counts."""
    from ijw.policy import api

    engine = db.make_engine(url)
    start = time.perf_counter()
    report = api.decide(engine, PACK, today=date(2024, 3, 1))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)
    stats = report.stats
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak, 1),
                      "new": stats.new, "changed": stats.changed,
                      "unchanged": stats.unchanged, **report.counts}))


def run(label: str, url: str, products: int) -> None:
    db.upgrade(url)
    engine = db.make_engine(url)
    start = time.perf_counter()
    counts = generate(engine, products)
    engine.dispose()
    print(f"{label}: generated {counts} in {time.perf_counter() - start:.1f} s", flush=True)
    for attempt in ("first", "second"):
        result = decide_in_child(url)
        ok = result["seconds"] < 60 and result["peak_mb"] < 1024
        print(f"{label}: decide ({attempt} run) {result['seconds']:.1f} s, peak RSS "
              f"{result['peak_mb']:.0f} MB {'OK' if ok else 'OVER TARGET'}  {result}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("IJW_TEST_POSTGRES_URL"),
                        help="PostgreSQL server URL (a bench database is created there)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--decide-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.decide_only:
        decide_only(args.decide_only)
        return
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("sqlite", f"sqlite+pysqlite:///{Path(tmp) / 'bench.db'}", args.products)
    if args.skip_pg:
        return
    if not args.pg:
        print("postgresql: skipped (no --pg URL and no IJW_TEST_POSTGRES_URL)")
        return
    server = db.normalize_url(args.pg)
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"ijw_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        run("postgresql", server.set(database=name).render_as_string(hide_password=False),
            args.products)
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


if __name__ == "__main__":
    main()
