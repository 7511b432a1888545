"""Simple types of the iJw 3.2 basisschema (``LDT_*``) as annotated Python types.

Facets follow the schema: lengths, ranges and patterns. Patterns are written
with XSD semantics: ``.`` never matches a line break, ``\\s`` is space, tab,
CR or LF, and every pattern is anchored at both ends.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from ijw.messages.base import Ldt
from ijw.messages.r3_2.codelists import LAND_CODES

#: A line that is not blank: XSD ``.*[^\s].*``.
NOT_BLANK = r"^[^\n\r]*[^ \t\n\r][^\n\r]*$"
#: Free text with at least one non-space character, line breaks allowed.
HAS_TEXT = r"^(?s:.*)[^ \t\n\r](?s:.*)$"


def _naive_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("Tijd must not carry a timezone")
    return value


def _land_code(value: str) -> str:
    if value not in LAND_CODES:
        raise ValueError(f"unknown LandCode {value!r}")
    return value


Bsn = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$"), Ldt("LDT_BurgerServicenummer")]
AgbCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$"), Ldt("LDT_AgbCode")]
Gemeente = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$"), Ldt("LDT_Gemeente")]
BerichtCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$"), Ldt("LDT_BerichtCode")]
Versie = Annotated[
    str,
    StringConstraints(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"),
    Ldt("LDT_Versie"),
]
Datum = Annotated[date, Ldt("LDT_Datum")]
Tijd = Annotated[time, AfterValidator(_naive_time), Ldt("LDT_Tijd")]

IdentificatieBericht = Annotated[
    str, StringConstraints(min_length=1, max_length=12, pattern=NOT_BLANK),
    Ldt("LDT_IdentificatieBericht"),
]
Referentie = Annotated[
    str, StringConstraints(min_length=1, max_length=36, pattern=NOT_BLANK), Ldt("LDT_Referentie")
]
#: No blank check: any 1..20 characters (prestatie references).
ReferentieNummer = Annotated[
    str, StringConstraints(min_length=1, max_length=20), Ldt("LDT_ReferentieNummer")
]
#: No blank check: any 1..12 characters (the DeclaratieNummer a 325 echoes).
IdentificatieDeclaratie = Annotated[
    str, StringConstraints(min_length=1, max_length=12), Ldt("LDT_IdentificatieDeclaratie")
]
#: LDT_IdentificatieDeclaratie as the 323 narrows it: ASCII letters and digits only.
DeclaratieNummer = Annotated[
    str, StringConstraints(min_length=1, max_length=12, pattern=r"^[a-zA-Z0-9]+$"),
    Ldt("LDT_IdentificatieDeclaratie"),
]
Commentaar = Annotated[
    str, StringConstraints(min_length=1, pattern=HAS_TEXT), Ldt("LDT_Commentaar")
]
Naam = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK), Ldt("LDT_Naam")
]
Voorvoegsel = Annotated[
    str, StringConstraints(min_length=1, max_length=10, pattern=NOT_BLANK), Ldt("LDT_Voorvoegsel")
]
Voorletters = Annotated[
    str,
    StringConstraints(min_length=1, max_length=6, pattern="^[a-zA-Z\u00c0-\u1ef3]+$"),
    Ldt("LDT_Voorletters"),
]
NaamVerwijzer = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=NOT_BLANK),
    Ldt("LDT_NaamVerwijzer"),
]
ProductCode = Annotated[
    str, StringConstraints(min_length=1, max_length=5, pattern=NOT_BLANK), Ldt("LDT_ProductCode")
]
Postcode = Annotated[
    str, StringConstraints(min_length=1, max_length=8, pattern=NOT_BLANK), Ldt("LDT_Postcode")
]
Straatnaam = Annotated[
    str, StringConstraints(min_length=1, max_length=24, pattern=NOT_BLANK), Ldt("LDT_Straatnaam")
]
Plaatsnaam = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=NOT_BLANK), Ldt("LDT_Plaatsnaam")
]
Huisletter = Annotated[
    str, StringConstraints(min_length=1, max_length=1, pattern=NOT_BLANK), Ldt("LDT_Huisletter")
]
HuisnummerToevoeging = Annotated[
    str, StringConstraints(min_length=1, max_length=4, pattern=NOT_BLANK),
    Ldt("LDT_HuisnummerToevoeging"),
]
Telefoonnummer = Annotated[
    str, StringConstraints(min_length=1, max_length=15, pattern=r"^[0-9]+$"),
    Ldt("LDT_Telefoonnummer"),
]
Landnummer = Annotated[
    str, StringConstraints(min_length=1, max_length=4, pattern=NOT_BLANK), Ldt("LDT_Landnummer")
]
Emailadres = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=NOT_BLANK), Ldt("LDT_Emailadres")
]
Organisatienaam = Annotated[
    str, StringConstraints(min_length=1, max_length=35, pattern=NOT_BLANK),
    Ldt("LDT_Organisatienaam"),
]
Persoonsid = Annotated[
    str, StringConstraints(min_length=1, max_length=20, pattern=NOT_BLANK), Ldt("LDT_Persoonsid")
]
Taal = Annotated[
    str, StringConstraints(min_length=1, max_length=25, pattern=NOT_BLANK), Ldt("LDT_Taal")
]
LandCode = Annotated[str, AfterValidator(_land_code), Ldt("LDT_LandCode")]

Nummer = Annotated[int, Field(ge=0, le=999_999_999), Ldt("LDT_Nummer")]
Volume = Annotated[int, Field(ge=0, le=99_999_999), Ldt("LDT_Volume")]
Budget = Annotated[int, Field(ge=0, le=99_999_999), Ldt("LDT_Budget")]
#: Eurocents.
Bedrag = Annotated[int, Field(ge=0, le=99_999_999), Ldt("LDT_Bedrag")]
#: Eurocents.
TotaalBedrag = Annotated[int, Field(ge=0, le=999_999_999_999), Ldt("LDT_TotaalBedrag")]
Huisnummer = Annotated[int, Field(ge=0, le=99_999), Ldt("LDT_Huisnummer")]
RelatieVolgorde = Annotated[int, Field(ge=0, le=99), Ldt("LDT_RelatieVolgorde")]
BerichtVersie = Annotated[int, Field(ge=3, le=3), Ldt("LDT_BerichtVersie")]
BerichtSubversie = Annotated[int, Field(ge=2, le=2), Ldt("LDT_BerichtSubversie")]
