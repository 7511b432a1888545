"""iJw release 3.2: models of the messages this engine reads and writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ijw.messages.r3_2 import (
    antwoord,
    declaratie,
    start,
    stop,
    toewijzing,
    verzoek_toewijzing,
    verzoek_wijziging,
)

if TYPE_CHECKING:
    from ijw.messages import Release

BASE_NAMESPACE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"

MESSAGES = (
    toewijzing.Jw301,
    toewijzing.Jw302,
    start.Jw305,
    start.Jw306,
    stop.Jw307,
    stop.Jw308,
    verzoek_toewijzing.Jw315,
    verzoek_toewijzing.Jw316,
    verzoek_wijziging.Jw317,
    verzoek_wijziging.Jw318,
    antwoord.Jw319,
    antwoord.Jw320,
    declaratie.Jw323,
    declaratie.Jw325,
)


def _release() -> Release:
    from ijw.messages import Release

    return Release(
        name="3.2",
        key="3_2",
        folder="ijw-3.2",
        base_namespace=BASE_NAMESPACE,
        base_prefix="ijw",
        messages=MESSAGES,
    )


RELEASE = _release()
