"""The message models against the official iJw 3.2 examples and XSDs.

For each example of a registered message (301, 302, 305-308, 315-320, 323, 325):

* it maps to a model (``element_to_dict`` + ``model_validate``) that holds the
  expected values;
* the model written back (``model_to_element``) is canonically equal to the
  example (whitespace-only text and comments left out);
* the model's shape follows the official XSD of that message: the same
  elements in the same order and namespace, the same cardinality, the same
  basisschema types and codelist values.

The two defective examples are repaired in memory first (see
:data:`tests.mutations.REPAIRS`): JW315's 2027-06-31 and JW318's stray
``RetourCode`` under ``Verzoek``. The official files are read from the shared
folder at test time and never copied into the project.
"""

from __future__ import annotations

import copy
import types
import typing
from datetime import date, time
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pydantic.alias_generators import to_pascal
from pydantic.fields import FieldInfo

from ijw.messages import Message, lookup, message_class, shape_of
from ijw.messages.base import Ldt, Wrapped
from ijw.messages.r3_2 import MESSAGES
from ijw.messages.r3_2.codelists import (
    LAND_CODES,
    DebetCredit,
    Eenheid,
    Frequentie,
    ProductCategorie,
    RedenAfwijzingVerzoek,
    RedenBeeindiging,
    RetourCode,
    StatusAanlevering,
    VerzoekAntwoord,
)
from ijw.messages.r3_2.common import GeslotenPeriode
from ijw.xmlmap import (
    LEAF,
    NESTED,
    WRAPPED_LEAF,
    WRAPPED_NESTED,
    Shape,
    element_to_dict,
    model_to_element,
)
from tests.mutations import OUR_MESSAGES, REPAIRS, parse_bytes

pytestmark = pytest.mark.shared

XS = "{http://www.w3.org/2001/XMLSchema}"
BASE_NS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"


# --------------------------------------------------------------------------- loading


def _load_root(examples_dir: Path, message: str) -> etree._Element:
    root = parse_bytes((examples_dir / f"JW{message}.xml").read_bytes())
    repair = REPAIRS.get(message)
    if repair is not None:
        assert repair.apply(root) > 0, f"JW{message}: defect not found ({repair.description})"
    return root


@pytest.fixture(scope="module")
def roots(official_examples_dir: Path) -> dict[str, etree._Element]:
    """The (repaired) example trees by message number; tests must not change them."""
    return {m: _load_root(official_examples_dir, m) for m in OUR_MESSAGES}


def _model(roots: dict[str, etree._Element], message: str) -> Any:
    root = roots[message]
    cls = message_class(f"JW{message}")
    return cls.model_validate(element_to_dict(root, shape_of(cls)))


def _canonical(element: etree._Element) -> bytes:
    """C14N of ``element`` without comments and whitespace-only text and tails."""
    tree = copy.deepcopy(element)
    for comment in list(tree.iter(etree.Comment)):
        parent = comment.getparent()
        if parent is not None:
            parent.remove(comment)  # tails of comments are whitespace in these files
    for node in tree.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(tree, method="c14n")


# --------------------------------------------------------------------------- registry


def test_messages_registered_in_number_order() -> None:
    assert tuple(m.message_type for m in MESSAGES) == tuple(f"JW{m}" for m in OUR_MESSAGES)
    for cls in MESSAGES:
        number = int(cls.message_type[2:])
        assert cls.namespace == f"http://www.istandaarden.nl/ijw/3_2/jw{number}/schema"
        assert cls.release == "3_2"
        if cls.is_retour():
            assert cls.retour_type is None
            heen = message_class(cls.retour_of or "")
            assert heen.retour_type == cls.message_type
            assert int(cls.code) == int(heen.code) + 1
            assert number == int(heen.message_type[2:]) + 1
        elif cls.answer_of is not None:  # the 325: its code follows the 323's, its number not
            assert cls.retour_type is None and cls.answer_type is None
            heen = message_class(cls.answer_of)
            assert heen.answer_type == cls.message_type and heen.retour_type is None
            assert int(cls.code) == int(heen.code) + 1
            assert number == int(heen.message_type[2:]) + 2
        elif cls.answer_type is not None:
            assert cls.retour_type is None
        else:
            assert cls.retour_type == f"JW{number + 1}"


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("message", OUR_MESSAGES)
def test_example_round_trips(roots: dict[str, etree._Element], message: str) -> None:
    root = roots[message]
    found = lookup(etree.QName(root).namespace or "")
    assert found is not None
    cls = found[1]
    assert cls.message_type == f"JW{message}"
    model = _model(roots, message)
    assert isinstance(model, cls)
    written = model_to_element(model, shape_of(cls), root.tag, nsmap=dict(root.nsmap))
    assert _canonical(written) == _canonical(root)


