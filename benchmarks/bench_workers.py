"""Import throughput on PostgreSQL with 1 and 2 workers on the same corpus.

Usage (from the repository root)::

    IJW_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python -m benchmarks.bench_workers [--clients 5000] [--providers 24]

Generates ``4 * clients`` messages (default 20,000) spread over ``providers``
fictitious aanbieders (the dependency groups workers share out), imports them
into a fresh database with 1 worker and into another with 2, and prints
messages/second for both and the ratio (target on 2 cores: >= 1.6). The
databases are created on the server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from ijw import api
from ijw.store import db
from tests import synth


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, migrated database on the server; dropped afterwards."""
    url = db.normalize_url(server_url)
    name = f"ijw_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target = url.set(database=name).render_as_string(hide_password=False)
    try:
        db.upgrade(target)
        yield target
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--providers", type=int, default=24)
    parser.add_argument("--pg", default=os.environ.get("IJW_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("set IJW_TEST_POSTGRES_URL or pass --pg URL")
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        n = len(synth.write_corpus(inbox, args.clients, providers=args.providers))
        print(f"{n} messages, {args.providers} aanbieders")
        rates = {}
        for workers in (1, 2):
            with fresh_database(args.pg) as url:
                start = time.perf_counter()
                summary = api.import_paths([inbox], gemeente=synth.GEMEENTE,
                                           outbox=Path(tmp) / f"out-{workers}",
                                           database_url=url, today=date(2026, 11, 24),
                                           workers=workers)
                seconds = time.perf_counter() - start
                assert summary.ok and len(summary.files) == n
            rates[workers] = n / seconds
            print(f"{workers} worker(s): {rates[workers]:8.0f} msg/s ({seconds:.1f} s)")
        print(f"ratio 2/1 workers: {rates[2] / rates[1]:.2f} (target >= 1.6 on 2 cores)")


if __name__ == "__main__":
    main()
