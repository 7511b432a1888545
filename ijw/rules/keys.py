"""Canonical keys of start and stop lines (TR074, TR063, TR071, TR326, TR382, TR413-TR415).

The rules and the import pipeline (:mod:`ijw.store.persist`) must build the
same string for the same line, so both use these pure functions.

* A start line is keyed by Bsn, ToewijzingNummer, Product (Categorie, Code)
  and Begindatum (brief 6.1, IV008). The key is scoped per gemeente and
  aanbieder, so both are part of the string.
* A stop line adds Einddatum and RedenBeeindiging (part of the key since 3.2).

ToewijzingNummer is an ``xs:integer`` and is rendered as a plain integer, so
``0300201`` and ``300201`` give the same key (pitfall 18). An absent value is
rendered as ``-``. Fields are separated by ``|``; a free-text value (the
product code) that contains ``|`` or ``\\``, or equals ``-``, is escaped so
no two different lines can share a key.
"""

from __future__ import annotations

from datetime import date

SEPARATOR = "|"
ABSENT = "-"


def _text(value: object) -> str:
    """One key field: ``-`` for ``None``, codelist enums by value, the rest escaped."""
    if value is None:
        return ABSENT
    raw = str(getattr(value, "value", value))
    escaped = raw.replace("\\", "\\\\").replace(SEPARATOR, "\\" + SEPARATOR)
    return "\\" + ABSENT if escaped == ABSENT else escaped


def _number(value: int | str | None) -> str:
    """ToewijzingNummer compared numerically: ``0300201`` == ``300201``."""
    if value is None:
        return ABSENT
    return str(int(value))


def _date(value: date | None) -> str:
    return ABSENT if value is None else value.isoformat()


def start_key(
    gemeente: str,
    aanbieder: str,
    bsn: str,
    toewijzing_nummer: int | str | None,
    categorie: str | None,
    code: str | None,
    begindatum: date | None,
) -> str:
    """The key of a start line, scoped per gemeente and aanbieder.

    ``gemeente|aanbieder|bsn|toewijzingnummer|categorie|code|begindatum``.
    """
    return SEPARATOR.join((
        _text(gemeente),
        _text(aanbieder),
        _text(bsn),
        _number(toewijzing_nummer),
        _text(categorie),
        _text(code),
        _date(begindatum),
    ))


def stop_key(start: str, einddatum: date | None, reden: str | None) -> str:
    """The key of a stop line: the key of its start, Einddatum and RedenBeeindiging."""
    return SEPARATOR.join((start, _date(einddatum), _text(reden)))


__all__ = ["ABSENT", "SEPARATOR", "start_key", "stop_key"]
