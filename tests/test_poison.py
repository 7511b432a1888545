"""No message is refused by the store: a rule judges it first (poison messages).

The store's unique constraints and unique indexes (:mod:`ijw.store.schema`)
are the standard's natural keys. A message that would break one must get a
rule finding and end ``rejected`` (or ``partly``, a 323 with some prestaties
rejected) with its retour or findings; if it reached the constraint instead,
the import would mark it ``failed`` and fail it again on every run. For every
unique constraint and unique index of every table there are poison messages
below: inside one message, two messages in one batch, and the same in batches
of one message (each its own transaction), on SQLite and PostgreSQL. A new
constraint without a scenario fails :func:`test_every_unique_key_has_a_scenario`.

Keys the import cannot break by any message are named with the reason (a key
it fills itself, or a table it never writes), and the scenario shows that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Index, UniqueConstraint, func, select

from ijw.importing import ImportOptions, import_files
from ijw.messages import Message, message_class
from ijw.schemas import load as load_schemas
from ijw.store import db
from ijw.store.schema import Base
from ijw.writing import write
from tests import synth
from tests.synth import Prestatie, Toewijzing

A = synth.AANBIEDERS[0]
GEMEENTE = synth.GEMEENTE
TODAY = date(2026, 6, 1)
START, END = date(2026, 2, 1), date(2026, 12, 31)
N = 1001
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
MAY = (date(2026, 5, 1), date(2026, 5, 31))
#: Dagtekeningen of the first 315, 301, 305, 307 and 317 of a scenario.
D_VOT, D_301, D_305, D_307, D_317 = (date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 2),
                                     date(2026, 4, 1), date(2026, 2, 10))

#: Keys no message can break, and why (the scenario named shows it).
UNBREAKABLE = {
    "uq_client_bsn": "one row per BSN, looked up before it is added (scenario: same client)",
    "uq_declaration_message_id": "one Declaratie per 323 message (scenario: one 323)",
    "uq_retour_code_message_id_class_path_position":
        "positions are counted per class of a retour the engine builds (scenario: codes)",
    "uq_referral_bsn_agb": "the referral register, written by `ijw referrals import` only",
    "uq_continuity_decision_pack_id_gemeente_toewijzing_nummer":
        "written by `ijw continuity` only",
    "uq_continuity_allocation_pack_id_gemeente_toewijzing_nummer":
        "written by `ijw continuity` only",
}
NOT_IMPORTED_TABLES = ("referral", "continuity_decision", "continuity_allocation")


def unique_keys() -> set[str]:
    """The name of every unique constraint and unique index of the schema."""
    names: set[str] = set()
    for table in Base.metadata.tables.values():
        names |= {str(c.name) for c in table.constraints if isinstance(c, UniqueConstraint)}
        names |= {str(i.name) for i in table.indexes if isinstance(i, Index) and i.unique}
    return names


# -- messages ----------------------------------------------------------------------------------


def day(month: int, d: int) -> date:
    return date(2026, month, d)


def vot(ident: str, refs: list[str], *, client: int = 1, on: date = D_VOT) -> Message:
    return synth.jw315(client, A, ident, on, refs, START, END)


def toewijzing(ident: str, products: list[Toewijzing], *, client: int = 1,
               on: date = D_301) -> Message:
    return synth.jw301(client, A, ident, on, products)


def product(nummer: int = N, start: date = START, end: date | None = END, **kw: Any
            ) -> Toewijzing:
    return Toewijzing(nummer, start, end, decided=kw.pop("decided", D_301), **kw)


def start(ident: str, *, on: date = D_305, begin: date = START, status: str = "1",
          nummer: int = N) -> Message:
    return synth.jw305(1, A, ident, on, nummer, begin, status)


def lines(message: Message, *more: Message) -> Message:
    """``message`` with the start or stop lines of ``more`` added (one message)."""
    group = "start_producten" if message.message_type == "JW305" else "stop_producten"
    data = message.model_dump()
    for m in more:
        data["client"][group] += m.model_dump()["client"][group]
    return type(message).model_validate(data)


def stop(ident: str, *, on: date = D_307) -> Message:
    return synth.jw307(1, A, ident, on, N, START, day(3, 31))


def vow(ident: str, ref: str, *, client: int = 1, nummer: int = N, on: date = D_317,
        **change: Any) -> Message:
    """A 317 shortening toewijzing ``nummer`` of ``client`` to 30 June (its Omvang repeated)."""
    line: dict[str, Any] = {"toewijzing_nummer": nummer, "gewenste_ingangsdatum": day(3, 1),
                            "einddatum": day(6, 30),
                            "omvang": {"volume": 10, "eenheid": "04", "frequentie": "4"}}
    line.update(change)
    return message_class("JW317").model_validate({
        "header": {"bericht_code": message_class("JW317").code, "afzender": A,
                   "ontvanger": GEMEENTE,
                   "bericht_identificatie": {"identificatie": ident, "dagtekening": on},
                   "xsd_versie": synth.VERSIE},
        "client": {"bsn": synth.bsn(client), "verzoek": {
            "referentie_aanbieder": ref, "reden_verzoek": "1",
            "te_wijzigen_producten": [line]}},
    })


def declaratie(ident: str, prestaties: list[Prestatie], period: tuple[date, date],
               on: date) -> Message:
    return synth.jw323(A, ident, on, prestaties, period=period)


def debet(ref: str, period: tuple[date, date] = MARCH, **kw: Any) -> Prestatie:
    return Prestatie(ref, N, begin=period[0], end=period[1], **kw)


def credit(ref: str, vorig: str) -> Prestatie:
    return debet(ref, credit=True, vorig=vorig)


def edit(message: Message, change: Callable[[dict[str, Any]], None]) -> Message:
    data = message.model_dump()
    change(data)
    return type(message).model_validate(data)


def broken_bsn(message: Message) -> Message:
    """``message`` with its client's BSN off by one in the check digit (CS002)."""
    good = synth.bsn(2)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    return edit(message, lambda d: d["client"].update(bsn=bad))


