"""Level-3 (berichtoverstijgend) and level-4 (externe bron) rules.

Each rule compares one message with what the store knows, or with an outside
source (the system date, the CBS list), through a :class:`RuleContext`. A hit's
location is the model location of the class the finding is about: the
header, the client, or one line (``("client", "start_producten", 2, ...)``);
the retour builder puts the rule's retourcode on the class holding it.

Within one 305/307, lines with StatusAanlevering 3 are processed before the
lines with status 1 (IV008, pitfall 11), and the rules keep track of what the
earlier lines of the same message deleted or added, so a correction that
changes a key field (delete and add in one message) passes, while a re-add
with the same key (TR074) and two new lines that clash are caught.

The JW317 rules (TR304, TR349-TR351, TR357, TR361, TR373, TR375, TR411,
TR412) judge the verzoek against the toewijzingen it names, worked out once
per message by :func:`verzoek_hits` from two set-based questions: the
toewijzingen of this gemeente to this aanbieder for the client, and (only
when the 317 names other numbers) the toewijzingen with those numbers.

Rules that need more than :class:`RuleContext` offers type their context as
:class:`StoreQuestions`; :class:`ijw.store.context.StoreContext` answers both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ijw.errors import Level
from ijw.messages import HEENBERICHTEN, Message, Party
from ijw.messages.base import code_value
from ijw.messages.r3_2.codelists import Frequentie, RedenBeeindiging, RedenWijziging, RetourCode
from ijw.messages.r3_2.declaratie import Jw323
from ijw.rules import Hit, Loc, rule
from ijw.rules.context import RuleContext
from ijw.rules.keys import start_key, stop_key
from ijw.toewijzing import is_deleted

if TYPE_CHECKING:
    from ijw.rules.declaratie_store import ToewijzingView

T = TypeVar("T")

CROSS = Level.CROSS_MESSAGE
EXTERNAL = Level.EXTERNAL

TIJDELIJK = RedenBeeindiging.TIJDELIJK.value
DELETING = frozenset({RedenWijziging.VERWIJDERD.value,
                      RedenWijziging.ADMINISTRATIEVE_CORRECTIE_OUD.value})


@dataclass(frozen=True, slots=True)
class StopView:
    """A stop line in the store that is present (status 1) and not deleted."""

    line_key: str
    einddatum: date | None
    reden_beeindiging: str | None


class StoreQuestions(RuleContext, Protocol):
    """The questions of :class:`RuleContext` plus those of the start/stop and 301 rules."""

    def actual_starts(self, gemeente: str, aanbieder: str, toewijzing_nummer: int
                      ) -> frozenset[str]:
        """TR326: start keys of the actual starts (present, not deleted, not stopped)."""
        ...

    def stops_of(self, start: str) -> tuple[StopView, ...]:
        """TR071, TR413-TR415: the present, not deleted stops of the start with key ``start``."""
        ...

    def verzoek_known(self, gemeente: str, aanbieder: str, bsn: str, referentie: str) -> bool:
        """TR379: did an accepted 315 product or 317 of ``aanbieder`` for ``bsn`` carry it?"""
        ...

    def honoured_numbers(self, gemeente: str, aanbieder: str, bsn: str, referentie: str
                         ) -> frozenset[int]:
        """TR379: the ToewijzingNummers that carried ``referentie`` in an earlier 301."""
        ...

    def client_toewijzingen(self, gemeente: str, aanbieder: str, bsn: str
                            ) -> Mapping[int, ToewijzingView]:
        """The 317 rules: the current versions of every toewijzing of ``gemeente`` to
        ``aanbieder`` for client ``bsn``, by ToewijzingNummer (deleted ones included)."""
        ...

    def toewijzingen(self, gemeente: str, nummers: frozenset[int]
                     ) -> Mapping[int, ToewijzingView]:
        """The current versions of the toewijzingen of ``gemeente`` with these numbers."""
        ...

    def remembered(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()``, kept under ``key`` for the rest of the message's rules."""
        ...


# -- helpers ---------------------------------------------------------------------------------


def _header(message: Message) -> Any:
    return getattr(message, "header")  # noqa: B009  (every heenbericht has one)


def _client(message: Message) -> Any:
    return getattr(message, "client")  # noqa: B009


def parties(message: Message) -> tuple[str, str]:
    """(gemeente, aanbieder) of a heenbericht: 301/319 come from the gemeente."""
    h = _header(message)
    if message.header_party() is Party.GEMEENTE:
        return h.afzender, h.ontvanger
    return h.ontvanger, h.afzender


class _Dated(Protocol):
    """A toewijzing's version: a stored one (:class:`AllocationView`) or a 301's product."""

    @property
    def ingangsdatum(self) -> date: ...

    @property
    def einddatum(self) -> date | None: ...

    @property
    def reden_wijziging(self) -> str | None: ...


def _deleted(allocation: _Dated) -> bool:
    """A toewijzing removed with Einddatum = Ingangsdatum and reden 13 (or 01): never sent."""
    return is_deleted(allocation)


