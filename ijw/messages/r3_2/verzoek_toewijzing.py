"""JW315 Verzoek om toewijzing and its retour JW316."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ijw.messages.base import Message, Party, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import Geslacht, JaNee
from ijw.messages.r3_2.common import (
    ClassRetourCodes,
    Geboortedatum,
    HeaderVanAanbieder,
    Omvang,
    Product,
    RetourHeaderVanAanbieder,
    VerkorteNaam,
    Verwijzer,
)
from ijw.messages.r3_2.types import Bsn, Budget, Commentaar, Datum, Nummer, Referentie

NAMESPACE_315 = "http://www.istandaarden.nl/ijw/3_2/jw315/schema"
NAMESPACE_316 = "http://www.istandaarden.nl/ijw/3_2/jw316/schema"


class AangevraagdProduct(XmlModel):
    """One requested product; ``referentie_aanbieder`` is its key."""

    referentie_aanbieder: Referentie
    beschikking_nummer: Nummer | None = None
    product: Product | None = None
    beschikking_ingangsdatum: Datum | None = None
    toewijzing_ingangsdatum: Datum
    toewijzing_einddatum: Datum | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None
    verwijzer: Verwijzer
    raamcontract: JaNee | None = None
    commentaar: Commentaar | None = None


class Client(XmlModel):
    """The client of a 315 with the requested products."""

    bsn: Bsn
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    naam: VerkorteNaam
    gezagsdrager_bekend: JaNee | None = None
    commentaar: Commentaar | None = None
    aangevraagde_producten: Annotated[
        tuple[AangevraagdProduct, ...], Wrapped("AangevraagdProduct"), Field(min_length=1)
    ]


class Jw315(Message):
    """JW315 Verzoek om toewijzing (aanbieder to gemeente)."""

    message_type = "JW315"
    code = "446"
    namespace = NAMESPACE_315
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 0
    carries_bsn = True
    retour_type = "JW316"

    header: HeaderVanAanbieder
    client: Client


class AangevraagdProductRetour(AangevraagdProduct):
    """An AangevraagdProduct echoed in a 316, with its retourcodes."""

    retour_codes: ClassRetourCodes


class ClientRetour(Client):
    """The client echoed in a 316, with its retourcodes."""

    aangevraagde_producten: Annotated[
        tuple[AangevraagdProductRetour, ...], Wrapped("AangevraagdProduct"), Field(min_length=1)
    ]
    retour_codes: ClassRetourCodes


class Jw316(Message):
    """JW316 Verzoek om toewijzing retour (gemeente to aanbieder)."""

    message_type = "JW316"
    code = "447"
    namespace = NAMESPACE_316
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = None
    carries_bsn = True
    retour_of = "JW315"

    header: RetourHeaderVanAanbieder
    client: ClientRetour | None = None
