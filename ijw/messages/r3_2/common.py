"""Complex types of the iJw 3.2 basisschema (``CDT_*``) and the message headers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ijw.messages.base import BaseType, HeaderModel, Party, Wrapped
from ijw.messages.r3_2.codelists import (
    AanduidingWoonadres,
    Communicatievorm,
    DatumGebruik,
    DebetCredit,
    Eenheid,
    Frequentie,
    NaamGebruik,
    ProductCategorie,
    RetourCode,
    TypeVerwijzer,
)
from ijw.messages.r3_2.types import (
    AgbCode,
    Bedrag,
    BerichtCode,
    BerichtSubversie,
    BerichtVersie,
    Datum,
    Gemeente,
    Huisletter,
    Huisnummer,
    HuisnummerToevoeging,
    IdentificatieBericht,
    LandCode,
    Landnummer,
    Naam,
    NaamVerwijzer,
    Plaatsnaam,
    Postcode,
    ProductCode,
    ReferentieNummer,
    Straatnaam,
    Taal,
    Telefoonnummer,
    TotaalBedrag,
    Versie,
    Volume,
    Voorletters,
    Voorvoegsel,
)


class BerichtIdentificatie(BaseType):
    """CDT_BerichtIdentificatie."""

    identificatie: IdentificatieBericht
    dagtekening: Datum


class XsdVersie(BaseType):
    """CDT_XsdVersie."""

    xml_shared = True

    basisschema_xsd_versie: Versie
    bericht_xsd_versie: Versie


class Product(BaseType):
    """CDT_Product: a category, and a product code when specific."""

    xml_shared = True

    categorie: ProductCategorie
    code: ProductCode | None = None


class Omvang(BaseType):
    """CDT_Omvang."""

    xml_shared = True

    volume: Volume
    eenheid: Eenheid
    frequentie: Frequentie


class Geboortedatum(BaseType):
    """CDT_Geboortedatum."""

    datum: Datum
    datum_gebruik: DatumGebruik | None = None


class Achternaam(BaseType):
    """CDT_Achternaam."""

    achternaam: Naam
    voorvoegsel: Voorvoegsel | None = None


class VerkorteNaam(BaseType):
    """CDT_VerkorteNaam."""

    geslachtsnaam: Achternaam
    voornamen: Naam | None = None
    voorletters: Voorletters | None = None


class VolledigeNaam(BaseType):
    """CDT_VolledigeNaam."""

    geslachtsnaam: Achternaam
    partnernaam: Achternaam | None = None
    voornamen: Naam | None = None
    voorletters: Voorletters | None = None
    naam_gebruik: NaamGebruik


class Verwijzer(BaseType):
    """CDT_Verwijzer."""

    xml_shared = True

    type: TypeVerwijzer
    naam: NaamVerwijzer | None = None
    zorgverlener_code: AgbCode | None = None


class Huis(BaseType):
    """CDT_Huis."""

    huisnummer: Huisnummer
    huisletter: Huisletter | None = None
    huisnummer_toevoeging: HuisnummerToevoeging | None = None
    aanduiding_woonadres: AanduidingWoonadres | None = None


class Adres(BaseType):
    """CDT_Adres."""

    huis: Huis | None = None
    postcode: Postcode | None = None
    straatnaam: Straatnaam | None = None
    plaatsnaam: Plaatsnaam | None = None
    land_code: LandCode | None = None


class Telefoon(BaseType):
    """CDT_Telefoon."""

    telefoonnummer: Telefoonnummer
    landnummer: Landnummer


class Telefoonnummers(BaseType):
    """CDT_Telefoonnummers."""

    telefoon01: Telefoon
    telefoon02: Telefoon | None = None


class Communicatie(BaseType):
    """CDT_Communicatie."""

    vorm: Communicatievorm
    taal: Taal | None = None


class OpenPeriode(BaseType):
    """CDT_OpenPeriode."""

    begindatum: Datum | None = None
    einddatum: Datum | None = None


class GeslotenPeriode(BaseType):
    """CDT_GeslotenPeriode: a period with both its first and its last day."""

    xml_shared = True

    begindatum: Datum
    einddatum: Datum


class Referentie(BaseType):
    """CDT_Referentie (not LDT_Referentie): a prestatie's number and, for a credit, the debet's."""

    referentie_nummer: ReferentieNummer
    vorig_referentie_nummer: ReferentieNummer | None = None


class BedragMetDC(BaseType):
    """CDT_BedragMetDC: an amount in eurocents, debet or credit."""

    xml_shared = True

    bedrag: Bedrag
    debet_credit: DebetCredit


class TotaalBedragMetDC(BaseType):
    """CDT_TotaalBedragMetDC: a total in eurocents, debet or credit."""

    totaal_bedrag: TotaalBedrag
    debet_credit: DebetCredit


#: Zero or more retourcodes in a ``RetourCodes`` wrapper (empty: element absent).
RetourCodes = Annotated[tuple[RetourCode, ...], Wrapped("RetourCode")]
#: The mandatory ``RetourCodes`` of a class in a retour: one or more codes.
ClassRetourCodes = Annotated[tuple[RetourCode, ...], Wrapped("RetourCode"), Field(min_length=1)]


class _Header(HeaderModel):
    bericht_code: BerichtCode
    bericht_versie: BerichtVersie = 3
    bericht_subversie: BerichtSubversie = 2


class HeaderVanGemeente(_Header):
    """Header of a message the gemeente sends (301, 319) and of their retours."""

    afzender_party = Party.GEMEENTE

    afzender: Gemeente
    ontvanger: AgbCode
    bericht_identificatie: BerichtIdentificatie
    xsd_versie: XsdVersie


class HeaderVanAanbieder(_Header):
    """Header of a message the aanbieder sends (305, 307, 315, 317) and of their retours."""

    afzender_party = Party.AANBIEDER

    afzender: AgbCode
    ontvanger: Gemeente
    bericht_identificatie: BerichtIdentificatie
    xsd_versie: XsdVersie


class RetourHeaderVanGemeente(HeaderVanGemeente):
    """Retour header of 302 and 320: the 301/319 header copied, plus the retour's own fields."""

    identificatie_retour: IdentificatieBericht
    dagtekening_retour: Datum
    xslt_versie: Versie | None = None
    xsd_versie_retour: XsdVersie
    retour_codes: RetourCodes = ()


class RetourHeaderVanAanbieder(HeaderVanAanbieder):
    """Retour header of 306, 308, 316, 318: the heenbericht header copied, plus the retour's own."""

    identificatie_retour: IdentificatieBericht
    dagtekening_retour: Datum
    xslt_versie: Versie | None = None
    xsd_versie_retour: XsdVersie
    retour_codes: RetourCodes = ()


class DeclaratieAntwoordHeader(HeaderVanGemeente):
    """Header of a 325: its own identification, then the 323 it answers and its retourcodes."""

    declaratie_identificatie: BerichtIdentificatie
    xslt_versie: Versie | None = None
    xsd_versie_declaratie: XsdVersie
    retour_codes: ClassRetourCodes
