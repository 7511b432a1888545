"""Codelists of iJw 3.2 as enumerations (values exactly as in the XML).

Each enum names its codelist. Member names are short Dutch labels; the value
is the code that travels in the message.
"""

from __future__ import annotations

from enum import StrEnum


class Geslacht(StrEnum):
    """COD046."""

    ONBEKEND = "0"
    MAN = "1"
    VROUW = "2"


class DatumGebruik(StrEnum):
    """COD170: which part of a birth date is unknown."""

    DAG_ONBEKEND = "1"
    DAG_EN_MAAND_ONBEKEND = "2"
    ONBEKEND = "3"


class NaamGebruik(StrEnum):
    """COD700."""

    EIGEN = "1"
    PARTNER = "2"
    PARTNER_EIGEN = "3"
    EIGEN_PARTNER = "4"
    PSEUDONIEM = "5"
    NIET_NATUURLIJK_PERSOON = "6"


class Communicatievorm(StrEnum):
    """COD747."""

    TOLK_TAAL = "1"
    DOVENTOLK = "2"
    DOOFBLINDENTOLK = "3"


class AdresSoort(StrEnum):
    """COD757."""

    BRP = "01"
    CORRESPONDENTIE = "02"
    VERBLIJF = "03"
    TIJDELIJK_VERBLIJF = "04"


class AanduidingWoonadres(StrEnum):
    """NUM061."""

    AAN_BOORD = "AB"
    BIJ = "BY"
    TEGENOVER = "TO"
    WOONWAGEN = "WW"


class SoortRelatie(StrEnum):
    """COD472."""

    CURATOR = "03"
    FINANCIEEL_GEMACHTIGD = "04"
    FINANCIEEL_TOETSING = "05"
    LEEFEENHEID = "06"
    HULPVERLENER = "07"
    SPECIALIST = "08"
    ANDERS = "09"
    OUDER = "10"
    VOOGD = "11"
    PARTNER = "12"
    PLEEGOUDER = "13"
    BEWINDVOERDER = "14"
    MENTOR = "15"
    ZOON_DOCHTER = "16"
    FAMILIELID = "17"
    GEZINSLID = "18"
    BUUR = "19"
    VRIEND_KENNIS = "20"
    CLIENTONDERSTEUNER = "21"
    HUISARTS = "22"
    ERVEN_VAN = "23"
    WERKGEVER = "24"
    WIJKCOACH = "25"


class JuridischeStatus(StrEnum):
    """WJ232."""

    RM_VOORLOPIG_VOORTGEZET = "01"
    RM_EIGEN_VERZOEK = "02"
    RM_VOORWAARDELIJK_ONTSLAG = "03"
    OTS = "04"
    IBS = "05"
    STRAFRECHTELIJK_TBS = "11"
    STRAFRECHTELIJK_OVERIG = "12"


class WettelijkeVertegenwoordiging(StrEnum):
    """WJ003."""

    VOOGDIJ = "06"
    BEWINDVOERING = "07"
    MENTORSCHAP = "08"
    CURATELE = "09"
    ZAAKWAARNEMING = "10"


class JaNee(StrEnum):
    """COD260."""

    JA = "1"
    NEE = "2"


class TypeVerwijzer(StrEnum):
    """COD327."""

    GEMEENTE = "01"
    HUISARTS = "02"
    JEUGDARTS = "03"
    GECERTIFICEERDE_INSTELLING = "04"
    MEDISCH_SPECIALIST = "05"
    ZELFVERWIJZER = "06"
    RECHTER_OVJ_JJI = "08"


class ProductCategorie(StrEnum):
    """JZ020 (39 does not exist)."""

    C31 = "31"
    C32 = "32"
    C33 = "33"
    C34 = "34"
    C35 = "35"
    C36 = "36"
    C37 = "37"
    C38 = "38"
    C40 = "40"
    C41 = "41"
    C42 = "42"
    C43 = "43"
    C44 = "44"
    C45 = "45"
    C46 = "46"
    C47 = "47"
    C48 = "48"
    C49 = "49"
    C50 = "50"
    C51 = "51"
    C52 = "52"
    C53 = "53"
    C54 = "54"
    C55 = "55"


class Eenheid(StrEnum):
    """WJ756."""

    MINUUT = "01"
    UUR = "04"
    ETMAAL = "14"
    DAGDEEL = "16"
    STUKS_OUTPUT = "82"
    EURO = "83"
    STUKS_INSPANNING = "84"


