"""Level-3 rules on a received JW323 declaratie (and TR385 on a JW301), against the store.

The gemeente judges a 323 that passed level 2 in the order of the standard
(OP366, IV087): first the header rules (TR056, TR135, TR378, in
:mod:`ijw.rules.store`), then the Declaratie class (TR318, TR333: a finding
there rejects the whole declaratie, and its prestaties are not assessed), then
every prestatie. Inside that last step the checks that look at one prestatie
run first; then the cumulative ones (TR314 within the message, TR389, TR390,
TR322, TR369) walk the prestaties in processing order: credits first, then
debets, each group in document order. A prestatie that any rule rejects is
left out of the sums of the prestaties after it, and an approved credit frees
the debet it reverses for the debets after it.

That walk is done once per message by :func:`assess` and kept for the
message's rules through :meth:`DeclaratieQuestions.remembered` (the import's
per-message memo); each rule function reads its own hits from it. The store
is asked four set-based questions per 323, whatever its size (five indexed
statements in :class:`ijw.store.context.StoreContext`): the toewijzingen it
names, the earlier prestaties with its ReferentieNummers, the approved
prestaties on its toewijzingen, and the aanbieder's earlier declaraties (the
latest period, the DeclaratieNummer). A Declaratie-class finding stops after
the last of these.

Readings (where the standard leaves room):

* **Earlier 323s that count.** Only *processed* 323s: those whose 325 has a
  DeclaratieAntwoord with 0200 or 8001. A 323 rejected at level 2, on its
  header or on its Declaratie class counts as not sent: it reserves no
  DeclaratieNummer, no DeclaratiePeriode and no ReferentieNummer.
* **Toewijzing.** ``T(p)`` is the toewijzing's current version (the latest
  Toewijzingsdatum and -tijd, IV013) as the store keeps it. A version that
  the aanbieder rejected with a 302 still counts: the store does not link a
  received 302 to the version it rejects.
* **Credits** are judged on technical grounds only (IV085): TR304, TR314,
  TR323, TR338 and TR390. The content checks (TR307, TR308, TR319, TR321,
  TR322, TR339-TR341, TR369, TR384, TR387, TR388) are for debets; the debet a
  credit reverses passed them.
* **Toewijzing-dependent checks** are skipped when TR338 finds no toewijzing,
  and when TR384 finds it deleted (the prestatie gets 9384 only).
* **Contract data** is not known to the engine: TR321 uses the
  inspanningsgerichte week count (IV077), TR341 passes a toewijzing without
  an Omvang, and **TR418** (0611, ProductTarief is the contract tariff) is not
  registered at all.

TR304 is judged per prestatie (8187 on the prestatie); the optional reading
that puts 8187 on a Client the aanbieder never had a toewijzing for is not
used, so no finding of this module rejects a client as a whole.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol, TypeVar

from ijw.errors import Level
from ijw.messages import Message
from ijw.messages.base import code_value
from ijw.messages.r3_2.codelists import DebetCredit, Eenheid, Frequentie, RetourCode
from ijw.messages.r3_2.declaratie import Jw323, Prestatie
from ijw.messages.r3_2.toewijzing import Jw301
from ijw.rules import Hit, Loc, rule
from ijw.rules.context import AllocationView
from ijw.rules.store import StoreQuestions, _deleted, parties, verzoek_hits

CROSS = Level.CROSS_MESSAGE
T = TypeVar("T")

UUR = Eenheid.UUR.value
MINUUT = Eenheid.MINUUT.value
DEBET = DebetCredit.DEBET.value
CREDIT = DebetCredit.CREDIT.value
#: TR314: a rejected prestatie of a processed 323 keeps its ReferentieNummer ("over all
#: (sub)versions"); set to False to free the numbers of rejected prestaties.
REJECTED_KEEP_REFERENCE = True


# -- what the store answers --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToewijzingView(AllocationView):
    """A toewijzing's current version with its Omvang and Budget (TR321, TR322, TR369)."""

    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None


