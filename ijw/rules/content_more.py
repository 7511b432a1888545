"""More level-2 rules (bericht inhoud) on 301, 305, 307, 315 and 317: retourcode 0001.

The technische regels of the xslt set (TR002, TR006, TR061, TR302, TR352, TR353,
TR380, TR386, TR410) and the condities and constraints of the informatiemodel
that the XSD does not enforce. A received 305/307/315/317 with any hit is
rejected with a header-only retour (0001); a 301 the gemeente registers keeps
its hits as warnings. TR101 and TR134 for these messages are registered with
the 323's in :mod:`ijw.rules.declaratie_content`; CS002, CS003, CS058, CS335,
CS336, TR018 and TR383 are in :mod:`ijw.rules.content`.

Each hit points at the element the rule is about. Where a condition is read on
"the" Einddatum of a line, it is that line's own end date (ToegewezenProduct
Einddatum, AangevraagdProduct ToewijzingEinddatum, NieuwProduct and
TeWijzigenProduct Einddatum); an empty one counts as after 2020-12-31 (BRIEF 7.9).

Speed: a 301 meets some thirty level-2 rules, each asked on its own by the
registry. :func:`is_clean` is one fused pass over the message that says, only
when it is sure, that none of this module's rules (nor TR101 and TR134 outside
the 323) would find anything; the rules wrapped with :func:`fast` then answer
at once. It may say "not sure" for an unusual message (more than one product,
relaties, a DatumGebruik, ...): the rules then run as written. The tests check
on generated messages that a clean verdict never hides a hit. The product
lines that a dozen rules read are built once per message
(:func:`product_lines`); both remember the last message by identity.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, NamedTuple, cast

from ijw.errors import Level
from ijw.messages import Message
from ijw.messages.r3_2.codelists import (
    AdresSoort,
    Communicatievorm,
    DatumGebruik,
    Eenheid,
    Frequentie,
    NaamGebruik,
    RedenWijziging,
    RetourCode,
    TypeVerwijzer,
)
from ijw.messages.r3_2.common import Geboortedatum, Omvang, Product
from ijw.rules import Hit, Loc, rule

REJECT = RetourCode.R0001
#: The messages whose product lines the Omvang/Budget/Einddatum conditions judge.
WITH_PRODUCTS = ("JW301", "JW315", "JW317")
#: The messages with a client's Geboortedatum (TR002, CS139).
WITH_BIRTH_DATE = ("JW301", "JW305", "JW307", "JW315")
#: TR002: a Geboortedatum may lie at most this many years before the Dagtekening.
MAX_AGE_YEARS = 120
#: TR002/CS139: the Datum of a fully unknown birth date (DatumGebruik 3).
UNKNOWN_BIRTH = date(1900, 1, 1)
#: CD080, CD095, CD096, CS338, CS343: the legacy exemption holds for lines ended by this day.
LEGACY_END = date(2020, 12, 31)
#: CS338/CS343: units that may not be given per day after the legacy end.
NOT_PER_DAY = frozenset({Eenheid.ETMAAL, Eenheid.DAGDEEL, Eenheid.EURO, Eenheid.STUKS_INSPANNING})
PER_PERIOD = frozenset({Frequentie.PER_WEEK, Frequentie.PER_MAAND, Frequentie.TOTAAL})
#: CD066-CD068: the Verwijzer types that carry an AGB ZorgverlenerCode.
WITH_AGB = frozenset({TypeVerwijzer.HUISARTS, TypeVerwijzer.JEUGDARTS,
                      TypeVerwijzer.GECERTIFICEERDE_INSTELLING, TypeVerwijzer.MEDISCH_SPECIALIST})
#: TR061: the contact kinds of which a client needs at least one.
MAIN_ADDRESS = frozenset({AdresSoort.BRP, AdresSoort.CORRESPONDENTIE, AdresSoort.VERBLIJF})
#: CD034: the contact kinds that need a Postcode.
NEEDS_POSTCODE = frozenset({AdresSoort.BRP, AdresSoort.VERBLIJF})
#: CS089: a Dutch postcode.
DUTCH_POSTCODE = re.compile(r"[1-9][0-9]{3}[a-zA-Z]{2}")
#: TR302: RedenWijziging values that, with Einddatum = Ingangsdatum, mean "deleted".
DELETED = frozenset({RedenWijziging.VERWIJDERD, RedenWijziging.ADMINISTRATIEVE_CORRECTIE_OUD})
NL = "NL"


# -- helpers ---------------------------------------------------------------------------------


def dagtekening(message: Message) -> date:
    """The Header's BerichtIdentificatie/Dagtekening."""
    day: date = cast(Any, message).header.bericht_identificatie.dagtekening
    return day


