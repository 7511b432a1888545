"""JW323 Declaratie and its answer JW325 Declaratie-antwoord.

A 325 is not a retour (IV028): it has a header of its own, names the 323 by its
BerichtIdentificatie and XsdVersie, and lists only the rejected prestaties, so it
can accept a declaratie in part.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ijw.messages.base import Message, Party, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import Eenheid, ProductCategorie
from ijw.messages.r3_2.common import (
    BedragMetDC,
    ClassRetourCodes,
    DeclaratieAntwoordHeader,
    GeslotenPeriode,
    HeaderVanAanbieder,
    Referentie,
    TotaalBedragMetDC,
)
from ijw.messages.r3_2.types import (
    Bedrag,
    Bsn,
    Datum,
    DeclaratieNummer,
    IdentificatieDeclaratie,
    Nummer,
    ProductCode,
    Volume,
)

NAMESPACE_323 = "http://www.istandaarden.nl/ijw/3_2/jw323/schema"
NAMESPACE_325 = "http://www.istandaarden.nl/ijw/3_2/jw325/schema"


class Prestatie(XmlModel):
    """One declared delivery under a toewijzing; key: ProductReferentie's ReferentieNummer."""

    product_referentie: Referentie
    toewijzing_nummer: Nummer
    product_categorie: ProductCategorie
    product_code: ProductCode
    product_periode: GeslotenPeriode
    geleverd_volume: Volume
    eenheid: Eenheid
    product_tarief: Bedrag | None = None
    ingediend_bedrag: BedragMetDC


class Client(XmlModel):
    """A client of a 323 (only the BSN) with its prestaties."""

    bsn: Bsn
    prestaties: Annotated[tuple[Prestatie, ...], Wrapped("Prestatie"), Field(min_length=1)]


class Declaratie(XmlModel):
    """The declaratie of one period; ``declaratie_nummer`` is its key per aanbieder."""

    declaratie_nummer: DeclaratieNummer
    declaratie_periode: GeslotenPeriode
    declaratie_dagtekening: Datum
    totaal_ingediend_bedrag: TotaalBedragMetDC
    clienten: Annotated[tuple[Client, ...], Wrapped("Client"), Field(min_length=1)]


class Jw323(Message):
    """JW323 Declaratie (aanbieder to gemeente)."""

    message_type = "JW323"
    code = "490"
    namespace = NAMESPACE_323
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 5
    carries_bsn = True
    answer_type = "JW325"

    header: HeaderVanAanbieder
    declaratie: Declaratie


class PrestatieAntwoord(Prestatie):
    """A rejected Prestatie echoed in a 325, with its retourcodes."""

    retour_codes: ClassRetourCodes


class ClientAntwoord(Client):
    """A client with rejected prestaties echoed in a 325, with its retourcodes."""

    prestaties: Annotated[
        tuple[PrestatieAntwoord, ...], Wrapped("Prestatie"), Field(min_length=1)
    ]
    retour_codes: ClassRetourCodes


class DeclaratieAntwoord(XmlModel):
    """The answer to a declaratie: what was declared, what is granted, what is rejected."""

    declaratie_nummer: IdentificatieDeclaratie
    totaal_ingediend_bedrag: TotaalBedragMetDC
    totaal_toegekend_bedrag: TotaalBedragMetDC
    clienten: Annotated[tuple[ClientAntwoord, ...], Wrapped("Client")] = ()
    retour_codes: ClassRetourCodes


class Jw325(Message):
    """JW325 Declaratie-antwoord (gemeente to aanbieder)."""

    message_type = "JW325"
    code = "491"
    namespace = NAMESPACE_325
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = None
    carries_bsn = True
    answer_of = "JW323"

    header: DeclaratieAntwoordHeader
    declaratie_antwoord: DeclaratieAntwoord | None = None
