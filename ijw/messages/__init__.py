"""Message models per release, and the registry that finds them by namespace.

A release is a sub-package (``r3_2`` for iJw 3.2) that exports ``RELEASE``.
Adding iJw 3.3 means adding ``r3_3`` and listing it in :data:`RELEASES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ijw.messages.base import Message

if TYPE_CHECKING:  # ijw.xmlmap imports the models' base from this package
    from ijw.xmlmap import Shape

#: The heenberichten the gemeente sends (the toewijzing and the antwoord).
FROM_GEMEENTE = frozenset({"JW301", "JW319"})
#: Every message whose header names the gemeente as Afzender: its 301 and 319, and the
#: aanbieder's retours on them, which keep their heenbericht's header (IV028).
GEMEENTE_HEADER = frozenset({"JW301", "JW302", "JW319", "JW320"})

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
    "FROM_GEMEENTE",
    "GEMEENTE_HEADER",
    "IJW_NAMESPACE",
    "RELEASES",
    "Message",
    "Release",
    "lookup",
    "message_class",
    "release_of",
    "shape_of",
]