# --------------------------------------------------------------------------- key values


def test_jw301_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "301")
    assert m.header.afzender == "0384"
    assert m.header.ontvanger == "42420001"
    assert m.header.bericht_identificatie.dagtekening == date(2026, 4, 1)
    c = m.client
    assert c.bsn == "999900006"
    assert c.naam.geslachtsnaam.achternaam == "Wit"
    assert c.communicatie.taal == "Zweeds"
    assert [r.nummer for r in c.relaties] == ["1", "2"]
    assert c.relaties[0].naam.partnernaam.achternaam == "Vries"
    assert c.relaties[0].contact.adres.huis.huisletter == "B"
    assert [k.soort.value for k in c.contactgegevens] == ["03", "04"]
    assert c.contactgegevens[1].periode.begindatum == date(2018, 2, 3)
    assert c.contactgegevens[1].periode.einddatum is None
    p = c.toegewezen_producten
    assert [x.toewijzing_nummer for x in p] == [300201, 300202]
    assert p[0].referentie_aanbieder == "40A12341234"
    assert p[0].product.categorie is ProductCategorie.C55
    assert p[0].product.code == "55A11"
    assert p[0].toewijzingstijd == time(12, 34, 56)
    assert p[0].einddatum == date(2026, 7, 14)
    assert p[0].reden_wijziging is None
    assert p[1].omvang.eenheid is Eenheid.DAGDEEL
    assert p[1].omvang.frequentie is Frequentie.PER_WEEK
    assert p[1].budget is None


def test_jw302_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "302")
    assert m.client is None
    assert m.header.afzender == "0384"
    assert m.header.identificatie_retour == "9452b7eb-c87"
    assert m.header.dagtekening_retour == date(2023, 7, 16)
    assert m.header.retour_codes == (RetourCode.R8848,)


def test_jw305_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "305")
    assert m.header.afzender == "65656055"
    assert m.header.ontvanger == "0363"
    c = m.client
    assert c.bsn == "999900006"
    assert [s.toewijzing_nummer for s in c.start_producten] == [300201, 300202]
    assert c.start_producten[1].product.code == "55A12"
    assert c.start_producten[1].toewijzing_ingangsdatum == date(2026, 4, 1)
    assert c.start_producten[1].begindatum == date(2026, 4, 15)
    assert c.start_producten[0].status_aanlevering is StatusAanlevering.EERSTE


def test_jw306_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "306")
    assert m.client is None
    assert m.header.identificatie_retour == "7ae60051-e0f"
    assert m.header.retour_codes == (RetourCode.R8848,)


def test_jw307_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "307")
    c = m.client
    assert c.bsn == "999900006"
    assert [s.product.code for s in c.stop_producten] == ["55A11", "55A12"]
    assert c.stop_producten[0].begindatum == date(2026, 4, 3)
    assert c.stop_producten[0].reden_beeindiging is RedenBeeindiging.VOLGENS_PLAN
    assert c.stop_producten[0].einddatum == date(2026, 7, 17)
    assert c.stop_producten[0].status_aanlevering is StatusAanlevering.EERSTE


