"""``ijw continuity --explain``: the reasoning behind one decision, step by step.

The text is built from the facts stored with the decision (its evidence) and
the checks registered in :mod:`ijw.policy.continuity`, in their order. Given
the pack, each check is run again on those facts and its threshold shown;
without it, the stored reasons say which checks failed. The BSN is masked by
the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ijw.policy.continuity import (
    ALLOCATION_ENDED,
    IMPLIED_BY_REQUEST_DATE,
    IMPLIED_BY_REQUESTED_START,
    NO_REQUEST,
    REFERRAL_DATE_UNKNOWN,
    REFERRAL_TOO_LATE,
    REGISTER,
    REQUEST_REJECTED,
    REQUEST_TOO_LATE,
    Facts,
    deleted,
    ordered_checks,
    referral,
)
from ijw.policy.pack import PackInfo

Detail = Callable[[Facts, PackInfo | None], str]


def _d(value: date | None) -> str:
    return value.isoformat() if value is not None else "(empty)"


def _than(info: PackInfo | None, attribute: str) -> str:
    return f" ({attribute.replace('_', ' ')} {getattr(info, attribute)})" if info else ""


def _no_request(f: Facts, info: PackInfo | None) -> str:
    if f.referentie_aanbieder is None:
        return "the allocation never carried a ReferentieAanbieder: it honoured no JW315"
    if f.request is None:
        return (f"no JW315 of {f.aanbieder} for this client carries ReferentieAanbieder "
                f"{f.referentie_aanbieder}")
    return (f"JW315 {f.request.identificatie} of {_d(f.request.dagtekening)} carries "
            f"ReferentieAanbieder {f.referentie_aanbieder}")


def _rejected(f: Facts, info: PackInfo | None) -> str:
    if f.request is None:
        return "not applicable: no JW315"
    return ("the JW315 passed the formal check" if f.request.accepted
            else f"JW315 {f.request.identificatie} was rejected by the formal check")


def _too_late(f: Facts, info: PackInfo | None) -> str:
    if f.request is None:
        return "not applicable: no JW315"
    return f"JW315 Dagtekening {_d(f.request.dagtekening)}{_than(info, 'request_deadline')}"


def _referral(f: Facts, info: PackInfo | None) -> str:
    if f.register is not None:
        kind = f", verwijzer type {f.register.verwijzer_type}" if f.register.verwijzer_type else ""
        source = f" ({f.register.source})" if f.register.source else ""
        return (f"referral register{source}: verwijsdatum {_d(f.register.verwijsdatum)}{kind}"
                f"{_than(info, 'referral_cutoff')}")
    if info is None:
        return "no register entry; the 315's dates decide (see the stored reasons)"
    _, how = referral(f, info)
    if f.request is None:
        return "no register entry and no JW315: the referral date is unknown"
    if how == IMPLIED_BY_REQUEST_DATE:
        return (f"no register entry; implied on or before the cutoff: the 315 is dated "
                f"{_d(f.request.dagtekening)}{_than(info, 'referral_cutoff')}")
    if how == IMPLIED_BY_REQUESTED_START:
        return (f"no register entry; implied on or before the cutoff: the 315 asks for a start "
                f"on {_d(f.request.toewijzing_ingangsdatum)}{_than(info, 'referral_cutoff')}")
    return (f"no register entry; the 315 is dated {_d(f.request.dagtekening)} and asks for a "
            f"start on {_d(f.request.toewijzing_ingangsdatum)}, both after the cutoff "
            f"{info.referral_cutoff}: unknown")


def _ended(f: Facts, info: PackInfo | None) -> str:
    parts = []
    if deleted(f):
        parts.append(f"deleted (RedenWijziging {f.reden_wijziging})")
    parts.append(f"Einddatum {_d(f.einddatum)}")
    if f.stop is not None:
        parts.append(f"JW307 {f.stop.identificatie} stopped care on {_d(f.stop.einddatum)} "
                     f"(RedenBeeindiging {f.stop.reden})")
    else:
        parts.append("no definitive stop of the latest start")
    if info is not None:
        parts.append(f"continuity year starts {info.year_start}")
    return "; ".join(parts)


DETAILS: dict[str, Detail] = {
    NO_REQUEST: _no_request,
    REQUEST_REJECTED: _rejected,
    REQUEST_TOO_LATE: _too_late,
    REFERRAL_TOO_LATE: _referral,
    REFERRAL_DATE_UNKNOWN: _referral,
    ALLOCATION_ENDED: _ended,
}

__all__ = ["DETAILS", "REGISTER", "explain_decision"]


def explain_decision(
    facts: Facts, *, bsn: str, pack_id: str, gemeente: str, status: str,
    reasons: tuple[str, ...], regime: str | None, transfer: bool, pack_hash: str,
    decided_at: datetime, period: tuple[date | None, date | None],
    info: PackInfo | None = None,
) -> str:
    """The step-by-step text for one stored decision (``bsn`` already masked)."""
    product = "/".join(p for p in (facts.product_categorie, facts.product_code) if p) or "generiek"
    lines = [
        f"ToewijzingNummer {facts.toewijzing_nummer}: gemeente {gemeente}, aanbieder "
        f"{facts.aanbieder}, client {bsn}, product {product}",
        f"Pack {pack_id} (sha256 {pack_hash[:12]}), decided {decided_at:%Y-%m-%d %H:%M}",
        f"Current version: JW301 {facts.message} of {_d(facts.message_date)}: Ingangsdatum "
        f"{_d(facts.ingangsdatum)}, Einddatum {_d(facts.einddatum)}, RedenWijziging "
        f"{facts.reden_wijziging or '(empty)'}, ReferentieAanbieder "
        f"{facts.referentie_aanbieder or '(empty)'}",
        "",
    ]
    rerun: list[str] = []
    for step in ordered_checks():
        failed = step.func(facts, info) if info is not None else step.code in reasons
        if failed:
            rerun.append(step.code)
        detail = DETAILS.get(step.code)
        text = detail(facts, info) if detail else step.summary
        lines.append(f"{step.order}. {step.code}: {'FAIL' if failed else 'pass'} - {text}")
    lines.append("")
    because = f" ({', '.join(reasons)}; primary {reasons[0]})" if reasons else ""
    lines.append(f"Status: {status}{because}")
    if regime is not None:
        year = info.continuity_year + 1 if info is not None else "next year"
        lines.append(f"Regime: {regime}; transfer to {year}: {'true' if transfer else 'false'}; "
                     f"continued {_d(period[0])} to {_d(period[1])}")
    if info is not None and tuple(rerun) != reasons:
        lines.append("Note: the pack now gives other reasons than the stored decision; "
                     "run `ijw continuity --rules PACK` to decide again.")
    return "\n".join(lines)