def years_before(day: date, years: int) -> date | None:
    """``day`` minus calendar ``years`` (29 February becomes 28 February); ``None`` before 1 AD."""
    year = day.year - years
    if year < 1:
        return None
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def after_legacy(end: date | None) -> bool:
    """The end date is after 2020-12-31 or empty (BRIEF 7.9)."""
    return end is None or end > LEGACY_END


class Line(NamedTuple):
    """A product line of a 301, 315 or 317 as the product conditions see it."""

    loc: Loc
    #: The class has a Product element (not a TeWijzigenProduct).
    has_product: bool
    product: Product | None
    begin: date
    end: date | None
    #: The name of the end date's field, for the hit's location.
    end_field: str
    omvang: Omvang | None
    budget: int | None

    @property
    def code(self) -> str | None:
        return self.product.code if self.product is not None else None


_LAST: tuple[object, tuple[Line, ...]] = (None, ())


def product_lines(message: Message) -> tuple[Line, ...]:
    """The ToegewezenProducten, AangevraagdeProducten, NieuweProducten and TeWijzigenProducten.

    Built once per message: the last message asked about is remembered by
    identity, so the rules that run one after another on it share the lines.
    """
    global _LAST
    last = _LAST
    if last[0] is message:
        return last[1]
    lines = tuple(_build_lines(message))
    _LAST = (message, lines)
    return lines


def _build_lines(message: Message) -> Iterator[Line]:
    kind = message.message_type
    client: Any = getattr(message, "client", None)
    if kind == "JW301":
        for i, p in enumerate(client.toegewezen_producten):
            yield Line(("client", "toegewezen_producten", i), True, p.product, p.ingangsdatum,
                       p.einddatum, "einddatum", p.omvang, p.budget)
    elif kind == "JW315":
        for i, a in enumerate(client.aangevraagde_producten):
            yield Line(("client", "aangevraagde_producten", i), True, a.product,
                       a.toewijzing_ingangsdatum, a.toewijzing_einddatum, "toewijzing_einddatum",
                       a.omvang, a.budget)
    elif kind == "JW317":
        verzoek = client.verzoek
        for i, n in enumerate(verzoek.nieuwe_producten):
            yield Line(("client", "verzoek", "nieuwe_producten", i), True, n.product,
                       n.gewenste_ingangsdatum, n.einddatum, "einddatum", n.omvang, n.budget)
        for i, t in enumerate(verzoek.te_wijzigen_producten):
            yield Line(("client", "verzoek", "te_wijzigen_producten", i), False, None,
                       t.gewenste_ingangsdatum, t.einddatum, "einddatum", t.omvang, t.budget)


def birth_dates(message: Message) -> Iterator[tuple[Loc, Geboortedatum]]:
    """The client's Geboortedatum and, in a 301, each Relatie's."""
    client: Any = message.client  # type: ignore[attr-defined]
    yield ("client", "geboortedatum"), client.geboortedatum
    if message.message_type == "JW301":
        for i, relatie in enumerate(client.relaties):
            if relatie.geboortedatum is not None:
                yield ("client", "relaties", i, "geboortedatum"), relatie.geboortedatum


def contacts(message: Message) -> Iterator[tuple[Loc, Any]]:
    """Every Contact of a 301: under Contactgegevens, then each Relatie's."""
    client: Any = message.client  # type: ignore[attr-defined]
    for i, contact in enumerate(client.contactgegevens):
        yield ("client", "contactgegevens", i), contact
    for i, relatie in enumerate(client.relaties):
        yield ("client", "relaties", i, "contact"), relatie.contact


def overlaps(a_begin: date, a_end: date | None, b_begin: date, b_end: date | None) -> bool:
    """Two periods (last day included, no end: open) share at least one day."""
    return (b_end is None or a_begin <= b_end) and (a_end is None or b_begin <= a_end)


def same_product(a: Product | None, b: Product | None) -> bool:
    """Whether two lines count as the same product for TR302, TR386 and TR410.

    Reading of the rules' toelichting: at the coarsest level either line gives.
    Without a Product (generiek) a line is the same as any other; without a Code
    the lines compare on Categorie; with both Codes on Categorie and Code.
    """
    if a is None or b is None:
        return True
    if a.categorie != b.categorie:
        return False
    return a.code is None or b.code is None or a.code == b.code


def overlapping(lines: Sequence[tuple[Loc, Product | None, date, date | None]]) -> Iterator[Loc]:
    """The location of every line that overlaps an earlier line of the same product."""
    for j in range(1, len(lines)):
        _, product, begin, end = lines[j]
        for i in range(j):
            other = lines[i]
            if same_product(product, other[1]) and overlaps(begin, end, other[2], other[3]):
                yield lines[j][0]
                break


