"""Dutch working days ("werkdagen") for the deadlines of the standard.

The iStandaarden begrippenlijst counts a werkdag as Monday to Friday except
the *erkende feestdagen*. Dutch law defines exactly that term in the
Algemene termijnenwet (Atw), article 3: "algemeen erkende feestdagen" are
Nieuwjaarsdag, tweede Paasdag, Hemelvaartsdag, tweede Pinksterdag, both
Christmas days, the day the King's birthday is celebrated (Koningsdag) and
the fifth of May. This module follows the Atw, through the maintained
``holidays`` library (category ``public`` plus ``optional``):

* Koningsdag is 27 April, or Saturday 26 April when the 27th is a Sunday
  (30/29 April, Koninginnedag, before 2014) -- the library's rule;
* Bevrijdingsdag (5 May) is a holiday **every** year. The Atw has listed it
  yearly since 1982; the library's ``public`` category has it only in lustrum
  years (2025, 2030, ...) because many CAOs give the day off only then, and
  keeps the yearly day in ``optional``, which we add;
* Goede Vrijdag is **not** a holiday. The Atw does not list it and municipal
  offices work that day; the library's ``public`` category includes it, so we
  take it out again (by its Dutch name, which a test pins).

Eerste Paasdag and Eerste Pinksterdag are Sundays, so they never matter.
Holidays on a Saturday or Sunday are not moved to a weekday (no "observed"
days in the Netherlands).

The holiday list is known from 1966 (the Atw's first full year); earlier
dates only lose their weekends.

Counting (see :func:`add_working_days`, :func:`working_days_between`) starts
on the day *after* the start date: "within five working days of the
Dagtekening" is due on ``add_working_days(dagtekening, 5)`` at the latest.
"""

from __future__ import annotations

import bisect
import functools
from datetime import date, timedelta

import holidays
from holidays.constants import OPTIONAL, PUBLIC

#: The library's Dutch name of the day the Atw does not recognise.
GOOD_FRIDAY_NAME = "Goede vrijdag"

_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=512)
def holidays_in(year: int) -> tuple[date, ...]:
    """The recognised public holidays (Atw article 3) of ``year``, sorted, weekends included."""
    found = holidays.country_holidays(
        "NL", years=year, categories=(PUBLIC, OPTIONAL), language="nl"
    )
    return tuple(sorted(
        day for day, name in found.items()
        if GOOD_FRIDAY_NAME not in name.split("; ")
    ))


@functools.lru_cache(maxsize=512)
def _weekday_holidays(year: int) -> tuple[date, ...]:
    return tuple(d for d in holidays_in(year) if d.weekday() < 5)


def holiday_name(d: date) -> str | None:
    """The Dutch name of the recognised holiday on ``d``, or None."""
    if d not in holidays_in(d.year):
        return None
    names = holidays.country_holidays(
        "NL", years=d.year, categories=(PUBLIC, OPTIONAL), language="nl"
    ).get_list(d)
    return "; ".join(n for n in names if n != GOOD_FRIDAY_NAME)


def is_working_day(d: date) -> bool:
    """True for Monday to Friday when ``d`` is not a recognised public holiday."""
    return d.weekday() < 5 and d not in _weekday_holidays(d.year)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (before it when ``n`` is negative).

    ``start`` itself never counts, working day or not: ``add_working_days(d, 1)``
    is the first working day after ``d``. ``n == 0`` gives ``start`` unchanged.
    """
    step = _DAY if n >= 0 else -_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def _weekdays_up_to(d: date) -> int:
    """How many Mondays to Fridays lie in [0001-01-01, d] (ordinal 1 is a Monday)."""
    weeks, rest = divmod(d.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


def _holidays_up_to(d: date, first_year: int) -> int:
    """How many weekday holidays lie in [1 January ``first_year``, d]."""
    total = sum(len(_weekday_holidays(y)) for y in range(first_year, d.year))
    return total + bisect.bisect_right(_weekday_holidays(d.year), d)


def working_days_between(start: date, end: date) -> int:
    """The working days in (start, end]; negative, -(working days in [end, start)), if end < start.

    The inverse of :func:`add_working_days`:
    ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n``.
    """
    if end < start:
        # Working days in [end, start) = those in (end - 1 day, start - 1 day].
        return -working_days_between(end - _DAY, start - _DAY)
    first_year = start.year
    weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
    holidays_count = _holidays_up_to(end, first_year) - _holidays_up_to(start, first_year)
    return weekdays - holidays_count


__all__ = [
    "add_working_days",
    "holiday_name",
    "holidays_in",
    "is_working_day",
    "working_days_between",
]
