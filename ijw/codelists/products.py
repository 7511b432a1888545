"""The Jeugdwet product codes per ProductCategorie, for TR381 (retourcode S329).

The list ships as ``jw_producten.csv`` beside this module, with the columns
``categorie,productcode,omschrijving,geldig_van,geldig_tot``: ``categorie`` is
a JZ020 ProductCategorie (``31``-``55``), ``productcode`` an LDT_ProductCode (1
to 5 characters), the dates are ISO dates and an empty date is open. Both ends
are inclusive. A code may have more than one row (more than one period, or
more than one category when a contract says so).

Source of the shipped rows: the national list, the Standaardproductcodelijst
Jeugdwet of iStandaarden (codelijst 021, February 2025 edition), as exported
in the public repository ``haroonwahed/Carelane``
(``contracts/data/jeugdwet_jz21_productcodes.json``, 450 rows); the
categories are JZ020 as in ``i-Sociaal-Lab/jaapjunior``
(``packages/api/jw/bronnen/codelijsten/JZ020_Productcategorie``). The 9 rows
without a category (``40A00``, ``41A00``, ``42A00``, ``43A00``, ``44A00``,
``45A00``, ``47A00``, ``49A00``, ``53A00``) are the list's headings, not codes,
and are left out: 441 codes in categories 40-53. The export gives no dates, so
every row is open at both ends, and it has no codes for the categories 31-38
(2015), 54 (jeugd-ggz) and 55 (landelijk ingekochte zorg).

Which list applies is a matter of contract (IV075): gemeente and aanbieder
agree on the national list or on the gemeente's own. An operator whose
contracts name their own codes writes a CSV with the same columns and sets
``IJW_PRODUCTCODES`` to its path; the import and every rule then use that list
instead (:meth:`ProductList.load`). The shipped list speaks only for the
categories it has codes for (:attr:`ProductList.complete` is false); an
operator's list is the contract, complete for every category.
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
from ijw.messages.r3_2.codelists import ProductCategorie

RESOURCE = "jw_producten.csv"
#: The path of an operator's list, used instead of the shipped one.
LIST_ENV = "IJW_PRODUCTCODES"
COLUMNS = ("categorie", "productcode", "omschrijving", "geldig_van", "geldig_tot")
#: LDT_ProductCode: 1 to 5 characters.
MAX_CODE = 5
CATEGORIES = frozenset(c.value for c in ProductCategorie)


@dataclass(frozen=True, slots=True)
class Product:
    """One row of the list: a code in a category, its description and validity."""

    categorie: str
    productcode: str
    omschrijving: str
    geldig_van: date | None = None
    geldig_tot: date | None = None

    def valid_on(self, on: date) -> bool:
        """Is this row valid on ``on``?"""
        return valid_on(on, self.geldig_van, self.geldig_tot)


def _check(categorie: str, code: str, where: str) -> None:
    if categorie not in CATEGORIES:
        raise ValueError(f"{where}: categorie {categorie!r} is not a JZ020 ProductCategorie")
    if not code or len(code) > MAX_CODE:
        raise ValueError(f"{where}: productcode {code!r} is not 1 to {MAX_CODE} characters")


class ProductList:
    """The product codes per category, looked up by category, code and date.

    ``complete``: the list names every agreed code of every category, so a
    category without codes has none (an operator's contract list). The
    shipped national list is not complete: it judges only its own categories.
    """

    def __init__(self, rows: Iterable[Product], *, complete: bool = True) -> None:
        self.complete = complete
        self._rows: dict[tuple[str, str], tuple[Product, ...]] = {}
        self._categories: set[str] = set()
        for row in rows:
            _check(row.categorie, row.productcode, "product")
            key = (row.categorie, row.productcode)
            self._rows[key] = (*self._rows.get(key, ()), row)
            self._categories.add(row.categorie)

    @classmethod
    def load(cls) -> ProductList:
        """The operator's list (``IJW_PRODUCTCODES``) or the one that ships with ijw.

        Each is read once. A list that cannot be read or parsed is a
        :class:`~ijw.errors.ConfigurationError` naming the file and line.
        """
        return _load(os.environ.get(LIST_ENV) or None)

    @classmethod
    def from_csv(cls, path: Path) -> ProductList:
        """An operator's list from a CSV file with the same columns (complete)."""
        return cls.parse(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def parse(cls, text: str, name: str = "<csv>", *, complete: bool = True) -> ProductList:
        """A list from CSV text with the header ``categorie,productcode,omschrijving,...``."""
        reader = csv.DictReader(io.StringIO(text))
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{name}: the header must be {','.join(COLUMNS)}")
        rows = []
        for record in reader:
            where = f"{name} line {reader.line_num}"
            if None in record or any(v is None for v in record.values()):
                raise ValueError(f"{where}: expected {len(COLUMNS)} columns")
            categorie = record["categorie"].strip()
            code = record["productcode"].strip()
            _check(categorie, code, where)
            van = parse_date(record["geldig_van"], where)
            tot = parse_date(record["geldig_tot"], where)
            if van is not None and tot is not None and tot < van:
                raise ValueError(f"{where}: geldig_tot {tot} lies before geldig_van {van}")
            rows.append(Product(categorie, code, record["omschrijving"].strip(), van, tot))
        return cls(rows, complete=complete)

    def covers(self, categorie: str) -> bool:
        """Does the list speak for ``categorie``? Always, when it is complete."""
        return self.complete or categorie in self._categories

    def is_valid(self, categorie: str, code: str, on: date | None = None) -> bool:
        """Is ``code`` a code of ``categorie`` valid on ``on``? ``None``: at any time.

        A category the list does not cover (:meth:`covers`) is not judged: True.
        """
        if not self.covers(categorie):
            return True
        rows = self._rows.get((categorie, code), ())
        if on is None:
            return bool(rows)
        return any(row.valid_on(on) for row in rows)

    def description(self, categorie: str, code: str) -> str | None:
        """The (latest) omschrijving of ``code`` in ``categorie``, or ``None``."""
        rows = self._rows.get((categorie, code), ())
        return rows[-1].omschrijving if rows else None

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows


@cache
def _load(path: str | None) -> ProductList:
    if path is None:
        text = resources.files("ijw.codelists").joinpath(RESOURCE).read_text(encoding="utf-8")
        return ProductList.parse(text, RESOURCE, complete=False)
    try:
        return ProductList.from_csv(Path(path))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigurationError(f"{LIST_ENV}={path}: {reason}") from exc


__all__ = ["LIST_ENV", "Product", "ProductList"]