# -- the fused pre-check ---------------------------------------------------------------------


def _plain_birth(born: Geboortedatum, oldest: date | None, day: date) -> bool:
    """A known birth date, not too old (TR002), not after the Dagtekening (TR134)."""
    return (born.datum_gebruik is None and (oldest is None or born.datum >= oldest)
            and born.datum <= day)


def _plain_line(product: Product | None, omvang: Omvang | None, budget: int | None,
                end: date | None, has_product: bool = True) -> bool:
    """A product line that passes CD041, CD075-CD080, CD095, CD096, CS338 and CS343."""
    coded = product is not None and product.code is not None
    if budget is not None:  # CD075, CD077/CD078: a budget, an end and no Omvang; CD041
        return end is not None and omvang is None and not coded
    if omvang is None:  # CD041 (a Code needs an Omvang), CD079 (no Budget needs a Product)
        return not has_product or (product is not None and not coded)
    if has_product and (product is None or product.code is None):  # CD080, CD095, CD096
        return False
    if omvang.frequentie is Frequentie.PER_WEEK and end is None:  # CD076
        return False
    return omvang.eenheid not in NOT_PER_DAY or omvang.frequentie in PER_PERIOD  # CS338


def _clean_301(message: Any) -> bool:
    client, day = message.client, dagtekening(message)
    naam = client.naam
    if (client.relaties or client.communicatie is not None or naam.partnernaam is not None
            or naam.naam_gebruik is not NaamGebruik.EIGEN
            or not _plain_birth(client.geboortedatum, years_before(day, MAX_AGE_YEARS), day)):
        return False
    soorten: set[AdresSoort] = set()
    for contact in client.contactgegevens:  # TR006, TR061, TR101, CD005-CD034, CS089, CD009
        adres = contact.adres
        if (contact.periode is not None or adres is None or adres.huis is None
                or adres.postcode is None or adres.land_code != NL or contact.soort in soorten
                or DUTCH_POSTCODE.fullmatch(adres.postcode) is None):
            return False
        soorten.add(contact.soort)
    products = client.toegewezen_producten
    if soorten.isdisjoint(MAIN_ADDRESS) or len(products) != 1:  # TR061; TR101, TR302
        return False
    p = products[0]
    return p.toewijzingsdatum <= day and _plain_line(p.product, p.omvang, p.budget, p.einddatum)


def _clean_315(message: Any) -> bool:
    client, day = message.client, dagtekening(message)
    lines = client.aangevraagde_producten
    if (len(lines) != 1  # TR386
            or not _plain_birth(client.geboortedatum, years_before(day, MAX_AGE_YEARS), day)):
        return False
    a = lines[0]
    v = a.verwijzer
    agb = v.zorgverlener_code is not None
    if v.type in WITH_AGB:  # CD066, CD067
        if agb == (v.naam is not None):
            return False
    elif agb:  # CD068
        return False
    return ((a.beschikking_nummer is None) == (a.beschikking_ingangsdatum is None)  # CD043
            and _plain_line(a.product, a.omvang, a.budget, a.toewijzing_einddatum))


def _clean_317(message: Any) -> bool:
    verzoek, day = message.client.verzoek, dagtekening(message)
    ongewijzigd, te_wijzigen, nieuw = (verzoek.ongewijzigde_producten,
                                       verzoek.te_wijzigen_producten, verzoek.nieuwe_producten)
    if ((not ongewijzigd and not te_wijzigen) or (not te_wijzigen and not nieuw)  # TR352/3
            or len(nieuw) > 1  # TR101, TR410
            or len({o.toewijzing_nummer for o in ongewijzigd}) != len(ongewijzigd)
            or len({t.toewijzing_nummer for t in te_wijzigen}) != len(te_wijzigen)):
        return False
    for n in nieuw:  # TR380 and the product conditions
        if n.gewenste_ingangsdatum <= day or not _plain_line(n.product, n.omvang, n.budget,
                                                             n.einddatum):
            return False
    return all(_plain_line(None, t.omvang, t.budget, t.einddatum, has_product=False)
               for t in te_wijzigen)


def _clean_care(message: Any) -> bool:
    """305, 307: TR002, CS139, TR101 (one line) and TR134."""
    client, day = message.client, dagtekening(message)
    stop = message.message_type == "JW307"
    lines = client.stop_producten if stop else client.start_producten
    if len(lines) != 1 or lines[0].begindatum > day or (stop and lines[0].einddatum > day):
        return False
    return _plain_birth(client.geboortedatum, years_before(day, MAX_AGE_YEARS), day)


