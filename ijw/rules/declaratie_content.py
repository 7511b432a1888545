"""Level-2 rules (bericht inhoud) on a received JW323 declaratie, and TR346 (externe bron).

TR101 and TR134 are registered here for the other messages the standard names
as well (301, 305, 307, 317 and 301, 305, 307, 315): :func:`tr101_keys` and
:func:`tr134_dates` say what they judge there.

The level-2 rules give retourcode 0001: any of them rejects the whole 323 with a
header-only 325, so where a hit points only decides the line the operator is
shown. Each hit points at the offending element (``("declaratie",
"declaratie_periode", "begindatum")``, ``("declaratie", "clienten", i,
"prestaties", j, "product_tarief")``). CS002 (the BSNs) is in
:mod:`ijw.rules.content`; CS015, CS025 and CS319 are fixed by the XSD.

TR346 is level 4 and sits on the Prestatie class: its hit rejects that one
prestatie (9346), and the rest of the declaratie can still be approved.

Amounts are eurocents (IV024); "signed" means debet positive, credit negative.
Every rule makes one pass over the prestaties, with sets and dicts where it
compares them.
"""

from __future__ import annotations

import calendar
from collections.abc import Hashable, Iterator
from datetime import date
from typing import Any, cast

from ijw.errors import Level
from ijw.messages import Message
from ijw.messages.r3_2.codelists import DebetCredit, Eenheid, RetourCode
from ijw.messages.r3_2.common import GeslotenPeriode
from ijw.messages.r3_2.declaratie import Declaratie, Jw323, Prestatie
from ijw.rules import Hit, Loc, rule
from ijw.rules.content_more import fast, years_before

REJECT = RetourCode.R0001
JW323 = ("JW323",)
#: CS100: no period date before this day.
EARLIEST = date(2021, 1, 1)
#: TR335: a ProductPeriode may end at most this many years before the DeclaratieDagtekening.
MAX_AGE_YEARS = 5

DECLARATIE_PERIODE: Loc = ("declaratie", "declaratie_periode")
TOTAAL: Loc = ("declaratie", "totaal_ingediend_bedrag")


# -- helpers ---------------------------------------------------------------------------------


def _declaratie(message: Message) -> Declaratie:
    return cast(Jw323, message).declaratie


def _prestaties(message: Message) -> Iterator[tuple[Loc, Prestatie]]:
    """Every prestatie in document order, with its model location."""
    for i, client in enumerate(_declaratie(message).clienten):
        for j, p in enumerate(client.prestaties):
            yield ("declaratie", "clienten", i, "prestaties", j), p


def is_credit(p: Prestatie) -> bool:
    """The prestatie is a credit (IngediendBedrag DebetCredit C)."""
    return p.ingediend_bedrag.debet_credit is DebetCredit.CREDIT


def signed_amount(p: Prestatie) -> int:
    """The prestatie's IngediendBedrag with its sign: debet positive, credit negative."""
    return -p.ingediend_bedrag.bedrag if is_credit(p) else p.ingediend_bedrag.bedrag


def last_of_month(day: date) -> date:
    """The last day of ``day``'s calendar month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (``numerator >= 0``, ``denominator > 0``)."""
    return (2 * numerator + denominator) // (2 * denominator)


