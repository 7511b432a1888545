"""A policy pack: municipal policy as dated data with its sources (TOML).

A pack is read with :mod:`tomllib` and validated by :class:`Pack`; anyone can
write one. Minimum::

    [pack]
    id = "amsterdam-esjh-2024"
    gemeente = "0363"
    referral_cutoff = 2023-12-31
    request_deadline = 2024-01-31   # inclusive
    continuity_year = 2024
    # product_categories = ["54"]  # optional; all when absent
    # title, source, published, contract_start, contract_end: optional documentation

    [[contracted_providers]]        # re-contracted for the new period
    name = "..."
    agb = ["12345678"]              # one or more AGB codes; [] until the operator knows them
    lots = ["Centrum", "Zuid"]

A pack that does not validate raises :class:`~ijw.errors.ConfigurationError`
naming the file and the key (``pack.request_deadline: ...``). The content hash
is the sha256 of the file's bytes, so a decision can name exactly the pack it
was made under.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from ijw.errors import ConfigurationError

AgbCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$")]
Categorie = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
#: A TOML date (``2023-12-31``, unquoted); strict, so a number is not read as a timestamp.
Day = Annotated[date, Strict()]

#: The regime of an eligible product at a re-contracted provider.
NEW_CONTRACT = "new_contract"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PackInfo(_Strict):
    """The ``[pack]`` table: identity, scope, the policy's dates and its sources."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
    gemeente: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
    #: Referrals on or before this day qualify.
    referral_cutoff: Day
    #: The JW315 must be dated on or before this day (inclusive).
    request_deadline: Day
    #: The year trajectories continue in (the transition year).
    continuity_year: Annotated[int, Strict(), Field(ge=2000, le=2100)]
    #: Only these JZ020 categories are in scope; all when absent.
    product_categories: tuple[Categorie, ...] | None = None
    title: Text | None = None
    #: Where the policy is published (document title and address).
    source: Text | None = None
    #: When the source was published.
    published: Day | None = None
    #: The new contracts' period (documentation).
    contract_start: Day | None = None
    contract_end: Day | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> PackInfo:
        if self.request_deadline < self.referral_cutoff:
            raise ValueError(f"request_deadline: lies before referral_cutoff "
                             f"({self.referral_cutoff})")
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValueError(f"contract_end: lies before contract_start ({self.contract_start})")
        return self

    @property
    def year_start(self) -> date:
        """The first day of the continuity year."""
        return date(self.continuity_year, 1, 1)

    @property
    def year_end(self) -> date:
        """The last day of the continuity year."""
        return date(self.continuity_year, 12, 31)

    @property
    def legacy_regime(self) -> str:
        """The regime of an eligible product at a provider without a new contract."""
        return f"spic_{self.continuity_year}"

    @property
    def transfer_column(self) -> str:
        """The report column of the transfer flag (``transfer_2025``)."""
        return f"transfer_{self.continuity_year + 1}"


class ContractedProvider(_Strict):
    """A party with a new contract for the period after the transition."""

    name: Text
    agb: tuple[AgbCode, ...] = ()
    lots: Annotated[tuple[Text, ...], Field(min_length=1)]


class Pack(_Strict):
    """A whole pack: ``[pack]`` and the ``[[contracted_providers]]``."""

    pack: PackInfo
    contracted_providers: tuple[ContractedProvider, ...] = ()

    @model_validator(mode="after")
    def _unique_parties(self) -> Pack:
        names: set[str] = set()
        owner: dict[str, str] = {}
        for provider in self.contracted_providers:
            if provider.name in names:
                raise ValueError(f"contracted_providers: {provider.name!r} is listed twice")
            names.add(provider.name)
            for agb in provider.agb:
                if agb in owner:
                    raise ValueError(f"contracted_providers: AGB {agb} is listed for "
                                     f"{owner[agb]!r} and {provider.name!r}")
                owner[agb] = provider.name
        return self

    def contracted_agbs(self) -> frozenset[str]:
        """Every AGB code of a contracted provider."""
        return frozenset(a for p in self.contracted_providers for a in p.agb)

    def without_agb(self) -> tuple[str, ...]:
        """Names of contracted parties whose AGB codes are not filled in yet."""
        return tuple(p.name for p in self.contracted_providers if not p.agb)


@dataclass(frozen=True, slots=True)
class LoadedPack:
    """A validated pack with where it came from and its content hash."""

    pack: Pack
    path: Path
    sha256: str

    @property
    def info(self) -> PackInfo:
        """The ``[pack]`` table."""
        return self.pack.pack

    def warnings(self) -> tuple[str, ...]:
        """What an operator must know before relying on the decisions."""
        missing = self.pack.without_agb()
        if not missing:
            return ()
        return (
            f"{len(missing)} contracted part{'y has' if len(missing) == 1 else 'ies have'} "
            f"no AGB code in {self.path.name}, so their products count as "
            f"{self.info.legacy_regime}: {', '.join(missing)}",
        )


_VALIDATOR_KEY = re.compile(r"^Value error, (?P<key>[a-z_]+): (?P<text>.*)$", re.DOTALL)


def _problem(error: ErrorDetails) -> str:
    """``key.path: what is wrong`` for one validation error."""
    loc = [str(part) for part in error["loc"]]
    text = error["msg"]
    kind = error["type"]
    if kind == "extra_forbidden":
        text = "unknown key"
    elif kind == "missing":
        text = "missing"
    elif kind == "date_type":
        text = "expected a TOML date, written without quotes (2023-12-31)"
    elif kind == "value_error" and (found := _VALIDATOR_KEY.match(text)):
        if found["key"] not in loc:
            loc.append(found["key"])
        text = found["text"]
    return f"{'.'.join(loc) or '(top level)'}: {text}"


def parse_pack(data: bytes, path: Path) -> Pack:
    """Validate the bytes of a pack file; errors name the file and the key."""
    try:
        raw: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError("not UTF-8 text", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"not valid TOML: {exc}", file=str(path)) from None
    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        problems = [_problem(error) for error in exc.errors(include_url=False)]
        raise ConfigurationError("; ".join(problems), file=str(path)) from None


def load_pack(path: str | Path) -> LoadedPack:
    """Read and validate the pack at ``path``."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read the rule pack: {exc.strerror}",
                                 file=str(file)) from None
    return LoadedPack(parse_pack(data, file), file, hashlib.sha256(data).hexdigest())
