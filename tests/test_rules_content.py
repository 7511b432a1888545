"""The level-2 rules (bericht inhoud): one passing and one failing message per rule.

Every message is written (XSD-validated) and read back, so the findings carry
the element path and line the engine reports. A failing message breaks exactly
one rule once; a passing message gives no findings at all. A rule added to
:mod:`ijw.rules.content` without a case here fails
:func:`test_every_content_rule_has_cases`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

import ijw.api  # noqa: F401  (imports every rule module, so RULES is complete)
from ijw.errors import Level
from ijw.messages import RELEASES, Message, message_class
from ijw.messages.r3_2.codelists import RetourCode
from ijw.reading import read
from ijw.rules import RULES
from ijw.writing import write
from tests.conftest import REPO
from tests.synth import Toewijzing, bsn, jw301, jw305, jw307, jw315, jw319

DAY = date(2024, 3, 1)
START = date(2024, 4, 1)
END = date(2024, 9, 30)
AANBIEDER = "99990001"
BAD_BSN = "123456789"  # nine digits, fails the elfproef
ALL_MESSAGE_TYPES = {m.message_type for m in RELEASES[0].messages}


def changed(message: Message, **changes: Any) -> Message:
    """``message`` with fields replaced; keys are dotted paths (``client.bsn``,
    ``client.stop_producten.0.einddatum``). The result is validated again."""
    data = message.model_dump()
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node: Any = data
        for step in parents:
            node = node[int(step)] if step.isdigit() else node[step]
        node[int(last) if last.isdigit() else last] = value
    return type(message).model_validate(data)


def t301(*products: Toewijzing) -> Message:
    return jw301(1, AANBIEDER, "T0000000001", DAY, list(products))


def t315(refs: list[str], end: date | None = END) -> Message:
    """A 315 with one product per reference: 54001, 54002, ... (no TR386 overlap)."""
    message = jw315(2, AANBIEDER, "V0000000002", DAY, refs, START, end)
    return changed(message, **{f"client.aangevraagde_producten.{i}.product.code": f"5400{i + 1}"
                               for i in range(1, len(refs))})


#: The Dagtekening of the 305s and 307s: after their dates (TR134).
REPORTED = date(2024, 10, 1)


def t305(status: str = "1") -> Message:
    return jw305(3, AANBIEDER, "S0000000003", REPORTED, 100_003, START, status)


def t307(end: date = END, status: str = "1") -> Message:
    return jw307(4, AANBIEDER, "E0000000004", REPORTED, 100_004, START, end, status=status)


def t317(einddatum: date | None = END, group: str = "nieuwe_producten") -> Message:
    """A verzoek om wijziging with one product in ``group``."""
    product: dict[str, Any] = {"gewenste_ingangsdatum": START, "einddatum": einddatum}
    if group == "te_wijzigen_producten":
        product["toewijzing_nummer"] = 100_005
    else:
        product["product"] = {"categorie": "54", "code": "54001"}
        product["omvang"] = {"volume": 10, "eenheid": "04", "frequentie": "4"}  # CD041
    return message_class("JW317").model_validate({
        "header": {
            "bericht_code": "486", "afzender": AANBIEDER, "ontvanger": "0363",
            "bericht_identificatie": {"identificatie": "W0000000005", "dagtekening": DAY},
            "xsd_versie": {"basisschema_xsd_versie": "1.0.0", "bericht_xsd_versie": "1.0.0"},
        },
        "client": {
            "bsn": bsn(5),
            "verzoek": {
                "referentie_aanbieder": "WREF5",
                "reden_verzoek": "1",
                "ongewijzigde_producten": [{"toewijzing_nummer": 100_006}],
                group: [product],
            },
        },
    })


def t319(antwoord: str = "1", reden: str | None = "3", gemeente: str | None = None) -> Message:
    message = jw319(AANBIEDER, "A0000000006", DAY, "REF6", antwoord, reden)
    return changed(
        message,
        **{"antwoord.reden_afwijzing_verzoek": reden,
           "antwoord.woonplaatsbeginsel": {"gemeente": gemeente} if gemeente else None},
    )


@dataclass(frozen=True)
class Case:
    """A rule with a message that passes it and one that fails it at ``path``."""

    rule: str
    passing: Callable[[], Message]
    failing: Callable[[], Message]
    path: str


TP = "Bericht/Client/ToegewezenProducten/ToegewezenProduct"
AP = "Bericht/Client/AangevraagdeProducten/AangevraagdProduct"

CASES: list[Case] = [
    Case("CS002", lambda: t315(["R1"]),
         lambda: changed(t315(["R1"]), **{"client.bsn": BAD_BSN}), "Bericht/Client/Bsn"),
    Case("CS002", lambda: t301(Toewijzing(1, START, END)),
         lambda: changed(t301(Toewijzing(1, START, END)), **{"client.bsn": "000000000"}),
         "Bericht/Client/Bsn"),
    Case("CS002", t305, lambda: changed(t305(), **{"client.bsn": BAD_BSN}), "Bericht/Client/Bsn"),
    Case("CS002", t307, lambda: changed(t307(), **{"client.bsn": BAD_BSN}), "Bericht/Client/Bsn"),
    Case("CS002", t317, lambda: changed(t317(), **{"client.bsn": BAD_BSN}), "Bericht/Client/Bsn"),
    Case("CS003", lambda: t301(Toewijzing(1, START, START)),
         lambda: t301(Toewijzing(1, START, END), Toewijzing(2, START, date(2024, 3, 31))),
         f"{TP}[2]/Einddatum"),
    Case("CS003", lambda: t315(["R1"], START), lambda: t315(["R1"], date(2024, 3, 31)),
         f"{AP}[1]/ToewijzingEinddatum"),
    Case("CS003", lambda: t317(START), lambda: t317(date(2024, 3, 31)),
         "Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[1]/Einddatum"),
    Case("CS003", lambda: t317(None, "te_wijzigen_producten"),
         lambda: t317(date(2024, 3, 31), "te_wijzigen_producten"),
         "Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[1]/Einddatum"),
    Case("TR018", lambda: t307(START), lambda: t307(date(2024, 3, 31)),
         "Bericht/Client/StopProducten/StopProduct[1]/Einddatum"),
    Case("TR383", lambda: t315(["R1", "R2"]), lambda: t315(["R1", "R2", "R1"]),
         f"{AP}[3]/ReferentieAanbieder"),
    Case("CS058", lambda: t305("3"), lambda: t305("2"),
         "Bericht/Client/StartProducten/StartProduct[1]/StatusAanlevering"),
    Case("CS058", lambda: t307(status="3"), lambda: t307(status="9"),
         "Bericht/Client/StopProducten/StopProduct[1]/StatusAanlevering"),
    Case("CS335", lambda: t301(Toewijzing(1, START, START, reden="13")),
         lambda: t301(Toewijzing(1, START, END, reden="13")), f"{TP}[1]/RedenWijziging"),
    Case("CS336", lambda: t301(Toewijzing(1, START, END, reden="14")),
         lambda: t301(Toewijzing(1, START, END, reden="01")), f"{TP}[1]/RedenWijziging"),
    Case("CD085", lambda: t319("1", "3"), lambda: t319("1", None),
         "Bericht/Antwoord/VerzoekAntwoord"),
    Case("CD086", lambda: t319("2", None), lambda: t319("2", "3"),
         "Bericht/Antwoord/RedenAfwijzingVerzoek"),
    Case("TR377", lambda: t319("1", "8", "0599"), lambda: t319("1", "8"),
         "Bericht/Antwoord/RedenAfwijzingVerzoek"),
    Case("TR409", lambda: t319("1", "3"), lambda: t319("1", "3", "0599"),
         "Bericht/Antwoord/Woonplaatsbeginsel"),
]


def _case_id(case: Case) -> str:
    return f"{case.rule}-{case.failing().message_type}-{case.path.rsplit('/', 1)[-1]}"


def _content_rules() -> set[str]:
    """The level-2 rules of :mod:`ijw.rules.content` (the 323's have their own tests)."""
    return {code for code, r in RULES.items()
            if r.level is Level.CONTENT and r.func.__module__ == "ijw.rules.content"}


def _read(message: Message) -> tuple[bytes, list[Any]]:
    data = write(message, stamp=False)  # raises if the message is not XSD-valid
    result = read(data, name="m.xml")
    assert result.message == message
    return data, list(result.findings)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_passing_message_has_no_findings(case: Case) -> None:
    message = case.passing()
    assert message.message_type in RULES[case.rule].messages
    _, findings = _read(message)
    assert findings == []


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_failing_message_breaks_exactly_the_rule(case: Case) -> None:
    message = case.failing()
    data, findings = _read(message)
    assert [(f.rule, f.code, f.level, f.path) for f in findings] == [
        (case.rule, "0001", Level.CONTENT, case.path)
    ]
    [finding] = findings
    assert finding.file == "m.xml"
    element = case.path.rsplit("/", 1)[-1].split("[")[0]
    assert finding.line is not None
    assert f"{element}>".encode() in data.splitlines()[finding.line - 1]
    assert finding.render().startswith(f"m.xml:{finding.line}: [0001] ")


def test_every_content_rule_has_cases() -> None:
    assert {c.rule for c in CASES} == _content_rules()
    for code in _content_rules():
        assert RULES[code].retourcode is RetourCode.R0001, code


def test_every_rule_is_documented() -> None:
    assert RULES
    for code, found in RULES.items():
        assert re.fullmatch(r"[A-Z]{2}\d{3}", code), code
        assert found.code == code
        assert found.func.__doc__ and found.func.__doc__.strip(), code
        assert found.doc and found.summary, code
        assert found.summary == found.doc.splitlines()[0]
        assert isinstance(found.retourcode, RetourCode), code
        assert found.messages, code
        assert found.messages <= ALL_MESSAGE_TYPES, code
        assert isinstance(found.level, Level)


def test_cli_rules_lists_every_code() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ijw", "rules"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = set(re.findall(r"^\W ([A-Z]{2}\d{3}) ", done.stdout, flags=re.MULTILINE))
    assert listed == set(RULES)
    for code, found in RULES.items():
        row = next(line for line in done.stdout.splitlines() if f" {code} " in line)
        assert found.retourcode.value in row, code