_CLEAN_CHECKS: dict[str, Callable[[Any], bool]] = {
    "JW301": _clean_301, "JW305": _clean_care, "JW307": _clean_care, "JW315": _clean_315,
    "JW317": _clean_317,
}
_VERDICT: tuple[object, bool] = (None, False)


def is_clean(message: Message) -> bool:
    """True only if no rule wrapped with :func:`fast` can find anything in ``message``.

    One pass over a 301, 305, 307, 315 or 317; ``False`` for other messages and
    whenever the message is unusual enough that the rules themselves should
    look. The verdict on the last message is remembered by identity.
    """
    global _VERDICT
    verdict = _VERDICT
    if verdict[0] is message:
        return verdict[1]
    check = _CLEAN_CHECKS.get(message.message_type)
    clean = check is not None and check(message)
    _VERDICT = (message, clean)
    return clean


RuleFunction = Callable[..., Iterator[Hit]]


def fast(func: RuleFunction) -> Callable[..., Iterator[Hit] | tuple[()]]:
    """Wrap a level-2 rule so that it answers nothing at once for a clean message.

    Clean is :func:`is_clean`'s verdict.

    The wrapper keeps the rule's name and docstring; ``__wrapped__`` is the rule itself.
    """
    @functools.wraps(func)
    def checked(message: Message, *args: Any) -> Iterator[Hit] | tuple[()]:
        verdict = _VERDICT
        if verdict[1] if verdict[0] is message else is_clean(message):
            return ()
        return func(message, *args)

    return checked



# -- birth dates -----------------------------------------------------------------------------


@rule("TR002", REJECT, Level.CONTENT, WITH_BIRTH_DATE)
@fast
def tr002_not_older_than_120(message: Message) -> Iterator[Hit]:
    """A Geboortedatum lies at most 120 years before the Dagtekening, unless it is unknown.

    Unknown is DatumGebruik 3 with Datum 1900-01-01. Applied to the client and,
    in a 301, to each Relatie (the informatiemodel names both). Reading: calendar
    years, exactly 120 years is still allowed, and a Geboortedatum after the
    Dagtekening is TR134's, not this rule's.
    """
    oldest = years_before(dagtekening(message), MAX_AGE_YEARS)
    if oldest is None:
        return
    for loc, born in birth_dates(message):
        if born.datum < oldest and not (
                born.datum_gebruik is DatumGebruik.ONBEKEND and born.datum == UNKNOWN_BIRTH):
            yield Hit((*loc, "datum"), "Geboortedatum lies more than 120 years before Dagtekening")


def birth_date_consistent(born: Geboortedatum) -> bool:
    """CS139: the Datum fills the unknown parts as 01 (day, month) and 1900 (year)."""
    use, day = born.datum_gebruik, born.datum
    if use is None:
        return True
    if use is DatumGebruik.ONBEKEND:
        return day == UNKNOWN_BIRTH
    if use is DatumGebruik.DAG_EN_MAAND_ONBEKEND:
        return day.month == 1 and day.day == 1
    return day.day == 1


@rule("CS139", REJECT, Level.CONTENT, WITH_BIRTH_DATE)
@fast
def cs139_datum_gebruik_matches(message: Message) -> Iterator[Hit]:
    """A Geboortedatum's DatumGebruik and Datum agree.

    DatumGebruik 3 needs Datum 1900-01-01, 2 the first of January, 1 the first
    of a month (IV009). Without DatumGebruik the date is known and any Datum
    agrees. Client and, in a 301, Relatie.
    """
    for loc, born in birth_dates(message):
        if not birth_date_consistent(born):
            yield Hit((*loc, "datum_gebruik"), "DatumGebruik does not agree with Datum")


# -- the client and its contacts (301) ---------------------------------------------------------


@rule("CS318", REJECT, Level.CONTENT, ("JW301",))
@fast
def cs318_client_is_a_person(message: Message) -> Iterator[Hit]:
    """The client's NaamGebruik is not 6 (niet-natuurlijk persoon)."""
    naam = message.client.naam  # type: ignore[attr-defined]
    if naam.naam_gebruik is NaamGebruik.NIET_NATUURLIJK_PERSOON:
        yield Hit(("client", "naam", "naam_gebruik"), "the client's NaamGebruik may not be 6")


_WITH_PARTNER = frozenset({NaamGebruik.EIGEN, NaamGebruik.PARTNER, NaamGebruik.PARTNER_EIGEN,
                           NaamGebruik.EIGEN_PARTNER})