@dataclass(frozen=True, slots=True)
class _Line:
    """A start or stop line with its canonical keys, in processing order."""

    index: int
    line: Any
    deletes: bool
    start_key: str
    line_key: str

    @property
    def reden(self) -> str | None:
        reden = getattr(self.line, "reden_beeindiging", None)
        return None if reden is None else str(code_value(reden))

    @property
    def einddatum(self) -> date | None:
        return getattr(self.line, "einddatum", None)


def _group(message: Message) -> tuple[str, str]:
    """(kind, field) of the lines of a 305 or 307."""
    if message.message_type == "JW305":
        return "start", "start_producten"
    return "stop", "stop_producten"


#: The last message whose lines were worked out, and its lines: most 305/307 rules
#: want them, one after the other (models are frozen, so the lines stay right).
_last_lines: tuple[Message | None, tuple[_Line, ...]] = (None, ())


def _lines(message: Message) -> tuple[_Line, ...]:
    """The lines of a 305/307 in processing order: deletions first (IV008).

    New stop lines follow in date order, a temporary stop before a definitive
    one on the same date, so a temporary and a definitive stop of one start
    may share a message.
    """
    global _last_lines
    last, lines = _last_lines
    if last is message:
        return lines
    lines = _work_out_lines(message)
    _last_lines = (message, lines)
    return lines


def _work_out_lines(message: Message) -> tuple[_Line, ...]:
    gemeente, aanbieder = parties(message)
    kind, group = _group(message)
    bsn = _client(message).bsn
    out: list[_Line] = []
    for i, p in enumerate(getattr(_client(message), group)):
        product = p.product
        skey = start_key(gemeente, aanbieder, bsn, p.toewijzing_nummer,
                         code_value(product.categorie) if product else None,
                         product.code if product else None, p.begindatum)
        lkey = skey if kind == "start" else stop_key(
            skey, p.einddatum, code_value(p.reden_beeindiging))
        deletes = code_value(p.status_aanlevering) == "3"
        out.append(_Line(i, p, deletes, skey, lkey))
    deletions = [line for line in out if line.deletes]
    new = [line for line in out if not line.deletes]
    if kind == "stop":
        new.sort(key=lambda line: (line.einddatum or date.min, line.reden != TIJDELIJK))
    return (*deletions, *new)


def _loc(message: Message, line: _Line, *fields: str) -> Loc:
    return ("client", _group(message)[1], line.index, *fields)


def _deleted_here(lines: tuple[_Line, ...]) -> set[str]:
    """Line keys deleted by the status-3 lines of this message."""
    return {line.line_key for line in lines if line.deletes}


# -- header rules ----------------------------------------------------------------------------


