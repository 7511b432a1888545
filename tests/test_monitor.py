"""Working days and the answer-deadline monitor (OP274, OP346, OP090x4).

The monitor runs on a real store (SQLite, and PostgreSQL when
``IJW_TEST_POSTGRES_URL`` is set), seeded with Core inserts, and for the
declaraties also filled by importing real messages.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, event, insert, update
from typer.testing import CliRunner

from ijw import api
from ijw.monitor import (
    ATTENTION,
    DECLARATIE_WORKING_DAYS,
    MonitorItem,
    MonitorReport,
    Status,
    judge,
    judge_declaratie,
    monitor,
)
from ijw.monitor_cli import CSV_COLUMNS, monitor_command
from ijw.privacy import mask
from ijw.store import db
from ijw.store.persist import client_id, insert_message, new_id
from ijw.store.schema import (
    Allocation,
    AllocationVersion,
    Answer,
    ChangeRequest,
    Declaration,
    Message,
    RequestedProduct,
    table_of,
)
from ijw.workdays import (
    add_working_days,
    holiday_name,
    holidays_in,
    is_working_day,
    working_days_between,
)
from ijw.writing import write
from tests import synth

DAY = timedelta(days=1)
GEMEENTE = "0363"
BSN = "999993653"
BSN2 = "999990627"
A1, A2 = "12345678", "87654321"

# --------------------------------------------------------------------------- working days


def test_atw_holidays_2023() -> None:
    assert holidays_in(2023) == (
        date(2023, 1, 1),  # Nieuwjaarsdag (Sunday)
        date(2023, 4, 9),  # Eerste paasdag
        date(2023, 4, 10),  # Tweede paasdag
        date(2023, 4, 27),  # Koningsdag
        date(2023, 5, 5),  # Bevrijdingsdag: every year (Atw), not only lustrum years
        date(2023, 5, 18),  # Hemelvaartsdag
        date(2023, 5, 28),  # Eerste pinksterdag
        date(2023, 5, 29),  # Tweede pinksterdag
        date(2023, 12, 25),  # Eerste kerstdag
        date(2023, 12, 26),  # Tweede kerstdag
    )


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 3, 29), True),  # Goede Vrijdag: not an Atw holiday
        (date(2023, 4, 7), True),  # Goede Vrijdag
        (date(2024, 4, 1), False),  # Tweede paasdag
        (date(2023, 4, 27), False),  # Koningsdag (Thursday)
        (date(2022, 4, 27), False),  # Koningsdag (Wednesday)
        (date(2025, 4, 28), True),  # Monday after Koningsdag-on-Saturday: not moved forward
        (date(2013, 4, 30), False),  # Koninginnedag
        (date(2023, 5, 5), False),  # Bevrijdingsdag outside a lustrum year
        (date(2025, 5, 5), False),  # Bevrijdingsdag in a lustrum year
        (date(2024, 5, 9), False),  # Hemelvaartsdag
        (date(2024, 5, 20), False),  # Tweede pinksterdag
        (date(2024, 12, 25), False),
        (date(2024, 12, 26), False),
        (date(2024, 12, 24), True),  # Kerstavond is a working day
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
        (date(2024, 2, 29), True),  # leap day, a Thursday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_holiday_names() -> None:
    assert holiday_name(date(2023, 5, 5)) == "Bevrijdingsdag"
    assert holiday_name(date(2025, 5, 5)) == "Bevrijdingsdag"
    assert holiday_name(date(2024, 12, 26)) == "Tweede kerstdag"
    assert holiday_name(date(2024, 3, 29)) is None  # Goede Vrijdag
    assert holiday_name(date(2024, 3, 28)) is None


def test_koningsdag_moves_to_saturday_when_the_27th_is_a_sunday() -> None:
    assert date(2014, 4, 26) in holidays_in(2014)
    assert date(2014, 4, 27) not in holidays_in(2014)
    assert date(2025, 4, 26) in holidays_in(2025)


DATES = st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31))
SPANS = st.integers(min_value=-600, max_value=600)


@settings(max_examples=300, deadline=None)
@given(DATES, SPANS)
def test_add_then_count_is_the_identity(start: date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n)) == n


@settings(max_examples=300, deadline=None)
@given(DATES, SPANS)
def test_count_then_add_is_the_identity_on_working_days(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    if is_working_day(end) or end == start:
        assert add_working_days(start, working_days_between(start, end)) == end


@settings(max_examples=300, deadline=None)
@given(DATES, st.integers(min_value=-60, max_value=60))
def test_count_agrees_with_walking_day_by_day(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    if end >= start:
        walked = sum(is_working_day(start + DAY * i) for i in range(1, offset + 1))
    else:
        walked = -sum(is_working_day(end + DAY * i) for i in range(-offset))
    assert working_days_between(start, end) == walked


@settings(max_examples=300, deadline=None)
@given(DATES, SPANS)
def test_weekends_are_never_working_days_and_results_are_working_days(
    start: date, n: int
) -> None:
    saturday = start + timedelta(days=(5 - start.weekday()) % 7)
    assert not is_working_day(saturday)
    assert not is_working_day(saturday + DAY)
    result = add_working_days(start, n)
    if n:
        assert is_working_day(result)
        assert result.weekday() < 5
    else:
        assert result == start
    assert (result > start) == (n > 0)
    assert add_working_days(start, n + 1) > result


# --------------------------------------------------------------------------- seeding


class Seed:
    """Core inserts of verzoeken and answers into a migrated store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._n = itertools.count(1)

    def _message(self, conn: Connection, kind: str, dagtekening: date, aanbieder: str,
                 **extra: Any) -> int:
        n = next(self._n)
        ours = kind in ("JW301", "JW319", "JW325")
        now = datetime(2024, 1, 1, tzinfo=UTC)
        values: dict[str, Any] = {
            "message_type": kind, "direction": "out" if ours else "in",
            "sender": GEMEENTE if ours else aanbieder, "receiver": aanbieder if ours else GEMEENTE,
            "gemeente": GEMEENTE, "aanbieder": aanbieder, "identificatie": f"M{n}",
            "dagtekening": dagtekening, "sha256": f"{n:064x}", "received_at": now,
            "imported_at": now, "outcome": "registered" if ours else "accepted",
            "raw_xml": b"<x/>",
        }
        return insert_message(conn, **{**values, **extra})

    def vot(self, dagtekening: date, *refs: str, aanbieder: str = A1, bsn: str = BSN,
            accepted: bool = True) -> None:
        """A received 315 with one AangevraagdProduct per reference."""
        with self.engine.begin() as conn:
            mid = self._message(conn, "JW315", dagtekening, aanbieder)
            cid = client_id(conn, bsn)
            conn.execute(insert(table_of(RequestedProduct)), [
                {"message_id": mid, "client_id": cid, "gemeente": GEMEENTE,
                 "aanbieder": aanbieder, "accepted": accepted, "dagtekening": dagtekening,
                 "referentie_aanbieder": ref, "toewijzing_ingangsdatum": dagtekening,
                 "verwijzer_type": "01", "product_categorie": "45", "product_code": "45A01"}
                for ref in refs
            ])

    def vow(self, dagtekening: date, ref: str, *, aanbieder: str = A1, bsn: str = BSN,
            accepted: bool = True) -> None:
        """A received 317."""
        with self.engine.begin() as conn:
            mid = self._message(conn, "JW317", dagtekening, aanbieder)
            conn.execute(insert(table_of(ChangeRequest)).values(
                message_id=mid, client_id=client_id(conn, bsn), gemeente=GEMEENTE,
                aanbieder=aanbieder, accepted=accepted, dagtekening=dagtekening,
                referentie_aanbieder=ref, reden_verzoek="1",
            ))

    def toewijzing(self, dagtekening: date, *refs: str | None, aanbieder: str = A1,
                   bsn: str = BSN) -> None:
        """A 301 we sent: one ToegewezenProduct per reference (None: an existing one re-sent)."""
        allocation, version = table_of(Allocation), table_of(AllocationVersion)
        with self.engine.begin() as conn:
            mid = self._message(conn, "JW301", dagtekening, aanbieder)
            cid = client_id(conn, bsn)
            for ref in refs:
                fields = {"referentie_aanbieder": ref, "toewijzingsdatum": dagtekening,
                          "toewijzingstijd": clock(12, 0), "ingangsdatum": dagtekening}
                aid = new_id(conn.execute(insert(allocation).values(
                    gemeente=GEMEENTE, toewijzing_nummer=next(self._n), client_id=cid,
                    aanbieder=aanbieder, message_id=mid, **fields)))
                conn.execute(insert(version).values(allocation_id=aid, message_id=mid, **fields))

    def antwoord(self, dagtekening: date, ref: str, verzoek_antwoord: str = "1", *,
                 aanbieder: str = A1) -> None:
        """A 319 we sent (1 afgewezen, 2 in onderzoek)."""
        with self.engine.begin() as conn:
            mid = self._message(conn, "JW319", dagtekening, aanbieder)
            conn.execute(insert(table_of(Answer)).values(
                message_id=mid, gemeente=GEMEENTE, aanbieder=aanbieder, dagtekening=dagtekening,
                referentie_aanbieder=ref, verzoek_antwoord=verzoek_antwoord,
                reden_afwijzing="3" if verzoek_antwoord == "1" else None,
            ))


    def declaratie(self, dagtekening: date, nummer: str, *, aanbieder: str = A1,
                   answered: date | None = None, written: bool = True) -> None:
        """A received 323; with ``answered``, its 325 dated that day (in the outbox or not)."""
        with self.engine.begin() as conn:
            mid = self._message(conn, "JW323", dagtekening, aanbieder)
            answer = None
            if answered is not None:
                answer = self._message(conn, "JW325", answered, aanbieder, answers_id=mid,
                                       outcome="sent", outbox_file=f"{nummer}.xml",
                                       outbox_written=written)
            conn.execute(insert(table_of(Declaration)).values(
                message_id=mid, answer_id=answer, gemeente=GEMEENTE, aanbieder=aanbieder,
                declaratie_nummer=nummer, period_start=date(2024, 3, 1),
                period_end=date(2024, 3, 31), declaratie_dagtekening=dagtekening,
                submitted_amount=1000, approved_amount=1000, outcome="approved",
            ))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def seed(engine: Engine) -> Seed:
    return Seed(engine)