_WITHOUT_PARTNER = frozenset({NaamGebruik.EIGEN, NaamGebruik.NIET_NATUURLIJK_PERSOON})


@rule("CS050", REJECT, Level.CONTENT, ("JW301",))
@fast
def cs050_naam_gebruik_fits_partnernaam(message: Message) -> Iterator[Hit]:
    """With a Partnernaam, NaamGebruik is 1-4; without one, 1 or 6.

    Client and every Relatie. So 5 (pseudoniem) never fits; CS318 forbids 6 for
    the client on its own.
    """
    client: Any = message.client  # type: ignore[attr-defined]
    names: list[tuple[Loc, Any]] = [(("client", "naam"), client.naam)]
    names += [(("client", "relaties", i, "naam"), r.naam) for i, r in enumerate(client.relaties)]
    for loc, naam in names:
        allowed = _WITH_PARTNER if naam.partnernaam is not None else _WITHOUT_PARTNER
        if naam.naam_gebruik not in allowed:
            yield Hit((*loc, "naam_gebruik"), "NaamGebruik does not fit the Partnernaam")


@rule("CD007", REJECT, Level.CONTENT, ("JW301",))
@fast
def cd007_taal_iff_tolk_taal(message: Message) -> Iterator[Hit]:
    """Communicatie has a Taal exactly when its Vorm is 1 (tolk taal)."""
    communicatie = message.client.communicatie  # type: ignore[attr-defined]
    if communicatie is None:
        return
    tolk = communicatie.vorm is Communicatievorm.TOLK_TAAL
    if tolk and communicatie.taal is None:
        yield Hit(("client", "communicatie", "vorm"), "Vorm 1 (tolk taal) needs a Taal")
    elif not tolk and communicatie.taal is not None:
        yield Hit(("client", "communicatie", "taal"), "a Taal only with Vorm 1 (tolk taal)")


@rule("TR061", REJECT, Level.CONTENT, ("JW301",))
@fast
def tr061_client_has_a_main_address(message: Message) -> Iterator[Hit]:
    """The client has a Contact with Soort 01 (BRP), 02 (correspondentie) or 03 (verblijf).

    Reading: the client's own Contactgegevens; a Relatie's contact does not count.
    """
    found = message.client.contactgegevens  # type: ignore[attr-defined]
    if not any(c.soort in MAIN_ADDRESS for c in found):
        yield Hit(("client", "contactgegevens"), "no Contact with Soort 01, 02 or 03")


@rule("TR006", REJECT, Level.CONTENT, ("JW301",))
@fast
def tr006_contact_is_reachable(message: Message) -> Iterator[Hit]:
    """Each Contact has a Telefoon, or an Adres with both Huis and Postcode (or all three).

    Every Contact class: the client's and each Relatie's.
    """
    for loc, contact in contacts(message):
        if contact.telefoon is not None:
            continue
        adres = contact.adres
        if adres is None or adres.huis is None or adres.postcode is None:
            yield Hit(loc, "Contact needs a Telefoon or an Adres with Huis and Postcode")


@rule("CD005", REJECT, Level.CONTENT, ("JW301",))
@fast
def cd005_landcode_iff_postcode(message: Message) -> Iterator[Hit]:
    """An Adres has a LandCode exactly when it has a Postcode."""
    for loc, contact in contacts(message):
        adres = contact.adres
        if adres is None:
            continue
        if adres.postcode is not None and adres.land_code is None:
            yield Hit((*loc, "adres", "postcode"), "a Postcode needs a LandCode")
        elif adres.postcode is None and adres.land_code is not None:
            yield Hit((*loc, "adres", "land_code"), "a LandCode only with a Postcode")


@rule("CD025", REJECT, Level.CONTENT, ("JW301",))
@fast
def cd025_dutch_address_has_huis(message: Message) -> Iterator[Hit]:
    """An Adres with LandCode NL has a Huis."""
    for loc, contact in contacts(message):
        adres = contact.adres
        if adres is not None and adres.land_code == NL and adres.huis is None:
            yield Hit((*loc, "adres", "land_code"), "LandCode NL needs a Huis")


@rule("CD034", REJECT, Level.CONTENT, ("JW301",))
@fast
def cd034_postcode_for_brp_and_verblijf(message: Message) -> Iterator[Hit]:
    """A Contact with Soort 01 (BRP) or 03 (verblijf) has an Adres with a Postcode."""
    for loc, contact in contacts(message):
        if contact.soort in NEEDS_POSTCODE and (
                contact.adres is None or contact.adres.postcode is None):
            yield Hit((*loc, "soort"), "Soort 01 and 03 need an Adres with a Postcode")


