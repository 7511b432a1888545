"""JW307 Stop Jeugdhulp and its retour JW308."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ijw.messages.base import Message, Party, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import Geslacht, RedenBeeindiging, StatusAanlevering
from ijw.messages.r3_2.common import (
    ClassRetourCodes,
    Geboortedatum,
    HeaderVanAanbieder,
    Product,
    RetourHeaderVanAanbieder,
    VerkorteNaam,
)
from ijw.messages.r3_2.types import Bsn, Datum, Nummer

NAMESPACE_307 = "http://www.istandaarden.nl/ijw/3_2/jw307/schema"
NAMESPACE_308 = "http://www.istandaarden.nl/ijw/3_2/jw308/schema"


class StopProduct(XmlModel):
    """One stopped delivery; key: the start's key plus RedenBeeindiging and Einddatum."""

    toewijzing_nummer: Nummer | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: Datum | None = None
    begindatum: Datum
    reden_beeindiging: RedenBeeindiging
    einddatum: Datum
    status_aanlevering: StatusAanlevering


class Client(XmlModel):
    """The client of a 307 with the stopped products."""

    bsn: Bsn
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    naam: VerkorteNaam
    stop_producten: Annotated[
        tuple[StopProduct, ...], Wrapped("StopProduct"), Field(min_length=1)
    ]


class Jw307(Message):
    """JW307 Stop Jeugdhulp (aanbieder to gemeente)."""

    message_type = "JW307"
    code = "440"
    namespace = NAMESPACE_307
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 4
    carries_bsn = True
    retour_type = "JW308"

    header: HeaderVanAanbieder
    client: Client


class StopProductRetour(StopProduct):
    """A StopProduct echoed in a 308, with its retourcodes."""

    retour_codes: ClassRetourCodes


class ClientRetour(Client):
    """The client echoed in a 308, with its retourcodes."""

    stop_producten: Annotated[
        tuple[StopProductRetour, ...], Wrapped("StopProduct"), Field(min_length=1)
    ]
    retour_codes: ClassRetourCodes


class Jw308(Message):
    """JW308 Stop Jeugdhulp retour (gemeente to aanbieder)."""

    message_type = "JW308"
    code = "441"
    namespace = NAMESPACE_308
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = None
    carries_bsn = True
    retour_of = "JW307"

    header: RetourHeaderVanAanbieder
    client: ClientRetour | None = None