@rule("TR056", RetourCode.R9056, CROSS, HEENBERICHTEN)
def tr056_unique_identificatie(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """BerichtIdentificatie/Identificatie is unique per berichtsoort for the sender.

    TR056 (9056). The key is (Afzender, message type, Identificatie); the
    Dagtekening is not part of it. Every earlier message counts, also one that
    was rejected: the store keeps one row per identity.
    """
    h = _header(message)
    identificatie = h.bericht_identificatie.identificatie
    if ctx.message_seen(h.afzender, message.message_type, identificatie):
        yield Hit(("header", "bericht_identificatie", "identificatie"),
                  f"Identificatie {identificatie} was already used by this sender "
                  f"for a {message.message_type}")


@rule("TR135", RetourCode.R8848, EXTERNAL, HEENBERICHTEN)
def tr135_dagtekening_not_future(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """The Dagtekening is not after the receiver's system date.

    TR135 (8848, externe bron). ``ctx.today`` is the receiver's date in
    Europe/Amsterdam. That the date exists is already checked by the XSD.
    """
    dagtekening = _header(message).bericht_identificatie.dagtekening
    if dagtekening > ctx.today:
        yield Hit(("header", "bericht_identificatie", "dagtekening"),
                  f"Dagtekening {dagtekening} lies after the system date {ctx.today}")


def _reference_dates(message: Message, ctx: RuleContext, gemeente: str) -> list[date]:
    """Dates on which an older (pre-herindeling) gemeentecode is still acceptable."""
    client: Any = getattr(message, "client", None)
    kind = message.message_type
    dates: list[date] = []
    numbers: list[int] = []
    if kind == "JW301":
        dates += [p.ingangsdatum for p in client.toegewezen_producten]
    elif kind == "JW315":
        dates += [p.toewijzing_ingangsdatum for p in client.aangevraagde_producten]
    elif kind in ("JW305", "JW307"):
        for p in getattr(client, _group(message)[1]):
            if p.toewijzing_ingangsdatum is not None:
                dates.append(p.toewijzing_ingangsdatum)
            if p.toewijzing_nummer is not None:
                numbers.append(p.toewijzing_nummer)
    elif kind == "JW317":
        verzoek = client.verzoek
        numbers += [p.toewijzing_nummer for p in verzoek.ongewijzigde_producten]
        numbers += [p.toewijzing_nummer for p in verzoek.te_wijzigen_producten]
    elif isinstance(message, Jw323):
        # Each toewijzing once, however many prestaties name it (only asked when the
        # code is off today's list).
        numbers += sorted({p.toewijzing_nummer for c in message.declaratie.clienten
                           for p in c.prestaties})
    for nummer in numbers:
        found = ctx.allocation(gemeente, nummer)
        if found is not None:
            dates.append(found.ingangsdatum)
    return dates


@rule("TR378", RetourCode.RS300, EXTERNAL, HEENBERICHTEN)
def tr378_gemeente_on_cbs_list(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """The gemeentecode is on the CBS list of gemeenten.

    TR378 (S300, externe bron). The code is the header's Ontvanger for the
    messages of the aanbieder and the Afzender of a 301/319; the
    Woonplaatsbeginsel/Gemeente of a 319 is checked too. The code must be
    valid on the Dagtekening. After a herindeling an older code is acceptable
    when it was valid on the Ingangsdatum of a ToegewezenProduct (301) or the
    ToewijzingIngangsdatum of an AangevraagdProduct (315). Interpretation
    (pitfall 24): the same holds for messages about such a toewijzing: the
    ToewijzingIngangsdatum of a 305/307 line and the Ingangsdatum of the
    toewijzingen a 305/307/317 refers to by ToewijzingNummer, and for a 323 the
    Ingangsdatum of the toewijzingen its prestaties name.
    """
    h = _header(message)
    dagtekening = h.bericht_identificatie.dagtekening
    gemeente, _ = parties(message)
    field = "afzender" if message.header_party() is Party.GEMEENTE else "ontvanger"
    if not ctx.gemeente_known(gemeente, dagtekening) and not any(
        ctx.gemeente_known(gemeente, on) for on in _reference_dates(message, ctx, gemeente)
    ):
        yield Hit(("header", field), f"gemeentecode {gemeente} is not on the CBS list")
    antwoord = getattr(message, "antwoord", None)
    woonplaats = getattr(antwoord, "woonplaatsbeginsel", None)
    if woonplaats is not None and not ctx.gemeente_known(woonplaats.gemeente, dagtekening):
        yield Hit(("antwoord", "woonplaatsbeginsel", "gemeente"),
                  f"gemeentecode {woonplaats.gemeente} is not on the CBS list")


# -- verzoeken (315, 317) ----------------------------------------------------------------------


def _references(message: Message) -> list[tuple[Loc, str]]:
    """Each verzoek of a 315 (per AangevraagdProduct) or 317 (the Verzoek) with its location."""
    client = _client(message)
    if message.message_type == "JW315":
        return [(("client", "aangevraagde_producten", i, "referentie_aanbieder"),
                 p.referentie_aanbieder) for i, p in enumerate(client.aangevraagde_producten)]
    return [(("client", "verzoek", "referentie_aanbieder"),
             client.verzoek.referentie_aanbieder)]


@rule("TR347", RetourCode.R9347, CROSS, ("JW315", "JW317"))
def tr347_reference_never_reused(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """ReferentieAanbieder is unique for the aanbieder within the Jw domain.

    TR347 (9347), OP361. A reference of an earlier accepted 315 product or 317
    of the same aanbieder may not come back, in either message type. The hit is
    on each AangevraagdProduct of a 315 and on the Verzoek of a 317.
    Uniqueness within one 315 is TR383 (level 2).
    """
    _, aanbieder = parties(message)
    for loc, referentie in _references(message):
        if ctx.reference_used(aanbieder, referentie):
            yield Hit(loc, f"ReferentieAanbieder {referentie} was already used by this aanbieder")


@rule("TR374", RetourCode.R9374, CROSS, ("JW315", "JW317"))
def tr374_no_open_verzoek(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """No new verzoek while one of the same aanbieder for the same client is still open.

    TR374 (9374), OP350. A verzoek is open until a 319 with VerzoekAntwoord 1
    or a 301 carrying its ReferentieAanbieder was sent. Interpretation
    (pitfall 7): the client/aanbieder pair is busy while any reference of an
    earlier 315 is unanswered. The hit is on every verzoek of the new message
    (each AangevraagdProduct of a 315, the Verzoek of a 317).
    """
    _, aanbieder = parties(message)
    if ctx.open_verzoek(aanbieder, _client(message).bsn):
        for loc, referentie in _references(message):
            yield Hit(loc, f"verzoek {referentie}: an earlier verzoek of this aanbieder for "
                           "this client is still open")


# -- verzoek om wijziging (317) against its toewijzingen -------------------------------------

#: TR375, TR412: an Omvang may stay on a toewijzing without Code that ended before 2021.
LEGACY_END = date(2020, 12, 31)
TOTAAL = Frequentie.TOTAAL.value
ONGEWIJZIGD, TE_WIJZIGEN, NIEUW = "ongewijzigde_producten", "te_wijzigen_producten", \
    "nieuwe_producten"


def actual(toewijzing: _Dated, on: date) -> bool:
    """An actual toewijzing on ``on`` (TR349): valid on or after that day, or starting later.

    A deleted toewijzing (Einddatum = Ingangsdatum with reden 13 or 01) is never actual.
    """
    if _deleted(toewijzing):
        return False
    end = toewijzing.einddatum
    return end is None or end >= on or toewijzing.ingangsdatum > on


@dataclass(frozen=True, slots=True)
class _Period:
    """A product of the desired situation for TR361: what, from when to when, and where."""

    loc: Loc
    group: str
    categorie: str | None
    code: str | None
    begin: date
    end: date | None

    def overlaps(self, other: _Period) -> bool:
        return (self.begin <= (other.end or date.max)
                and other.begin <= (self.end or date.max))

    def same_product(self, other: _Period) -> bool:
        """Same Code when both have one, else same Categorie; generiek matches everything."""
        if self.categorie is None or other.categorie is None:
            return True
        if self.code is not None and other.code is not None:
            return (self.categorie, self.code) == (other.categorie, other.code)
        return self.categorie == other.categorie


def _omvang(line: Any) -> tuple[int, str, str] | None:
    omvang = line.omvang
    if omvang is None:
        return None
    return (omvang.volume, str(code_value(omvang.eenheid)), str(code_value(omvang.frequentie)))


def _legacy_free(t: ToewijzingView) -> bool:
    """TR375, TR412: the toewijzing's Einddatum lies after 2020-12-31 or is empty."""
    return t.einddatum is None or t.einddatum > LEGACY_END


def _assess_verzoek(message: Message, ctx: StoreQuestions) -> dict[str, list[Hit]]:
    """The hits of every 317 rule on ``message``, by rule code (see the rules' docstrings)."""
    out: dict[str, list[Hit]] = defaultdict(list)
    gemeente, aanbieder = parties(message)
    client = _client(message)
    bsn, verzoek = client.bsn, client.verzoek
    day: date = _header(message).bericht_identificatie.dagtekening
    own = ctx.client_toewijzingen(gemeente, aanbieder, bsn)
    named = [(group, i, p) for group in (ONGEWIJZIGD, TE_WIJZIGEN)
             for i, p in enumerate(getattr(verzoek, group))]
    unknown = frozenset(int(p.toewijzing_nummer) for _, _, p in named) - set(own)
    others = ctx.toewijzingen(gemeente, unknown) if unknown else {}
    resolved: dict[tuple[str, int], ToewijzingView] = {}
    for group, i, p in named:
        nummer = int(p.toewijzing_nummer)
        code = "TR350" if group == ONGEWIJZIGD else "TR351"
        loc: Loc = ("client", "verzoek", group, i, "toewijzing_nummer")
        t = own.get(nummer) or others.get(nummer)
        if t is None or t.aanbieder != aanbieder or _deleted(t):
            out[code].append(Hit(loc, f"ToewijzingNummer {nummer} is not a toewijzing of "
                                      "this gemeente to this aanbieder"))
        elif t.bsn != bsn:
            out["TR304"].append(Hit(loc, f"toewijzing {nummer} belongs to another client "
                                         "than the Bsn of this verzoek"))
        elif not actual(t, day):
            out[code].append(Hit(loc, f"toewijzing {nummer} ended on {t.einddatum}, before "
                                      f"the Dagtekening {day}"))
        else:
            resolved[(group, i)] = t
    listed = {int(p.toewijzing_nummer) for _, _, p in named}
    for nummer in sorted(n for n, t in own.items() if actual(t, day) and n not in listed):
        out["TR349"].append(Hit(("client", "verzoek"), f"actual toewijzing {nummer} is "
                                "neither an OngewijzigdProduct nor a TeWijzigenProduct"))
    for i, p in enumerate(verzoek.te_wijzigen_producten):
        found = resolved.get((TE_WIJZIGEN, i))
        if found is not None:
            _te_wijzigen(out, i, p, found, day)
    _overlaps(out, verzoek, resolved)
    return out


def _te_wijzigen(out: dict[str, list[Hit]], i: int, p: Any, t: ToewijzingView, day: date
                 ) -> None:
    """TR357, TR373, TR375, TR411, TR412 on TeWijzigenProduct ``i`` and its toewijzing."""
    here: Loc = ("client", "verzoek", TE_WIJZIGEN, i)
    gewenst = p.gewenste_ingangsdatum
    if gewenst <= day and gewenst != t.ingangsdatum:
        out["TR357"].append(Hit((*here, "gewenste_ingangsdatum"),
                                f"GewensteIngangsdatum {gewenst} is not after the Dagtekening, "
                                f"so it must be the Ingangsdatum {t.ingangsdatum}"))
    new = _omvang(p)
    current = (t.volume, t.eenheid, t.frequentie)
    budget_changed = p.budget is not None and p.budget != t.budget
    total_changed = new is not None and new != current and TOTAAL in (new[2], t.frequentie)
    if (budget_changed or total_changed) and gewenst != t.ingangsdatum:
        what = "Budget" if budget_changed else "total over the period"
        out["TR373"].append(Hit((*here, "gewenste_ingangsdatum"),
                                f"a change of the {what} starts on the Ingangsdatum "
                                f"{t.ingangsdatum}, not on {gewenst}"))
    if t.product_code is not None and new is None:
        out["TR411"].append(Hit(here, f"toewijzing {t.toewijzing_nummer} has a product code, "
                                      "so Omvang is required"))
    if new is not None and _legacy_free(t):
        if t.product_categorie is None:
            out["TR375"].append(Hit((*here, "omvang"), f"toewijzing {t.toewijzing_nummer} "
                                                       "has no Product, so Omvang stays empty"))
        elif t.product_code is None:
            out["TR412"].append(Hit((*here, "omvang"), f"toewijzing {t.toewijzing_nummer} "
                                                       "has no product code, so Omvang stays "
                                                       "empty"))


def _overlaps(out: dict[str, list[Hit]], verzoek: Any,
              resolved: Mapping[tuple[str, int], ToewijzingView]) -> None:
    """TR361: the same product twice with overlapping periods in the desired situation."""
    periods: list[_Period] = []
    for group in (ONGEWIJZIGD, TE_WIJZIGEN):
        for i, p in enumerate(getattr(verzoek, group)):
            t = resolved.get((group, i))
            if t is None:
                continue
            end = t.einddatum if group == ONGEWIJZIGD else (p.einddatum or t.einddatum)
            periods.append(_Period(("client", "verzoek", group, i), group,
                                   t.product_categorie, t.product_code, t.ingangsdatum, end))
    for i, n in enumerate(verzoek.nieuwe_producten):
        product = n.product
        periods.append(_Period(("client", "verzoek", NIEUW, i), NIEUW,
                               str(code_value(product.categorie)) if product else None,
                               product.code if product else None,
                               n.gewenste_ingangsdatum, n.einddatum))
    for j, later in enumerate(periods):
        for earlier in periods[:j]:
            if earlier.group == later.group and later.group != TE_WIJZIGEN:
                continue  # two Ongewijzigd: the gemeente's own; two Nieuw: TR410 (level 2)
            if earlier.same_product(later) and earlier.overlaps(later):
                out["TR361"].append(Hit(later.loc, "this product overlaps another one of the "
                                                   "verzoek in the same period"))
                break


def verzoek_hits(message: Message, ctx: StoreQuestions, code: str) -> tuple[Hit, ...]:
    """The hits of 317 rule ``code``: the verzoek is assessed once for all its rules."""
    found = ctx.remembered(("JW317 assessment", id(message)),
                           lambda: _assess_verzoek(message, ctx))
    return tuple(found.get(code, ()))


@rule("TR349", RetourCode.R9349, CROSS, ("JW317",))
def tr349_verzoek_lists_every_toewijzing(message: Message, ctx: StoreQuestions
                                         ) -> Iterator[Hit]:
    """The verzoek om wijziging lists every actual toewijzing of the client.

    TR349 (9349), OP308, on the Verzoek. Every toewijzing of this gemeente to
    this aanbieder for the client that is actual appears as an
    OngewijzigdProduct or a TeWijzigenProduct. Readings: "actual" is judged on
    the 317's Dagtekening (the day the aanbieder described the situation; the
    text says "de huidige datum"): Einddatum empty or on/after it, or
    Ingangsdatum after it; a deleted toewijzing (reden 13 or 01 with Einddatum
    = Ingangsdatum) is never actual. Toewijzingen to other aanbieders are not
    the aanbieder's to list. One hit per missing number.
    """
    yield from verzoek_hits(message, ctx, "TR349")


@rule("TR350", RetourCode.R9350, CROSS, ("JW317",))
def tr350_ongewijzigd_is_actual(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """Each OngewijzigdProduct names an actual toewijzing by its ToewijzingNummer.

    TR350 (9350), on the OngewijzigdProduct. Fails for a number this gemeente
    never gave this aanbieder (unknown, or another aanbieder's), a deleted
    toewijzing, or one that is not actual on the Dagtekening (see TR349).
    A toewijzing of the aanbieder for another client is TR304's finding.
    """
    yield from verzoek_hits(message, ctx, "TR350")


@rule("TR351", RetourCode.R9351, CROSS, ("JW317",))
def tr351_te_wijzigen_is_actual(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """Each TeWijzigenProduct names an actual toewijzing by its ToewijzingNummer.

    TR351 (9351), on the TeWijzigenProduct, read as TR350. When it (or
    TR304) fails, the checks that compare the line with its toewijzing
    (TR357, TR361, TR373, TR375, TR411, TR412) are skipped for it.
    """
    yield from verzoek_hits(message, ctx, "TR351")


@rule("TR357", RetourCode.R9357, CROSS, ("JW317",))
def tr357_past_change_is_whole_period(message: Message, ctx: StoreQuestions
                                      ) -> Iterator[Hit]:
    """A GewensteIngangsdatum on or before the Dagtekening is the toewijzing's Ingangsdatum.

    TR357 (9357), OP345, on the TeWijzigenProduct. A change that does not
    start in the future is a change over the whole period; "the original
    ToegewezenProduct" is read as the current version of the toewijzing the
    line names.
    """
    yield from verzoek_hits(message, ctx, "TR357")


@rule("TR361", RetourCode.R9361, CROSS, ("JW317",))
def tr361_no_overlapping_products(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A product occurs more than once in the verzoek only with periods that do not overlap.

    TR361 (9361), OP347. The product of an Ongewijzigd or TeWijzigen product
    is that of its toewijzing. Same product: the same Code when both have one,
    else the same Categorie; a product without Categorie (generiek) may
    overlap nothing. Readings: an OngewijzigdProduct covers its toewijzing's
    period; a TeWijzigenProduct from the toewijzing's Ingangsdatum to its own
    Einddatum, or the toewijzing's when it gives none; a NieuwProduct from its
    GewensteIngangsdatum to its Einddatum (empty: open). Two OngewijzigdProducts
    are the gemeente's own toewijzingen and two NieuwProducts are TR410's
    (level 2), so neither pair is compared. The hit is on the later line of
    the pair (document order: Ongewijzigd, TeWijzigen, Nieuw).
    """
    yield from verzoek_hits(message, ctx, "TR361")


@rule("TR373", RetourCode.R9373, CROSS, ("JW317",))
def tr373_budget_change_whole_period(message: Message, ctx: StoreQuestions
                                     ) -> Iterator[Hit]:
    """A change of Budget or of a total (Frequentie 6) starts on the toewijzing's Ingangsdatum.

    TR373 (9373), OP345, IV092, on the TeWijzigenProduct. Readings: the Budget
    changes when the line gives one that differs from the toewijzing's; the
    total changes when the line gives an Omvang that differs from the
    toewijzing's while either has Frequentie 6. A line without Budget or
    Omvang asks no such change.
    """
    yield from verzoek_hits(message, ctx, "TR373")


@rule("TR375", RetourCode.R9375, CROSS, ("JW317",))
def tr375_no_omvang_on_generiek(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A TeWijzigenProduct of a toewijzing without Product has no Omvang.

    TR375 (9375), OP047. Unless the toewijzing ended on or before 2020-12-31
    (the legacy exemption); the Einddatum compared is the toewijzing's, the
    one the rule's "toewijzing met ToewijzingNummer" names, empty counting as
    later.
    """
    yield from verzoek_hits(message, ctx, "TR375")


@rule("TR411", RetourCode.R9411, CROSS, ("JW317",))
def tr411_omvang_for_specifiek(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A TeWijzigenProduct of a toewijzing with a product code has an Omvang.

    TR411 (9411), OP047, on the TeWijzigenProduct: also a line that only
    moves the Einddatum repeats the Omvang.
    """
    yield from verzoek_hits(message, ctx, "TR411")


@rule("TR412", RetourCode.R9412, CROSS, ("JW317",))
def tr412_no_omvang_on_aspecifiek(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A TeWijzigenProduct of a toewijzing with Categorie but no Code has no Omvang.

    TR412 (9412), OP047. Read as applying to a toewijzing that has a Product
    without Code (aspecifiek); one without any Product is TR375's, so a
    generiek toewijzing gets one finding. The legacy exemption (Einddatum on
    or before 2020-12-31) is that of TR375.
    """
    yield from verzoek_hits(message, ctx, "TR412")


# -- toewijzing (301) ------------------------------------------------------------------------


@rule("TR332", RetourCode.R9332, CROSS, ("JW301",))
def tr332_toewijzingnummer_one_product(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """A ToewijzingNummer identifies one ToegewezenProduct per gemeente.

    TR332 (9332), OP275. A number the gemeente already used for another
    client, or for another aanbieder, may not be used again. Re-sending a
    number for the same client and aanbieder is a change of that toewijzing.

    Reading: "ieder ToegewezenProduct heeft een uniek nummer" holds within one
    301 as well, so a second ToegewezenProduct carrying a number an earlier one
    of the same message carries fails (numbers compare as integers). That the
    same class key appears twice is also TR101 (level 2), but a 301 with only
    level-2 findings is still registered; this finding keeps it out of the
    store, which could not hold two versions of one toewijzing from one 301.
    """
    gemeente, aanbieder = parties(message)
    bsn = _client(message).bsn
    seen: set[int] = set()
    for i, p in enumerate(_client(message).toegewezen_producten):
        nummer = int(p.toewijzing_nummer)
        loc = ("client", "toegewezen_producten", i, "toewijzing_nummer")
        if nummer in seen:
            yield Hit(loc, f"ToewijzingNummer {nummer} is given to two ToegewezenProducten "
                           "in this message")
            continue
        seen.add(nummer)
        found = ctx.allocation(gemeente, nummer)
        if found is not None and (found.bsn != bsn or found.aanbieder != aanbieder):
            yield Hit(loc, f"ToewijzingNummer {nummer} already belongs to another "
                           "client or aanbieder")


@rule("TR379", RetourCode.R9379, CROSS, ("JW301",))
def tr379_reference_honours_verzoek(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A ToegewezenProduct carries a ReferentieAanbieder only when it honours that verzoek.

    TR379 (9379), IV097. The reference must be one of an accepted 315 product
    or 317 of this aanbieder for this client, and only the first 301 after
    honouring carries it: when an earlier 301 already carried it on another
    ToewijzingNummer, it was honoured before. Several numbers in one 301 may
    share the reference (a VOW is honoured as a whole).
    """
    gemeente, aanbieder = parties(message)
    bsn = _client(message).bsn
    for i, p in enumerate(_client(message).toegewezen_producten):
        referentie = p.referentie_aanbieder
        if referentie is None:
            continue
        loc = ("client", "toegewezen_producten", i, "referentie_aanbieder")
        if not ctx.verzoek_known(gemeente, aanbieder, bsn, referentie):
            yield Hit(loc, f"ReferentieAanbieder {referentie} matches no verzoek of this "
                           "aanbieder for this client")
            continue
        others = ctx.honoured_numbers(gemeente, aanbieder, bsn, referentie) - {
            p.toewijzing_nummer}
        if others:
            yield Hit(loc, f"ReferentieAanbieder {referentie} was already honoured by "
                           f"ToewijzingNummer {min(others)}")


# -- start and stop (305, 307) ---------------------------------------------------------------


@rule("TR019", RetourCode.R9019, CROSS, ("JW305", "JW307"))
def tr019_line_links_to_toewijzing(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """A start or stop refers to a known toewijzing by its ToewijzingNummer.

    TR019 (9019). The engine serves the inspanningsgericht and outputgericht
    variants, so a new line (status 1) without a ToewijzingNummer, or with a
    number that is unknown at this gemeente, fails. A toewijzing of another
    client or aanbieder, or one that was deleted (reden 13), counts as
    unknown. Deletions (status 3) are left to TR063.
    """
    gemeente, aanbieder = parties(message)
    bsn = _client(message).bsn
    for line in _lines(message):
        if line.deletes:
            continue
        nummer = line.line.toewijzing_nummer
        loc = _loc(message, line, "toewijzing_nummer")
        if nummer is None:
            yield Hit(loc, "ToewijzingNummer is missing")
            continue
        found = ctx.allocation(gemeente, nummer)
        if found is None or _deleted(found) or found.bsn != bsn or found.aanbieder != aanbieder:
            yield Hit(loc, f"ToewijzingNummer {nummer} is not a toewijzing of this client "
                           "at this aanbieder")


@rule("TR063", RetourCode.R9063, CROSS, ("JW305", "JW307"))
def tr063_delete_needs_line(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """A line with StatusAanlevering 3 deletes an earlier line with the same key.

    TR063 (9063). The earlier line must be present (status 1) and not deleted
    yet, also not by an earlier line of this message.
    """
    kind, _ = _group(message)
    seen: set[str] = set()
    for line in _lines(message):
        if not line.deletes:
            continue
        if line.line_key in seen or not ctx.active_line(kind, line.line_key):
            yield Hit(_loc(message, line, "status_aanlevering"),
                      f"there is no {kind} with this key to delete")
        seen.add(line.line_key)


@rule("TR071", RetourCode.R9071, CROSS, ("JW305",))
def tr071_no_delete_after_stop(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A start cannot be deleted once a stop was sent for it.

    TR071 (9071). Only stops that are present and not deleted count: to remove
    both, the stop is deleted first (pitfall 12).
    """
    for line in _lines(message):
        if line.deletes and ctx.stops_of(line.start_key):
            yield Hit(_loc(message, line, "status_aanlevering"),
                      "this start has a stop and cannot be deleted")


@rule("TR074", RetourCode.R9074, CROSS, ("JW305", "JW307"))
def tr074_new_line_unique(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """A line with StatusAanlevering 1 has a key that is new, in the message and in the store.

    TR074 (9074). Lines deleted by an earlier message (status 3) do not count
    (pitfall 11), so the IV008 correction path works.

    Reading: the key must be unique "binnen het bericht zelf", whatever the
    other line's status. A status-1 line with the key of a status-3 line of the
    same message fails: IV008 puts a delete and a re-add with the same key in
    two messages (only a correction that changes a key field, such as the
    Begindatum, may share one). TR101 (level 2, duplicate class keys) says the
    same; this rule keeps the finding at level 3 with its own code on the line.
    """
    kind, _ = _group(message)
    lines = _lines(message)
    deleted = _deleted_here(lines)
    seen: set[str] = set()
    for line in lines:
        if line.deletes:
            continue
        if line.line_key in seen:
            yield Hit(_loc(message, line), f"this {kind} occurs twice in the message")
        elif line.line_key in deleted:
            yield Hit(_loc(message, line), f"this {kind} is deleted in the same message; "
                                           "send it again in a later message (IV008)")
        elif ctx.active_line(kind, line.line_key):
            yield Hit(_loc(message, line), f"this {kind} was already received")
        seen.add(line.line_key)


@rule("TR326", RetourCode.R9326, CROSS, ("JW305",))
def tr326_one_actual_start(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """No new start while the toewijzing has an actual start.

    TR326 (9326), OP289. A start is actual while it is present, not deleted
    and not stopped (a temporary stop also ends it, OP379). Starts deleted
    earlier in this message do not count; new starts earlier in it do. A
    start with exactly the same key is TR074's finding, not this one's.
    """
    gemeente, aanbieder = parties(message)
    lines = _lines(message)
    deleted = _deleted_here(lines)
    added: dict[int, set[str]] = {}
    for line in lines:
        nummer = line.line.toewijzing_nummer
        if line.deletes or nummer is None:
            continue
        here = added.setdefault(nummer, set())
        actual = (set(ctx.actual_starts(gemeente, aanbieder, nummer)) - deleted) | here
        if actual - {line.start_key}:
            yield Hit(_loc(message, line),
                      f"toewijzing {nummer} already has an actual start")
        here.add(line.start_key)


@rule("TR382", RetourCode.R9069, CROSS, ("JW307",))
def tr382_stop_matches_start(message: Message, ctx: RuleContext) -> Iterator[Hit]:
    """A stop repeats the key of its start unchanged.

    TR382 (9069; WJ001 cites it as TR069), OP155. A new stop needs a start
    with the same Bsn, ToewijzingNummer, Product and Begindatum that is
    present and not deleted. A stop that arrives before its start is rejected
    (pitfall 10).
    """
    for line in _lines(message):
        if not line.deletes and not ctx.active_line("start", line.start_key):
            yield Hit(_loc(message, line), "there is no start with the key of this stop")


def _earlier_stops(message: Message, ctx: StoreQuestions
                   ) -> Iterator[tuple[_Line, list[tuple[date | None, str | None]]]]:
    """Each new stop line with the stops of the same start that precede it.

    Those are the stops in the store that this message does not delete, plus
    the new stops of this message processed before it.
    """
    lines = _lines(message)
    deleted = _deleted_here(lines)
    added: dict[str, list[tuple[date | None, str | None]]] = {}
    for line in lines:
        if line.deletes:
            continue
        stored = [(s.einddatum, s.reden_beeindiging) for s in ctx.stops_of(line.start_key)
                  if s.line_key not in deleted]
        here = added.setdefault(line.start_key, [])
        yield line, stored + here
        here.append((line.einddatum, line.reden))


@rule("TR413", RetourCode.R9413, CROSS, ("JW307",))
def tr413_temporary_then_definitive(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """After a temporary stop (20), only a definitive stop may follow for that start.

    TR413 (9413), OP377/OP378. Per Bsn, ToewijzingNummer and Begindatum (the
    start's key): a new stop with reden 20 fails when a stop with reden 20
    already exists.
    """
    for line, earlier in _earlier_stops(message, ctx):
        if line.reden == TIJDELIJK and any(reden == TIJDELIJK for _, reden in earlier):
            yield Hit(_loc(message, line, "reden_beeindiging"),
                      "a temporary stop exists; only a definitive stop may follow")


@rule("TR414", RetourCode.R9414, CROSS, ("JW307",))
def tr414_stop_date_not_earlier(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """A new stop of a start does not end before an existing stop of that start.

    TR414 (9414). Since 3.2 the same Einddatum is allowed, because
    RedenBeeindiging is part of the stop key.
    """
    for line, earlier in _earlier_stops(message, ctx):
        ends = [einde for einde, _ in earlier if einde is not None]
        if line.einddatum is not None and ends and line.einddatum < max(ends):
            yield Hit(_loc(message, line, "einddatum"),
                      f"Einddatum lies before the Einddatum {max(ends)} of an existing stop")


@rule("TR415", RetourCode.R9415, CROSS, ("JW307",))
def tr415_no_stop_after_definitive(message: Message, ctx: StoreQuestions) -> Iterator[Hit]:
    """No new stop for a start that already has a definitive stop.

    TR415 (9415). A definitive stop has a RedenBeeindiging other than 20.
    """
    for line, earlier in _earlier_stops(message, ctx):
        if any(reden != TIJDELIJK for _, reden in earlier):
            yield Hit(_loc(message, line), "this start already has a definitive stop")


__all__ = ["StopView", "StoreQuestions", "actual", "parties", "verzoek_hits"]