@rule("CS089", REJECT, Level.CONTENT, ("JW301",))
@fast
def cs089_dutch_postcode(message: Message) -> Iterator[Hit]:
    """With LandCode NL the Postcode has the Dutch form: four digits (no leading 0), two letters."""
    for loc, contact in contacts(message):
        adres = contact.adres
        if (adres is not None and adres.land_code == NL and adres.postcode is not None
                and DUTCH_POSTCODE.fullmatch(adres.postcode) is None):
            yield Hit((*loc, "adres", "postcode"), "not a Dutch postcode")


@rule("CD009", REJECT, Level.CONTENT, ("JW301",))
@fast
def cd009_periode_only_for_tijdelijk(message: Message) -> Iterator[Hit]:
    """Only a Contact with Soort 04 (tijdelijk verblijf) has a Periode."""
    for loc, contact in contacts(message):
        if contact.periode is not None and contact.soort is not AdresSoort.TIJDELIJK_VERBLIJF:
            yield Hit((*loc, "periode"), "a Periode only with Soort 04")


# -- toewijzing and verzoek lines: Omvang, Budget, Einddatum, Product -----------------------------


@rule("CD041", REJECT, Level.CONTENT, WITH_PRODUCTS)
@fast
def cd041_omvang_with_code(message: Message) -> Iterator[Hit]:
    """A line whose Product has a Code has an Omvang.

    ToegewezenProduct, AangevraagdProduct and NieuwProduct (a TeWijzigenProduct
    has no Product; TR411 judges its Omvang against the toewijzing).
    """
    for line in product_lines(message):
        if line.code is not None and line.omvang is None:
            yield Hit((*line.loc, "product"), "a product with a Code needs an Omvang")


@rule("CD075", REJECT, Level.CONTENT, WITH_PRODUCTS)
@fast
def cd075_einddatum_with_budget(message: Message) -> Iterator[Hit]:
    """A line with a Budget has an Einddatum (ToewijzingEinddatum in a 315).

    Also a TeWijzigenProduct: its desired Budget needs its desired Einddatum.
    """
    for line in product_lines(message):
        if line.budget is not None and line.end is None:
            yield Hit((*line.loc, "budget"), "a Budget needs an Einddatum")


@rule("CD076", REJECT, Level.CONTENT, WITH_PRODUCTS)
@fast
def cd076_einddatum_per_week(message: Message) -> Iterator[Hit]:
    """A line with Frequentie 2 (per week) has an Einddatum (ToewijzingEinddatum in a 315)."""
    for line in product_lines(message):
        if (line.omvang is not None and line.omvang.frequentie is Frequentie.PER_WEEK
                and line.end is None):
            yield Hit((*line.loc, "omvang", "frequentie"), "Frequentie 2 needs an Einddatum")


@rule("CD077", REJECT, Level.CONTENT, WITH_PRODUCTS)
@fast
def cd077_no_omvang_with_budget(message: Message) -> Iterator[Hit]:
    """A line with a Budget has no Omvang.

    The same condition as CD078 seen from the Omvang: a line with both breaks both.
    """
    for line in product_lines(message):
        if line.budget is not None and line.omvang is not None:
            yield Hit((*line.loc, "omvang"), "no Omvang with a Budget")


@rule("CD078", REJECT, Level.CONTENT, WITH_PRODUCTS)
@fast
def cd078_no_budget_with_omvang(message: Message) -> Iterator[Hit]:
    """A line with an Omvang has no Budget (CD077 seen from the Budget)."""
    for line in product_lines(message):
        if line.omvang is not None and line.budget is not None:
            yield Hit((*line.loc, "budget"), "no Budget with an Omvang")


@rule("CD079", REJECT, Level.CONTENT, WITH_PRODUCTS)
@fast
def cd079_product_without_budget(message: Message) -> Iterator[Hit]:
    """A line without a Budget has a Product (only a budget may be generiek).

    ToegewezenProduct, AangevraagdProduct and NieuwProduct.
    """
    for line in product_lines(message):
        if line.has_product and line.product is None and line.budget is None:
            yield Hit(line.loc, "a line without a Budget needs a Product")


def _omvang_without_code(message: Message) -> Iterator[Hit]:
    """CD080, CD095, CD096: no Omvang without a Code, unless the line ended by 2020-12-31."""
    for line in product_lines(message):
        if (line.has_product and line.code is None and line.omvang is not None
                and after_legacy(line.end)):
            yield Hit((*line.loc, "omvang"), "no Omvang without a product Code "
                      "(unless the line ended by 2020-12-31)")