def _all(engine: Engine, as_of: date) -> dict[str, MonitorItem]:
    report = monitor(engine, as_of, statuses=set(Status))
    return {i.referentie_aanbieder: i for i in report.items}


# --------------------------------------------------------------------------- deadlines

# (what it spans, Dagtekening of the verzoek, the fifth working day after it)
DEADLINES = [
    ("weekend", date(2024, 1, 4), date(2024, 1, 11)),  # Thu -> Thu
    ("weekend, from a friday", date(2024, 1, 5), date(2024, 1, 12)),
    ("dagtekening on a saturday", date(2024, 1, 6), date(2024, 1, 12)),
    ("koningsdag", date(2023, 4, 24), date(2023, 5, 2)),  # Thu 27 April skipped
    ("bevrijdingsdag 2023", date(2023, 4, 28), date(2023, 5, 8)),  # Fri 5 May skipped
    ("goede vrijdag and pasen", date(2024, 3, 26), date(2024, 4, 3)),  # Fri counts, Mon not
    ("hemelvaart", date(2024, 5, 6), date(2024, 5, 14)),
    ("christmas", date(2024, 12, 20), date(2024, 12, 31)),  # 25 and 26 Dec skipped
    ("new year", date(2024, 12, 24), date(2025, 1, 3)),
    ("leap day", date(2024, 2, 26), date(2024, 3, 4)),  # Thu 29 Feb counts
]
DEADLINE_IDS = [d[0] for d in DEADLINES]


