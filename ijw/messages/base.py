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


class Message(XmlModel):
    """The root (``Bericht``) of one message type.

    Subclasses set the class variables and declare ``header`` and the body.
    """

    #: ``JW315`` and so on.
    message_type: ClassVar[str]
    #: The BerichtCode the header must carry (``446``).
    code: ClassVar[str]
    #: The root element's namespace.
    namespace: ClassVar[str]
    #: The release, as in the namespace (``3_2``).
    release: ClassVar[str]
    #: For a heenbericht: the message type of its retour; for a retour: ``None``.
    retour_type: ClassVar[str | None] = None
    #: For a retour: the message type it answers; for a heenbericht: ``None``.
    retour_of: ClassVar[str | None] = None

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


def code_value(value: Any) -> Any:
    """The stored form of a field: a codelist member's code, anything else as it is."""
    return None if value is None else getattr(value, "value", value)
