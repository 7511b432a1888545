"""JW301 Toewijzing Jeugdhulp and its retour JW302."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ijw.messages.base import Message, Party, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import (
    AdresSoort,
    Geslacht,
    JuridischeStatus,
    RedenWijziging,
    SoortRelatie,
    WettelijkeVertegenwoordiging,
)
from ijw.messages.r3_2.common import (
    Adres,
    ClassRetourCodes,
    Communicatie,
    Geboortedatum,
    HeaderVanGemeente,
    Omvang,
    OpenPeriode,
    Product,
    RetourHeaderVanGemeente,
    Telefoonnummers,
    VolledigeNaam,
)
from ijw.messages.r3_2.types import (
    Bsn,
    Budget,
    Commentaar,
    Datum,
    Emailadres,
    Nummer,
    Organisatienaam,
    Persoonsid,
    Referentie,
    RelatieVolgorde,
    Tijd,
)

NAMESPACE_301 = "http://www.istandaarden.nl/ijw/3_2/jw301/schema"
NAMESPACE_302 = "http://www.istandaarden.nl/ijw/3_2/jw302/schema"


class Contact(XmlModel):
    """An address with its contact details; ``soort`` is its key within the client."""

    soort: AdresSoort
    adres: Adres | None = None
    organisatie: Organisatienaam | None = None
    telefoon: Telefoonnummers | None = None
    emailadres: Emailadres | None = None
    periode: OpenPeriode | None = None


class Relatie(XmlModel):
    """A relation of the client; ``nummer`` is its key."""

    nummer: Persoonsid
    volgorde: RelatieVolgorde | None = None
    soort: SoortRelatie
    geboortedatum: Geboortedatum | None = None
    geslacht: Geslacht | None = None
    naam: VolledigeNaam
    contact: Contact


class ToegewezenProduct(XmlModel):
    """One toewijzing; ``toewijzing_nummer`` is its key."""

    toewijzing_nummer: Nummer
    referentie_aanbieder: Referentie | None = None
    product: Product | None = None
    toewijzingsdatum: Datum
    toewijzingstijd: Tijd
    ingangsdatum: Datum
    einddatum: Datum | None = None
    reden_wijziging: RedenWijziging | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None
    commentaar: Commentaar | None = None


class Client(XmlModel):
    """The client of a 301 with relations, contact details and toegewezen products."""

    bsn: Bsn
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    naam: VolledigeNaam
    communicatie: Communicatie | None = None
    juridische_status: JuridischeStatus | None = None
    wettelijke_vertegenwoordiging: WettelijkeVertegenwoordiging | None = None
    commentaar: Commentaar | None = None
    relaties: Annotated[tuple[Relatie, ...], Wrapped("Relatie")] = ()
    contactgegevens: Annotated[tuple[Contact, ...], Wrapped("Contact"), Field(min_length=1)]
    toegewezen_producten: Annotated[
        tuple[ToegewezenProduct, ...], Wrapped("ToegewezenProduct"), Field(min_length=1)
    ]


class Jw301(Message):
    """JW301 Toewijzing Jeugdhulp (gemeente to aanbieder)."""

    message_type = "JW301"
    code = "436"
    namespace = NAMESPACE_301
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = 1
    carries_bsn = True
    retour_type = "JW302"

    header: HeaderVanGemeente
    client: Client


class ContactRetour(Contact):
    """A Contact echoed in a 302 (under Relatie or Contactgegevens), with its retourcodes."""

    retour_codes: ClassRetourCodes


class RelatieRetour(Relatie):
    """A Relatie echoed in a 302, with its retourcodes."""

    contact: ContactRetour
    retour_codes: ClassRetourCodes


class ToegewezenProductRetour(ToegewezenProduct):
    """A ToegewezenProduct echoed in a 302, with its retourcodes."""

    retour_codes: ClassRetourCodes


class ClientRetour(Client):
    """The client echoed in a 302, with its retourcodes."""

    relaties: Annotated[tuple[RelatieRetour, ...], Wrapped("Relatie")] = ()
    contactgegevens: Annotated[
        tuple[ContactRetour, ...], Wrapped("Contact"), Field(min_length=1)
    ]
    toegewezen_producten: Annotated[
        tuple[ToegewezenProductRetour, ...], Wrapped("ToegewezenProduct"), Field(min_length=1)
    ]
    retour_codes: ClassRetourCodes


class Jw302(Message):
    """JW302 Toewijzing retour (aanbieder to gemeente)."""

    message_type = "JW302"
    code = "437"
    namespace = NAMESPACE_302
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 2
    carries_bsn = True
    retour_of = "JW301"

    header: RetourHeaderVanGemeente
    client: ClientRetour | None = None
