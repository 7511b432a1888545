"""The rules the aanbieder applies to our JW325, as invariants of a 325 and the 323 it answers.

TR337, TR342, TR366, TR367, TR371 and TR376 are checked by the aanbieder on
the declaratie-antwoord the gemeente sends, so for the gemeente they are
properties of :func:`ijw.declaratie_antwoord.build_jw325`:

* TR337: ``DeclaratieIdentificatie`` is the 323's BerichtIdentificatie
  (Identificatie and Dagtekening);
* TR371: ``XsdVersieDeclaratie`` is the 323's XsdVersie;
* TR376: the DeclaratieNummer is the 323's (and TotaalIngediendBedrag a copy);
* TR366/TR367: every listed prestatie is a prestatie of the 323, under the
  same client, with every value unchanged;
* TR342: only rejected prestaties are listed, and their signed sum is
  TotaalIngediend minus TotaalToegekend; a rejection on the Declaratie class
  gives TotaalToegekend ``0 D`` and no Clienten.

:func:`check_answer` returns a line per broken invariant (empty when the 325
satisfies them all). The texts name codes and positions, never a BSN.
"""

from __future__ import annotations

from typing import Any

from ijw.messages.r3_2.codelists import DebetCredit, RetourCode
from ijw.messages.r3_2.common import TotaalBedragMetDC
from ijw.messages.r3_2.declaratie import Jw323, Jw325, Prestatie

#: Codes on the DeclaratieAntwoord that mean its prestaties were assessed.
ASSESSED = frozenset({RetourCode.R0200, RetourCode.R8001})
#: Codes that never mark a listed prestatie as rejected.
NOT_REJECTING = frozenset({RetourCode.R0200, RetourCode.R8001})
#: Header codes that say nothing was rejected on the header.
HEADER_OK = frozenset({RetourCode.R0200})


def _signed(total: TotaalBedragMetDC) -> int:
    value = total.totaal_bedrag
    return -value if total.debet_credit is DebetCredit.CREDIT else value


def _values(p: Prestatie) -> dict[str, Any]:
    """The values of a prestatie the 325 must copy (TR367), without its retourcodes."""
    return p.model_dump(exclude={"retour_codes"})


def _header(declaratie: Jw323, answer: Jw325) -> list[str]:
    h, d = answer.header, declaratie.header
    problems = []
    if h.declaratie_identificatie != d.bericht_identificatie:
        problems.append("TR337: DeclaratieIdentificatie is not the 323's BerichtIdentificatie")
    if h.xsd_versie_declaratie != d.xsd_versie:
        problems.append("TR371: XsdVersieDeclaratie is not the 323's XsdVersie")
    if (h.afzender, h.ontvanger) != (d.ontvanger, d.afzender):
        problems.append("the 325 does not go from the 323's Ontvanger to its Afzender")
    return problems


def check_answer(declaratie: Jw323, answer: Jw325) -> list[str]:
    """Every invariant of TR337, TR342, TR366, TR367, TR371 and TR376 that ``answer`` breaks."""
    problems = _header(declaratie, answer)
    antwoord = answer.declaratie_antwoord
    header_ok = set(answer.header.retour_codes) <= HEADER_OK
    if antwoord is None:
        if header_ok:
            problems.append("TR342: a header without rejection needs a DeclaratieAntwoord")
        return problems
    if not header_ok:
        problems.append("TR342: a rejected header is followed by a DeclaratieAntwoord")
    body = declaratie.declaratie
    if antwoord.declaratie_nummer != body.declaratie_nummer:
        problems.append("TR376: DeclaratieNummer is not the 323's")
    if antwoord.totaal_ingediend_bedrag != body.totaal_ingediend_bedrag:
        problems.append("TR342: TotaalIngediendBedrag is not the 323's")
    toegekend = antwoord.totaal_toegekend_bedrag
    for name, total in (("TotaalIngediendBedrag", antwoord.totaal_ingediend_bedrag),
                        ("TotaalToegekendBedrag", toegekend)):
        if total.totaal_bedrag == 0 and total.debet_credit is DebetCredit.CREDIT:
            problems.append(f"CS325: {name} 0 is written as credit")
    codes = set(antwoord.retour_codes)
    if not codes & ASSESSED:
        if toegekend.totaal_bedrag != 0 or toegekend.debet_credit is not DebetCredit.DEBET:
            problems.append("TR342: a Declaratie-class rejection grants more than 0 D")
        if antwoord.clienten:
            problems.append("TR342: a Declaratie-class rejection lists Clienten")
        return problems
    if RetourCode.R8001 in codes and antwoord.clienten:
        problems.append("TR342: a declaratie approved in full (8001) lists Clienten")
    sent = {(c.bsn, p.product_referentie.referentie_nummer,
             p.product_referentie.vorig_referentie_nummer): _values(p)
            for c in body.clienten for p in c.prestaties}
    listed = 0
    seen: set[tuple[str, str, str | None]] = set()
    for i, client in enumerate(antwoord.clienten, start=1):
        for j, p in enumerate(client.prestaties, start=1):
            where = f"Client[{i}]/Prestatie[{j}]"
            key = (client.bsn, p.product_referentie.referentie_nummer,
                   p.product_referentie.vorig_referentie_nummer)
            if key in seen:
                problems.append(f"TR342: {where} is listed twice")
            seen.add(key)
            if key not in sent:
                problems.append(f"TR366: {where} is not a prestatie of the 323 under this client")
            elif _values(p) != sent[key]:
                problems.append(f"TR367: {where} differs from the 323's prestatie")
            if not set(p.retour_codes) - NOT_REJECTING:
                problems.append(f"TR342: {where} is listed without a rejection code")
            bedrag = p.ingediend_bedrag
            listed += -bedrag.bedrag if bedrag.debet_credit is DebetCredit.CREDIT else bedrag.bedrag
    if listed != _signed(antwoord.totaal_ingediend_bedrag) - _signed(toegekend):
        problems.append("TR342: the listed prestaties do not sum to TotaalIngediend minus "
                        "TotaalToegekend")
    return problems


__all__ = ["check_answer"]
