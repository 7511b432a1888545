"""Differential conformance of our iJw 3.2 XSDs against the official ones.

Every case from :mod:`tests.mutations` (the official examples, mutated) is validated
with lxml against the official XSD of the example's message and against ours; the
verdicts (valid/invalid) must be identical. All mismatches are reported in one
failure. The official XSDs and examples are read from the shared folder at test
time; nothing official is copied into the project.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pytest
from lxml import etree

from ijw.reading import _parser
from ijw.xmlmap import plain_document
from tests.conftest import OUR_SCHEMAS
from tests.mutations import (
    OUR_MESSAGES,
    REPAIRS,
    Case,
    Example,
    all_cases,
    hardened_parser,
    load_examples,
    message_ns,
    parse_bytes,
    stray_retourcodes_jw318,
)

pytestmark = pytest.mark.shared

OUR_SCHEMA_FILES: tuple[str, ...] = (
    "basisschema.xsd",
    *(f"JW{message}.xsd" for message in OUR_MESSAGES),
)
MIN_CASES = 500
MIN_PER_VERDICT = 100

Schemas = dict[str, etree.XMLSchema]


def missing_schema_files(folder: Path = OUR_SCHEMAS) -> list[str]:
    """Names from :data:`OUR_SCHEMA_FILES` that are not (yet) present in ``folder``."""
    return [name for name in OUR_SCHEMA_FILES if not (folder / name).is_file()]


class SchemaSet(NamedTuple):
    """Compiled message schemas of one folder, plus what kept the others from compiling."""

    folder: Path
    schemas: Schemas
    problems: dict[str, str]  # message -> missing file or compile error

    def describe_problems(self) -> str:
        return "\n".join(f"  JW{m}: {p}" for m, p in sorted(self.problems.items()))


def compile_schemas(folder: Path) -> SchemaSet:
    """Compile ``JWnnn.xsd`` for every message in ``folder``, recording missing/broken ones."""
    schemas: Schemas = {}
    problems: dict[str, str] = {}
    missing_basis = not (folder / "basisschema.xsd").is_file()
    for message in OUR_MESSAGES:
        path = folder / f"JW{message}.xsd"
        if not path.is_file():
            problems[message] = f"missing {path}"
        elif missing_basis:
            problems[message] = f"missing {folder / 'basisschema.xsd'}"
        else:
            try:
                schemas[message] = etree.XMLSchema(etree.parse(str(path), hardened_parser()))
            except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
                problems[message] = f"{path.name} does not compile: {_short(str(exc))}"
    return SchemaSet(folder, schemas, problems)


def _require(schema_set: SchemaSet, message: str) -> etree.XMLSchema:
    """The schema for ``message``, or a test failure saying why it is unavailable."""
    if message not in schema_set.schemas:
        pytest.fail(f"JW{message}: {schema_set.problems[message]}")
    return schema_set.schemas[message]


_NS_URI = re.compile(r"\{http://www\.istandaarden\.nl/ijw/(\d_\d)/(\w+)/schema\}")


def _short(message: str) -> str:
    """Shorten ``{http://…/ijw/3_2/jw315/schema}Name`` to ``jw315:Name`` in error text."""
    return _NS_URI.sub(lambda m: f"{m[2]}:" if m[1] == "3_2" else f"{m[2]}@{m[1]}:", message)


class Verdict(NamedTuple):
    """The outcome of validating one document against one schema."""

    valid: bool
    first_error: str  # "" when valid

    @property
    def word(self) -> str:
        return "valid" if self.valid else "invalid"


def judge(schema: etree.XMLSchema, document: etree._Element) -> Verdict:
    """Validate ``document`` and keep the first error (with its line) when it fails."""
    if schema.validate(document):
        return Verdict(True, "")
    error = schema.error_log[0]
    return Verdict(False, f"line {error.line}: {_short(error.message)}")


class Outcome(NamedTuple):
    """Both verdicts for one case; ``ours`` is None when our schema is unavailable."""

    case: Case
    official: Verdict
    ours: Verdict | None


class Mismatch(NamedTuple):
    case: Case
    official: Verdict
    ours: Verdict


def run_cases(cases: Iterable[Case], official: Schemas, ours: Schemas) -> list[Outcome]:
    """Judge each case with the official schema and (when available) ours for its message."""
    outcomes = []
    for case in cases:
        document = parse_bytes(case.xml)
        our_schema = ours.get(case.message)
        our_verdict = None if our_schema is None else judge(our_schema, document)
        outcomes.append(Outcome(case, judge(official[case.message], document), our_verdict))
    return outcomes


def find_mismatches(outcomes: Iterable[Outcome]) -> list[Mismatch]:
    """The outcomes where our verdict differs from the official one."""
    return [
        Mismatch(o.case, o.official, o.ours)
        for o in outcomes
        if o.ours is not None and o.ours.valid != o.official.valid
    ]


def describe_mismatches(mismatches: list[Mismatch], problems: str = "") -> str:
    """A summary, then one block per mismatch: case id, verdicts, first error of each side."""
    lines = [f"our schemas unavailable for some messages:\n{problems}"] if problems else []
    by_kind = Counter(
        f"JW{m.case.message} official={m.official.word} ours={m.ours.word}" for m in mismatches
    )
    lines.append(f"{len(mismatches)} verdict mismatch(es) between the official XSDs and ours:")
    lines += [f"  {count:5d} x {kind}" for kind, count in sorted(by_kind.items())]
    for m in mismatches:
        lines.append(f"- {m.case.case_id}: official={m.official.word}, ours={m.ours.word}")
        lines.append(f"    official: {m.official.first_error or '-'}")
        lines.append(f"    ours:     {m.ours.first_error or '-'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def official_schemas(official_xsd_dir: Path) -> Schemas:
    official = compile_schemas(official_xsd_dir)
    if official.problems:
        pytest.fail("official schemas unusable:\n" + official.describe_problems())
    return official.schemas


@pytest.fixture(scope="module")
def our_schemas() -> SchemaSet:
    return compile_schemas(OUR_SCHEMAS)


@pytest.fixture(scope="module")
def examples(official_examples_dir: Path) -> dict[str, Example]:
    return {example.message: example for example in load_examples(official_examples_dir)}


@pytest.fixture(scope="module")
def cases(official_examples_dir: Path) -> list[Case]:
    return all_cases(official_examples_dir)


# --------------------------------------------------------------------------- tests


def test_our_schema_files_present() -> None:
    missing = missing_schema_files()
    assert not missing, f"missing in {OUR_SCHEMAS}: {', '.join(missing)}"


@pytest.mark.parametrize("message", OUR_MESSAGES)
def test_example_is_valid_under_both_schemas(
    message: str, examples: dict[str, Example], official_schemas: Schemas, our_schemas: SchemaSet
) -> None:
    """The valid official examples (JW315/JW318 after their in-memory repair) pass ours too."""
    document = examples[message].root
    official = judge(official_schemas[message], document)
    assert official.valid, f"premise broken: official XSD rejects JW{message}: {official}"
    ours = judge(_require(our_schemas, message), document)
    assert ours.valid, f"our JW{message}.xsd rejects the official example: {ours.first_error}"


def _offenders(message: str, root: etree._Element) -> list[etree._Element]:
    """The elements that make the published (unrepaired) example invalid."""
    if message == "315":
        ns = message_ns("315")
        return [e for e in root.iter(f"{{{ns}}}ToewijzingEinddatum") if e.text == "2027-06-31"]
    return stray_retourcodes_jw318(root)


@pytest.mark.parametrize("message", sorted(REPAIRS))
def test_unrepaired_example_rejected_at_offending_element(
    message: str, examples: dict[str, Example], official_schemas: Schemas, our_schemas: SchemaSet
) -> None:
    """The published JW315/JW318 fail, and the first error points at the defective element."""
    document = parse_bytes(examples[message].raw)
    offenders = _offenders(message, document)
    assert offenders, f"JW{message}: the known defect is no longer in the example"
    lines = {element.sourceline for element in offenders}
    qualified = {f"'{element.tag}'" for element in offenders}
    validators = (("official", official_schemas[message]), ("our", _require(our_schemas, message)))
    for owner, validator in validators:
        assert not validator.validate(document), f"{owner} JW{message}.xsd accepts the defect"
        error = validator.error_log[0]
        assert error.line in lines, (
            f"{owner} JW{message}.xsd: first error on line {error.line}, "
            f"expected one of {sorted(lines)}: {error.message}"
        )
        assert any(name in error.message for name in qualified), (
            f"{owner} JW{message}.xsd: first error does not name {sorted(qualified)}: "
            f"{error.message}"
        )


def test_verdicts_match_official(
    cases: list[Case], official_schemas: Schemas, our_schemas: SchemaSet
) -> None:
    """Every mutated message gets the same verdict from our XSD as from the official one."""
    outcomes = run_cases(cases, official_schemas, our_schemas.schemas)
    valid = sum(o.official.valid for o in outcomes)
    invalid = len(outcomes) - valid
    assert len(outcomes) >= MIN_CASES, f"only {len(outcomes)} cases"
    assert valid >= MIN_PER_VERDICT, f"only {valid} cases are valid under the official XSDs"
    assert invalid >= MIN_PER_VERDICT, f"only {invalid} cases are invalid under the official XSDs"
    mismatches = find_mismatches(outcomes)
    problems = our_schemas.describe_problems()
    assert not (mismatches or problems), describe_mismatches(mismatches, problems)


def test_dropping_blank_text_changes_no_verdict(cases: list[Case], our_schemas: SchemaSet
                                                ) -> None:
    """The reader parses a plain document without its indentation: every verdict stays."""
    plain = [case for case in cases if plain_document(case.xml)]
    assert len(plain) >= MIN_CASES // 2
    for case in plain:
        schema = our_schemas.schemas.get(case.message)
        if schema is None:
            continue
        kept = judge(schema, parse_bytes(case.xml))
        dropped = judge(schema, etree.fromstring(case.xml, _parser(plain=True)))
        assert dropped == kept, case
