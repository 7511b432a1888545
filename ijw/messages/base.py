"""Building blocks shared by the message models of every release.

A message model mirrors its XSD: one pydantic model per complex type, fields
in schema order, the element name as alias (PascalCase of the field name),
``None`` only for ``minOccurs=0``, repeats as tuples, codelists as enums.
Two markers carry what pydantic does not know about XML:

* :class:`Wrapped`: the field is a container element whose children are the
  repeated items (``AangevraagdeProducten`` / ``AangevraagdProduct``).
* :class:`Ldt`: the basisschema type of a leaf, for documentation and for the
  property-test strategies.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_pascal


@dataclass(frozen=True, slots=True)
class Wrapped:
    """Marks a tuple field as a container element with repeated ``item`` children."""

    item: str


@dataclass(frozen=True, slots=True)
class Ldt:
    """Names the basisschema simple type (``LDT_...``) of a leaf field."""

    name: str


class XmlModel(BaseModel):
    """A complex type of an iJw schema.

    ``xml_ns`` says in which namespace this type's child elements live: the
    message's own (``"msg"``) or the basisschema's (``"base"``, for the
    ``CDT_*`` types).
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_pascal,
        validate_by_name=True,
        validate_by_alias=True,
        use_enum_values=False,
    )

    xml_ns: ClassVar[Literal["msg", "base"]] = "msg"
    #: A value type whose values repeat across messages (a product, a volume): the
    #: reader may hand out one instance for equal values, which is safe because
    #: models are frozen. Only for types whose fields are all leaves.
    xml_shared: ClassVar[bool] = False


class BaseType(XmlModel):
    """A ``CDT_*`` complex type of the basisschema: its children are in that namespace."""

    xml_ns: ClassVar[Literal["msg", "base"]] = "base"


class Party(StrEnum):
    """The two sides of the traffic."""

    GEMEENTE = "gemeente"
    AANBIEDER = "aanbieder"


class HeaderModel(XmlModel):
    """A message header; ``afzender_party`` says whose code its ``Afzender`` holds."""

    afzender_party: ClassVar[Party]


#: The facts every message model must state (see :class:`Message`); checked when the
#: class is defined, so a forgotten fact is an error at import time.
REQUIRED_FACTS = ("message_type", "code", "namespace", "release", "sent_by", "step",
                  "carries_bsn")


class Message(XmlModel):
    """The root (``Bericht``) of one message type.

    Subclasses set the class variables and declare ``header`` and the body.
    Every fact about a message type lives here, on its model; the sets the
    engine needs (what it imports, answers, registers) are derived from the
    registry in :mod:`ijw.messages`.
    """

    #: ``JW315`` and so on.
    message_type: ClassVar[str]
    #: The BerichtCode the header must carry (``446``).
    code: ClassVar[str]
    #: The root element's namespace.
    namespace: ClassVar[str]
    #: The release, as in the namespace (``3_2``).
    release: ClassVar[str]
    #: Who sends it: a retour is sent by the receiver of its heenbericht.
    sent_by: ClassVar[Party]
    #: Its process step in the import order (lower first), or ``None`` for a message
    #: the engine only writes and never imports (306, 316, 325, ...).
    step: ClassVar[int | None]
    #: Whether it names a client by BSN (personal data, checked by CS002).
    carries_bsn: ClassVar[bool]
    #: For a heenbericht: the message type of its retour (IV028); otherwise ``None``.
    retour_type: ClassVar[str | None] = None
    #: For a retour: the message type it answers; for a heenbericht: ``None``.
    retour_of: ClassVar[str | None] = None
    #: For a heenbericht answered by a message that is not a retour (323 by 325).
    answer_type: ClassVar[str | None] = None
    #: For such an answer (325): the message type it answers.
    answer_of: ClassVar[str | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        missing = [name for name in REQUIRED_FACTS if not hasattr(cls, name)]
        if missing:
            raise TypeError(f"message model {cls.__name__} does not state {', '.join(missing)}")
        header = cls.model_fields.get("header")
        party = getattr(getattr(header, "annotation", None), "afzender_party", None)
        if not isinstance(party, Party):
            raise TypeError(f"message model {cls.__name__} has no header with an afzender_party")

    @model_validator(mode="after")
    def _bericht_code_matches(self) -> Self:
        found = getattr(getattr(self, "header", None), "bericht_code", None)
        if found != self.code:
            raise ValueError(
                f"BerichtCode {found!r} does not belong to {self.message_type} ({self.code})"
            )
        return self

    @classmethod
    def is_retour(cls) -> bool:
        """True for the retour messages (302, 306, 308, 316, 318, 320)."""
        return cls.retour_of is not None

    @classmethod
    def is_heenbericht(cls) -> bool:
        """True for a message that starts an exchange (not a retour, not a 325)."""
        return cls.retour_of is None and cls.answer_of is None

    @classmethod
    def reply_type(cls) -> str | None:
        """The message the receiver writes on receipt: its retour, or its answer (325)."""
        return cls.retour_type or cls.answer_type

    @classmethod
    def header_party(cls) -> Party:
        """Whose code the header's ``Afzender`` holds (a retour keeps its heenbericht's)."""
        party: Party = cls.model_fields["header"].annotation.afzender_party  # type: ignore[union-attr]
        return party


def code_value(value: Any) -> Any:
    """The stored form of a field: a codelist member's code, anything else as it is."""
    return None if value is None else getattr(value, "value", value)
