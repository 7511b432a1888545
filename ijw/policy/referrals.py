"""The referral register: ``ijw referrals import FILE.csv``.

The register says when a client was referred to a provider; for the
continuity checks it is authoritative over what the messages imply. The file
is CSV (comma or semicolon, UTF-8 with or without BOM) with the header
``bsn,agb,verwijsdatum`` and optionally ``verwijzer_type``::

    bsn,agb,verwijsdatum,verwijzer_type
    999900018,99990001,2023-12-31,02

Every row is checked before anything is stored: the BSN passes the elfproef
as the message rules check it (:func:`ijw.rules.content.bsn_is_valid`), the
AGB code has 8 digits, the date is ISO (``YYYY-MM-DD``), the verwijzer type
is a COD327 code. One bad row fails the whole file with its file name and
line (BSNs masked), and nothing is stored.
A good file is upserted by (BSN, AGB) in one transaction.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, bindparam, insert, select, tuple_, update

from ijw.errors import ConfigurationError
from ijw.policy.decisions import REFERRAL
from ijw.privacy import mask
from ijw.rules.content import bsn_is_valid
from ijw.store import persist

REQUIRED = ("bsn", "agb", "verwijsdatum")
OPTIONAL = ("verwijzer_type",)
#: COD327 Verwijzer type (07 does not exist).
VERWIJZER_TYPES = frozenset({"01", "02", "03", "04", "05", "06", "08"})
#: Rows per upsert round trip.
CHUNK = 2_000

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True, slots=True)
class ReferralRow:
    """One validated register row."""

    bsn: str
    agb: str
    verwijsdatum: date
    verwijzer_type: str | None
    line: int


def _fail(path: Path, line: int, text: str) -> ConfigurationError:
    return ConfigurationError(f"line {line}: {text}; nothing was imported", file=str(path))


def _row(path: Path, line: int, values: dict[str, str]) -> ReferralRow:
    bsn = values["bsn"].strip()
    if not re.fullmatch(r"[0-9]{9}", bsn) or not bsn_is_valid(bsn):
        shown = mask(bsn) if bsn.isdigit() else "(not 9 digits)"
        raise _fail(path, line, f"bsn {shown} is not a valid BSN (9 digits, elfproef)")
    agb = values["agb"].strip()
    if not re.fullmatch(r"[0-9]{8}", agb):
        raise _fail(path, line, f"agb {agb!r} is not an AGB code (8 digits)")
    text = values["verwijsdatum"].strip()
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        when = date.fromisoformat(text)
    except ValueError:
        raise _fail(path, line, f"verwijsdatum {text!r} is not a date (YYYY-MM-DD)") from None
    kind = (values.get("verwijzer_type") or "").strip() or None
    if kind is not None and kind not in VERWIJZER_TYPES:
        raise _fail(path, line, f"verwijzer_type {kind!r} is not a COD327 code "
                                f"({', '.join(sorted(VERWIJZER_TYPES))})")
    return ReferralRow(bsn, agb, when, kind, line)


def read_register(path: str | Path) -> list[ReferralRow]:
    """Read and validate the whole file; raises on the first bad row."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigurationError(f"cannot read the referral register: {exc.strerror}",
                                 file=str(file)) from None
    except UnicodeDecodeError:
        raise ConfigurationError("not UTF-8 text", file=str(file)) from None
    lines = text.splitlines()
    if not lines:
        raise _fail(file, 1, f"empty file; expected the header {','.join(REQUIRED)}")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        raise _fail(file, 1, f"header must be {','.join(REQUIRED)}[,{OPTIONAL[0]}]; got "
                             f"{','.join(header)}")
    rows: list[ReferralRow] = []
    seen: dict[tuple[str, str], ReferralRow] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise _fail(file, line, f"{len(values)} fields, the header has {len(header)}")
        row = _row(file, line, dict(zip(header, values, strict=True)))
        earlier = seen.get((row.bsn, row.agb))
        if earlier is not None:
            if (earlier.verwijsdatum, earlier.verwijzer_type) != (row.verwijsdatum,
                                                                   row.verwijzer_type):
                raise _fail(file, line, f"bsn {mask(row.bsn)} and agb {row.agb} were already "
                                        f"given a different referral on line {earlier.line}")
            continue
        seen[(row.bsn, row.agb)] = row
        rows.append(row)
    return rows


def import_register(engine: Engine, path: str | Path) -> int:
    """Validate the file, then upsert every row by (BSN, AGB) atomically; returns the row count."""
    file = Path(path)
    rows = read_register(file)
    now = persist.now()
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            keys = [(r.bsn, r.agb) for r in chunk]
            existing = {
                (e.bsn, e.agb): e for e in conn.execute(
                    select(REFERRAL.c.id, REFERRAL.c.bsn, REFERRAL.c.agb,
                           REFERRAL.c.verwijsdatum, REFERRAL.c.verwijzer_type)
                    .where(tuple_(REFERRAL.c.bsn, REFERRAL.c.agb).in_(keys)))
            }
            new, changed = [], []
            for r in chunk:
                values = {"verwijsdatum": r.verwijsdatum, "verwijzer_type": r.verwijzer_type,
                          "source": f"{file.name}:{r.line}"[:300], "imported_at": now}
                found = existing.get((r.bsn, r.agb))
                if found is None:
                    new.append({"bsn": r.bsn, "agb": r.agb, **values})
                elif (found.verwijsdatum, found.verwijzer_type) != (r.verwijsdatum,
                                                                    r.verwijzer_type):
                    changed.append({"b_id": found.id, **{f"b_{k}": v for k, v in values.items()}})
            if new:
                conn.execute(insert(REFERRAL), new)
            if changed:
                conn.execute(
                    update(REFERRAL).where(REFERRAL.c.id == bindparam("b_id"))
                    .values({k: bindparam(f"b_{k}") for k in
                             ("verwijsdatum", "verwijzer_type", "source", "imported_at")}),
                    changed,
                )
    return len(rows)