# -- scenarios ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Poison:
    """Messages (file name, message) and what must happen to each: (outcome, rule codes)."""

    key: str
    what: str
    messages: Callable[[], list[tuple[str, Message]]]
    expect: dict[str, tuple[str, frozenset[str]]]
    #: Extra checks on the store after the import: table name -> expected row count.
    rows: dict[str, int] = field(default_factory=dict)
    xfail: str | None = None


OK, REGISTERED = ("accepted", frozenset()), ("registered", frozenset())


def rejected(*codes: str) -> tuple[str, frozenset[str]]:
    return ("rejected", frozenset(codes))


T1 = ("t1.xml", toewijzing("T-1", [product()]))

POISONS = [
    Poison("uq_message_identity", "two 315s of one aanbieder with one Identificatie",
           lambda: [("a.xml", vot("V-1", ["R-1"])),
                    ("b.xml", vot("V-1", ["R-2"], client=2, on=day(1, 11)))],
           {"a.xml": OK, "b.xml": rejected("TR056")}),
    Poison("uq_message_identity", "a repeated Identificatie that also fails level 2",
           lambda: [("a.xml", vot("V-1", ["R-1"])),
                    ("b.xml", broken_bsn(vot("V-1", ["R-2"], client=2, on=day(1, 11))))],
           {"a.xml": OK, "b.xml": rejected("CS002")}),
    Poison("uq_message_sha256", "the same bytes under two file names",
           lambda: [("a.xml", vot("V-1", ["R-1"])), ("b.xml", vot("V-1", ["R-1"]))],
           {"a.xml": OK, "b.xml": ("skipped", frozenset())}),
    Poison("uq_requested_product_reference", "two 315s with one ReferentieAanbieder",
           lambda: [("a.xml", vot("V-1", ["R-1"])),
                    ("b.xml", vot("V-2", ["R-1"], client=2, on=day(1, 11)))],
           {"a.xml": OK, "b.xml": rejected("TR347")}),
    Poison("uq_requested_product_reference", "one 315 with one reference on two products",
           lambda: [("a.xml", edit(vot("V-1", ["R-1", "R-1"]), lambda d: d["client"][
               "aangevraagde_producten"][1]["product"].update(code="54002")))],
           {"a.xml": rejected("TR383")}),
    Poison("uq_change_request_reference", "two 317s (two clients) with one reference",
           lambda: [T1, ("t2.xml", toewijzing("T-2", [product(N + 1)], client=2)),
                    ("a.xml", vow("W-1", "R-1")),
                    ("b.xml", vow("W-2", "R-1", client=2, nummer=N + 1, on=day(2, 11)))],
           {"t1.xml": REGISTERED, "t2.xml": REGISTERED, "a.xml": OK,
            "b.xml": rejected("TR347")}),
    Poison("uq_allocation_gemeente_toewijzing_nummer", "two 301s give one number to two clients",
           lambda: [T1, ("t2.xml", toewijzing("T-2", [product()], client=2, on=day(1, 21)))],
           {"t1.xml": REGISTERED, "t2.xml": rejected("TR332")}),
    Poison("uq_allocation_version_allocation_id_message_id",
           "one 301 gives one number to two ToegewezenProducten (no other finding)",
           lambda: [("t1.xml", toewijzing("T-1", [product(end=day(6, 30)),
                                                  product(start=day(7, 1))]))],
           {"t1.xml": rejected("TR101", "TR332")}, rows={"allocation": 0}),
    Poison("uq_allocation_version_allocation_id_message_id",
           "a 301 giving two products one number, with a level-2 finding (CS003) as well",
           lambda: [("t1.xml", toewijzing("T-1", [product(end=day(6, 30)),
                                                  product(start=day(7, 1)),
                                                  product(N + 1, end=day(1, 31))]))],
           {"t1.xml": rejected("TR101", "TR332", "CS003")}, rows={"allocation": 0}),
    Poison("uq_care_line_active_key", "two 305s with the same start",
           lambda: [T1, ("s1.xml", start("S-1")), ("s2.xml", start("S-2", on=day(2, 3)))],
           {"t1.xml": REGISTERED, "s1.xml": OK, "s2.xml": rejected("TR074")}),
    Poison("uq_care_line_active_key", "one 305 with the same start twice",
           lambda: [T1, ("s1.xml", lines(start("S-1"), start("S-1")))],
           {"t1.xml": REGISTERED, "s1.xml": rejected("TR101")}),
    Poison("uq_care_line_active_key", "one 305 deleting a start and sending it again (IV008)",
           lambda: [T1, ("s1.xml", start("S-1")),
                    ("s2.xml", lines(start("S-2", on=day(2, 3), status="3"),
                                     start("S-2", on=day(2, 3))))],
           {"t1.xml": REGISTERED, "s1.xml": OK, "s2.xml": rejected("TR101")}),
    Poison("uq_care_line_active_key", "two 307s with the same stop",
           lambda: [T1, ("s1.xml", start("S-1")), ("e1.xml", stop("E-1")),
                    ("e2.xml", stop("E-2", on=day(4, 2)))],
           {"t1.xml": REGISTERED, "s1.xml": OK, "e1.xml": OK,
            "e2.xml": rejected("TR074", "TR415")}),
    Poison("uq_client_bsn", "a 315 and the 301 honouring it: one client",
           lambda: [("a.xml", vot("V-1", ["R-1"])),
                    ("t1.xml", toewijzing("T-1", [product(ref="R-1")]))],
           {"a.xml": OK, "t1.xml": REGISTERED}, rows={"client": 1}),
    Poison("uq_retour_code_message_id_class_path_position",
           "a 317 with two findings on one TeWijzigenProduct (two codes on one class)",
           lambda: [("t1.xml", toewijzing("T-1", [product(product=None)])),
                    ("a.xml", vow("W-1", "R-1", gewenste_ingangsdatum=day(2, 5),
                                  einddatum=END, omvang=None, budget=150_000))],
           {"t1.xml": REGISTERED, "a.xml": rejected("TR357", "TR373")},
           # Header, Client and Verzoek 0200, TeWijzigenProduct 9357 and 9373.
           rows={"retour_code": 5}),
    Poison("uq_declaration_message_id", "one 323",
           lambda: [T1, ("d1.xml", declaratie("D-1", [debet("RN-1")], MARCH, day(4, 6)))],
           {"t1.xml": REGISTERED, "d1.xml": OK}, rows={"declaration": 1}),
    Poison("uq_declaration_line_reference", "two 323s with one ReferentieNummer",
           lambda: [T1, ("d1.xml", declaratie("D-1", [debet("RN-1")], MARCH, day(4, 6))),
                    ("d2.xml", declaratie("D-2", [debet("RN-1", APRIL)], APRIL, day(5, 6)))],
           {"t1.xml": REGISTERED, "d1.xml": OK, "d2.xml": rejected("TR314")}),
    Poison("uq_declaration_line_reference", "one 323 with one ReferentieNummer twice",
           lambda: [T1, ("d1.xml", declaratie("D-1", [debet("RN-1"), debet("RN-1", volume=8)],
                                              MARCH, day(4, 6)))],
           {"t1.xml": REGISTERED, "d1.xml": rejected("TR101", "TR416")}),
    Poison("uq_declaration_line_credit", "two 323s crediting one debet",
           lambda: [T1, ("d1.xml", declaratie("D-1", [debet("RN-1")], MARCH, day(4, 6))),
                    ("d2.xml", declaratie("D-2", [credit("RN-2", "RN-1")], APRIL, day(5, 6))),
                    ("d3.xml", declaratie("D-3", [credit("RN-3", "RN-1")], MAY, day(6, 1)))],
           {"t1.xml": REGISTERED, "d1.xml": OK, "d2.xml": OK, "d3.xml": rejected("TR390")}),
    Poison("uq_declaration_line_credit", "one 323 crediting one debet twice",
           lambda: [T1, ("d1.xml", declaratie("D-1", [debet("RN-1")], MARCH, day(4, 6))),
                    ("d2.xml", declaratie("D-2", [credit("RN-2", "RN-1"),
                                                  credit("RN-3", "RN-1"), debet("RN-4", APRIL)],
                                          APRIL, day(5, 6)))],
           {"t1.xml": REGISTERED, "d1.xml": OK, "d2.xml": rejected("TR315")}),
]