@pytest.mark.parametrize(("what", "received", "deadline"), DEADLINES, ids=DEADLINE_IDS)
def test_deadline_is_the_fifth_working_day_after_the_dagtekening(
    what: str, received: date, deadline: date
) -> None:
    assert add_working_days(received, 5) == deadline
    assert working_days_between(received, deadline) == 5
    assert working_days_between(received, deadline + DAY) == 5 + is_working_day(deadline + DAY)


@pytest.mark.parametrize(("what", "received", "deadline"), DEADLINES, ids=DEADLINE_IDS)
def test_answer_on_the_last_working_day_is_on_time_a_day_later_is_late(
    seed: Seed, engine: Engine, what: str, received: date, deadline: date
) -> None:
    seed.vot(received, "P-ON-TIME", "P-LATE", "P-OPEN")
    seed.vow(received, "W-ON-TIME", bsn=BSN2)
    seed.vow(received, "W-LATE", aanbieder=A2)
    seed.toewijzing(deadline, "P-ON-TIME")
    seed.antwoord(deadline + DAY, "P-LATE")
    seed.antwoord(deadline, "W-ON-TIME")
    seed.toewijzing(deadline + DAY, "W-LATE", aanbieder=A2)

    on_deadline = _all(engine, deadline)
    assert on_deadline["P-ON-TIME"].status is Status.answered_on_time
    assert on_deadline["P-ON-TIME"].answered_by == "301"
    assert on_deadline["P-ON-TIME"].age == 5
    assert on_deadline["W-ON-TIME"].status is Status.answered_on_time
    assert on_deadline["W-ON-TIME"].answered_by == "319"
    # Answers dated after the report's day do not count yet: still open on the last day.
    assert on_deadline["P-LATE"].status is Status.open
    assert on_deadline["W-LATE"].status is Status.open
    assert on_deadline["P-OPEN"].status is Status.open
    assert on_deadline["P-OPEN"].deadline == deadline == on_deadline["P-OPEN"].due

    after = _all(engine, deadline + DAY)
    assert after["P-ON-TIME"].status is Status.answered_on_time
    assert after["P-LATE"].status is Status.answered_late
    assert after["P-LATE"].answered_by == "319"
    assert after["W-LATE"].status is Status.answered_late
    assert after["W-LATE"].answered_by == "301"
    assert after["P-OPEN"].status is Status.overdue
    assert after["P-OPEN"].age == 5 + is_working_day(deadline + DAY)

    # The day before the verzoek's Dagtekening it does not exist yet.
    assert _all(engine, received - DAY) == {}


