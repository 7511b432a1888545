"""The CBS gemeentecodes with their validity, for TR378 (retourcode S300).

The list ships as ``cbs_gemeenten.csv`` beside this module, with the columns
``code,naam,geldig_van,geldig_tot``: ``code`` is the 4-digit CBS code with its
leading zeros, the dates are ISO dates and an empty date is open. Both ends
are inclusive: ``geldig_tot`` is the last day a code is valid, so a code that
disappears in a herindeling on 1 January has ``geldig_tot`` 31 December.
A code may have more than one row (more than one period).

Source of the shipped rows: the CBS "Gemeentelijke indeling op 1 januari 2026"
(342 gemeenten) as republished in the public iJw 3.2 material
(``i-Sociaal-Lab/jaapjunior``, ``packages/api/jw/bronnen/codelijsten/CBS_Gemeentecodes.md``;
the 1 January 2025 list there has the same 342 codes). That material gives no
start dates and no codes of earlier, merged gemeenten, so every shipped row is
open at both ends. An operator who needs older codes after a herindeling
(TR378 allows them for toewijzingen that started before the merger), or a
newer list before ijw ships it, writes a CSV with the same columns and sets
``IJW_CBS_GEMEENTEN`` to its path; the import and every rule then use that
list instead (:meth:`GemeenteList.load`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from ijw.codelists.dated import parse_date, valid_on
from ijw.errors import ConfigurationError

RESOURCE = "cbs_gemeenten.csv"
#: The path of an operator's list, used instead of the shipped one.
LIST_ENV = "IJW_CBS_GEMEENTEN"
COLUMNS = ("code", "naam", "geldig_van", "geldig_tot")


@dataclass(frozen=True, slots=True)
class Gemeente:
    """One row of the list: a code, its name and the period it is valid (inclusive)."""

    code: str
    naam: str
    geldig_van: date | None = None
    geldig_tot: date | None = None

    def valid_on(self, on: date) -> bool:
        """Is this row valid on ``on``?"""
        return valid_on(on, self.geldig_van, self.geldig_tot)


class GemeenteList:
    """The CBS gemeentecodes, looked up by code and date."""

    def __init__(self, rows: Iterable[Gemeente]) -> None:
        self._by_code: dict[str, tuple[Gemeente, ...]] = {}
        for row in rows:
            if len(row.code) != 4 or not row.code.isdigit():
                raise ValueError(f"gemeentecode {row.code!r} is not four digits")
            self._by_code[row.code] = (*self._by_code.get(row.code, ()), row)

    @classmethod
    def load(cls) -> GemeenteList:
        """The operator's list (``IJW_CBS_GEMEENTEN``) or the one that ships with ijw.

        Each is read once. A list that cannot be read or parsed is a
        :class:`~ijw.errors.ConfigurationError` naming the file and line.
        """
        return _load(os.environ.get(LIST_ENV) or None)

    @classmethod
    def from_csv(cls, path: Path) -> GemeenteList:
        """A list from an operator's CSV file with the same columns."""
        return cls.parse(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def parse(cls, text: str, name: str = "<csv>") -> GemeenteList:
        """A list from CSV text with the header ``code,naam,geldig_van,geldig_tot``."""
        reader = csv.DictReader(io.StringIO(text))
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{name}: the header must be {','.join(COLUMNS)}")
        rows = []
        for record in reader:
            where = f"{name} line {reader.line_num}"
            code = (record["code"] or "").strip()
            if len(code) != 4 or not code.isdigit():
                raise ValueError(f"{where}: gemeentecode {code!r} is not four digits")
            rows.append(Gemeente(
                code=code,
                naam=(record["naam"] or "").strip(),
                geldig_van=parse_date(record["geldig_van"] or "", where),
                geldig_tot=parse_date(record["geldig_tot"] or "", where),
            ))
        return cls(rows)

    def is_valid(self, code: str, on: date | None = None) -> bool:
        """Is ``code`` on the list and valid on ``on``? ``None``: valid at any time."""
        rows = self._by_code.get(code, ())
        if on is None:
            return bool(rows)
        return any(row.valid_on(on) for row in rows)

    def name(self, code: str) -> str | None:
        """The (latest) name of ``code``, or ``None`` when it is not on the list."""
        rows = self._by_code.get(code, ())
        return rows[-1].naam if rows else None

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code


@cache
def _load(path: str | None) -> GemeenteList:
    if path is None:
        text = resources.files("ijw.codelists").joinpath(RESOURCE).read_text(encoding="utf-8")
        return GemeenteList.parse(text, RESOURCE)
    try:
        return GemeenteList.from_csv(Path(path))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigurationError(f"{LIST_ENV}={path}: {reason}") from exc


__all__ = ["LIST_ENV", "Gemeente", "GemeenteList"]
