"""What a toewijzing is, as one predicate: a deleted toewijzing.

A toewijzing (a JW301 ToegewezenProduct, or its stored version) is deleted
when the gemeente withdrew it as sent in error: Einddatum equal to the
Ingangsdatum with RedenWijziging 13 (verwijderd), or the obsolete 01 that did
the same before release 3.1 (brief 5.5, 6.3; CS335 makes 13 demand that one
day). A deleted toewijzing counts as never sent: it is never actual (6.3),
may not be declared on (TR384), starts and stops cannot refer to it, and it
continues nothing. A reden 13 with a later Einddatum is a content error
(CS335), not a deletion: the toewijzing simply ends on that Einddatum.

The rules (:mod:`ijw.rules.store`), the continuity policy and the 301 export
(:mod:`ijw.policy`) all ask :func:`is_deleted`.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from ijw.messages.base import code_value
from ijw.messages.r3_2.codelists import RedenWijziging

#: The RedenWijziging codes that delete a toewijzing with Einddatum = Ingangsdatum.
DELETING = frozenset({RedenWijziging.VERWIJDERD.value,
                      RedenWijziging.ADMINISTRATIEVE_CORRECTIE_OUD.value})


class Dated(Protocol):
    """A toewijzing's version: a stored row or view, or a 301's ToegewezenProduct."""

    @property
    def ingangsdatum(self) -> date: ...

    @property
    def einddatum(self) -> date | None: ...

    @property
    def reden_wijziging(self) -> object: ...


def is_deleted(toewijzing: Dated) -> bool:
    """Was ``toewijzing`` deleted: Einddatum = Ingangsdatum, RedenWijziging 13 (or 01)?

    ``reden_wijziging`` may be a code (``"13"``) or a codelist member.
    """
    return (toewijzing.einddatum == toewijzing.ingangsdatum
            and code_value(toewijzing.reden_wijziging) in DELETING)


__all__ = ["DELETING", "Dated", "is_deleted"]