# --------------------------------------------------------------------------- in onderzoek

RECEIVED = date(2024, 2, 1)  # Thursday; 5 working days: Thursday 8 February
FINAL_DUE = date(2024, 3, 28)  # 8 weeks, across the leap day (29 February)


def test_in_onderzoek_then_final_answer_within_and_after_eight_weeks(
    seed: Seed, engine: Engine
) -> None:
    seed.vot(RECEIVED, "IN-TIME", "LATE", "NONE", "LATE-INTERIM", "REJECTED")
    for ref in ("IN-TIME", "LATE", "NONE", "REJECTED"):
        seed.antwoord(date(2024, 2, 8), ref, "2")  # on the fifth working day
    seed.antwoord(date(2024, 2, 9), "LATE-INTERIM", "2")  # one day late
    seed.toewijzing(FINAL_DUE, "IN-TIME")
    seed.toewijzing(FINAL_DUE + DAY, "LATE")
    seed.antwoord(date(2024, 3, 1), "LATE-INTERIM", "1")
    seed.antwoord(FINAL_DUE, "REJECTED", "1")

    # Between the five days and the eight weeks: an interim answer keeps it open.
    middle = _all(engine, date(2024, 3, 1) - DAY)
    assert middle["NONE"].status is Status.open
    assert middle["NONE"].interim_on == date(2024, 2, 8)
    assert middle["NONE"].deadline == date(2024, 2, 8)
    assert middle["NONE"].final_deadline == middle["NONE"].due == FINAL_DUE
    assert not middle["NONE"].interim_late
    assert middle["LATE-INTERIM"].status is Status.open
    assert middle["LATE-INTERIM"].interim_late

    last_day = _all(engine, FINAL_DUE)
    assert last_day["IN-TIME"].status is Status.answered_on_time
    assert last_day["IN-TIME"].answered_on == FINAL_DUE
    assert last_day["REJECTED"].status is Status.answered_on_time
    assert last_day["REJECTED"].answered_by == "319"
    assert last_day["NONE"].status is Status.open
    assert last_day["LATE"].status is Status.open
    # A late interim answer makes the verzoek late, however quick the final answer.
    assert last_day["LATE-INTERIM"].status is Status.answered_late

    after = _all(engine, FINAL_DUE + DAY)
    assert after["LATE"].status is Status.answered_late
    assert after["NONE"].status is Status.overdue
    assert after["IN-TIME"].status is Status.answered_on_time


