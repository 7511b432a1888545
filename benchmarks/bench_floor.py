"""The least an import can cost here: what the issue's requirements do per message, and no more.

Usage (from the repository root)::

    python -m benchmarks.bench_floor [--clients 5000] [--keep DIR] [--runs 3]

Not an import. Over the same generated corpus as ``bench_import`` it measures,
in one run and against bare lxml parse + validate of the same files:

* **store**: per message read the file, parse and validate it (hardened
  parser), hash the bytes, ask the store whether its identity was seen
  (TR056's index), insert the message row with its raw XML and a retour row
  for every incoming message; commit per batch of 200. Raw ``sqlite3`` on the
  real schema (its indexes and constraints), no models, no rules, no clients
  or products, a retour of fixed bytes. Left out as well: the batch's
  "imported before?" query and the update that records retours as written.
* **store + outbox**: the same, and after each commit the batch's retours are
  published to a new outbox folder as the engine does it
  (:func:`ijw.writing.publish_files`: a file per retour, durable, never
  overwritten).

For each it also prints the processor time (user + system) and the ratio the
loop would reach if that time were spread perfectly over every core of the
machine: the bound for any parallel design.

Whatever the engine adds (typed models, the technical rules, the clients,
products and care lines, real retours) comes on top of these numbers, so a
ratio target above the floor measured here cannot be met on this machine by
any implementation that keeps the issue's other requirements.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from lxml import etree

from benchmarks.bench_import import bare_lxml, corpus, corpus_parser, processor_seconds
from ijw import api
from ijw.messages import lookup
from ijw.store import db
from ijw.writing import publish_files

BATCH = 200
_INSERT = ("INSERT INTO message (message_type, direction, sender, receiver, gemeente, "
           "aanbieder, identificatie, dagtekening, sha256, file_name, received_at, "
           "imported_at, outcome, raw_xml, outbox_written) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_SEEN = ("SELECT EXISTS (SELECT 1 FROM message WHERE sender = ? AND message_type = ? "
         "AND identificatie = ? AND duplicate_of_id IS NULL)")
_NOW = "2026-11-24 12:00:00.000000"
#: A header-only retour is about this size; it names itself, so each one differs.
_RETOUR = b"<?xml version='1.0' encoding='UTF-8'?>\n<r id='%s'>" + b" " * 900 + b"</r>\n"


def floor(files: list[Path], work: Path, *, outbox: bool) -> tuple[float, float]:
    """Seconds and processor seconds for the minimal import of ``files`` (see above)."""
    path = work / f"floor-{outbox}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{path}")
    db.ensure_schema(engine)
    folder = Path(tempfile.mkdtemp(prefix="floor-outbox-", dir=work))  # new, as an import's
    schemas = api.schema_set()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_blank_text=True)
    known: dict[str | None, tuple[etree.XMLSchema, str]] = {}  # namespace: validator, type
    raw = engine.raw_connection()
    conn = raw.driver_connection
    assert conn is not None
    conn.isolation_level = None  # explicit BEGIN/COMMIT, as the engine does
    start, used = time.perf_counter(), processor_seconds()
    conn.execute("BEGIN IMMEDIATE")
    pending: list[tuple[str, bytes]] = []
    for index, file in enumerate(files):
        data = file.read_bytes()
        root = etree.fromstring(data, parser)
        namespace = etree.QName(root).namespace
        if namespace not in known:
            found = lookup(namespace or "")
            assert found is not None
            known[namespace] = schemas.validator(found[1].namespace), found[1].message_type
        validator, kind = known[namespace]
        if not validator.validate(root):
            raise SystemExit(f"{file} does not validate")
        sender, receiver, identificatie = header(root)
        digest = hashlib.sha256(data).hexdigest()
        conn.execute(_SEEN, (sender, kind, identificatie)).fetchone()
        heen = conn.execute(_INSERT, (kind, "in", sender, receiver, receiver, sender,
                                      identificatie, "2026-01-01", digest, file.name, _NOW,
                                      _NOW, "accepted", data, False)).lastrowid
        if kind != "JW301":  # the gemeente's own 301s get no retour
            name = f"retour-{index}.xml"
            retour = _RETOUR % name.encode()
            conn.execute(_INSERT, (kind, "out", receiver, sender, receiver, sender,
                                   f"R{heen}", "2026-11-24", hashlib.sha256(retour).hexdigest(),
                                   name, _NOW, _NOW, "sent", retour, False))
            pending.append((name, retour))
        if (index + 1) % BATCH == 0 or index + 1 == len(files):
            conn.execute("COMMIT")
            if outbox:
                publish_files(folder, pending)
            pending = []
            conn.execute("BEGIN IMMEDIATE")
    conn.execute("COMMIT")
    seconds, used = time.perf_counter() - start, processor_seconds() - used
    raw.close()
    engine.dispose()
    shutil.rmtree(folder)
    return seconds, used


def header(root: etree._Element) -> tuple[str, str, str]:
    """(Afzender, Ontvanger, Identificatie) of a heenbericht."""
    values = {etree.QName(e).localname: e for e in root[0].iter()}
    return (values["Afzender"].text or "", values["Ontvanger"].text or "",
            values["Identificatie"].text or "")


def main() -> None:
    parser = corpus_parser(__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        inbox, files = corpus(work, args.clients)
        n = len(files)
        cores = os.cpu_count() or 1
        print(f"{n} messages in {inbox}; {args.runs} rounds of lxml, store only, store + outbox")
        # The three take turns within a round, and each ratio is taken within its round,
        # so a slow spell of a shared machine does not favour one of them.
        ratios: dict[str, list[tuple[float, float, float]]] = {"store only": [],
                                                                "store + outbox": []}
        for _ in range(args.runs):
            lxml = bare_lxml(files)
            for label, outbox in (("store only", False), ("store + outbox", True)):
                wall, used = floor(files, work, outbox=outbox)
                ratios[label].append((lxml / wall, 1e6 * used / n, lxml / (used / cores)))
            print(f"  round: bare lxml parse+validate {n / lxml:6.0f} msg/s; " + "; ".join(
                f"{label} ratio {found[-1][0]:.2f}" for label, found in ratios.items()))
        for label, found in ratios.items():
            print(f"floor: {label + ':':16} ratio {statistics.median(r[0] for r in found):5.2f}"
                  f" (median; {min(r[0] for r in found):.2f}-{max(r[0] for r in found):.2f});"
                  f" processor {statistics.median(r[1] for r in found):4.0f} µs/msg; over all"
                  f" {cores} cores at best {statistics.median(r[2] for r in found):5.2f}")


if __name__ == "__main__":
    main()
