"""What the shipped code lists share: rows valid for a period, dates as the CSVs write them."""

from __future__ import annotations

from datetime import date


def parse_date(text: str, where: str) -> date | None:
    """An ISO date from a list's cell (empty: open), or a ValueError naming ``where``."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {text!r} is not an ISO date") from exc


def valid_on(on: date, geldig_van: date | None, geldig_tot: date | None) -> bool:
    """Is a row valid from ``geldig_van`` to ``geldig_tot`` (inclusive, open ends) on ``on``?"""
    return (geldig_van is None or geldig_van <= on) and (geldig_tot is None or on <= geldig_tot)


__all__ = ["parse_date", "valid_on"]