def test_the_eight_weeks_are_calendar_weeks_across_the_leap_day() -> None:
    verdict = judge(received=RECEIVED, as_of=FINAL_DUE, first_301=None,
                    first_rejection=None, first_interim=date(2024, 2, 2))
    assert verdict.final_deadline == date(2024, 3, 28)
    assert verdict.status is Status.open
    verdict = judge(received=date(2023, 2, 1), as_of=date(2023, 3, 29), first_301=None,
                    first_rejection=None, first_interim=date(2023, 2, 2))
    assert verdict.final_deadline == date(2023, 3, 29)


def test_interim_on_or_after_the_final_answer_is_ignored() -> None:
    verdict = judge(received=RECEIVED, as_of=date(2024, 3, 1), first_301=date(2024, 2, 5),
                    first_rejection=None, first_interim=date(2024, 2, 5))
    assert verdict.interim_on is None
    assert verdict.final_deadline is None
    assert verdict.status is Status.answered_on_time
    # The earlier of a 301 and a rejecting 319 is the answer.
    verdict = judge(received=RECEIVED, as_of=date(2024, 3, 1), first_301=date(2024, 2, 12),
                    first_rejection=date(2024, 2, 7), first_interim=None)
    assert (verdict.answered_by, verdict.status) == ("319", Status.answered_on_time)


# --------------------------------------------------------------------------- declaraties

DECLARED = date(2024, 4, 18)  # Thursday; Koningsdag (Saturday 27 April) changes nothing
DECLARATIE_DUE = date(2024, 5, 2)  # the tenth working day after it


def test_325_is_due_on_the_tenth_working_day_after_the_323(seed: Seed, engine: Engine) -> None:
    assert add_working_days(DECLARED, DECLARATIE_WORKING_DAYS) == DECLARATIE_DUE
    seed.declaratie(DECLARED, "ONTIME", answered=DECLARATIE_DUE)
    seed.declaratie(DECLARED, "LATE", answered=DECLARATIE_DUE + DAY)
    seed.declaratie(DECLARED, "UNPUBLISHED", answered=DECLARED, written=False)
    seed.declaratie(DECLARED, "NONE", aanbieder=A2)
    seed.vot(DECLARED, "VOT")  # verzoeken are still judged beside them

    on_deadline = _all(engine, DECLARATIE_DUE)
    ontime = on_deadline["ONTIME"]
    assert (ontime.kind, ontime.bsn, ontime.status, ontime.answered_by, ontime.age) == (
        "323", None, Status.answered_on_time, "325", 10)
    assert ontime.deadline == ontime.due == DECLARATIE_DUE
    assert ontime.interim_on is None and ontime.final_deadline is None
    assert on_deadline["LATE"].status is Status.open  # its 325 is dated tomorrow
    # A 325 that is stored but not in the outbox is no answer yet.
    assert on_deadline["UNPUBLISHED"].status is Status.open
    assert on_deadline["UNPUBLISHED"].answered_on is None
    assert on_deadline["NONE"].status is Status.open
    assert on_deadline["VOT"].status is Status.overdue  # five working days

    after = _all(engine, DECLARATIE_DUE + DAY)
    assert after["ONTIME"].status is Status.answered_on_time
    assert after["LATE"].status is Status.answered_late
    assert after["UNPUBLISHED"].status is Status.overdue
    assert after["NONE"].status is Status.overdue
    assert after["NONE"].age == 11
    counts = monitor(engine, DECLARATIE_DUE + DAY).counts_by_provider()
    assert (counts[A1].overdue, counts[A1].answered_on_time, counts[A1].answered_late) == (
        2, 1, 1)
    assert counts[A2].overdue == 1

    assert _all(engine, DECLARED - DAY) == {}


