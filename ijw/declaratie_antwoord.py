"""Building the JW325 declaratie-antwoord of a received JW323 (brief 2.6; TR342, TR371, IV087).

Unlike a retour, a 325 is a message of its own: the gemeente is its Afzender,
it has its own BerichtIdentificatie, and it names the declaratie it answers
(``DeclaratieIdentificatie``, ``XsdVersieDeclaratie``: TR371). Its header
always carries RetourCodes. What it holds depends on what the checks found:

* nothing: header 0200, and a DeclaratieAntwoord with 8001 (fully approved)
  whose TotaalToegekendBedrag equals the TotaalIngediendBedrag;
* a level-2 finding (bericht inhoud): header 0001 only (nothing was assessed);
* level-3/4 findings on the header (a repeated Identificatie, a future
  Dagtekening, an unknown gemeente): the header with those codes only;
* a finding on the Declaratie class: header 0200, the DeclaratieAntwoord with
  those codes and TotaalToegekendBedrag 0 (a debet), and no Clienten: the
  prestaties were not assessed and the declaratie counts as not sent;
* findings on clients or prestaties: header 0200, DeclaratieAntwoord 0200,
  and only the clients with a rejected prestatie, each listing only its
  rejected prestaties with their codes (TR342). A finding on the client itself
  rejects all its prestaties, which get 0233 (IV087); a client without one of
  its own gets 0200. TotaalToegekendBedrag is the TotaalIngediendBedrag minus
  the rejected prestaties, with debet (+) and credit (-) signs.

So, unless the Declaratie class itself was rejected, the listed prestaties sum to
TotaalIngediend minus TotaalToegekend (TR342).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ijw.errors import Level
from ijw.messages.r3_2.codelists import DebetCredit, RetourCode
from ijw.messages.r3_2.common import TotaalBedragMetDC
from ijw.messages.r3_2.declaratie import Jw323, Jw325, Prestatie
from ijw.retours import message_identificatie, retour_versions
from ijw.rules import Loc
from ijw.schemas import SchemaSet
from ijw.schemas import load as load_schemas

OK = RetourCode.R0200
NOT_ASSESSED = RetourCode.R0233
APPROVED = RetourCode.R8001
REJECTED = RetourCode.R0001


def signed(amount: int, debet_credit: DebetCredit) -> int:
    """An amount in eurocents with its sign: debet positive, credit negative."""
    return -amount if debet_credit is DebetCredit.CREDIT else amount


def totaal(value: int) -> TotaalBedragMetDC:
    """A signed amount as TotaalBedrag and DebetCredit (zero is a debet)."""
    return TotaalBedragMetDC(totaal_bedrag=abs(value),
                             debet_credit=DebetCredit.CREDIT if value < 0 else DebetCredit.DEBET)


@dataclass(frozen=True, slots=True)
class Judgement:
    """Where the findings on one 323 sit: the classes and the codes they get."""

    header: tuple[RetourCode, ...]
    content: bool
    declaratie: tuple[RetourCode, ...]
    #: Client position -> codes of the client class itself.
    clients: dict[int, tuple[RetourCode, ...]]
    #: (client, prestatie) position -> codes.
    prestaties: dict[tuple[int, int], tuple[RetourCode, ...]]

    @property
    def all_rejected(self) -> bool:
        """Nothing of the declaratie is approved."""
        return self.content or bool(self.header) or bool(self.declaratie)

    def rejected(self, client: int, prestatie: int) -> bool:
        """Whether the prestatie at these positions is rejected."""
        return (self.all_rejected or client in self.clients
                or (client, prestatie) in self.prestaties)

    def outcome(self, declaratie: Jw323) -> str:
        """``approved`` (every prestatie), ``partly`` or ``rejected`` (none)."""
        lines = [self.rejected(i, j) for i, c in enumerate(declaratie.declaratie.clienten)
                 for j, _ in enumerate(c.prestaties)]
        return "approved" if not any(lines) else "rejected" if all(lines) else "partly"

    def codes(self, client: int, prestatie: int) -> tuple[RetourCode, ...]:
        """The codes of a rejected prestatie: its own, else 0233 (not assessed)."""
        return self.prestaties.get((client, prestatie)) or (NOT_ASSESSED,)


def _unique(codes: Iterable[RetourCode]) -> tuple[RetourCode, ...]:
    out: list[RetourCode] = []
    for code in codes:
        if code not in out:
            out.append(code)
    return tuple(out)


def judge(findings: Iterable[tuple[Level, RetourCode, Loc]]) -> Judgement:
    """Sort the findings (level, retourcode, model location) by the class they are on."""
    header: list[RetourCode] = []
    declaratie: list[RetourCode] = []
    clients: dict[int, list[RetourCode]] = defaultdict(list)
    prestaties: dict[tuple[int, int], list[RetourCode]] = defaultdict(list)
    content = False
    for level, code, loc in findings:
        if level is Level.CONTENT:
            content = True
        elif loc[:1] == ("header",):
            header.append(code)
        elif loc[:2] != ("declaratie", "clienten") or len(loc) < 3:
            declaratie.append(code)
        elif len(loc) >= 5 and loc[3] == "prestaties" and isinstance(loc[4], int):
            prestaties[(int(loc[2]), loc[4])].append(code)
        else:
            clients[int(loc[2])].append(code)
    return Judgement(
        _unique(header), content, _unique(declaratie),
        {k: _unique(v) for k, v in clients.items()},
        {k: _unique(v) for k, v in prestaties.items()},
    )


def answer_identificatie(declaratie_sha256: str) -> str:
    """A deterministic BerichtIdentificatie (12 characters) for the 325 of these 323 bytes."""
    return message_identificatie("declaratie-antwoord", declaratie_sha256)


def approved_total(declaratie: Jw323, judgement: Judgement) -> int:
    """The signed TotaalToegekendBedrag: the submitted total minus the rejected prestaties."""
    body = declaratie.declaratie
    submitted = signed(body.totaal_ingediend_bedrag.totaal_bedrag,
                       body.totaal_ingediend_bedrag.debet_credit)
    if judgement.all_rejected:
        return 0
    rejected = sum(
        signed(p.ingediend_bedrag.bedrag, p.ingediend_bedrag.debet_credit)
        for i, client in enumerate(body.clienten)
        for j, p in enumerate(client.prestaties)
        if judgement.rejected(i, j)
    )
    return submitted - rejected


def _prestatie(p: Prestatie, codes: tuple[RetourCode, ...]) -> dict[str, Any]:
    data: dict[str, Any] = dict(p)
    data["retour_codes"] = codes
    return data


def build_jw325(
    declaratie: Jw323,
    findings: Iterable[tuple[Level, RetourCode, Loc]],
    *,
    declaratie_sha256: str,
    today: date,
    schemas: SchemaSet | None = None,
) -> Jw325:
    """The 325 answering ``declaratie`` given its findings (level, retourcode, location)."""
    judgement = judge(findings)
    stamp = retour_versions(Jw325, schemas or load_schemas())
    h = declaratie.header
    header: dict[str, Any] = {
        "bericht_code": Jw325.code,
        "afzender": h.ontvanger,
        "ontvanger": h.afzender,
        "bericht_identificatie": {"identificatie": answer_identificatie(declaratie_sha256),
                                  "dagtekening": today},
        "xsd_versie": stamp,
        "declaratie_identificatie": h.bericht_identificatie,
        "xsd_versie_declaratie": h.xsd_versie,
    }
    if judgement.content:
        header["retour_codes"] = (REJECTED,)
        return Jw325.model_validate({"header": header})
    if judgement.header:
        header["retour_codes"] = judgement.header
        return Jw325.model_validate({"header": header})
    header["retour_codes"] = (OK,)
    body = declaratie.declaratie
    clienten = []
    for i, client in enumerate(() if judgement.declaratie else body.clienten):
        listed = [_prestatie(p, judgement.codes(i, j))
                  for j, p in enumerate(client.prestaties) if judgement.rejected(i, j)]
        if listed:
            clienten.append({
                "bsn": client.bsn,
                "prestaties": listed,
                "retour_codes": judgement.clients.get(i) or (OK,),
            })
    if judgement.declaratie:
        codes: tuple[RetourCode, ...] = judgement.declaratie
    else:
        codes = (OK,) if clienten else (APPROVED,)
    antwoord = {
        "declaratie_nummer": body.declaratie_nummer,
        "totaal_ingediend_bedrag": body.totaal_ingediend_bedrag,
        "totaal_toegekend_bedrag": totaal(approved_total(declaratie, judgement)),
        "clienten": clienten,
        "retour_codes": codes,
    }
    return Jw325.model_validate({"header": header, "declaratie_antwoord": antwoord})


__all__ = ["Judgement", "answer_identificatie", "approved_total", "build_jw325", "judge",
           "signed", "totaal"]
