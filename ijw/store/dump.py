"""A canonical dump of the store's content, for comparing two stores.

Surrogate ids, timestamps and run bookkeeping are left out and foreign keys
are replaced by natural keys (a message by its sha256, a client by its BSN),
so two stores with the same content give the same lines whatever order or
number of runs produced them. The dump carries BSNs: it is an export.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from ijw.store.db import make_engine
from ijw.store.schema import Base

VOLATILE = frozenset({"id", "received_at", "imported_at", "run_id", "started_at",
                      "finished_at", "decided_at", "superseded_at"})
SKIPPED_TABLES = frozenset({"import_run", "alembic_version"})
#: Columns that name a row of another table without a foreign key (the continuity
#: tables keep their ids when the store's rows would otherwise block a rerun).
IMPLIED_REFERENCES = {"allocation_id": "allocation", "client_id": "client",
                      "message_id": "message"}


def canonical_dump(store: Engine | str) -> list[str]:
    """Sorted JSON lines, one per row, of every content table (``store``: engine or URL)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]
    rows: dict[str, list[dict[str, Any]]] = {}
    engine = store if isinstance(store, Engine) else make_engine(store)
    try:
        with engine.connect() as conn:
            for table in tables:
                rows[table.name] = [dict(r._mapping) for r in conn.execute(select(table))]
    finally:
        if engine is not store:
            engine.dispose()
    natural: dict[str, dict[Any, Any]] = {
        "message": {r["id"]: r["sha256"] for r in rows.get("message", [])},
        "client": {r["id"]: r["bsn"] for r in rows.get("client", [])},
        "allocation": {r["id"]: f"{r['gemeente']}/{r['toewijzing_nummer']}"
                       for r in rows.get("allocation", [])},
    }
    natural["care_line"] = {
        r["id"]: f"{natural['message'][r['message_id']]}/{r['line_key']}/{r['status']}"
        for r in rows.get("care_line", [])
    }
    natural["declaration"] = {
        r["id"]: natural["message"][r["message_id"]] for r in rows.get("declaration", [])
    }
    natural["declaration_line"] = {
        r["id"]: f"{natural['message'][r['message_id']]}/{r['client_position']}/{r['position']}"
        for r in rows.get("declaration_line", [])
    }
    natural["change_request"] = {
        r["id"]: f"{natural['message'][r['message_id']]}/{r['referentie_aanbieder']}"
        for r in rows.get("change_request", [])
    }
    out: list[str] = []
    for table in tables:
        references = {name: target for name, target in IMPLIED_REFERENCES.items()
                      if name in table.c}
        references.update({fk.parent.name: fk.column.table.name for fk in table.foreign_keys})
        for row in rows[table.name]:
            item: dict[str, Any] = {"table": table.name}
            for key, value in row.items():
                if key in VOLATILE:
                    continue
                if key in references and value is not None:
                    value = natural.get(references[key], {}).get(value, value)
                if isinstance(value, bytes):
                    value = value.decode("utf-8", "replace")
                item[key] = value
            out.append(json.dumps(item, sort_keys=True, default=str))
    return sorted(out)


__all__ = ["canonical_dump"]
