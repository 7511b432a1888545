"""JW319 Antwoordbericht and its retour JW320."""

from __future__ import annotations

from ijw.messages.base import Message, Party, XmlModel
from ijw.messages.r3_2.codelists import RedenAfwijzingVerzoek, VerzoekAntwoord
from ijw.messages.r3_2.common import (
    ClassRetourCodes,
    HeaderVanGemeente,
    RetourHeaderVanGemeente,
)
from ijw.messages.r3_2.types import Gemeente, Referentie

NAMESPACE_319 = "http://www.istandaarden.nl/ijw/3_2/jw319/schema"
NAMESPACE_320 = "http://www.istandaarden.nl/ijw/3_2/jw320/schema"


class Woonplaatsbeginsel(XmlModel):
    """The gemeente responsible under the woonplaatsbeginsel."""

    gemeente: Gemeente


class Antwoord(XmlModel):
    """The answer to one verzoek; key: ReferentieAanbieder and VerzoekAntwoord."""

    referentie_aanbieder: Referentie
    verzoek_antwoord: VerzoekAntwoord
    reden_afwijzing_verzoek: RedenAfwijzingVerzoek | None = None
    woonplaatsbeginsel: Woonplaatsbeginsel | None = None


class Jw319(Message):
    """JW319 Antwoordbericht (gemeente to aanbieder)."""

    message_type = "JW319"
    code = "488"
    namespace = NAMESPACE_319
    release = "3_2"
    sent_by = Party.GEMEENTE
    step = 1
    carries_bsn = False
    retour_type = "JW320"

    header: HeaderVanGemeente
    antwoord: Antwoord


class WoonplaatsbeginselRetour(Woonplaatsbeginsel):
    """The Woonplaatsbeginsel echoed in a 320, with its retourcodes."""

    retour_codes: ClassRetourCodes


class AntwoordRetour(Antwoord):
    """The Antwoord echoed in a 320, with its retourcodes."""

    woonplaatsbeginsel: WoonplaatsbeginselRetour | None = None
    retour_codes: ClassRetourCodes


class Jw320(Message):
    """JW320 Antwoordbericht retour (aanbieder to gemeente)."""

    message_type = "JW320"
    code = "489"
    namespace = NAMESPACE_320
    release = "3_2"
    sent_by = Party.AANBIEDER
    step = 2
    carries_bsn = False
    retour_of = "JW319"

    header: RetourHeaderVanGemeente
    antwoord: AntwoordRetour | None = None
