""""Today" for the engine: the receiver's system date in Europe/Amsterdam.

The rules (TR135), working days and the continuity year judge by this date.
``IJW_TODAY`` (or a command's ``--today``) fixes it, for reproducible runs.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ijw.errors import ConfigurationError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

#: Environment variable that fixes "today" (for reproducible runs and tests).
TODAY_ENV = "IJW_TODAY"


def parse_day(value: str | None, what: str = "--today") -> date | None:
    """A ``YYYY-MM-DD`` option value as a date (``None`` stays ``None``)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def today_in_amsterdam() -> date:
    """``IJW_TODAY`` if set, else today's date in Europe/Amsterdam."""
    return parse_day(os.environ.get(TODAY_ENV) or None, TODAY_ENV) or datetime.now(
        AMSTERDAM).date()
