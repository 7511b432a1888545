"""Zorgcontinuïteit: the eligibility checks of a continuity pack, per allocated product.

The unit is one ToegewezenProduct in its current state (the version with the
latest Toewijzingsdatum and Toewijzingstijd, IV013). The checks run in the
order below; every failing check adds its reason code, the first one is the
primary reason:

1. ``NO_REQUEST``: no JW315 AangevraagdProduct of the same provider, client and
   ReferentieAanbieder (the reference the allocation carried when it honoured
   the request).
2. ``REQUEST_REJECTED``: that 315 failed the formal check.
3. ``REQUEST_TOO_LATE``: the 315 is dated after the pack's request deadline.
4. ``REFERRAL_TOO_LATE`` / ``REFERRAL_DATE_UNKNOWN``: the referral date, from
   the referral register (authoritative), else implied on or before the cutoff
   by the 315's Dagtekening or requested ToewijzingIngangsdatum, else unknown.
5. ``ALLOCATION_ENDED``: deleted (Einddatum = Ingangsdatum, RedenWijziging 13), ended before the
   continuity year, or care ended by a definitive JW307 stop before it.

Status: ``eligible`` when nothing fails, ``needs_review`` when only the
referral date is unknown, ``not_eligible`` otherwise. An eligible product
gets the regime ``new_contract`` (the provider is re-contracted) or the
pack's legacy regime (``spic_2024``), and the transfer flag when it runs on
under the legacy regime past the continuity year.

Each check is a small pure function over :class:`Facts` and the pack,
registered with :func:`check` in :data:`CHECKS`; :func:`decide_product` is a
pure function of the facts, so the order in which messages arrived cannot
change a decision.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from ijw.policy.pack import NEW_CONTRACT, PackInfo
from ijw.toewijzing import is_deleted

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_REVIEW = "needs_review"

#: The reason codes, in the order the checks run.
NO_REQUEST = "NO_REQUEST"
REQUEST_REJECTED = "REQUEST_REJECTED"
REQUEST_TOO_LATE = "REQUEST_TOO_LATE"
REFERRAL_TOO_LATE = "REFERRAL_TOO_LATE"
REFERRAL_DATE_UNKNOWN = "REFERRAL_DATE_UNKNOWN"
ALLOCATION_ENDED = "ALLOCATION_ENDED"

#: How the referral date was established.
REGISTER = "register"
IMPLIED_BY_REQUEST_DATE = "implied_by_request_date"
IMPLIED_BY_REQUESTED_START = "implied_by_requested_start"
UNKNOWN = "unknown"

#: JZ588 code of a temporary stop: care is expected to resume, so it did not end.
TIJDELIJK = "20"


# --------------------------------------------------------------------------- facts


class Request(NamedTuple):
    """The JW315 AangevraagdProduct an allocation honoured."""

    identificatie: str
    dagtekening: date
    accepted: bool
    toewijzing_ingangsdatum: date


class RegisterEntry(NamedTuple):
    """The referral register's row for client and provider."""

    verwijsdatum: date
    verwijzer_type: str | None
    source: str | None


class Stop(NamedTuple):
    """The definitive JW307 stop of the allocation's latest start."""

    identificatie: str
    einddatum: date
    reden: str


class Facts(NamedTuple):
    """Everything a decision about one allocated product depends on (no BSN)."""

    toewijzing_nummer: int
    aanbieder: str
    referentie_aanbieder: str | None
    product_categorie: str | None
    product_code: str | None
    #: Identificatie and Dagtekening of the 301 that carried the current version.
    message: str
    message_date: date
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    request: Request | None = None
    register: RegisterEntry | None = None
    stop: Stop | None = None


def referral(facts: Facts, info: PackInfo) -> tuple[date | None, str]:
    """The referral date (if known) and the evidence it rests on."""
    if facts.register is not None:
        return facts.register.verwijsdatum, REGISTER
    request = facts.request
    if request is not None:
        if request.dagtekening <= info.referral_cutoff:
            return None, IMPLIED_BY_REQUEST_DATE
        if request.toewijzing_ingangsdatum <= info.referral_cutoff:
            return None, IMPLIED_BY_REQUESTED_START
    return None, UNKNOWN