def test_judge_declaratie() -> None:
    verdict = judge_declaratie(received=DECLARED, as_of=date(2024, 6, 1), answered_on=None)
    assert (verdict.status, verdict.deadline, verdict.answered_by) == (
        Status.overdue, DECLARATIE_DUE, None)
    verdict = judge_declaratie(received=DECLARED, as_of=date(2024, 6, 1), answered_on=DECLARED)
    assert (verdict.status, verdict.answered_by, verdict.age) == (
        Status.answered_on_time, "325", 0)


def test_imported_323_is_answered_once_its_325_is_in_the_outbox(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    day = date(2026, 4, 2)
    toewijzing = synth.Toewijzing(1001, date(2026, 1, 1), date(2026, 12, 31))
    (inbox / "jw301.xml").write_bytes(write(
        synth.jw301(1, synth.AANBIEDERS[0], "T1", date(2026, 1, 2), [toewijzing]), stamp=False))
    (inbox / "jw323.xml").write_bytes(write(synth.jw323(
        synth.AANBIEDERS[0], "D-1", day, [synth.Prestatie("P1", 1001, client=1)]), stamp=False))
    summary = api.import_paths([inbox], gemeente=GEMEENTE, outbox=tmp_path / "out",
                               database_url=db_url, today=day)
    assert summary.ok, summary.to_json()
    [item] = monitor(engine, day, statuses=set(Status)).items[-1:]
    assert (item.kind, item.referentie_aanbieder, item.status, item.answered_on) == (
        "323", "D1", Status.answered_on_time, day)
    # As if the run had stopped between its commit and the outbox: no answer yet.
    message = table_of(Message)
    with engine.begin() as conn:
        conn.execute(update(message).where(message.c.message_type == "JW325")
                     .values(outbox_written=False))
    late = add_working_days(day, DECLARATIE_WORKING_DAYS) + DAY
    [item] = [i for i in monitor(engine, late).items if i.kind == "323"]
    assert (item.status, item.answered_on) == (Status.overdue, None)


# --------------------------------------------------------------------------- what answers what


def test_317_answered_by_301_and_by_319_as_a_whole(seed: Seed, engine: Engine) -> None:
    received = date(2024, 6, 3)
    seed.vow(received, "VOW-301")
    seed.vow(received, "VOW-319", bsn=BSN2)
    seed.vow(received, "VOW-OPEN", aanbieder=A2)
    # The honouring 301 carries the reference on every product; the first 301 counts.
    seed.toewijzing(date(2024, 6, 5), "VOW-301", "VOW-301", None)
    seed.toewijzing(date(2024, 6, 20), "VOW-301")
    seed.antwoord(date(2024, 6, 4), "VOW-319")
    items = _all(engine, date(2024, 7, 1))
    assert len(items) == 3
    assert (items["VOW-301"].kind, items["VOW-301"].answered_by) == ("317", "301")
    assert items["VOW-301"].answered_on == date(2024, 6, 5)
    assert items["VOW-301"].status is Status.answered_on_time
    assert items["VOW-301"].age == 2
    assert (items["VOW-319"].answered_by, items["VOW-319"].status) == (
        "319", Status.answered_on_time)
    assert items["VOW-OPEN"].status is Status.overdue


def test_answers_match_on_aanbieder_and_reference_only(seed: Seed, engine: Engine) -> None:
    received = date(2024, 6, 3)
    seed.vot(received, "SHARED")
    seed.vot(received, "SHARED", aanbieder=A2, bsn=BSN2)
    seed.vot(received, "REJECTED-VOT", accepted=False)
    seed.vow(received, "REJECTED-VOW", accepted=False)
    seed.antwoord(date(2024, 6, 4), "SHARED", aanbieder=A2)
    seed.toewijzing(date(2024, 6, 4), None)  # a re-sent toewijzing answers nothing
    report = monitor(engine, date(2024, 6, 28), statuses=set(Status))
    got = {(i.aanbieder, i.referentie_aanbieder): i.status for i in report.items}
    assert got == {(A1, "SHARED"): Status.overdue, (A2, "SHARED"): Status.answered_on_time}


def test_counts_per_provider_cover_everything_and_default_hides_on_time(
    seed: Seed, engine: Engine
) -> None:
    received = date(2024, 6, 3)  # due Monday 10 June
    seed.vot(received, "A1-OPEN-1", "A1-OPEN-2", "A1-OK")
    seed.vow(date(2024, 5, 1), "A1-OVERDUE", bsn=BSN2)
    seed.vot(received, "A2-LATE", "A2-OK", aanbieder=A2)
    seed.toewijzing(date(2024, 6, 4), "A1-OK")
    seed.toewijzing(date(2024, 6, 11), "A2-LATE", aanbieder=A2)
    seed.antwoord(date(2024, 6, 10), "A2-OK", aanbieder=A2)

    report = monitor(engine, date(2024, 6, 10))
    assert {i.status for i in report.items} <= ATTENTION
    assert [i.referentie_aanbieder for i in report.items] == [
        "A1-OVERDUE", "A1-OPEN-1", "A1-OPEN-2", "A2-LATE"]
    by = report.counts_by_provider()
    assert (by[A1].open, by[A1].overdue, by[A1].answered_on_time, by[A1].answered_late) == (
        2, 1, 1, 0)
    assert by[A1].total == 4
    # The 301 of 11 June does not count on 10 June yet.
    assert (by[A2].open, by[A2].answered_on_time, by[A2].answered_late) == (1, 1, 0)
    assert report.overdue == 1

    later = monitor(engine, date(2024, 6, 11)).counts_by_provider()
    assert (later[A2].answered_late, later[A1].overdue) == (1, 3)


def test_monitor_is_set_based(seed: Seed, engine: Engine) -> None:
    """The number of statements does not grow with the number of verzoeken."""

    def statements(as_of: date) -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            seen.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            monitor(engine, as_of, statuses=set(Status))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    seed.vot(date(2024, 1, 2), "ONE")
    few = statements(date(2024, 3, 1))
    for i in range(30):
        seed.vot(date(2024, 1, 2), f"V{i}a", f"V{i}b", bsn=f"{100000000 + i}")
        seed.vow(date(2024, 1, 3), f"W{i}", bsn=f"{200000000 + i}")
        seed.antwoord(date(2024, 1, 4), f"V{i}a", "2")
        seed.toewijzing(date(2024, 1, 5), f"W{i}", bsn=f"{200000000 + i}")
    assert len(monitor(engine, date(2024, 3, 1), statuses=set(Status)).items) == 91
    assert statements(date(2024, 3, 1)) == few


# --------------------------------------------------------------------------- CLI


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command("monitor")(monitor_command)

    @app.callback()
    def _root() -> None:
        """A group, so 'monitor' is a subcommand as in ijw.cli."""

    return app


def _run(db_url: str, *args: str) -> Any:
    return CliRunner().invoke(_cli(), ["monitor", "--db", db_url, *args])


def _cli_seed(seed: Seed) -> None:
    seed.vot(date(2024, 12, 20), "OVERDUE-REF")  # due 31 December
    seed.vow(date(2024, 12, 20), "ONTIME-REF", bsn=BSN2)
    seed.toewijzing(date(2024, 12, 31), "ONTIME-REF", bsn=BSN2)
    seed.vot(date(2025, 1, 2), "OPEN-REF", aanbieder=A2, bsn=BSN2)
    seed.declaratie(date(2024, 12, 20), "DECL1", aanbieder=A2)  # 325 due 8 January


def test_cli_an_overdue_declaratie_alone_fails(seed: Seed, db_url: str) -> None:
    seed.declaratie(date(2024, 12, 20), "DECL1")
    result = _run(db_url, "--as-of", "2025-01-08", "--fail-on-overdue")
    assert result.exit_code == 0, result.output
    assert "DECL1" in result.output and "323" in result.output
    result = _run(db_url, "--as-of", "2025-01-09", "--fail-on-overdue")
    assert result.exit_code == 1, result.output
    assert "overdue" in result.output and "DECL1" in result.output


def test_cli_table_masks_the_bsn_and_fail_on_overdue_exits_1(seed: Seed, db_url: str) -> None:
    _cli_seed(seed)
    result = _run(db_url, "--as-of", "2025-01-02", "--fail-on-overdue")
    assert result.exit_code == 1, result.output
    out = result.output
    assert "OVERDUE-REF" in out and "OPEN-REF" in out
    assert "ONTIME-REF" not in out  # on time: only with --all
    assert BSN not in out and BSN2 not in out
    assert mask(BSN) in out
    assert "per aanbieder" in out and A1 in out and A2 in out

    result = _run(db_url, "--as-of", "2025-01-02", "--all")
    assert result.exit_code == 0, result.output  # overdue, but not asked to fail
    assert "ONTIME-REF" in result.output and "answered_on_time" in result.output

    result = _run(db_url, "--as-of", "2024-12-31", "--fail-on-overdue")
    assert result.exit_code == 0, result.output  # the last day: nothing overdue yet


def test_cli_csv_and_json_carry_the_full_bsn(seed: Seed, db_url: str) -> None:
    _cli_seed(seed)
    result = _run(db_url, "--as-of", "2025-01-02", "--format", "csv", "--all")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_ref = {r["referentie_aanbieder"]: r for r in rows}
    assert set(by_ref) == {"OVERDUE-REF", "ONTIME-REF", "OPEN-REF", "DECL1"}
    assert (by_ref["DECL1"]["kind"], by_ref["DECL1"]["bsn"], by_ref["DECL1"]["deadline"]) == (
        "323", "", "2025-01-08")
    assert by_ref["OVERDUE-REF"]["bsn"] == BSN
    assert by_ref["OVERDUE-REF"]["status"] == "overdue"
    assert by_ref["OVERDUE-REF"]["deadline"] == "2024-12-31"
    assert by_ref["OVERDUE-REF"]["answered_on"] == ""
    assert by_ref["OPEN-REF"]["deadline"] == "2025-01-09"

    result = _run(db_url, "--as-of", "2025-01-02", "--format", "json", "--fail-on-overdue")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert list(doc) == ["store", "report", "as_of", "gemeenten", "counts", "providers", "items"]
    assert (doc["report"], doc["as_of"], doc["gemeenten"]) == ("monitor", "2025-01-02",
                                                                [GEMEENTE])
    assert doc["counts"] == {"open": 2, "overdue": 1, "answered_on_time": 1,
                             "answered_late": 0, "total": 4}
    assert {i["referentie_aanbieder"]: i["bsn"] for i in doc["items"]} == {
        "OVERDUE-REF": BSN, "OPEN-REF": BSN2, "DECL1": None}
    counts = {c["aanbieder"]: c for c in doc["providers"]}
    assert counts[A1] == {"aanbieder": A1, "open": 0, "overdue": 1, "answered_on_time": 1,
                          "answered_late": 0, "total": 2}
    assert counts[A2]["open"] == 2  # the 317 and the 323


def test_cli_empty_store_and_bad_date(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IJW_TODAY", "2024-05-01")
    result = _run(db_url, "--fail-on-overdue")
    assert result.exit_code == 0, result.output
    assert "as of 2024-05-01" in result.output
    result = _run(db_url, "--as-of", "2024-02-30")
    assert result.exit_code == 2
    assert json.loads(_run(db_url, "--format", "json").output)["items"] == []


def test_report_json_round_trip_shape() -> None:
    report = MonitorReport(as_of=date(2024, 1, 1), items=(), counts=())
    assert report.to_json() == {
        "report": "monitor", "as_of": "2024-01-01", "gemeenten": [],
        "counts": {"open": 0, "overdue": 0, "answered_on_time": 0, "answered_late": 0,
                   "total": 0},
        "providers": [], "items": []}