class Frequentie(StrEnum):
    """WMO757."""

    PER_DAG = "1"
    PER_WEEK = "2"
    PER_MAAND = "4"
    TOTAAL = "6"


class DebetCredit(StrEnum):
    """COD043: whether an amount is debet or credit."""

    DEBET = "D"
    CREDIT = "C"


class RedenWijziging(StrEnum):
    """JZ002."""

    ADMINISTRATIEVE_CORRECTIE_OUD = "01"
    OVERLIJDEN = "02"
    CONTRACTWIJZIGING = "03"
    HERBEOORDELING_VERLENGD = "04"
    HERBEOORDELING_VERKORT = "05"
    ANDER_DOMEIN = "06"
    VERHUIZING = "07"
    OVERGANG_PGB = "08"
    ANDERE_AANBIEDER = "09"
    NIEUW_FINANCIERINGSSYSTEEM = "10"
    HERINDELING = "11"
    OP_VERZOEK_AANBIEDER = "12"
    VERWIJDERD = "13"
    ADMINISTRATIEVE_CORRECTIE = "14"


class RedenBeeindiging(StrEnum):
    """JZ588; 20 is a temporary stop."""

    OVERLIJDEN = "02"
    TIJDELIJK = "20"
    VOLGENS_PLAN = "31"
    VOORTIJDIG_CLIENT = "32"
    VOORTIJDIG_AANBIEDER = "33"
    VOORTIJDIG_WEDERZIJDS = "34"
    VOORTIJDIG_EXTERN = "35"
    GEMEENTE = "36"
    WIJZIGINGSVERZOEK = "37"
    ANDERE_AANBIEDER = "38"
    ANDER_DOMEIN = "39"


class StatusAanlevering(StrEnum):
    """COD467 (only 1 and 3 are allowed in use, CS058)."""

    EERSTE = "1"
    GEWIJZIGD = "2"
    VERWIJDEREN = "3"
    NIET_VAN_TOEPASSING = "9"


class RedenVerzoek(StrEnum):
    """WJ758."""

    CLIENTSITUATIE = "1"
    ZORGPLAN = "2"


class VerzoekAntwoord(StrEnum):
    """WJ760."""

    AFGEWEZEN = "1"
    IN_ONDERZOEK = "2"


class RedenAfwijzingVerzoek(StrEnum):
    """WJ759."""

    GEEN_WIJZIGING_NIEUW_VERZOEK = "1"
    BUDGET = "2"
    GEEN_CONTRACT = "3"
    PAST_NIET_IN_CONTRACT = "4"
    ANDERE_GEMEENTE = "5"
    STAPELING = "6"
    ZORGINHOUDELIJK = "7"
    WOONPLAATSBEGINSEL = "8"
    LEEFTIJDSGRENS = "9"


class RetourCode(StrEnum):
    """WJ001: every code of LDT_RetourCode; member ``R`` + code."""

    R0001 = "0001"
    R0200 = "0200"
    R0233 = "0233"
    R0611 = "0611"
    R8001 = "8001"
    R8017 = "8017"
    R8021 = "8021"
    R8187 = "8187"
    R8214 = "8214"
    R8848 = "8848"
    R9019 = "9019"
    R9056 = "9056"
    R9063 = "9063"
    R9069 = "9069"
    R9071 = "9071"
    R9074 = "9074"
    R9307 = "9307"
    R9308 = "9308"
    R9319 = "9319"
    R9321 = "9321"
    R9322 = "9322"
    R9326 = "9326"
    R9332 = "9332"
    R9333 = "9333"
    R9338 = "9338"
    R9339 = "9339"
    R9340 = "9340"
    R9341 = "9341"
    R9346 = "9346"
    R9347 = "9347"
    R9349 = "9349"
    R9350 = "9350"
    R9351 = "9351"
    R9355 = "9355"
    R9357 = "9357"
    R9359 = "9359"
    R9360 = "9360"
    R9361 = "9361"
    R9365 = "9365"
    R9366 = "9366"
    R9367 = "9367"
    R9369 = "9369"
    R9373 = "9373"
    R9374 = "9374"
    R9375 = "9375"
    R9379 = "9379"
    R9384 = "9384"
    R9385 = "9385"
    R9387 = "9387"
    R9388 = "9388"
    R9389 = "9389"
    R9390 = "9390"
    R9411 = "9411"
    R9412 = "9412"
    R9413 = "9413"
    R9414 = "9414"
    R9415 = "9415"
    RS300 = "S300"
    RS329 = "S329"


#: ISO 3166-1 alpha-2 codes accepted as LandCode.
LAND_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()
)