def test_jw308_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "308")
    assert m.client is None
    assert m.header.retour_codes == ()
    assert m.header.xslt_versie is None
    assert m.header.xsd_versie_retour.bericht_xsd_versie == "1.0.0"


def test_jw315_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "315")
    c = m.client
    assert c.bsn == "999900006"
    assert [p.referentie_aanbieder for p in c.aangevraagde_producten] == [
        "40A12341234",
        "40A12341235",
    ]
    assert c.aangevraagde_producten[0].toewijzing_einddatum == date(2027, 6, 30)  # repaired
    assert c.aangevraagde_producten[1].verwijzer.zorgverlener_code == "12345678"


def test_jw316_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "316")
    assert m.header.retour_codes == (RetourCode.R0200,)
    assert m.client.retour_codes == (RetourCode.R0200,)
    codes = [p.retour_codes for p in m.client.aangevraagde_producten]
    assert codes == [(RetourCode.R9347,), (RetourCode.R0200,)]


def test_jw317_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "317")
    assert m.header.bericht_identificatie.identificatie == "987654321"
    c = m.client
    assert c.bsn == "999900006"
    v = c.verzoek
    assert v.referentie_aanbieder == "9003"
    assert [o.toewijzing_nummer for o in v.ongewijzigde_producten] == [10071]
    assert v.te_wijzigen_producten == ()
    assert v.nieuwe_producten[0].product.code == "45A03"
    assert v.nieuwe_producten[0].gewenste_ingangsdatum == date(2026, 11, 1)
    assert v.nieuwe_producten[0].omvang.volume == 4


def test_jw318_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "318")
    assert m.header.xslt_versie == "1.1.1"
    assert m.header.retour_codes == (RetourCode.R0200,)
    c = m.client
    assert c.bsn == "999900006"
    assert c.retour_codes == (RetourCode.R0200,)
    v = c.verzoek
    assert v.retour_codes == (RetourCode.R9349,)
    assert v.ongewijzigde_producten[0].toewijzing_nummer == 10071
    assert v.ongewijzigde_producten[0].retour_codes == (RetourCode.R9350,)
    assert v.te_wijzigen_producten == ()
    assert v.nieuwe_producten[0].einddatum == date(2024, 2, 28)
    assert v.nieuwe_producten[0].retour_codes == (RetourCode.R0200,)


def test_jw319_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "319")
    a = m.antwoord
    assert a.referentie_aanbieder == "9003"
    assert a.verzoek_antwoord is VerzoekAntwoord.AFGEWEZEN
    assert a.reden_afwijzing_verzoek is RedenAfwijzingVerzoek.WOONPLAATSBEGINSEL
    assert a.woonplaatsbeginsel.gemeente == "1916"


def test_jw320_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "320")
    assert m.header.identificatie_retour == "RT321"
    assert m.header.retour_codes == (RetourCode.R0200,)
    a = m.antwoord
    assert a.verzoek_antwoord is VerzoekAntwoord.IN_ONDERZOEK
    assert a.reden_afwijzing_verzoek is None
    assert a.woonplaatsbeginsel is None
    assert a.retour_codes == (RetourCode.R9360,)