@rule("CD080", REJECT, Level.CONTENT, ("JW301",))
@fast
def cd080_no_omvang_without_code(message: Message) -> Iterator[Hit]:
    """A ToegewezenProduct without a Code has no Omvang, unless its Einddatum is by 2020-12-31.

    "Without a Code" includes a ToegewezenProduct without Product (generiek).
    """
    return _omvang_without_code(message)


@rule("CD095", REJECT, Level.CONTENT, ("JW315",))
@fast
def cd095_no_omvang_without_code(message: Message) -> Iterator[Hit]:
    """An AangevraagdProduct without a Code has no Omvang, unless its ToewijzingEinddatum is by
    2020-12-31 (as CD080)."""
    return _omvang_without_code(message)


@rule("CD096", REJECT, Level.CONTENT, ("JW317",))
@fast
def cd096_no_omvang_without_code(message: Message) -> Iterator[Hit]:
    """A NieuwProduct without a Code has no Omvang, unless its Einddatum is by 2020-12-31
    (as CD080)."""
    return _omvang_without_code(message)


def _not_per_day(message: Message) -> Iterator[Hit]:
    """CS338, CS343: Eenheid 14/16/83/84 after 2020-12-31 has Frequentie 2, 4 or 6."""
    for line in product_lines(message):
        omvang = line.omvang
        if (omvang is not None and omvang.eenheid in NOT_PER_DAY
                and omvang.frequentie not in PER_PERIOD and after_legacy(line.end)):
            yield Hit((*line.loc, "omvang", "frequentie"),
                      "this Eenheid needs Frequentie 2, 4 or 6")


@rule("CS338", REJECT, Level.CONTENT, ("JW301", "JW317"))
@fast
def cs338_no_per_day(message: Message) -> Iterator[Hit]:
    """With Eenheid 14, 16, 83 or 84 and an Einddatum after 2020-12-31 or none, the Frequentie
    is 2, 4 or 6.

    ToegewezenProduct, NieuwProduct and TeWijzigenProduct, each on its own Einddatum.
    """
    return _not_per_day(message)


@rule("CS343", REJECT, Level.CONTENT, ("JW315",))
@fast
def cs343_no_per_day(message: Message) -> Iterator[Hit]:
    """As CS338, for an AangevraagdProduct on its ToewijzingEinddatum."""
    return _not_per_day(message)


def _product_overlaps(message: Message) -> Iterator[Hit]:
    """TR386, TR410: a product occurs twice only with periods that do not overlap."""
    found = [(line.loc, line.product, line.begin, line.end)
             for line in product_lines(message) if line.has_product]
    for loc in overlapping(found):
        yield Hit(loc, "the same product with an overlapping period")


@rule("TR302", REJECT, Level.CONTENT, ("JW301",))
@fast
def tr302_no_overlapping_toewijzingen(message: Message) -> Iterator[Hit]:
    """The same product occurs more than once in a 301 only with periods that do not overlap.

    Deleted toewijzingen (Einddatum = Ingangsdatum with RedenWijziging 13, or
    the obsolete 01) do not count. "The same product": see :func:`same_product`.
    The later line of an overlapping pair is reported.
    """
    client: Any = message.client  # type: ignore[attr-defined]
    found = [(("client", "toegewezen_producten", i), p.product, p.ingangsdatum, p.einddatum)
             for i, p in enumerate(client.toegewezen_producten)
             if not (p.einddatum == p.ingangsdatum and p.reden_wijziging in DELETED)]
    for loc in overlapping(found):
        yield Hit(loc, "the same product is toegewezen twice for an overlapping period")


@rule("TR386", REJECT, Level.CONTENT, ("JW315",))
@fast
def tr386_no_overlapping_requests(message: Message) -> Iterator[Hit]:
    """The same product is requested more than once only for periods that do not overlap.

    Periods run from ToewijzingIngangsdatum to ToewijzingEinddatum (none: open).
    "The same product": see :func:`same_product`; the later request is reported.
    """
    return _product_overlaps(message)


@rule("TR410", REJECT, Level.CONTENT, ("JW317",))
@fast
def tr410_no_overlapping_new_products(message: Message) -> Iterator[Hit]:
    """The same product occurs in more than one NieuwProduct only with periods that do not overlap.

    Periods run from GewensteIngangsdatum to Einddatum (none: open); only the
    NieuwProducten are compared with each other (the rest is TR361's, level 3).
    """
    return _product_overlaps(message)


# -- the 315's beschikking and verwijzer -------------------------------------------------------