def deleted(facts: Facts) -> bool:
    """The toewijzing was removed as sent in error: treat it as never sent.

    :func:`ijw.toewijzing.is_deleted`: Einddatum = Ingangsdatum with RedenWijziging
    13 (or the obsolete 01). A reden 13 with a later Einddatum (a CS335 error) is
    an allocation ending on that Einddatum, not a deletion.
    """
    return is_deleted(facts)


# --------------------------------------------------------------------------- the checks

CheckFunc = Callable[[Facts, PackInfo], bool]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: its reason code, its place in the order, what it says."""

    code: str
    order: int
    summary: str
    doc: str
    func: CheckFunc


CHECKS: dict[str, Check] = {}


def check(code: str) -> Callable[[CheckFunc], CheckFunc]:
    """Register the decorated function as the check giving reason ``code``.

    Checks run in registration order (the order of this module). A function
    returns True when the check *fails* for the product.
    """

    def register(func: CheckFunc) -> CheckFunc:
        if code in CHECKS:
            raise RuntimeError(f"check {code} is registered twice")
        doc = (func.__doc__ or "").strip()
        if not doc:
            raise RuntimeError(f"check {code} has no docstring")
        CHECKS[code] = Check(code, len(CHECKS) + 1, doc.splitlines()[0], doc, func)
        return func

    return register


@check(NO_REQUEST)
def no_request(facts: Facts, info: PackInfo) -> bool:
    """No JW315 of this provider for this client carries the allocation's reference.

    The 301's Ontvanger must be the 315's Afzender, for the same BSN and the
    ReferentieAanbieder the allocation carried when it honoured the verzoek
    (later 301s that clear it keep the link). A toewijzing the gemeente made
    on its own (no reference) fails, and so does one that honoured a 317.
    """
    return facts.request is None


@check(REQUEST_REJECTED)
def request_rejected(facts: Facts, info: PackInfo) -> bool:
    """The JW315 failed our formal check (a technical rule rejected it).

    When the same reference came in more than once, an accepted copy counts;
    an XSD-invalid 315 is never stored, so it shows as NO_REQUEST.
    """
    return facts.request is not None and not facts.request.accepted


@check(REQUEST_TOO_LATE)
def request_too_late(facts: Facts, info: PackInfo) -> bool:
    """The JW315's Dagtekening is after the pack's request deadline (inclusive)."""
    return facts.request is not None and facts.request.dagtekening > info.request_deadline


@check(REFERRAL_TOO_LATE)
def referral_too_late(facts: Facts, info: PackInfo) -> bool:
    """The known referral date is after the pack's referral cutoff.

    Known means: from the referral register, which is authoritative even when
    the messages imply an earlier referral.
    """
    when, _ = referral(facts, info)
    return when is not None and when > info.referral_cutoff


@check(REFERRAL_DATE_UNKNOWN)
def referral_date_unknown(facts: Facts, info: PackInfo) -> bool:
    """Neither the register nor the 315 shows a referral on or before the cutoff.

    A referral precedes both the verzoek and the care it asks for, so a 315
    dated, or asking for a start, on or before the cutoff implies an early
    enough referral. Otherwise the date is unknown: the product needs review.
    """
    return referral(facts, info)[1] == UNKNOWN


@check(ALLOCATION_ENDED)
def allocation_ended(facts: Facts, info: PackInfo) -> bool:
    """The allocation was deleted or ended before the continuity year.

    Deleted: Einddatum = Ingangsdatum with RedenWijziging 13 or the obsolete 01
    (sent in error, :func:`ijw.toewijzing.is_deleted`). Ended: its Einddatum lies
    before the first day of the year, or a definitive JW307 stop (any
    RedenBeeindiging but 20, temporary) of its latest start ended the care
    before that day.
    """
    start = info.year_start
    return (
        deleted(facts)
        or (facts.einddatum is not None and facts.einddatum < start)
        or (facts.stop is not None and facts.stop.einddatum < start)
    )


# --------------------------------------------------------------------------- the decision


class Outcome(NamedTuple):
    """The decision about one product."""

    status: str
    reasons: tuple[str, ...]
    regime: str | None
    transfer: bool
    referral_date: date | None
    referral_evidence: str
    period_start: date | None
    period_end: date | None


_ORDERED: list[Check] = []
_RUN: list[tuple[str, CheckFunc]] = []


def ordered_checks() -> list[Check]:
    """The registered checks in their order."""
    if len(_ORDERED) != len(CHECKS):
        _ORDERED[:] = sorted(CHECKS.values(), key=lambda c: c.order)
        _RUN[:] = [(c.code, c.func) for c in _ORDERED]
    return _ORDERED


def decide_product(facts: Facts, info: PackInfo, contracted: frozenset[str]) -> Outcome:
    """Run every check on one product and derive status, regime, transfer and period."""
    if len(_RUN) != len(CHECKS):
        ordered_checks()
    reasons = tuple([code for code, func in _RUN if func(facts, info)])
    when, evidence = referral(facts, info)
    if not reasons:
        status = ELIGIBLE
    elif reasons == (REFERRAL_DATE_UNKNOWN,):
        status = NEEDS_REVIEW
    else:
        status = NOT_ELIGIBLE
    if status != ELIGIBLE:
        return Outcome(status, reasons, None, False, when, evidence, None, None)
    start = max(facts.ingangsdatum, info.year_start)
    if facts.aanbieder in contracted:
        return Outcome(status, reasons, NEW_CONTRACT, False, when, evidence, start,
                       facts.einddatum)
    transfer = facts.einddatum is None or facts.einddatum > info.year_end
    end = info.year_end if transfer or facts.einddatum is None else facts.einddatum
    return Outcome(status, reasons, info.legacy_regime, transfer, when, evidence, start, end)


# --------------------------------------------------------------------------- evidence


def _parse_day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


#: Compact; key order is the order the code builds, so the text is deterministic.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def evidence_json(facts: Facts, referral_evidence: str) -> str:
    """The evidence of a decision as compact, deterministic JSON (no BSN).

    The identificaties and dates of the 301 (current version) and 315 used,
    the register row, the stop, and how the referral date was established.
    The product, provider and ToewijzingNummer are columns of the decision.
    """
    end = facts.einddatum
    data: dict[str, Any] = {
        "ref": facts.referentie_aanbieder,
        "301": {"id": facts.message, "date": facts.message_date.isoformat(),
                "start": facts.ingangsdatum.isoformat(),
                "end": end.isoformat() if end is not None else None,
                "reden": facts.reden_wijziging},
        "referral": referral_evidence,
    }
    if (r := facts.request) is not None:
        data["315"] = {"id": r.identificatie, "date": r.dagtekening.isoformat(),
                       "accepted": r.accepted, "start": r.toewijzing_ingangsdatum.isoformat()}
    if (g := facts.register) is not None:
        data["register"] = {"date": g.verwijsdatum.isoformat(), "type": g.verwijzer_type,
                            "source": g.source}
    if (s := facts.stop) is not None:
        data["307"] = {"id": s.identificatie, "end": s.einddatum.isoformat(), "reden": s.reden}
    return _ENCODER.encode(data)


def facts_from_evidence(text: str, toewijzing_nummer: int, aanbieder: str,
                        product: tuple[str | None, str | None]) -> Facts:
    """The facts a stored decision was made on (the inverse of :func:`evidence_json`)."""
    data = json.loads(text)
    allocation = data["301"]
    request = register = stop = None
    if (r := data.get("315")) is not None:
        request = Request(r["id"], date.fromisoformat(r["date"]), bool(r["accepted"]),
                          date.fromisoformat(r["start"]))
    if (g := data.get("register")) is not None:
        register = RegisterEntry(date.fromisoformat(g["date"]), g.get("type"), g.get("source"))
    if (s := data.get("307")) is not None:
        stop = Stop(s["id"], date.fromisoformat(s["end"]), s["reden"])
    return Facts(
        toewijzing_nummer=toewijzing_nummer, aanbieder=aanbieder,
        referentie_aanbieder=data.get("ref"), product_categorie=product[0],
        product_code=product[1], message=allocation["id"],
        message_date=date.fromisoformat(allocation["date"]),
        ingangsdatum=date.fromisoformat(allocation["start"]),
        einddatum=_parse_day(allocation.get("end")), reden_wijziging=allocation.get("reden"),
        request=request, register=register, stop=stop,
    )


__all__ = [
    "CHECKS",
    "ELIGIBLE",
    "NEEDS_REVIEW",
    "NOT_ELIGIBLE",
    "Check",
    "Facts",
    "Outcome",
    "RegisterEntry",
    "Request",
    "Stop",
    "check",
    "decide_product",
    "evidence_json",
    "facts_from_evidence",
    "ordered_checks",
    "referral",
]
