"""Keeping the BSN out of logs and terminal output.

A BSN is personal data. Anything ijw prints or logs goes through :func:`mask`
(one value) or :func:`scrub` (free text, such as an lxml error message that
quotes the offending value).
"""

from __future__ import annotations

import re

_LONG_DIGITS = re.compile(r"(?<!\d)\d{4,}(\d{4})(?!\d)")


def mask(bsn: str) -> str:
    """Show only the last four digits: ``*****1234``."""
    if len(bsn) <= 4:
        return "*" * len(bsn)
    return "*" * (len(bsn) - 4) + bsn[-4:]


def scrub(text: str) -> str:
    """Mask every run of eight or more digits in ``text``.

    Eight covers a BSN that lost its leading zero, and longer runs are masked
    too, since a BSN can hide inside a longer invalid value that an error
    message quotes. Privacy wins over readability: an 8-digit AGB code in free
    text is masked as well (its last four digits stay).
    """
    return _LONG_DIGITS.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(1), text)
