"""One predicate for "a deleted toewijzing" (``ijw.toewijzing.is_deleted``), used everywhere."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest

from ijw.messages.r3_2.codelists import RedenWijziging
from ijw.policy import continuity, exports
from ijw.policy.continuity import Facts, allocation_ended, decide_product
from ijw.policy.pack import load_pack
from ijw.rules import store
from ijw.toewijzing import is_deleted
from tests.conftest import FIXTURES

DAY = date(2023, 11, 13)
LATER = date(2024, 6, 30)


class Row(NamedTuple):
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: object


@pytest.mark.parametrize(("row", "deleted"), [
    (Row(DAY, DAY, "13"), True),
    (Row(DAY, DAY, "01"), True),  # the obsolete 01 did the same before 3.1
    (Row(DAY, DAY, RedenWijziging.VERWIJDERD), True),  # a codelist member as well
    (Row(DAY, LATER, "13"), False),  # CS335's error: it ends on LATER, it is not deleted
    (Row(DAY, LATER, "01"), False),
    (Row(DAY, DAY, "14"), False),  # administratieve correctie: a one-day toewijzing
    (Row(DAY, DAY, None), False),
    (Row(DAY, None, "13"), False),
])
def test_deleted_means_one_day_with_reden_13_or_01(row: Row, deleted: bool) -> None:
    assert is_deleted(row) is deleted
    assert store._deleted(row) is deleted  # the rules ask the same predicate
    assert exports._actual(row, DAY) is (not deleted)  # so does the 301 export


def _facts(einddatum: date | None, reden: str | None) -> Facts:
    return Facts(toewijzing_nummer=2202, aanbieder="99990001", referentie_aanbieder="R22-2",
                 product_categorie="45", product_code="45A04", message="T0022",
                 message_date=date(2023, 11, 8), ingangsdatum=DAY, einddatum=einddatum,
                 reden_wijziging=reden)


def test_continuity_counts_a_reden_13_with_a_later_einddatum_as_running() -> None:
    """Reden 13 with Einddatum after Ingangsdatum is no deletion: the allocation runs into
    the continuity year, so ALLOCATION_ENDED does not apply (it did before: any 13)."""
    info = load_pack(FIXTURES / "continuity" / "demo-pack.toml").info
    running = _facts(LATER, "13")
    assert not continuity.deleted(running)
    assert not allocation_ended(running, info)
    assert "ALLOCATION_ENDED" not in decide_product(running, info, frozenset()).reasons
    removed = _facts(DAY, "13")
    assert continuity.deleted(removed) and allocation_ended(removed, info)