def minute_amount_fits(volume: int, tarief: int, bedrag: int) -> bool:
    """Some hourly tariff that gives ``tarief`` per minute gives ``bedrag`` for ``volume`` minutes.

    IV081: the per-minute ProductTarief is the hourly tariff ``h`` / 60 rounded half
    up, so ``60·tarief − 30 ≤ h ≤ 60·tarief + 29``; the amount is ``h × volume / 60``
    rounded half up, which is ``bedrag`` exactly when ``60·bedrag − 30 ≤ h × volume ≤
    60·bedrag + 29``. Whether one ``h`` satisfies both is decided without trying each.
    """
    low, high = max(0, 60 * tarief - 30), 60 * tarief + 29
    if volume == 0:
        return bedrag == 0
    smallest = max(low, -(-(60 * bedrag - 30) // volume))  # the least h with h·V in range
    return smallest <= high and smallest * volume <= 60 * bedrag + 29


def _periods(message: Message) -> Iterator[tuple[Loc, GeslotenPeriode]]:
    """The DeclaratiePeriode, then every ProductPeriode, with their locations."""
    yield DECLARATIE_PERIODE, _declaratie(message).declaratie_periode
    for loc, p in _prestaties(message):
        yield (*loc, "product_periode"), p.product_periode


def _dagtekening(message: Message) -> date:
    return cast(Jw323, message).header.bericht_identificatie.dagtekening


# -- conditions on a prestatie -----------------------------------------------------------------


@rule("CD060", REJECT, Level.CONTENT, JW323)
def cd060_vorig_referentie_iff_credit(message: Message) -> Iterator[Hit]:
    """VorigReferentieNummer is present exactly when the prestatie is a credit."""
    for loc, p in _prestaties(message):
        vorig = p.product_referentie.vorig_referentie_nummer
        if is_credit(p) and vorig is None:
            yield Hit((*loc, "product_referentie"),
                      "a credit prestatie needs a VorigReferentieNummer")
        elif not is_credit(p) and vorig is not None:
            yield Hit((*loc, "product_referentie", "vorig_referentie_nummer"),
                      "a debet prestatie may not carry a VorigReferentieNummer")


@rule("CD087", REJECT, Level.CONTENT, JW323)
def cd087_tarief_iff_not_euro(message: Message) -> Iterator[Hit]:
    """ProductTarief is present exactly when Eenheid is not 83 (euro's)."""
    for loc, p in _prestaties(message):
        if p.eenheid is not Eenheid.EURO and p.product_tarief is None:
            yield Hit((*loc, "eenheid"), "a ProductTarief is required unless Eenheid is 83")
        elif p.eenheid is Eenheid.EURO and p.product_tarief is not None:
            yield Hit((*loc, "product_tarief"), "Eenheid 83 (euro's) takes no ProductTarief")


# -- dates -------------------------------------------------------------------------------------


@rule("CS100", REJECT, Level.CONTENT, JW323)
def cs100_dates_from_2021(message: Message) -> Iterator[Hit]:
    """DeclaratiePeriode and ProductPeriode dates are on or after 2021-01-01.

    Read for both dates of each period (the catalog names the periods, not one
    date); with CS337 and CS340 only a Begindatum can fail it on its own.
    """
    for loc, period in _periods(message):
        if period.begindatum < EARLIEST:
            yield Hit((*loc, "begindatum"), "Begindatum lies before 2021-01-01")
        if period.einddatum < EARLIEST:
            yield Hit((*loc, "einddatum"), "Einddatum lies before 2021-01-01")


@rule("CS337", REJECT, Level.CONTENT, JW323)
def cs337_product_periode_in_one_month(message: Message) -> Iterator[Hit]:
    """ProductPeriode ends in the same calendar month and year as it begins."""
    for loc, p in _prestaties(message):
        b, e = p.product_periode.begindatum, p.product_periode.einddatum
        if (b.year, b.month) != (e.year, e.month):
            yield Hit((*loc, "product_periode", "einddatum"),
                      "ProductPeriode does not lie within one calendar month")


@rule("CS340", REJECT, Level.CONTENT, JW323)
def cs340_declaratie_periode_is_a_month(message: Message) -> Iterator[Hit]:
    """DeclaratiePeriode runs from the first to the last day of one calendar month."""
    period = _declaratie(message).declaratie_periode
    if period.begindatum.day != 1:
        yield Hit((*DECLARATIE_PERIODE, "begindatum"),
                  "DeclaratiePeriode does not begin on the first day of a month")
    elif period.einddatum != last_of_month(period.begindatum):
        yield Hit((*DECLARATIE_PERIODE, "einddatum"),
                  "DeclaratiePeriode does not end on the last day of its first month")


#: TR134: the messages besides the 323 whose dates it judges (the xslt set names them).
TR134_MESSAGES = ("JW301", "JW305", "JW307", "JW315")


def tr134_dates(message: Message) -> Iterator[tuple[Loc, date]]:
    """The dates TR134 judges in a 301, 305, 307 or 315, with their locations.

    Reading of the classes the informatiemodel names: the Geboortedatum of the
    client (and of each Relatie in a 301), the Toewijzingsdatum of a
    ToegewezenProduct (its Ingangsdatum may lie in the future), the Begindatum of
    a StartProduct, and both dates of a StopProduct.
    """
    client = cast(Any, message).client
    yield ("client", "geboortedatum", "datum"), client.geboortedatum.datum
    kind = message.message_type
    if kind == "JW301":
        for i, r in enumerate(client.relaties):
            if r.geboortedatum is not None:
                yield ("client", "relaties", i, "geboortedatum", "datum"), r.geboortedatum.datum
        for i, p in enumerate(client.toegewezen_producten):
            yield ("client", "toegewezen_producten", i, "toewijzingsdatum"), p.toewijzingsdatum
    elif kind == "JW305":
        for i, s in enumerate(client.start_producten):
            yield ("client", "start_producten", i, "begindatum"), s.begindatum
    elif kind == "JW307":
        for i, s in enumerate(client.stop_producten):
            yield ("client", "stop_producten", i, "begindatum"), s.begindatum
            yield ("client", "stop_producten", i, "einddatum"), s.einddatum


@rule("TR134", REJECT, Level.CONTENT, (*JW323, *TR134_MESSAGES))
@fast
def tr134_begin_not_after_dagtekening(message: Message) -> Iterator[Hit]:
    """A date is not after the message's Dagtekening (a 323: the periods' Begindatum).

    On a 323: the Begindatum of DeclaratiePeriode and of every ProductPeriode.
    Reading: "de Dagtekening van het bericht" is the Header's
    BerichtIdentificatie/Dagtekening, and the rule sits on the begin dates of
    the two periods (the informatiemodel places it on
    CDT_GeslotenPeriode.Begindatum). It is not applied to DeclaratieDagtekening,
    which no rule compares with the Dagtekening. That the date exists is
    already guaranteed by xs:date.

    The standard applies TR134 to 301, 305, 307 and 315 too (and to the 325 the
    gemeente sends); there the same holds for the dates :func:`tr134_dates`
    names.
    """
    dagtekening = cast(Any, message).header.bericht_identificatie.dagtekening
    if message.message_type != "JW323":
        for loc, day in tr134_dates(message):
            if day > dagtekening:
                yield Hit(loc, "this date lies after the message's Dagtekening")
        return
    for loc, period in _periods(message):
        if period.begindatum > dagtekening:
            yield Hit((*loc, "begindatum"), "Begindatum lies after the message's Dagtekening")


@rule("TR137", REJECT, Level.CONTENT, JW323)
def tr137_end_after_begin_not_after_dagtekening(message: Message) -> Iterator[Hit]:
    """The Einddatum of every period is on or after its Begindatum and not after the Dagtekening.

    The periods are the DeclaratiePeriode and every ProductPeriode; the
    Dagtekening is the Header's. A declaratie for a month can so only be dated
    on or after that month's last day.
    """
    dagtekening = _dagtekening(message)
    for loc, period in _periods(message):
        if period.einddatum < period.begindatum:
            yield Hit((*loc, "einddatum"), "Einddatum lies before Begindatum")
        elif period.einddatum > dagtekening:
            yield Hit((*loc, "einddatum"), "Einddatum lies after the message's Dagtekening")


@rule("TR335", REJECT, Level.CONTENT, JW323)
def tr335_product_periode_not_too_old(message: Message) -> Iterator[Hit]:
    """ProductPeriode ends at most 5 years before the DeclaratieDagtekening.

    Reading: "Einddatum" is the ProductPeriode's. The years are calendar years
    (a 29 February DeclaratieDagtekening counts back to 28 February), and an
    Einddatum exactly 5 years before is still allowed.
    """
    oldest = years_before(_declaratie(message).declaratie_dagtekening, MAX_AGE_YEARS)
    if oldest is None:
        return
    for loc, p in _prestaties(message):
        if p.product_periode.einddatum < oldest:
            yield Hit((*loc, "product_periode", "einddatum"),
                      "ProductPeriode ends more than 5 years before DeclaratieDagtekening")


# -- amounts -----------------------------------------------------------------------------------


@rule("CS325", REJECT, Level.CONTENT, JW323)
def cs325_zero_is_debet(message: Message) -> Iterator[Hit]:
    """A TotaalIngediendBedrag or IngediendBedrag of 0 carries DebetCredit D."""
    total = _declaratie(message).totaal_ingediend_bedrag
    if total.totaal_bedrag == 0 and total.debet_credit is DebetCredit.CREDIT:
        yield Hit((*TOTAAL, "debet_credit"), "a TotaalBedrag of 0 must be debet (D)")
    for loc, p in _prestaties(message):
        if p.ingediend_bedrag.bedrag == 0 and is_credit(p):
            yield Hit((*loc, "ingediend_bedrag", "debet_credit"),
                      "an IngediendBedrag of 0 must be debet (D)")


@rule("CS339", REJECT, Level.CONTENT, JW323)
def cs339_euro_amount_is_volume(message: Message) -> Iterator[Hit]:
    """With Eenheid 83 (euro's) the IngediendBedrag equals the GeleverdVolume."""
    for loc, p in _prestaties(message):
        if p.eenheid is Eenheid.EURO and p.ingediend_bedrag.bedrag != p.geleverd_volume:
            yield Hit((*loc, "ingediend_bedrag", "bedrag"),
                      "with Eenheid 83 the IngediendBedrag must equal the GeleverdVolume")


@rule("TR358", REJECT, Level.CONTENT, JW323)
def tr358_total_is_sum(message: Message) -> Iterator[Hit]:
    """TotaalIngediendBedrag equals the prestaties' amounts, debets added and credits subtracted."""
    total = _declaratie(message).totaal_ingediend_bedrag
    submitted = (-total.totaal_bedrag if total.debet_credit is DebetCredit.CREDIT
                 else total.totaal_bedrag)
    if submitted != sum(signed_amount(p) for _, p in _prestaties(message)):
        yield Hit((*TOTAAL, "totaal_bedrag"),
                  "TotaalIngediendBedrag is not the signed sum of the prestaties")


# -- keys and references -----------------------------------------------------------------------


#: TR101: the messages besides the 323 whose lines it judges. The 315 is named too, but its
#: only line key, ReferentieAanbieder, is TR383's (reported once, there).
TR101_MESSAGES = ("JW301", "JW305", "JW307", "JW317")


def _product_key(product: Any) -> tuple[str | None, str | None]:
    if product is None:
        return (None, None)
    return (product.categorie.value, product.code)


def tr101_keys(message: Message) -> Iterator[tuple[Loc, Hashable]]:
    """Each line of a 301, 305, 307 or 317 with its logical key (BRIEF 6.1), in document order.

    The key carries the class's name, so lines of different classes never
    collide. 301: Relatie.Nummer, Contact.Soort (of Contactgegevens; a
    Relatie has one Contact), ToegewezenProduct.ToewijzingNummer. 305:
    ToewijzingNummer, Product and Begindatum of a StartProduct; 307: those and
    Einddatum and RedenBeeindiging of a StopProduct. StatusAanlevering is not
    part of a key, so a delete and a new line with the same key cannot share a
    message (IV008). 317: ToewijzingNummer of an Ongewijzigd- or
    TeWijzigenProduct, Product and GewensteIngangsdatum of a NieuwProduct.
    ToewijzingNummers compare as numbers. The one Client (Bsn) and Verzoek
    of these messages are unique by the schema.
    """
    client = cast(Any, message).client
    kind = message.message_type
    if kind == "JW301":
        for i, r in enumerate(client.relaties):
            yield ("client", "relaties", i, "nummer"), ("relatie", r.nummer)
        for i, c in enumerate(client.contactgegevens):
            yield ("client", "contactgegevens", i, "soort"), ("contact", c.soort)
        for i, p in enumerate(client.toegewezen_producten):
            yield (("client", "toegewezen_producten", i, "toewijzing_nummer"),
                   ("toewijzing", p.toewijzing_nummer))
    elif kind == "JW305":
        for i, s in enumerate(client.start_producten):
            yield (("client", "start_producten", i),
                   (s.toewijzing_nummer, _product_key(s.product), s.begindatum))
    elif kind == "JW307":
        for i, s in enumerate(client.stop_producten):
            yield (("client", "stop_producten", i),
                   (s.toewijzing_nummer, _product_key(s.product), s.begindatum, s.einddatum,
                    s.reden_beeindiging))
    elif kind == "JW317":
        verzoek = client.verzoek
        for i, o in enumerate(verzoek.ongewijzigde_producten):
            yield (("client", "verzoek", "ongewijzigde_producten", i, "toewijzing_nummer"),
                   ("ongewijzigd", o.toewijzing_nummer))
        for i, t in enumerate(verzoek.te_wijzigen_producten):
            yield (("client", "verzoek", "te_wijzigen_producten", i, "toewijzing_nummer"),
                   ("te_wijzigen", t.toewijzing_nummer))
        for i, n in enumerate(verzoek.nieuwe_producten):
            yield (("client", "verzoek", "nieuwe_producten", i),
                   ("nieuw", _product_key(n.product), n.gewenste_ingangsdatum))


@rule("TR101", REJECT, Level.CONTENT, (*JW323, *TR101_MESSAGES))
@fast
def tr101_no_duplicate_lines(message: Message) -> Iterator[Hit]:
    """No two lines of a class share their logical key, with their parents' keys, in a message.

    On a 323: no two Clients share a Bsn, and no two Prestaties of one client
    share a ProductReferentie. Reading: a line is unique on
    its logical key together with its parents' keys (BRIEF 6.1, the
    "sleutelelementen"): a Client on its Bsn, a Prestatie on its
    ProductReferentie, i.e. ReferentieNummer and VorigReferentieNummer (two
    absent ones are equal), under its client's Bsn. ToewijzingNummer, product,
    ProductPeriode and amounts are not part of the key, so two prestaties
    that differ only in their ProductPeriode are duplicates (the official
    JW323 example has RN004 twice under one client). The same
    ProductReferentie under two different clients is TR314's (level 3), not
    this rule's. The second and later occurrences are reported.

    The standard applies TR101 to 301, 305, 307, 315 and 317 too (and to the 325
    the gemeente sends): there the keys are :func:`tr101_keys`'s, and again
    the second and later occurrences are reported.
    """
    if message.message_type != "JW323":
        seen: set[Hashable] = set()
        for loc, key in tr101_keys(message):
            if key in seen:
                yield Hit(loc, "this line occurs twice in the message (same key)")
            seen.add(key)
        return
    clients: set[str] = set()
    lines: set[tuple[str, str, str | None]] = set()
    for i, client in enumerate(_declaratie(message).clienten):
        if client.bsn in clients:
            yield Hit(("declaratie", "clienten", i, "bsn"),
                      "this Client occurs twice in the message (same Bsn)")
        clients.add(client.bsn)
        for j, p in enumerate(client.prestaties):
            ref = p.product_referentie
            key = (client.bsn, ref.referentie_nummer, ref.vorig_referentie_nummer)
            if key in lines:
                yield Hit(("declaratie", "clienten", i, "prestaties", j, "product_referentie"),
                          "this ProductReferentie occurs twice for the client")
            lines.add(key)


@rule("TR315", REJECT, Level.CONTENT, JW323)
def tr315_vorig_referentie_unique(message: Message) -> Iterator[Hit]:
    """No two prestaties of the message carry the same VorigReferentieNummer."""
    seen: set[str] = set()
    for loc, p in _prestaties(message):
        vorig = p.product_referentie.vorig_referentie_nummer
        if vorig is None:
            continue
        if vorig in seen:
            yield Hit((*loc, "product_referentie", "vorig_referentie_nummer"),
                      "this VorigReferentieNummer occurs twice in the message")
        seen.add(vorig)


@rule("TR316", REJECT, Level.CONTENT, JW323)
def tr316_no_credit_of_own_debet(message: Message) -> Iterator[Hit]:
    """No VorigReferentieNummer equals a ReferentieNummer of the same message.

    A debet cannot be credited in the message that carries it (IV086); a
    credit and its replacing debet may share one.
    """
    numbers = {p.product_referentie.referentie_nummer for _, p in _prestaties(message)}
    for loc, p in _prestaties(message):
        vorig = p.product_referentie.vorig_referentie_nummer
        if vorig is not None and vorig in numbers:
            yield Hit((*loc, "product_referentie", "vorig_referentie_nummer"),
                      "VorigReferentieNummer refers to a prestatie in the same message")


@rule("TR416", REJECT, Level.CONTENT, JW323)
def tr416_one_debet_per_product_and_period(message: Message) -> Iterator[Hit]:
    """No two debets of the message share ToewijzingNummer, product and ProductPeriode.

    Reading: the scope is the whole message, not one client (the text names no
    Bsn, and a ToewijzingNummer belongs to one client anyway); "the same
    ProductPeriode" means both dates equal; credits are exempt, so a credit
    and its replacing debet may share the key (IV086). The second and later
    debets are reported.
    """
    seen: set[tuple[int, str, str, date, date]] = set()
    for loc, p in _prestaties(message):
        if is_credit(p):
            continue
        key = (int(p.toewijzing_nummer), p.product_categorie.value, p.product_code,
               p.product_periode.begindatum, p.product_periode.einddatum)
        if key in seen:
            yield Hit((*loc, "toewijzing_nummer"), "a second debet for this toewijzing, "
                      "product and ProductPeriode in the message")
        seen.add(key)


# -- level 4 -----------------------------------------------------------------------------------


@rule("TR346", RetourCode.R9346, Level.EXTERNAL, JW323)
def tr346_amount_is_volume_times_tarief(message: Message, context: object = None
                                        ) -> Iterator[Hit]:
    """With a non-euro Eenheid, IngediendBedrag equals GeleverdVolume × ProductTarief.

    Every Eenheid but 83 (euro's, CS339's) is checked. For minutes (Eenheid 01)
    declared against an hourly contract tariff, IV081 computes the amount from
    the hourly tariff: hourly × minutes / 60, rounded half up to a cent, while the
    reported ProductTarief is hourly / 60 rounded half up. The contract tariff is
    not known here, so (reading) a minute prestatie passes when its amount is
    volume × ProductTarief, or when some hourly tariff that rounds to the
    ProductTarief gives exactly the amount (:func:`minute_amount_fits`).
    Reading: credits are not checked (IV085: a credit can only be refused on
    technical grounds; its debet passed this rule). A hit rejects that
    prestatie only (9346).
    """
    for loc, p in _prestaties(message):
        if p.eenheid is Eenheid.EURO or p.product_tarief is None or is_credit(p):
            continue
        volume, tarief, bedrag = p.geleverd_volume, p.product_tarief, p.ingediend_bedrag.bedrag
        if bedrag == volume * tarief:
            continue
        if p.eenheid is Eenheid.MINUUT and minute_amount_fits(volume, tarief, bedrag):
            continue
        yield Hit((*loc, "ingediend_bedrag", "bedrag"),
                  "IngediendBedrag is not GeleverdVolume times ProductTarief")


__all__ = ["is_credit", "last_of_month", "minute_amount_fits", "round_half_up",
           "signed_amount", "tr101_keys", "tr134_dates", "years_before"]
