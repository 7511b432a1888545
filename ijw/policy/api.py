"""The library surface of the continuity rules layer (re-exported by :mod:`ijw.api`).

::

    from ijw import api

    api.import_referrals(engine, "verwijzingen.csv")
    report = api.decide(engine, "rules/amsterdam-esjh-2024.toml")
    print(api.render(report, "csv"))
    print(api.explain(report, 300201))
    api.export_spic_301s(engine, "rules/amsterdam-esjh-2024.toml", "outbox/")
    api.answer_spic_317s(engine, "rules/amsterdam-esjh-2024.toml", "outbox/", date.today())

``decide`` is idempotent: the same store and pack give the same rows, and a
second run writes nothing. New messages or a changed pack update the
decisions; the earlier ones stay in ``continuity_decision_history``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Engine

from ijw.clock import AMSTERDAM, today_in_amsterdam
from ijw.policy.decisions import decide_all
from ijw.policy.exports import answer_locked_317s, export_year_end_301s
from ijw.policy.pack import LoadedPack, load_pack
from ijw.policy.referrals import import_register
from ijw.policy.report import (
    FORMATS,
    ContinuityReport,
    explain,
    render,
    write_report,
    write_xlsx,
)


def _pack(pack: str | Path | LoadedPack) -> LoadedPack:
    return pack if isinstance(pack, LoadedPack) else load_pack(pack)


def import_referrals(engine: Engine, path: str | Path) -> int:
    """Load the referral register CSV (``bsn,agb,verwijsdatum[,verwijzer_type]``).

    All or nothing: a bad row raises :class:`ConfigurationError` naming the file
    and line. Rows are upserted by (BSN, AGB); returns how many the file holds.
    """
    return import_register(engine, path)


def decide(engine: Engine, pack_path: str | Path | LoadedPack, *,
           today: date | None = None) -> ContinuityReport:
    """Decide every allocated product of the pack's gemeente and store the outcome.

    Writes the decisions and continuity allocations idempotently. ``today``
    (default: today in Europe/Amsterdam, or ``IJW_TODAY``) does not change any
    decision; it only tells whether the request deadline has passed, which the
    report warns about.
    """
    loaded = _pack(pack_path)
    day = today or today_in_amsterdam()
    stats = decide_all(engine, loaded)
    warnings = list(loaded.warnings())
    info = loaded.info
    if day <= info.request_deadline:
        warnings.append(f"the request deadline {info.request_deadline} has not passed "
                        f"(today is {day}): verzoeken can still come in")
    if not sum(stats.statuses.values()):
        warnings.append(f"the store holds no toewijzingen of gemeente {info.gemeente}")
    return ContinuityReport(engine, loaded, day, stats, tuple(warnings))


def export_spic_301s(engine: Engine, pack_path: str | Path | LoadedPack, outbox: str | Path,
                     *, today: date | None = None, at: time | None = None,
                     report: ContinuityReport | None = None) -> list[Path]:
    """Write the JW301s ending legacy-regime (SPIC) products on the year's last day.

    Decides first unless a fresh ``report`` of the same pack is passed. ``today``
    and ``at`` are the new Toewijzingsdatum/-tijd and the Dagtekening (default:
    now in Europe/Amsterdam). Returns the files (existing ones are not rewritten).
    """
    loaded = report.pack if report is not None else _pack(pack_path)
    day = today or today_in_amsterdam()
    if report is None:
        decide(engine, loaded, today=day)
    moment = at or datetime.now(AMSTERDAM).time().replace(microsecond=0)
    return export_year_end_301s(engine, loaded, Path(outbox), today=day, at=moment)


def answer_spic_317s(engine: Engine, pack_path: str | Path | LoadedPack, outbox: str | Path,
                     today: date | None = None, *,
                     report: ContinuityReport | None = None) -> list[Path]:
    """Reject, with a JW319 (reden 4), every open JW317 that would change a SPIC product.

    The 319s are stored as sent and written to ``outbox``. Decides first unless
    a fresh ``report`` of the same pack is passed.
    """
    loaded = report.pack if report is not None else _pack(pack_path)
    day = today or today_in_amsterdam()
    if report is None:
        decide(engine, loaded, today=day)
    return answer_locked_317s(engine, loaded, Path(outbox), today=day)


__all__ = [
    "FORMATS",
    "ContinuityReport",
    "LoadedPack",
    "answer_spic_317s",
    "decide",
    "explain",
    "export_spic_301s",
    "import_referrals",
    "load_pack",
    "render",
    "write_report",
    "write_xlsx",
]