def test_jw323_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "323")
    assert m.header.afzender == "65656055"
    assert m.header.ontvanger == "0384"
    assert m.header.bericht_identificatie.identificatie == "765432198"
    d = m.declaratie
    assert d.declaratie_nummer == "DN001"
    assert d.declaratie_periode == GeslotenPeriode(begindatum=date(2026, 4, 1),
                                                   einddatum=date(2026, 4, 30))
    assert d.declaratie_dagtekening == date(2026, 5, 6)
    assert d.totaal_ingediend_bedrag.totaal_bedrag == 79000
    assert d.totaal_ingediend_bedrag.debet_credit is DebetCredit.DEBET
    assert [c.bsn for c in d.clienten] == ["999900006", "999900018"]
    assert [len(c.prestaties) for c in d.clienten] == [2, 3]
    p = d.clienten[0].prestaties[0]
    assert p.product_referentie.referentie_nummer == "RN001"
    assert p.product_referentie.vorig_referentie_nummer is None
    assert p.toewijzing_nummer == 10072
    assert p.product_categorie is ProductCategorie.C45
    assert p.product_code == "45A03"
    assert p.product_periode.einddatum == date(2026, 4, 30)
    assert p.geleverd_volume == 4
    assert p.eenheid is Eenheid.UUR
    assert p.product_tarief == 1250
    assert p.ingediend_bedrag.bedrag == 5000
    assert p.ingediend_bedrag.debet_credit is DebetCredit.DEBET
    last = d.clienten[1].prestaties[2]
    assert last.product_referentie.referentie_nummer == "RN004"  # twice: TR101, not the XSD
    assert last.product_periode.begindatum == date(2026, 3, 1)
    # the declared amounts add up to the total
    amounts = [p.ingediend_bedrag.bedrag for c in d.clienten for p in c.prestaties]
    assert sum(amounts) == d.totaal_ingediend_bedrag.totaal_bedrag


def test_jw325_values(roots: dict[str, etree._Element]) -> None:
    m = _model(roots, "325")
    h = m.header
    assert h.afzender == "0384"
    assert h.ontvanger == "65656055"
    assert h.declaratie_identificatie.identificatie == "765432198"
    assert h.xslt_versie == "1.0.0"
    assert h.xsd_versie_declaratie.bericht_xsd_versie == "1.0.0"
    assert h.retour_codes == (RetourCode.R0200,)
    a = m.declaratie_antwoord
    assert a.declaratie_nummer == "DN001"
    assert a.totaal_ingediend_bedrag.totaal_bedrag == 58000
    assert a.totaal_toegekend_bedrag.totaal_bedrag == 34000
    assert a.totaal_toegekend_bedrag.debet_credit is DebetCredit.CREDIT
    assert a.retour_codes == (RetourCode.R0200,)
    assert [c.bsn for c in a.clienten] == ["999900006", "999900018"]
    assert a.clienten[0].retour_codes == (RetourCode.R0200,)
    p = a.clienten[0].prestaties
    assert p[0].product_referentie.vorig_referentie_nummer == "RT001"
    assert p[0].retour_codes == (RetourCode.R0611,)
    assert p[1].retour_codes == (RetourCode.R9339, RetourCode.R9340, RetourCode.R9341)
    assert a.clienten[1].prestaties[0].retour_codes == (RetourCode.R9307,)


def test_retour_codes_are_last_and_required() -> None:
    """Each class with RetourCodes has them as its last field, 1..n; a retour header's are
    0..1 (IV028), the 325 header's 1..n."""
    for cls in MESSAGES:
        for model, at in _models_in(shape_of(cls)):
            fields = list(model.model_fields)
            if "retour_codes" not in fields:
                continue
            assert fields[-1] == "retour_codes", at
            info = model.model_fields["retour_codes"]
            if at.endswith("/Header") and cls.is_retour():
                assert not info.is_required(), at
            else:
                assert info.is_required(), at
                assert _min_length(info) == 1, at


def _models_in(shape: Shape, at: str = "") -> list[tuple[type[Any], str]]:
    out: list[tuple[type[Any], str]] = [(shape.model, at or shape.model.__name__)]
    for child in shape.order:
        if child.shape is not None:
            out += _models_in(child.shape, f"{at or shape.model.__name__}/{_local(child.tag)}")
    return out


# --------------------------------------------------------------------------- against the XSD


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _min_length(info: FieldInfo) -> int | None:
    return next((m.min_length for m in info.metadata if hasattr(m, "min_length")), None)


def _unwrap_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return args[0] if len(args) == 1 else annotation
    return annotation


