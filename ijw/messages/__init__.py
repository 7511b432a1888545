"""Message models per release, and the registry that finds them by namespace.

A release is a sub-package (``r3_2`` for iJw 3.2) that exports ``RELEASE``.
Adding iJw 3.3 means adding ``r3_3`` and listing it in :data:`RELEASES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ijw.messages.base import Message, Party

if TYPE_CHECKING:  # ijw.xmlmap imports the models' base from this package
    from ijw.xmlmap import Shape

#: Any iJw namespace: release and message (or ``basisschema``).
IJW_NAMESPACE = re.compile(r"^http://www\.istandaarden\.nl/ijw/(\d+_\d+)/(\w+)/schema$")


@dataclass(frozen=True)
class Release:
    """One release of the standard: its namespaces, schema folder and message models."""

    #: As people write it: ``3.2``.
    name: str
    #: As the namespace writes it: ``3_2``.
    key: str
    #: Folder under ``schemas/`` that holds this release's XSDs.
    folder: str
    base_namespace: str
    base_prefix: str
    messages: tuple[type[Message], ...]

    def prefix(self, message: type[Message]) -> str:
        """The namespace prefix used when writing ``message`` (``jw315``)."""
        return message.message_type.lower()


def _releases() -> tuple[Release, ...]:
    from ijw.messages import r3_2

    return (r3_2.RELEASE,)


RELEASES: tuple[Release, ...] = _releases()
_BY_NAMESPACE: dict[str, tuple[Release, type[Message]]] = {
    m.namespace: (r, m) for r in RELEASES for m in r.messages
}
_BY_TYPE: dict[str, type[Message]] = {
    m.message_type: m for r in RELEASES for m in r.messages
}


_BY_ROOT_TAG: dict[str, type[Message]] = {
    f"{{{m.namespace}}}Bericht": m for r in RELEASES for m in r.messages
}
#: Every message model of every release.
ALL_MESSAGES: tuple[type[Message], ...] = tuple(m for r in RELEASES for m in r.messages)


def _check_facts(messages: tuple[type[Message], ...]) -> None:
    """The facts of the message models agree with each other, or the package does not load."""
    by_type = {m.message_type: m for m in messages}
    codes: dict[str, str] = {}
    for m in messages:
        if codes.setdefault(m.code, m.message_type) != m.message_type:
            raise TypeError(f"BerichtCode {m.code} is stated by {codes[m.code]} and "
                            f"{m.message_type}")
        for fact, back in (("retour_type", "retour_of"), ("retour_of", "retour_type"),
                           ("answer_type", "answer_of"), ("answer_of", "answer_type")):
            other = getattr(m, fact)
            if other is None:
                continue
            if other not in by_type or getattr(by_type[other], back) != m.message_type:
                raise TypeError(f"{m.message_type}.{fact} = {other}, but {other}.{back} "
                                f"does not name {m.message_type}")
        if m.is_retour() and m.header_party() is not by_type[m.retour_of or ""].header_party():
            raise TypeError(f"{m.message_type} must keep the header of {m.retour_of} (IV028)")
        if m.is_retour() and m.sent_by is by_type[m.retour_of or ""].sent_by:
            raise TypeError(f"{m.message_type} is sent by the receiver of {m.retour_of}")
        received = m.step is not None and m.sent_by is Party.AANBIEDER
        if received and m.is_heenbericht() and m.reply_type() is None:
            raise TypeError(f"{m.message_type} is received but states no answer to write")


_check_facts(ALL_MESSAGES)


def _types(keep: Callable[[type[Message]], bool]) -> frozenset[str]:
    return frozenset(m.message_type for m in ALL_MESSAGES if keep(m))


#: BerichtCode to message type (``446`` to ``JW315``).
BY_CODE: dict[str, str] = {m.code: m.message_type for m in ALL_MESSAGES}
#: What the engine imports (every message with a step in the import order).
IMPORTED = _types(lambda m: m.step is not None)
#: The heenberichten the gemeente sends (the toewijzing and the antwoord).
FROM_GEMEENTE = _types(lambda m: m.sent_by is Party.GEMEENTE and m.is_heenbericht())
#: What the engine registers when it imports it: the gemeente's own heenberichten.
REGISTERED = FROM_GEMEENTE & IMPORTED
#: The heenberichten the engine receives from an aanbieder and answers.
INCOMING = _types(lambda m: m.sent_by is Party.AANBIEDER and m.is_heenbericht()
                  and m.step is not None)
#: The retours the engine receives (on the 301 and 319 it sent).
RETOURS = _types(lambda m: m.is_retour() and m.step is not None)
#: Every heenbericht the engine judges on import.
HEENBERICHTEN = _types(lambda m: m.is_heenbericht() and m.step is not None)
#: The heenberichten that name a client by BSN.
WITH_BSN = _types(lambda m: m.carries_bsn and m.is_heenbericht() and m.step is not None)
#: Every message whose header names the gemeente as Afzender: its 301, 319 and 325, and
#: the aanbieder's retours on them, which keep their heenbericht's header (IV028).
GEMEENTE_HEADER = _types(lambda m: m.header_party() is Party.GEMEENTE)


def by_root_tag(tag: str) -> type[Message] | None:
    """The message model whose root element is ``tag`` (a Clark name), or ``None``."""
    return _BY_ROOT_TAG.get(tag)


def lookup(namespace: str) -> tuple[Release, type[Message]] | None:
    """The release and message model for a root namespace, or ``None``."""
    return _BY_NAMESPACE.get(namespace)


def message_class(message_type: str) -> type[Message]:
    """The model of ``JW315`` and so on (the newest release that has it)."""
    return _BY_TYPE[message_type.upper()]


def release_of(message: type[Message]) -> Release:
    """The release a message model belongs to."""
    return _BY_NAMESPACE[message.namespace][0]


@cache
def shape_of(message: type[Message]) -> Shape:
    """The compiled XML mapping of a message model."""
    from ijw.xmlmap import compile_shape

    release = release_of(message)
    return compile_shape(message, message.namespace, release.base_namespace)


__all__ = [
    "ALL_MESSAGES",
    "BY_CODE",
    "FROM_GEMEENTE",
    "GEMEENTE_HEADER",
    "HEENBERICHTEN",
    "IJW_NAMESPACE",
    "IMPORTED",
    "INCOMING",
    "REGISTERED",
    "RELEASES",
    "RETOURS",
    "WITH_BSN",
    "Message",
    "Party",
    "Release",
    "lookup",
    "message_class",
    "release_of",
    "shape_of",
]
