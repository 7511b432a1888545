"""iJw release 3.2: models of the messages this engine reads and writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ijw.messages.r3_2 import verzoek_toewijzing

if TYPE_CHECKING:
    from ijw.messages import Release

BASE_NAMESPACE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"

MESSAGES = (
    verzoek_toewijzing.Jw315,
    verzoek_toewijzing.Jw316,
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