def _leaf_type(info: FieldInfo) -> tuple[str | None, type[Enum] | None]:
    """The LDT name a leaf field declares and, for a codelist, its enum."""
    annotation = _unwrap_optional(info.annotation)
    metadata = list(info.metadata)
    if any(isinstance(m, Wrapped) for m in metadata):
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is typing.Annotated:
        metadata += list(annotation.__metadata__)
        annotation = typing.get_args(annotation)[0]
    ldt = next((m.name for m in metadata if isinstance(m, Ldt)), None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return f"LDT_{annotation.__name__}", annotation
    return ldt, None


class _Schemas:
    """The official message XSD plus the basisschema, indexed by type name."""

    def __init__(self, xsd_dir: Path, message: str) -> None:
        self.msg = etree.parse(str(xsd_dir / f"JW{message}.xsd")).getroot()
        base = etree.parse(str(xsd_dir / "basisschema.xsd")).getroot()
        self.msg_ns = self.msg.get("targetNamespace") or ""
        self.complex: dict[tuple[str, str], etree._Element] = {}
        for ns, schema in ((self.msg_ns, self.msg), (BASE_NS, base)):
            for ct in schema.iterfind(f"{XS}complexType"):
                self.complex[(ns, ct.get("name") or "")] = ct
        self.simple = {st.get("name"): st for st in base.iterfind(f"{XS}simpleType")}

    def resolve(self, schema_of: etree._Element, qname: str) -> tuple[str, str]:
        prefix, _, name = qname.rpartition(":")
        return schema_of.nsmap.get(prefix or None) or "", name


def _compare(
    schemas: _Schemas, shape: Shape, ct: etree._Element, ns: str, at: str, problems: list[str]
) -> None:
    sequence = ct.find(f"{XS}sequence")
    elements = [] if sequence is None else list(sequence.iterfind(f"{XS}element"))
    if len(ct) and sequence is None:
        problems.append(f"{at}: XSD content model is not a plain sequence")
    names = [e.get("name") for e in elements]
    fields = [_local(c.tag) for c in shape.order]
    if names != fields:
        problems.append(f"{at}: XSD order {names} != model order {fields}")
        return
    for element, spec in zip(elements, shape.order, strict=True):
        name = element.get("name") or ""
        here = f"{at}/{name}"
        info = shape.model.model_fields[spec.field]
        if to_pascal(spec.field) != name and info.alias != name:
            problems.append(f"{here}: field {spec.field} does not map to {name}")
        if spec.tag != f"{{{ns}}}{name}":
            problems.append(f"{here}: tag {spec.tag} is not in namespace {ns}")
        minimum, maximum = element.get("minOccurs", "1"), element.get("maxOccurs", "1")
        if maximum != "1":
            problems.append(f"{here}: repeats directly (maxOccurs={maximum}), not modelled")
        # A default other than None/() (the fixed BerichtVersie 3) is always written.
        may_be_absent = not info.is_required() and info.default in (None, ())
        if may_be_absent != (minimum == "0"):
            problems.append(f"{here}: minOccurs={minimum} but may_be_absent={may_be_absent}")
        type_name = element.get("type")
        if type_name is None:  # inline restriction of a basisschema simple type
            restriction = element.find(f"{XS}simpleType/{XS}restriction")
            assert restriction is not None, here
            type_name = restriction.get("base") or ""
        type_ns, local = schemas.resolve(schemas.msg, type_name)
        complex_type = schemas.complex.get((type_ns, local))
        if complex_type is None:
            _compare_leaf(schemas, spec.kind, info, local, here, problems, wrapped=False)
            continue
        items = complex_type.findall(f"{XS}sequence/{XS}element")
        is_wrapper = (
            type_ns == schemas.msg_ns
            and len(items) == 1
            and items[0].get("maxOccurs") == "unbounded"
            and items[0].get("minOccurs", "1") == "1"
        )
        if not is_wrapper:
            if spec.kind != NESTED or spec.shape is None:
                problems.append(f"{here}: XSD has a complex type, model has no nested class")
                continue
            child_ns = BASE_NS if type_ns == BASE_NS else schemas.msg_ns
            _compare(schemas, spec.shape, complex_type, child_ns, here, problems)
            continue
        item = items[0]
        item_name = item.get("name") or ""
        if spec.kind not in (WRAPPED_LEAF, WRAPPED_NESTED):
            problems.append(f"{here}: XSD container of {item_name}, model field not Wrapped")
            continue
        if spec.item_tag != f"{{{schemas.msg_ns}}}{item_name}":
            problems.append(f"{here}: item {spec.item_tag} != {item_name}")
        if minimum == "1" and _min_length(info) != 1:
            problems.append(f"{here}: mandatory container without min_length=1")
        item_ns, item_local = schemas.resolve(schemas.msg, item.get("type") or "")
        item_type = schemas.complex.get((item_ns, item_local))
        item_at = f"{here}/{item_name}"
        if item_type is None:
            _compare_leaf(schemas, spec.kind, info, item_local, item_at, problems, wrapped=True)
        elif spec.kind != WRAPPED_NESTED or spec.shape is None:
            problems.append(f"{item_at}: XSD has a complex item, model has a leaf")
        else:
            child_ns = BASE_NS if item_ns == BASE_NS else schemas.msg_ns
            _compare(schemas, spec.shape, item_type, child_ns, item_at, problems)


def _compare_leaf(
    schemas: _Schemas,
    kind: int,
    info: FieldInfo,
    ldt: str,
    at: str,
    problems: list[str],
    *,
    wrapped: bool,
) -> None:
    if kind != (WRAPPED_LEAF if wrapped else LEAF):
        problems.append(f"{at}: XSD simple type {ldt}, model is not a leaf")
        return
    declared, enum = _leaf_type(info)
    if declared != ldt:
        problems.append(f"{at}: XSD type {ldt}, model declares {declared}")
        return
    simple = schemas.simple.get(ldt)
    values = set() if simple is None else {e.get("value") for e in simple.iter(f"{XS}enumeration")}
    if enum is not None and values != {member.value for member in enum}:
        problems.append(f"{at}: {enum.__name__} values differ from {ldt}")
    elif ldt == "LDT_LandCode":  # a validator against LAND_CODES, not an enum
        if values != LAND_CODES:
            problems.append(f"{at}: LAND_CODES differ from {ldt}")
    elif enum is None and values:
        problems.append(f"{at}: {ldt} is an enumeration, model is not an enum")


@pytest.mark.parametrize("message", OUR_MESSAGES)
def test_model_follows_official_xsd(official_xsd_dir: Path, message: str) -> None:
    schemas = _Schemas(official_xsd_dir, message)
    cls: type[Message] = message_class(f"JW{message}")
    bericht = schemas.msg.find(f"{XS}element[@name='Bericht']")
    assert bericht is not None
    root_ns, root_type = schemas.resolve(schemas.msg, bericht.get("type") or "")
    problems: list[str] = []
    _compare(schemas, shape_of(cls), schemas.complex[(root_ns, root_type)], cls.namespace,
             "Bericht", problems)
    assert not problems, "\n".join(problems)


def test_a_message_model_without_its_facts_is_refused_at_definition() -> None:
    """A forgotten fact (here: the import step) is an error when the class is made."""
    from ijw.messages.base import Message as MessageBase
    from ijw.messages.base import Party
    from ijw.messages.r3_2.common import HeaderVanAanbieder

    with pytest.raises(TypeError, match="step"):
        class Forgetful(MessageBase):
            message_type = "JW399"
            code = "999"
            namespace = "urn:example"
            release = "3_2"
            sent_by = Party.AANBIEDER
            carries_bsn = False

            header: HeaderVanAanbieder


def test_the_derived_message_sets_follow_the_facts() -> None:
    import ijw.messages as registry

    for m in registry.ALL_MESSAGES:
        if m.message_type in registry.INCOMING:
            assert m.sent_by is registry.Party.AANBIEDER and m.reply_type() is not None
        if m.is_retour():
            assert m.header_party() is message_class(m.retour_of or "").header_party()
    assert registry.REGISTERED <= registry.FROM_GEMEENTE
    assert not registry.INCOMING & registry.RETOURS