def test_every_unique_key_has_a_scenario() -> None:
    covered = {p.key for p in POISONS}
    assert covered <= unique_keys()
    assert unique_keys() - covered <= set(UNBREAKABLE), sorted(unique_keys() - covered)
    assert set(UNBREAKABLE) <= unique_keys()


def _import(url: str, tmp_path: Path, poison: Poison, batch_size: int
            ) -> dict[str, tuple[str, frozenset[str]]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, message in poison.messages():
        (inbox / name).write_bytes(write(message, stamp=False))
    engine = db.make_engine(url)
    try:
        options = ImportOptions(gemeente=GEMEENTE, outbox=tmp_path / "outbox", today=TODAY,
                                schemas=load_schemas(), batch_size=batch_size)
        summary = import_files(engine, [inbox], options)
        with engine.connect() as conn:
            for table, count in poison.rows.items():
                found = conn.execute(select(func.count()).select_from(
                    Base.metadata.tables[table])).scalar_one()
                assert found == count, table
            for table in NOT_IMPORTED_TABLES:
                assert conn.execute(select(func.count()).select_from(
                    Base.metadata.tables[table])).scalar_one() == 0
    finally:
        engine.dispose()
    return {Path(f.file).name: (f.outcome, frozenset(x.rule or x.code or "" for x in f.findings))
            for f in summary.files}


def _param(poison: Poison) -> Any:
    marks = [pytest.mark.xfail(reason=poison.xfail, strict=True)] if poison.xfail else []
    return pytest.param(poison, id=f"{poison.key}-{POISONS.index(poison)}", marks=marks)


@pytest.mark.parametrize("batch_size", [200, 1], ids=["one-batch", "batches-of-one"])
@pytest.mark.parametrize("poison", [_param(p) for p in POISONS])
def test_poison_message_is_judged_not_refused(
    poison: Poison, batch_size: int, db_url: str, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="ijw.import"):
        outcomes = _import(db_url, tmp_path, poison, batch_size)
    assert not [r for r in caplog.records if "refused" in r.getMessage()], poison.what
    assert all(outcome != "failed" for outcome, _ in outcomes.values()), outcomes
    assert outcomes == poison.expect, poison.what