@rule("CD043", REJECT, Level.CONTENT, ("JW315",))
@fast
def cd043_beschikking_date_iff_number(message: Message) -> Iterator[Hit]:
    """An AangevraagdProduct has a BeschikkingIngangsdatum exactly with a BeschikkingNummer."""
    for i, a in enumerate(message.client.aangevraagde_producten):  # type: ignore[attr-defined]
        loc = ("client", "aangevraagde_producten", i)
        if a.beschikking_nummer is not None and a.beschikking_ingangsdatum is None:
            yield Hit((*loc, "beschikking_nummer"), "a BeschikkingNummer needs its Ingangsdatum")
        elif a.beschikking_nummer is None and a.beschikking_ingangsdatum is not None:
            yield Hit((*loc, "beschikking_ingangsdatum"),
                      "a BeschikkingIngangsdatum only with a BeschikkingNummer")


def _verwijzers(message: Message) -> Iterator[tuple[Loc, Any]]:
    for i, a in enumerate(message.client.aangevraagde_producten):  # type: ignore[attr-defined]
        yield ("client", "aangevraagde_producten", i, "verwijzer"), a.verwijzer


@rule("CD066", REJECT, Level.CONTENT, ("JW315",))
@fast
def cd066_no_naam_with_agb(message: Message) -> Iterator[Hit]:
    """A Verwijzer of type 02-05 with a ZorgverlenerCode has no Naam."""
    for loc, v in _verwijzers(message):
        if v.type in WITH_AGB and v.zorgverlener_code is not None and v.naam is not None:
            yield Hit((*loc, "naam"), "no Naam with a ZorgverlenerCode")


@rule("CD067", REJECT, Level.CONTENT, ("JW315",))
@fast
def cd067_naam_without_agb(message: Message) -> Iterator[Hit]:
    """A Verwijzer of type 02-05 without a ZorgverlenerCode has a Naam."""
    for loc, v in _verwijzers(message):
        if v.type in WITH_AGB and v.zorgverlener_code is None and v.naam is None:
            yield Hit((*loc, "type"), "a Naam is required without a ZorgverlenerCode")


@rule("CD068", REJECT, Level.CONTENT, ("JW315",))
@fast
def cd068_agb_only_for_zorgverleners(message: Message) -> Iterator[Hit]:
    """Only a Verwijzer of type 02-05 has a ZorgverlenerCode.

    A Naam is not restricted for the other types (type 01 with a Naam is fine).
    """
    for loc, v in _verwijzers(message):
        if v.type not in WITH_AGB and v.zorgverlener_code is not None:
            yield Hit((*loc, "zorgverlener_code"), "a ZorgverlenerCode only for types 02-05")


# -- the 317's verzoek ---------------------------------------------------------------------------


@rule("TR352", REJECT, Level.CONTENT, ("JW317",))
@fast
def tr352_something_to_keep_or_change(message: Message) -> Iterator[Hit]:
    """A verzoek om wijziging has at least one OngewijzigdProduct or TeWijzigenProduct."""
    verzoek = message.client.verzoek  # type: ignore[attr-defined]
    if not verzoek.ongewijzigde_producten and not verzoek.te_wijzigen_producten:
        yield Hit(("client", "verzoek"), "no OngewijzigdProduct or TeWijzigenProduct")


@rule("TR353", REJECT, Level.CONTENT, ("JW317",))
@fast
def tr353_something_to_change(message: Message) -> Iterator[Hit]:
    """A verzoek om wijziging has at least one TeWijzigenProduct or NieuwProduct."""
    verzoek = message.client.verzoek  # type: ignore[attr-defined]
    if not verzoek.te_wijzigen_producten and not verzoek.nieuwe_producten:
        yield Hit(("client", "verzoek"), "no TeWijzigenProduct or NieuwProduct")


@rule("TR380", REJECT, Level.CONTENT, ("JW317",))
@fast
def tr380_new_product_starts_later(message: Message) -> Iterator[Hit]:
    """A NieuwProduct's GewensteIngangsdatum lies after the Dagtekening.

    Reading: the rule names no element; it sits on NieuwProduct, since a
    TeWijzigenProduct may start in the past (TR357: then on the original
    Ingangsdatum). "After" is strict: the Dagtekening itself is too early.
    """
    day = dagtekening(message)
    for i, n in enumerate(message.client.verzoek.nieuwe_producten):  # type: ignore[attr-defined]
        if n.gewenste_ingangsdatum <= day:
            yield Hit(("client", "verzoek", "nieuwe_producten", i, "gewenste_ingangsdatum"),
                      "GewensteIngangsdatum must lie after the Dagtekening")


__all__ = ["Line", "after_legacy", "birth_date_consistent", "birth_dates", "contacts",
           "dagtekening", "fast", "is_clean", "overlapping", "overlaps", "product_lines",
           "same_product", "years_before"]