@dataclass(frozen=True, slots=True)
class EarlierPrestatie:
    """A prestatie of an earlier processed 323, as the store keeps it."""

    aanbieder: str
    referentie_nummer: str
    vorig_referentie_nummer: str | None
    bsn: str
    toewijzing_nummer: int
    product_categorie: str
    product_code: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    bedrag: int
    debet_credit: str
    approved: bool
    #: An approved debet that an approved credit reverses.
    credited: bool

    @property
    def signed(self) -> int:
        """The amount with its sign: debet positive, credit negative."""
        return -self.bedrag if self.debet_credit == CREDIT else self.bedrag


@dataclass(frozen=True, slots=True)
class DeclaratieHistory:
    """The aanbieder's earlier processed declaraties at this gemeente (TR318, TR333)."""

    #: The latest DeclaratiePeriode Begindatum, if any.
    latest_period: date | None
    #: Whether one of them carried the DeclaratieNummer asked about.
    nummer_used: bool


class DeclaratieQuestions(StoreQuestions, Protocol):
    """What the 323 rules (and TR385) ask the store: a few set-based questions per message."""

    def toewijzingen(self, gemeente: str, nummers: frozenset[int]
                     ) -> Mapping[int, ToewijzingView]:
        """The current versions of the toewijzingen of ``gemeente`` with these numbers."""
        ...

    def prestaties_by_reference(self, aanbieder: str, referenties: frozenset[str]
                                ) -> tuple[EarlierPrestatie, ...]:
        """Prestaties of processed 323s of ``aanbieder`` whose ReferentieNummer is one of
        ``referenties``, and approved credits whose VorigReferentieNummer is."""
        ...

    def prestaties_on(self, gemeente: str, nummers: frozenset[int]
                      ) -> tuple[EarlierPrestatie, ...]:
        """The approved prestaties on the toewijzingen of ``gemeente`` with these numbers."""
        ...

    def declaratie_history(self, gemeente: str, aanbieder: str, declaratie_nummer: str
                           ) -> DeclaratieHistory:
        """The latest declared period and whether ``declaratie_nummer`` was used."""
        ...

    def remembered(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()``, kept under ``key`` for the rest of the message's rules."""
        ...


# -- dates and volumes -------------------------------------------------------------------------


def _last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _days(begin: date, end: date) -> int:
    return (end - begin).days + 1


def _weeks(begin: date, end: date) -> int:
    """The ISO calendar weeks the period touches, broken weeks in full (IV077)."""
    return len({(begin + timedelta(days=n)).isocalendar()[:2] for n in range(_days(begin, end))})


def _months(begin: date, end: date) -> int:
    return (end.year - begin.year) * 12 + end.month - begin.month + 1


def _maximum(volume: int, frequentie: str | None, begin: date, end: date, *, whole: bool
             ) -> int | None:
    """The most that ``volume`` per ``frequentie`` allows over begin..end (None: no limit known).

    For one ProductPeriode (``whole`` false) a month counts once and a total
    (6) applies as it is; over the whole toewijzing the months it touches count.
    """
    if frequentie == Frequentie.PER_DAG.value:
        return volume * _days(begin, end)
    if frequentie == Frequentie.PER_WEEK.value:
        return volume * _weeks(begin, end)
    if frequentie == Frequentie.PER_MAAND.value:
        return volume * (_months(begin, end) if whole else 1)
    if frequentie == Frequentie.TOTAAL.value:
        return volume
    return None


def _scale(t: ToewijzingView) -> int:
    """Volumes are compared in minutes on an hour toewijzing (IV081), else in its unit."""
    return 60 if t.eenheid == UUR else 1


def _in_unit(t: ToewijzingView, eenheid: str, volume: int) -> int | None:
    """``volume`` in ``eenheid`` as the compared unit of ``t``; None when it does not fit."""
    if eenheid == t.eenheid:
        return volume * _scale(t)
    if t.eenheid == UUR and eenheid == MINUUT:
        return volume
    return None


def _has_omvang(t: ToewijzingView) -> bool:
    return t.volume is not None and t.eenheid is not None and t.frequentie is not None


# -- the assessment ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    """One prestatie with its position and the facts the checks compare."""

    client: int
    index: int
    bsn: str
    p: Prestatie

    @property
    def credit(self) -> bool:
        return self.p.ingediend_bedrag.debet_credit is DebetCredit.CREDIT

    @property
    def rn(self) -> str:
        return self.p.product_referentie.referentie_nummer

    @property
    def vrn(self) -> str | None:
        return self.p.product_referentie.vorig_referentie_nummer

    @property
    def key(self) -> tuple[int, str, str, date, date]:
        """TR389's key: toewijzing, product and ProductPeriode."""
        p = self.p
        return (p.toewijzing_nummer, str(code_value(p.product_categorie)), p.product_code,
                p.product_periode.begindatum, p.product_periode.einddatum)

    @property
    def signed(self) -> int:
        bedrag = self.p.ingediend_bedrag.bedrag
        return -bedrag if self.credit else bedrag

    def loc(self, *fields: str) -> Loc:
        return ("declaratie", "clienten", self.client, "prestaties", self.index, *fields)


def _key(q: EarlierPrestatie) -> tuple[int, str, str, date, date]:
    return (q.toewijzing_nummer, q.product_categorie, q.product_code, q.begindatum,
            q.einddatum)


@dataclass(slots=True)
class Assessment:
    """The hits of the 323 rules on one message, by rule code."""

    hits: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    #: Positions of the items rejected so far, in processing order.
    rejected: set[tuple[int, int]] = field(default_factory=set)

    def add(self, code: str, item: _Item, text: str, *fields: str) -> None:
        self.hits[code].append(Hit(item.loc(*fields), text))
        self.rejected.add((item.client, item.index))

    def of(self, code: str) -> tuple[Hit, ...]:
        """The hits of rule ``code``."""
        return tuple(self.hits.get(code, ()))


def _items(message: Jw323) -> list[_Item]:
    return [_Item(i, j, c.bsn, p) for i, c in enumerate(message.declaratie.clienten)
            for j, p in enumerate(c.prestaties)]


def _single(out: Assessment, it: _Item, t: ToewijzingView | None, aanbieder: str,
            period_end: date) -> None:
    """The checks that look at one prestatie (and its toewijzing) on their own."""
    p = it.p
    pp = p.product_periode
    if t is None or t.aanbieder != aanbieder:
        out.add("TR338", it, f"ToewijzingNummer {p.toewijzing_nummer} is not a toewijzing "
                             "of this gemeente to this aanbieder", "toewijzing_nummer")
    elif _deleted(t) and not it.credit:
        out.add("TR384", it, f"toewijzing {p.toewijzing_nummer} was deleted",
                "toewijzing_nummer")
    else:
        if t.bsn != it.bsn:
            out.add("TR304", it, f"toewijzing {p.toewijzing_nummer} belongs to another client",
                    "toewijzing_nummer")
        if not it.credit:
            _content(out, it, t)
    if not it.credit and pp.einddatum > period_end:
        out.add("TR319", it, f"ProductPeriode ends after the DeclaratiePeriode ({period_end})",
                "product_periode", "einddatum")


def _content(out: Assessment, it: _Item, t: ToewijzingView) -> None:
    """The content checks of a debet against its toewijzing."""
    p = it.p
    pp = p.product_periode
    if pp.begindatum < t.ingangsdatum:
        out.add("TR307", it, f"ProductPeriode begins before the Ingangsdatum {t.ingangsdatum}",
                "product_periode", "begindatum")
    elif pp.begindatum != max(pp.begindatum.replace(day=1), t.ingangsdatum):
        out.add("TR387", it, "ProductPeriode begins neither on the first of the month nor on "
                             "the Ingangsdatum", "product_periode", "begindatum")
    end = t.einddatum
    if end is not None and pp.einddatum > end:
        out.add("TR308", it, f"ProductPeriode ends after the Einddatum {end}",
                "product_periode", "einddatum")
    elif pp.einddatum != min(_last(pp.begindatum), end or date.max):
        out.add("TR388", it, "ProductPeriode ends neither on the last of the month nor on "
                             "the Einddatum", "product_periode", "einddatum")
    categorie = str(code_value(p.product_categorie))
    if t.product_categorie is not None and categorie != t.product_categorie:
        out.add("TR339", it, f"ProductCategorie {categorie} is not the toegewezen "
                             f"{t.product_categorie}", "product_categorie")
    if t.product_code is not None and p.product_code != t.product_code:
        out.add("TR340", it, f"ProductCode {p.product_code} is not the toegewezen "
                             f"{t.product_code}", "product_code")
    eenheid = str(code_value(p.eenheid))
    if _has_omvang(t):
        if _in_unit(t, eenheid, 0) is None:
            out.add("TR341", it, f"Eenheid {eenheid} does not fit the toegewezen Eenheid "
                                 f"{t.eenheid}", "eenheid")
            return
        assert t.volume is not None
        most = _maximum(t.volume, t.frequentie, pp.begindatum, pp.einddatum, whole=False)
        used = _in_unit(t, eenheid, p.geleverd_volume)
        if most is not None and used is not None and used > most * _scale(t):
            out.add("TR321", it, "GeleverdVolume exceeds the toegewezen Omvang for the "
                                 "ProductPeriode", "geleverd_volume")


@dataclass(slots=True)
class _Use:
    """What is used of one toewijzing so far: volume (compared unit) and net amount."""

    volume: int = 0
    amount: int = 0
    last_end: date | None = None


def _cumulative(out: Assessment, items: list[_Item], toewijzingen: Mapping[int, ToewijzingView],
                by_reference: tuple[EarlierPrestatie, ...], on: tuple[EarlierPrestatie, ...],
                aanbieder: str) -> None:
    """TR314 (in the message), TR390, TR389, TR322 and TR369: credits first, then debets."""
    on = tuple(q for q in on if q.aanbieder == aanbieder)
    credited_before = {q.vorig_referentie_nummer for q in by_reference
                       if q.approved and q.debet_credit == CREDIT}
    debets = {q.referentie_nummer: q for q in on if q.debet_credit == DEBET}
    use: dict[int, _Use] = defaultdict(_Use)
    for q in on:
        u = use[q.toewijzing_nummer]
        u.amount += q.signed
        t = toewijzingen.get(q.toewijzing_nummer)
        volume = None if t is None else _in_unit(t, q.eenheid, q.volume)
        if q.debet_credit == DEBET and not q.credited and volume is not None:
            u.volume += volume
            u.last_end = max(u.last_end or q.einddatum, q.einddatum)
    open_keys = {_key(q) for q in debets.values() if not q.credited}
    seen: set[str] = set()
    credited_here: set[str] = set()
    ordered = [it for it in items if it.credit] + [it for it in items if not it.credit]
    for it in ordered:
        position = (it.client, it.index)
        if it.rn in seen:
            out.add("TR314", it, f"ReferentieNummer {it.rn} occurs earlier in this declaratie",
                    "product_referentie", "referentie_nummer")
        seen.add(it.rn)
        if it.credit:
            vrn = it.vrn
            if vrn is not None and (vrn in credited_before or vrn in credited_here):
                out.add("TR390", it, f"the debet {vrn} was already credited",
                        "product_referentie", "vorig_referentie_nummer")
            if position in out.rejected or vrn is None:
                continue
            credited_here.add(vrn)
            u = use[it.p.toewijzing_nummer]
            u.amount += it.signed
            debet = debets.get(vrn)
            if debet is not None and not debet.credited:
                open_keys.discard(_key(debet))
                t = toewijzingen.get(debet.toewijzing_nummer)
                volume = None if t is None else _in_unit(t, debet.eenheid, debet.volume)
                u.volume -= volume or 0
            continue
        if position in out.rejected:
            continue
        if it.key in open_keys:
            out.add("TR389", it, "an earlier debet for this toewijzing, product and "
                                 "ProductPeriode was not credited", "product_periode")
        _limits(out, it, toewijzingen[it.p.toewijzing_nummer], use[it.p.toewijzing_nummer])
        if position not in out.rejected:
            open_keys.add(it.key)


def _limits(out: Assessment, it: _Item, t: ToewijzingView, u: _Use) -> None:
    """TR322 and TR369 for an approved-so-far debet; an approved one is added to ``u``."""
    p = it.p
    end = p.product_periode.einddatum
    volume = _in_unit(t, str(code_value(p.eenheid)), p.geleverd_volume)
    over_volume = False
    if _has_omvang(t) and volume is not None:
        assert t.volume is not None
        last = t.einddatum or max(u.last_end or end, end)
        most = _maximum(t.volume, t.frequentie, t.ingangsdatum, last, whole=True)
        over_volume = most is not None and u.volume + volume > most * _scale(t)
        if over_volume:
            out.add("TR322", it, "the declared volumes together exceed the toegewezen Omvang",
                    "geleverd_volume")
    if t.budget is not None and u.amount + it.signed > t.budget:
        out.add("TR369", it, f"the declared amounts together exceed the Budget {t.budget}",
                "ingediend_bedrag")
    if (it.client, it.index) not in out.rejected:
        u.amount += it.signed
        if volume is not None:
            u.volume += volume
            u.last_end = max(u.last_end or end, end)


def _credit_known(it: _Item, by_reference: tuple[EarlierPrestatie, ...]) -> bool:
    """TR323: an approved debet of this aanbieder with the credit's key fields."""
    want = (it.vrn, DEBET, it.bsn, *it.key)
    return any(q.approved and (q.referentie_nummer, q.debet_credit, q.bsn, *_key(q)) == want
               for q in by_reference)


def assess(message: Jw323, ctx: DeclaratieQuestions) -> Assessment:
    """Every hit of the 323 rules on ``message``, in the standard's processing order."""
    gemeente, aanbieder = parties(message)
    body = message.declaratie
    out = Assessment()
    history = ctx.declaratie_history(gemeente, aanbieder, body.declaratie_nummer)
    period = body.declaratie_periode
    if history.latest_period is not None and period.begindatum < history.latest_period:
        out.hits["TR318"].append(Hit(
            ("declaratie", "declaratie_periode"),
            f"DeclaratiePeriode begins before the latest declared period "
            f"({history.latest_period})"))
    if history.nummer_used:
        out.hits["TR333"].append(Hit(
            ("declaratie", "declaratie_nummer"),
            f"DeclaratieNummer {body.declaratie_nummer} was already used by this aanbieder"))
    if out.hits:
        return out  # the Declaratie class is rejected: its prestaties are not assessed
    items = _items(message)
    nummers = frozenset(it.p.toewijzing_nummer for it in items)
    referenties = frozenset({it.rn for it in items} | {it.vrn for it in items if it.vrn})
    toewijzingen = ctx.toewijzingen(gemeente, nummers)
    by_reference = ctx.prestaties_by_reference(aanbieder, referenties)
    on = ctx.prestaties_on(gemeente, nummers)
    used = {q.referentie_nummer for q in by_reference
            if q.aanbieder == aanbieder and (q.approved or REJECTED_KEEP_REFERENCE)}
    for it in items:
        _single(out, it, toewijzingen.get(it.p.toewijzing_nummer), aanbieder,
                period.einddatum)
        if it.rn in used:
            out.add("TR314", it, f"ReferentieNummer {it.rn} was used in an earlier declaratie",
                    "product_referentie", "referentie_nummer")
        if it.credit and not _credit_known(it, by_reference):
            out.add("TR323", it, f"no approved debet {it.vrn} with the same client, toewijzing, "
                                 "product and ProductPeriode", "product_referentie",
                    "vorig_referentie_nummer")
    _cumulative(out, items, toewijzingen, by_reference, on, aanbieder)
    return out


def _assessed(message: Message, ctx: DeclaratieQuestions) -> Assessment:
    """The message's assessment, worked out once for all its rules."""
    assert isinstance(message, Jw323)
    return ctx.remembered(("JW323 assessment", id(message)), lambda: assess(message, ctx))


# -- the Declaratie class ----------------------------------------------------------------------


@rule("TR318", RetourCode.R8214, CROSS, ("JW323",))
def tr318_period_not_before_latest(message: Message, ctx: DeclaratieQuestions
                                   ) -> Iterator[Hit]:
    """The DeclaratiePeriode does not begin before the latest period already declared.

    TR318 (8214, on the Declaratie class: the whole declaratie is rejected).
    Reading: the gemeente cannot see whether care was delivered in a skipped
    month, so a gap is allowed (OP284), and so is a second declaratie for the
    latest month (IV090); only an earlier month fails. Earlier 323s count when
    they were processed (not rejected at level 2, on the header or on the
    Declaratie class), of this aanbieder at this gemeente.
    """
    yield from _assessed(message, ctx).of("TR318")


@rule("TR333", RetourCode.R9333, CROSS, ("JW323",))
def tr333_declaratienummer_unique(message: Message, ctx: DeclaratieQuestions
                                  ) -> Iterator[Hit]:
    """The DeclaratieNummer was not used before by this aanbieder.

    TR333 (9333, on the Declaratie class: the whole declaratie is rejected).
    Compared exactly (case-sensitive) with the DeclaratieNummers of the
    aanbieder's processed 323s at this gemeente, partly rejected ones
    included; a 323 that counted as not sent does not reserve its number.
    """
    yield from _assessed(message, ctx).of("TR333")


# -- prestaties: the toewijzing ----------------------------------------------------------------


@rule("TR338", RetourCode.R9338, CROSS, ("JW323",))
def tr338_prestatie_has_toewijzing(message: Message, ctx: DeclaratieQuestions
                                   ) -> Iterator[Hit]:
    """The prestatie's ToewijzingNummer is a toewijzing of this gemeente to this aanbieder.

    TR338 (9338). Numbers compare as integers. A toewijzing of this gemeente
    to another aanbieder counts as unknown. When it fails, the checks that
    need the toewijzing are skipped for the prestatie. Debets and credits.
    """
    yield from _assessed(message, ctx).of("TR338")


@rule("TR304", RetourCode.R8187, CROSS, ("JW317", "JW323"))
def tr304_prestatie_belongs_to_client(message: Message, ctx: DeclaratieQuestions
                                      ) -> Iterator[Hit]:
    """The toewijzing a prestatie or a verzoek names belongs to the client of its Bsn.

    TR304 (8187). On a 323, on the prestatie: its toewijzing's client (Bsn) is
    the Client it is declared under. Debets and credits. The reading that
    would reject a whole Client the aanbieder never had a toewijzing for is
    not used. On a 317 (read the same way: "Bsn moet overeenkomen met Bsn van
    een Client" is the client of the toewijzingen it names), on each
    OngewijzigdProduct and TeWijzigenProduct whose ToewijzingNummer is a
    toewijzing of this gemeente to this aanbieder for another client; a
    number that is no toewijzing of the aanbieder at all is TR350's or TR351's.
    """
    if isinstance(message, Jw323):
        yield from _assessed(message, ctx).of("TR304")
    else:
        yield from verzoek_hits(message, ctx, "TR304")


@rule("TR384", RetourCode.R9384, CROSS, ("JW323",))
def tr384_not_on_deleted_toewijzing(message: Message, ctx: DeclaratieQuestions
                                    ) -> Iterator[Hit]:
    """A debet does not refer to a toewijzing that was deleted.

    TR384 (9384). Deleted: the current version has RedenWijziging 13 (or the
    older 01) with Einddatum equal to Ingangsdatum. The prestatie then gets
    9384 only: the other checks against the toewijzing are skipped. Credits
    are exempt (a credit reverses a debet approved before the deletion).
    """
    yield from _assessed(message, ctx).of("TR384")


@rule("TR307", RetourCode.R9307, CROSS, ("JW323",))
def tr307_begins_in_toewijzing(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The ProductPeriode begins on or after the toewijzing's Ingangsdatum.

    TR307 (9307). The current version of the toewijzing counts. Debets only.
    """
    yield from _assessed(message, ctx).of("TR307")


@rule("TR308", RetourCode.R9308, CROSS, ("JW323",))
def tr308_ends_in_toewijzing(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The ProductPeriode ends on or before the toewijzing's Einddatum, when it has one.

    TR308 (9308). The current version counts, so after an intrekking (an
    earlier Einddatum) the new Einddatum applies. Debets only.
    """
    yield from _assessed(message, ctx).of("TR308")


@rule("TR387", RetourCode.R9387, CROSS, ("JW323",))
def tr387_begins_on_first_or_ingang(message: Message, ctx: DeclaratieQuestions
                                    ) -> Iterator[Hit]:
    """The ProductPeriode begins on the 1st, or on a later Ingangsdatum in that month.

    TR387 (9387), IV089. Reading: a ProductPeriode that begins before the
    Ingangsdatum is TR307's finding, not this one's; TR387 judges the periods
    that begin within the toewijzing. Debets only.
    """
    yield from _assessed(message, ctx).of("TR387")


@rule("TR388", RetourCode.R9388, CROSS, ("JW323",))
def tr388_ends_on_last_or_einde(message: Message, ctx: DeclaratieQuestions
                                ) -> Iterator[Hit]:
    """The ProductPeriode ends on the last day, or on an earlier Einddatum in that month.

    TR388 (9388), IV089. A stop date (307) does not count. Reading: a period
    that ends after the Einddatum is TR308's finding, not this one's. Debets
    only.
    """
    yield from _assessed(message, ctx).of("TR388")


@rule("TR339", RetourCode.R9339, CROSS, ("JW323",))
def tr339_categorie_as_toegewezen(message: Message, ctx: DeclaratieQuestions
                                  ) -> Iterator[Hit]:
    """The ProductCategorie is the toewijzing's, when the toewijzing has one.

    TR339 (9339). A generic toewijzing (no Product) leaves nothing to check.
    Debets only.
    """
    yield from _assessed(message, ctx).of("TR339")


@rule("TR340", RetourCode.R9340, CROSS, ("JW323",))
def tr340_code_as_toegewezen(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The ProductCode is the toewijzing's, when the toewijzing has one.

    TR340 (9340). For an aspecific or generic toewijzing any code is fine here
    (TR381 checks the code list). Debets only.
    """
    yield from _assessed(message, ctx).of("TR340")


@rule("TR341", RetourCode.R9341, CROSS, ("JW323",))
def tr341_eenheid_fits(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The Eenheid is the toegewezen Eenheid; minutes are allowed on an hour toewijzing.

    TR341 (9341), IV081. Without an Omvang the unit should match the contract,
    which the engine does not know: such a prestatie passes. Debets only.
    """
    yield from _assessed(message, ctx).of("TR341")


@rule("TR321", RetourCode.R9321, CROSS, ("JW323",))
def tr321_volume_fits_period(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The GeleverdVolume fits the toegewezen Omvang for the ProductPeriode.

    TR321 (9321), IV076-IV078. The most is Volume times the days (per dag), the
    ISO calendar weeks the period touches, broken weeks in full (per week, the
    inspanningsgerichte count: the engine does not know the variant), or once
    (per maand, totaal). Minutes on an hour toewijzing compare with 60 times
    the hours. Skipped without an Omvang or when the unit does not fit (TR341).
    Debets only.
    """
    yield from _assessed(message, ctx).of("TR321")


@rule("TR319", RetourCode.R9319, CROSS, ("JW323",))
def tr319_period_declared(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The ProductPeriode lies in the DeclaratiePeriode or an earlier one.

    TR319 (9319): the ProductPeriode does not end after the DeclaratiePeriode;
    declaring afterwards is allowed (IV090). It needs no toewijzing, so it
    also applies when TR338 fails. Debets only.
    """
    yield from _assessed(message, ctx).of("TR319")


# -- prestaties: references and credits --------------------------------------------------------


@rule("TR314", RetourCode.R8021, CROSS, ("JW323",))
def tr314_referentienummer_unique(message: Message, ctx: DeclaratieQuestions
                                  ) -> Iterator[Hit]:
    """The ReferentieNummer was not used before by this aanbieder, in this or an earlier 323.

    TR314 (8021). Every prestatie of a processed 323 of the aanbieder counts,
    debet or credit, approved or rejected ("over all (sub)versions";
    ``REJECTED_KEEP_REFERENCE``); a 323 that counted as not sent frees its
    numbers. Within the message the second and later occurrences fail, in
    processing order (credits first). This rule also keeps the store's
    unique index on approved ReferentieNummers from refusing a 323.
    """
    yield from _assessed(message, ctx).of("TR314")


@rule("TR323", RetourCode.R8017, CROSS, ("JW323",))
def tr323_credit_has_debet(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """A credit reverses an approved debet of this aanbieder with the same key fields.

    TR323 (8017), IV085, IV091. The VorigReferentieNummer is the
    ReferentieNummer of an approved debet of an earlier 323 with the same Bsn,
    ToewijzingNummer, ProductCategorie, ProductCode and ProductPeriode. The
    amounts and volume are not compared (crediting in full is not enforced).
    A rejected debet can never be credited.
    """
    yield from _assessed(message, ctx).of("TR323")


@rule("TR390", RetourCode.R9390, CROSS, ("JW323",))
def tr390_credit_once(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """A debet is credited only once.

    TR390 (9390), OP360. A credit fails when an approved credit of an earlier
    323 has the same VorigReferentieNummer, or when a credit approved earlier
    in this message does (credits in document order). This also keeps the
    store's unique index on approved credits from refusing a 323.
    """
    yield from _assessed(message, ctx).of("TR390")


@rule("TR389", RetourCode.R9389, CROSS, ("JW323",))
def tr389_debet_after_credit(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """A new debet needs the earlier debet with the same key to be credited first.

    TR389 (9389), OP366, IV086. The key is ToewijzingNummer, ProductCategorie,
    ProductCode and ProductPeriode (both dates). Only approved earlier debets
    count (a rejected one can never be credited, IV085); a credit approved in
    this message frees its debet for the debets after it, and a debet
    approved earlier in this message blocks the key as well.
    """
    yield from _assessed(message, ctx).of("TR389")


# -- prestaties: totals over the toewijzing ----------------------------------------------------


@rule("TR322", RetourCode.R9322, CROSS, ("JW323",))
def tr322_total_volume_fits(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The declared volumes on a toewijzing together fit its Omvang over its whole period.

    TR322 (9322). The most is Volume times the days, ISO weeks or calendar
    months of Ingangsdatum..Einddatum (per dag, week, maand) or Volume
    (totaal); without an Einddatum the latest ProductPeriode end counted so
    far ends it. Counted: the approved debets of earlier 323s that are not
    credited, then this message's debets that survive the other rules, in
    document order after its credits (an approved credit frees its debet's
    volume). The prestatie that makes the total exceed gets 9322 and is left
    out of the total. Debets only.
    """
    yield from _assessed(message, ctx).of("TR322")


@rule("TR369", RetourCode.R9369, CROSS, ("JW323",))
def tr369_total_within_budget(message: Message, ctx: DeclaratieQuestions) -> Iterator[Hit]:
    """The amounts declared on a toewijzing with a Budget together stay within it.

    TR369 (9369). Reading: the Budget is in eurocents, so the net
    IngediendBedrag is summed (the text's GeleverdVolume is an amount only for
    Eenheid 83): every approved prestatie of earlier 323s, debets plus and
    credits minus, then this message's approved credits, then its surviving
    debets in document order. The debet that makes the total exceed the
    Budget gets 9369 and is left out. Debets only.
    """
    yield from _assessed(message, ctx).of("TR369")


# -- TR385 on the 301 the gemeente sends -------------------------------------------------------


@rule("TR385", RetourCode.R9385, CROSS, ("JW301",))
def tr385_no_delete_with_approved(message: Message, ctx: DeclaratieQuestions
                                  ) -> Iterator[Hit]:
    """A toewijzing with approved, uncredited prestaties is not deleted.

    TR385 (9385), OP362. A ToegewezenProduct that deletes its toewijzing
    (RedenWijziging 13, or the older 01, with Einddatum equal to Ingangsdatum)
    fails when an approved debet on that ToewijzingNummer has no approved
    credit. The aanbieder would reject such a 301 (9385 in its 302); the
    gemeente registers it with this finding as a warning. Intrekken (an
    earlier Einddatum) is the allowed alternative.
    """
    assert isinstance(message, Jw301)
    gemeente, _ = parties(message)
    deleting = [(i, p) for i, p in enumerate(message.client.toegewezen_producten)
                if _deleted(p)]
    if not deleting:
        return
    lines = ctx.prestaties_on(gemeente, frozenset(p.toewijzing_nummer for _, p in deleting))
    busy = {q.toewijzing_nummer for q in lines if q.debet_credit == DEBET and not q.credited}
    for i, p in deleting:
        if p.toewijzing_nummer in busy:
            yield Hit(("client", "toegewezen_producten", i, "reden_wijziging"),
                      f"toewijzing {p.toewijzing_nummer} has approved prestaties that are not "
                      "credited")


__all__ = ["Assessment", "DeclaratieHistory", "DeclaratieQuestions", "EarlierPrestatie",
           "ToewijzingView", "assess"]
