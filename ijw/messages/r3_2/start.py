"""JW305 Start Jeugdhulp and its retour JW306."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ijw.messages.base import Message, Party, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import Geslacht, StatusAanlevering
from ijw.messages.r3_2.common import (
    ClassRetourCodes,
    Geboortedatum,
    HeaderVanAanbieder,
    Product,
    RetourHeaderVanAanbieder,
    VerkorteNaam,
)
from ijw.messages.r3_2.types import Bsn, Datum, Nummer

NAMESPACE_305 = "http://www.istandaarden.nl/ijw/3_2/jw305/schema"
NAMESPACE_306 = "http://www.istandaarden.nl/ijw/3_2/jw306/schema"


class StartProduct(XmlModel):
    """One started delivery; key: ToewijzingNummer, Product and Begindatum."""

    toewijzing_nummer: Nummer | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: Datum | None = None
    begindatum: Datum
    status_aanlevering: StatusAanlevering


class Client(XmlModel):
    """The client of a 305 with the started products."""

    bsn: Bsn
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    naam: VerkorteNaam
    start_producten: Annotated[
        tuple[StartProduct, ...], Wrapped("StartProduct"), Field(min_length=1)
    ]


class Jw305(Message):
    """JW305 Start Jeugdhulp (aanbieder to gemeente)."""

    message_type = "JW305"
    code = "438"
    namespace = NAMESPACE_305
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 3
    carries_bsn = True
    retour_type = "JW306"

    header: HeaderVanAanbieder
    client: Client


class StartProductRetour(StartProduct):
    """A StartProduct echoed in a 306, with its retourcodes."""

    retour_codes: ClassRetourCodes


class ClientRetour(Client):
    """The client echoed in a 306, with its retourcodes."""

    start_producten: Annotated[
        tuple[StartProductRetour, ...], Wrapped("StartProduct"), Field(min_length=1)
    ]
    retour_codes: ClassRetourCodes


class Jw306(Message):
    """JW306 Start Jeugdhulp retour (gemeente to aanbieder)."""

    message_type = "JW306"
    code = "439"
    namespace = NAMESPACE_306
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = None
    carries_bsn = True
    retour_of = "JW305"

    header: RetourHeaderVanAanbieder
    client: ClientRetour | None = None
