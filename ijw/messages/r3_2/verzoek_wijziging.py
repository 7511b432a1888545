"""JW317 Verzoek om wijziging and its retour JW318."""

from __future__ import annotations

from typing import Annotated

from ijw.messages.base import Message, Party, Wrapped, XmlModel
from ijw.messages.r3_2.codelists import RedenVerzoek
from ijw.messages.r3_2.common import (
    ClassRetourCodes,
    HeaderVanAanbieder,
    Omvang,
    Product,
    RetourHeaderVanAanbieder,
)
from ijw.messages.r3_2.types import Bsn, Budget, Datum, Nummer, Referentie

NAMESPACE_317 = "http://www.istandaarden.nl/ijw/3_2/jw317/schema"
NAMESPACE_318 = "http://www.istandaarden.nl/ijw/3_2/jw318/schema"


class OngewijzigdProduct(XmlModel):
    """An actual toewijzing that stays as it is."""

    toewijzing_nummer: Nummer


class TeWijzigenProduct(XmlModel):
    """An actual toewijzing with its desired new end date, omvang or budget."""

    toewijzing_nummer: Nummer
    gewenste_ingangsdatum: Datum
    einddatum: Datum | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None


class NieuwProduct(XmlModel):
    """A product without an actual toewijzing; key: Product and GewensteIngangsdatum."""

    product: Product | None = None
    gewenste_ingangsdatum: Datum
    einddatum: Datum | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None


class Verzoek(XmlModel):
    """The complete desired situation; ``referentie_aanbieder`` is its key."""

    referentie_aanbieder: Referentie
    reden_verzoek: RedenVerzoek
    ongewijzigde_producten: Annotated[
        tuple[OngewijzigdProduct, ...], Wrapped("OngewijzigdProduct")
    ] = ()
    te_wijzigen_producten: Annotated[
        tuple[TeWijzigenProduct, ...], Wrapped("TeWijzigenProduct")
    ] = ()
    nieuwe_producten: Annotated[tuple[NieuwProduct, ...], Wrapped("NieuwProduct")] = ()


class Client(XmlModel):
    """The client of a 317 (only the BSN) with the verzoek."""

    bsn: Bsn
    verzoek: Verzoek


class Jw317(Message):
    """JW317 Verzoek om wijziging (aanbieder to gemeente)."""

    message_type = "JW317"
    code = "486"
    namespace = NAMESPACE_317
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 0
    carries_bsn = True
    retour_type = "JW318"

    header: HeaderVanAanbieder
    client: Client


class OngewijzigdProductRetour(OngewijzigdProduct):
    """An OngewijzigdProduct echoed in a 318, with its retourcodes."""

    retour_codes: ClassRetourCodes


class TeWijzigenProductRetour(TeWijzigenProduct):
    """A TeWijzigenProduct echoed in a 318, with its retourcodes."""

    retour_codes: ClassRetourCodes


class NieuwProductRetour(NieuwProduct):
    """A NieuwProduct echoed in a 318, with its retourcodes."""

    retour_codes: ClassRetourCodes


class VerzoekRetour(Verzoek):
    """The Verzoek echoed in a 318, with its retourcodes after NieuweProducten."""

    ongewijzigde_producten: Annotated[
        tuple[OngewijzigdProductRetour, ...], Wrapped("OngewijzigdProduct")
    ] = ()
    te_wijzigen_producten: Annotated[
        tuple[TeWijzigenProductRetour, ...], Wrapped("TeWijzigenProduct")
    ] = ()
    nieuwe_producten: Annotated[
        tuple[NieuwProductRetour, ...], Wrapped("NieuwProduct")
    ] = ()
    retour_codes: ClassRetourCodes


class ClientRetour(Client):
    """The client echoed in a 318, with its retourcodes."""

    verzoek: VerzoekRetour
    retour_codes: ClassRetourCodes


class Jw318(Message):
    """JW318 Verzoek om wijziging retour (gemeente to aanbieder)."""

    message_type = "JW318"
    code = "487"
    namespace = NAMESPACE_318
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = None
    carries_bsn = True
    retour_of = "JW317"

    header: RetourHeaderVanAanbieder
    client: ClientRetour | None = None
