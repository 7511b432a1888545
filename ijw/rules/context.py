"""What the level-3 and level-4 rules may ask: the store and the outside sources.

:class:`RuleContext` is a protocol so the rules stay pure functions: the
import pipeline passes :class:`ijw.store.context.StoreContext` (queries over
the open transaction, so earlier messages of the same batch count), tests may
pass anything that answers the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AllocationView:
    """The current state of a toewijzing as far as the rules need it."""

    gemeente: str
    toewijzing_nummer: int
    bsn: str
    aanbieder: str
    referentie_aanbieder: str | None
    product_categorie: str | None
    product_code: str | None
    toewijzingsdatum: date
    toewijzingstijd: time
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None


class RuleContext(Protocol):
    """Questions the berichtoverstijgend and externe-bron rules ask."""

    #: The receiver's system date (Europe/Amsterdam), for TR135.
    today: date

    def message_seen(self, sender: str, message_type: str, identificatie: str) -> bool:
        """TR056: was a message of this type with this Identificatie received from ``sender``?"""
        ...

    def reference_used(self, aanbieder: str, referentie: str) -> bool:
        """TR347: did an accepted 315 product or 317 of ``aanbieder`` carry ``referentie``?"""
        ...

    def open_verzoek(self, aanbieder: str, bsn: str) -> bool:
        """TR374: is a verzoek of ``aanbieder`` for client ``bsn`` still unanswered?"""
        ...

    def allocation(self, gemeente: str, toewijzing_nummer: int) -> AllocationView | None:
        """The current state of a toewijzing, or ``None`` when unknown."""
        ...

    def active_line(self, kind: str, line_key: str) -> bool:
        """TR074/TR063: is a start or stop line with this key present and not deleted?"""
        ...

    def gemeente_known(self, code: str, on: date | None) -> bool:
        """TR378: is ``code`` on the CBS list valid on ``on`` (or today)?"""
        ...

    def product_known(self, categorie: str, code: str, on: date | None) -> bool:
        """TR381: is ``code`` a code of ``categorie`` on the product list, valid on ``on``?

        The list is the contracted one (``IJW_PRODUCTCODES``) or the shipped
        national list, which does not judge the categories it has no codes
        for. ``None``: valid at any time.
        """
        ...
