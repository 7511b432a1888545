"""The tables of the ijw store (SQLAlchemy 2.0, typed, portable).

Other municipal systems read these tables, so their shape is part of the
product. Natural keys of the standard (brief, section 6) are unique
constraints, so the database itself refuses a duplicate:

* message identity (sender, message type, Identificatie) -- TR056;
* toewijzing (gemeente, ToewijzingNummer) -- TR332;
* verzoek (aanbieder, ReferentieAanbieder) for accepted verzoeken -- TR347;
* start and stop lines by their key while they are not deleted -- TR074;
* one copy of the same bytes (sha256);
* a prestatie's ReferentieNummer per aanbieder, among approved lines -- TR314,
  and one approved credit per debet.

Column names are English snake_case; values keep the standard's codes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    and_,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


Id = BigInteger().with_variant(Integer(), "sqlite")


class ImportRun(Base):
    """One run of ``ijw import`` (bookkeeping; not part of the canonical content)."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # running, finished, failed
    summary: Mapped[str | None] = mapped_column(Text)  # JSON counts


class Message(Base):
    """Every message received or sent, with its raw XML.

    ``sender``/``receiver`` are the parties that physically sent and received
    it: for a retour that is the reverse of its copied header (IV028).
    ``identificatie``/``dagtekening`` are the message's own identification:
    BerichtIdentificatie for a heenbericht, IdentificatieRetour and
    DagtekeningRetour for a retour.
    """

    __tablename__ = "message"
    __table_args__ = (
        Index(
            "uq_message_identity",
            "sender",
            "message_type",
            "identificatie",
            unique=True,
            sqlite_where=text("duplicate_of_id IS NULL"),
            postgresql_where=text("duplicate_of_id IS NULL"),
        ),
        Index("ix_message_answers_id", "answers_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_type: Mapped[str] = mapped_column(String(5))
    direction: Mapped[str] = mapped_column(String(3))  # in, out
    sender: Mapped[str] = mapped_column(String(8))
    receiver: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4), index=True)
    aanbieder: Mapped[str] = mapped_column(String(8), index=True)
    identificatie: Mapped[str] = mapped_column(String(12))
    dagtekening: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(1024))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: accepted, rejected (retour with codes), registered (sent by us), retour (received retour)
    outcome: Mapped[str] = mapped_column(String(16))
    #: The highest control level that failed, if any: content, cross-message, external.
    rejected_level: Mapped[str | None] = mapped_column(String(16))
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))
    raw_xml: Mapped[bytes] = mapped_column(LargeBinary)
    #: For a retour we made: written to the outbox yet? (outbox pattern)
    outbox_file: Mapped[str | None] = mapped_column(String(255))
    outbox_written: Mapped[bool] = mapped_column(Boolean, default=False)


class RetourCodeRow(Base):
    """A retourcode on one class of a retour (sent or received)."""

    __tablename__ = "retour_code"
    __table_args__ = (UniqueConstraint("message_id", "class_path", "position"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    #: ``Header``, ``Client``, ``Client/AangevraagdProduct[2]`` ...
    class_path: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(4))
    rule: Mapped[str | None] = mapped_column(String(8))


class Client(Base):
    """A client, identified by BSN only (UP006)."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    bsn: Mapped[str] = mapped_column(String(9), unique=True)


class RequestedProduct(Base):
    """An AangevraagdProduct of a received JW315.

    Products of rejected 315s are kept (``accepted`` false) so the rules layer
    can tell a rejected request from a missing one; only accepted ones hold
    their ReferentieAanbieder (TR347).
    """

    __tablename__ = "requested_product"
    __table_args__ = (
        Index(
            "uq_requested_product_reference",
            "aanbieder",
            "referentie_aanbieder",
            unique=True,
            sqlite_where=text("accepted"),
            postgresql_where=text("accepted"),
        ),
        Index("ix_requested_product_lookup", "aanbieder", "client_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    accepted: Mapped[bool] = mapped_column(Boolean)
    dagtekening: Mapped[date] = mapped_column(Date)
    referentie_aanbieder: Mapped[str] = mapped_column(String(36))
    beschikking_nummer: Mapped[int | None] = mapped_column(BigInteger)
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    toewijzing_ingangsdatum: Mapped[date] = mapped_column(Date)
    toewijzing_einddatum: Mapped[date | None] = mapped_column(Date)
    volume: Mapped[int | None] = mapped_column(BigInteger)
    eenheid: Mapped[str | None] = mapped_column(String(2))
    frequentie: Mapped[str | None] = mapped_column(String(1))
    budget: Mapped[int | None] = mapped_column(BigInteger)
    verwijzer_type: Mapped[str] = mapped_column(String(2))
    verwijzer_naam: Mapped[str | None] = mapped_column(String(64))
    verwijzer_agb: Mapped[str | None] = mapped_column(String(8))


class ChangeRequest(Base):
    """The Verzoek of a received JW317 (one ReferentieAanbieder for the whole verzoek)."""

    __tablename__ = "change_request"
    __table_args__ = (
        Index(
            "uq_change_request_reference",
            "aanbieder",
            "referentie_aanbieder",
            unique=True,
            sqlite_where=text("accepted"),
            postgresql_where=text("accepted"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    accepted: Mapped[bool] = mapped_column(Boolean)
    dagtekening: Mapped[date] = mapped_column(Date)
    referentie_aanbieder: Mapped[str] = mapped_column(String(36))
    reden_verzoek: Mapped[str] = mapped_column(String(1))


class ChangeRequestLine(Base):
    """One Ongewijzigd, TeWijzigen or Nieuw product of a 317."""

    __tablename__ = "change_request_line"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # ongewijzigd, te_wijzigen, nieuw
    position: Mapped[int] = mapped_column(Integer)
    toewijzing_nummer: Mapped[int | None] = mapped_column(BigInteger)
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    gewenste_ingangsdatum: Mapped[date | None] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    volume: Mapped[int | None] = mapped_column(BigInteger)
    eenheid: Mapped[str | None] = mapped_column(String(2))
    frequentie: Mapped[str | None] = mapped_column(String(1))
    budget: Mapped[int | None] = mapped_column(BigInteger)


class Allocation(Base):
    """A ToegewezenProduct in its current state (the latest Toewijzingsdatum+tijd, IV013).

    ``referentie_aanbieder`` is the reference it carried when it honoured a
    verzoek; later versions that clear it keep this link.
    """

    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("gemeente", "toewijzing_nummer"),
        Index("ix_allocation_party", "aanbieder", "client_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    aanbieder: Mapped[str] = mapped_column(String(8))
    referentie_aanbieder: Mapped[str | None] = mapped_column(String(36))
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    toewijzingsdatum: Mapped[date] = mapped_column(Date)
    toewijzingstijd: Mapped[time] = mapped_column(Time)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    reden_wijziging: Mapped[str | None] = mapped_column(String(2))
    volume: Mapped[int | None] = mapped_column(BigInteger)
    eenheid: Mapped[str | None] = mapped_column(String(2))
    frequentie: Mapped[str | None] = mapped_column(String(1))
    budget: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"))


class AllocationVersion(Base):
    """Every version of a ToegewezenProduct as it appeared in a JW301 (history)."""

    __tablename__ = "allocation_version"
    __table_args__ = (UniqueConstraint("allocation_id", "message_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    referentie_aanbieder: Mapped[str | None] = mapped_column(String(36))
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    toewijzingsdatum: Mapped[date] = mapped_column(Date)
    toewijzingstijd: Mapped[time] = mapped_column(Time)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    reden_wijziging: Mapped[str | None] = mapped_column(String(2))
    volume: Mapped[int | None] = mapped_column(BigInteger)
    eenheid: Mapped[str | None] = mapped_column(String(2))
    frequentie: Mapped[str | None] = mapped_column(String(1))
    budget: Mapped[int | None] = mapped_column(BigInteger)


#: StatusAanlevering 1 (present) as SQL, the value the partial index names.
PRESENT_LITERAL = "'1'"


class CareLine(Base):
    """A StartProduct (305) or StopProduct (307) line.

    ``line_key`` is the canonical key of TR074 (scoped per gemeente and
    aanbieder); it is unique among the lines of one kind that are not
    deleted, so the database refuses a second identical start or stop.
    """

    __tablename__ = "care_line"
    __table_args__ = (
        Index(
            "uq_care_line_active_key",
            "kind",
            "line_key",
            unique=True,
            sqlite_where=text(f"deleted_by_id IS NULL AND status = {PRESENT_LITERAL}"),
            postgresql_where=text(f"deleted_by_id IS NULL AND status = {PRESENT_LITERAL}"),
        ),
        Index("ix_care_line_allocation", "gemeente", "toewijzing_nummer"),
        Index("ix_care_line_start_key", "kind", "start_key"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))  # start, stop
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    toewijzing_nummer: Mapped[int | None] = mapped_column(BigInteger)
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    toewijzing_ingangsdatum: Mapped[date | None] = mapped_column(Date)
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    reden_beeindiging: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(1))
    #: Key of the start this line belongs to (Bsn, ToewijzingNummer, Product, Begindatum).
    start_key: Mapped[str] = mapped_column(String(200))
    #: Full TR074 key of this line (for a stop: with Einddatum and RedenBeeindiging).
    line_key: Mapped[str] = mapped_column(String(240))
    #: The status-3 line that deleted this one.
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("care_line.id"))


def care_line_present(lines: Any) -> ColumnElement[bool]:
    """Lines of ``lines`` (the care_line table or an alias) that are present and not deleted.

    Written as the partial index ``uq_care_line_active_key`` is, with the status as a
    literal: with a bound parameter there, SQLite's planner cannot use the index (nor
    PostgreSQL's generic plan), and a lookup by key becomes a scan of every line.
    """
    return and_(lines.c.status == literal_column(PRESENT_LITERAL),
                lines.c.deleted_by_id.is_(None))


class Answer(Base):
    """The Antwoord of a JW319 the gemeente sent."""

    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_reference", "aanbieder", "referentie_aanbieder"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    dagtekening: Mapped[date] = mapped_column(Date)
    referentie_aanbieder: Mapped[str] = mapped_column(String(36))
    verzoek_antwoord: Mapped[str] = mapped_column(String(1))
    reden_afwijzing: Mapped[str | None] = mapped_column(String(1))
    woonplaatsbeginsel_gemeente: Mapped[str | None] = mapped_column(String(4))


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class (typed, for insert/update/select)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


# --------------------------------------------------------------------------- policy (continuity)
#
# Tables of the rules layer (ijw.policy): the referral register and the
# decisions of a continuity pack. Added by migration 0002.


class Declaration(Base):
    """The Declaratie of a received JW323, with what its JW325 granted.

    ``submitted_amount`` and ``approved_amount`` are signed eurocents (a credit
    total is negative). ``outcome`` is ``approved`` (every prestatie),
    ``partly`` or ``rejected`` (none: a finding on the header or the Declaratie
    class). A 323 rejected on its header or at level 2 keeps no lines.
    """

    __tablename__ = "declaration"
    __table_args__ = (
        Index("ix_declaration_party_period", "aanbieder", "period_start"),
        #: TR333: was this DeclaratieNummer used by the aanbieder (revision 0004).
        Index("ix_declaration_number", "aanbieder", "declaratie_nummer"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    #: The JW325 that answered it.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), index=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    declaratie_nummer: Mapped[str] = mapped_column(String(12))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    declaratie_dagtekening: Mapped[date] = mapped_column(Date)
    submitted_amount: Mapped[int] = mapped_column(BigInteger)
    approved_amount: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(8))


class DeclarationLine(Base):
    """One Prestatie of a received JW323, approved or rejected with its retourcodes.

    ``amount`` and ``volume`` are as submitted (eurocents, units of ``eenheid``);
    ``debet_credit`` says their sign. ``codes`` holds the retourcodes of a
    rejected prestatie (space-separated). A ReferentieNummer is never used twice
    by one aanbieder among the approved lines (TR314), and an approved debet is
    reversed by at most one approved credit (``credited_by_id``).
    """

    __tablename__ = "declaration_line"
    __table_args__ = (
        Index(
            "uq_declaration_line_reference",
            "aanbieder",
            "referentie_nummer",
            unique=True,
            sqlite_where=text("approved"),
            postgresql_where=text("approved"),
        ),
        Index(
            "uq_declaration_line_credit",
            "aanbieder",
            "vorig_referentie_nummer",
            unique=True,
            sqlite_where=text("approved AND vorig_referentie_nummer IS NOT NULL"),
            postgresql_where=text("approved AND vorig_referentie_nummer IS NOT NULL"),
        ),
        Index(
            "ix_declaration_line_allocation",
            "gemeente",
            "toewijzing_nummer",
            sqlite_where=text("approved"),
            postgresql_where=text("approved"),
        ),
        Index("ix_declaration_line_lookup", "aanbieder", "referentie_nummer"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    #: Position in the message: client and prestatie, counted from 1.
    client_position: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    referentie_nummer: Mapped[str] = mapped_column(String(36))
    vorig_referentie_nummer: Mapped[str | None] = mapped_column(String(36))
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    #: The toewijzing it was approved against (when known).
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"))
    product_categorie: Mapped[str] = mapped_column(String(2))
    product_code: Mapped[str] = mapped_column(String(5))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    volume: Mapped[int] = mapped_column(BigInteger)
    eenheid: Mapped[str] = mapped_column(String(2))
    tarief: Mapped[int | None] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    debet_credit: Mapped[str] = mapped_column(String(1))
    approved: Mapped[bool] = mapped_column(Boolean)
    codes: Mapped[str | None] = mapped_column(String(100))
    #: The approved credit line that reverses this approved debet.
    credited_by_id: Mapped[int | None] = mapped_column(ForeignKey("declaration_line.id"))


class Referral(Base):
    """An entry of the referral register: when a client was referred to a provider.

    Imported with ``ijw referrals import FILE.csv``; one row per (BSN, AGB),
    a later import overwrites it. Authoritative over referral dates implied
    by the messages.
    """

    __tablename__ = "referral"
    __table_args__ = (UniqueConstraint("bsn", "agb"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    bsn: Mapped[str] = mapped_column(String(9))
    agb: Mapped[str] = mapped_column(String(8))
    verwijsdatum: Mapped[date] = mapped_column(Date)
    #: COD327 Verwijzer type, when the register says.
    verwijzer_type: Mapped[str | None] = mapped_column(String(2))
    #: File name (without folders) and line the row came from.
    source: Mapped[str | None] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContinuityDecision(Base):
    """The current decision of a continuity pack about one allocated product.

    One row per (pack, gemeente, ToewijzingNummer). A re-evaluation that finds
    the same outcome leaves the row alone; a different outcome (new messages,
    a changed pack) moves the old row to :class:`ContinuityDecisionHistory`.
    ``reasons`` are reason codes joined by ``;``, the primary first.

    ``allocation_id`` and ``client_id`` name rows the store never deletes; they
    are deliberately not foreign keys: checking one (a FOR KEY SHARE lock on the
    allocation and client rows) for every product doubled the time of a
    million-product run on PostgreSQL. The link to the decision *is* one.
    """

    __tablename__ = "continuity_decision"
    __table_args__ = (UniqueConstraint("pack_id", "gemeente", "toewijzing_nummer"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(64))
    gemeente: Mapped[str] = mapped_column(String(4))
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    #: The allocation and client decided on (plain columns, see below).
    allocation_id: Mapped[int] = mapped_column(Id)
    client_id: Mapped[int] = mapped_column(Id)
    aanbieder: Mapped[str] = mapped_column(String(8))
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    #: eligible, not_eligible, needs_review
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str] = mapped_column(String(200))
    #: new_contract or the pack's legacy regime (spic_2024); empty unless eligible.
    regime: Mapped[str | None] = mapped_column(String(32))
    #: Continues past the continuity year under the legacy regime (transfer_2025).
    transfer_next_year: Mapped[bool] = mapped_column(Boolean)
    referral_date: Mapped[date | None] = mapped_column(Date)
    #: register, implied_by_request_date, implied_by_requested_start, unknown
    referral_evidence: Mapped[str] = mapped_column(String(32))
    request_date: Mapped[date | None] = mapped_column(Date)
    #: JSON: the message identificaties and register row the decision used.
    evidence: Mapped[str] = mapped_column(Text)
    pack_hash: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContinuityDecisionHistory(Base):
    """An earlier decision, kept when a re-evaluation changed or withdrew it."""

    __tablename__ = "continuity_decision_history"
    __table_args__ = (
        Index("ix_continuity_decision_history_key", "pack_id", "gemeente", "toewijzing_nummer"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(64))
    gemeente: Mapped[str] = mapped_column(String(4))
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str] = mapped_column(String(200))
    regime: Mapped[str | None] = mapped_column(String(32))
    transfer_next_year: Mapped[bool] = mapped_column(Boolean)
    referral_date: Mapped[date | None] = mapped_column(Date)
    referral_evidence: Mapped[str] = mapped_column(String(32))
    request_date: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text)
    pack_hash: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContinuityAllocation(Base):
    """An eligible product continued in the continuity year, with its regime.

    Period: from the later of Ingangsdatum and the first day of the year; to
    the last day of the year (legacy regime, or earlier when the toewijzing
    ends earlier) or the original Einddatum (new contract).
    """

    __tablename__ = "continuity_allocation"
    __table_args__ = (
        UniqueConstraint("pack_id", "gemeente", "toewijzing_nummer"),
        #: The link to its decision: the decision's own key.
        ForeignKeyConstraint(
            ["pack_id", "gemeente", "toewijzing_nummer"],
            ["continuity_decision.pack_id", "continuity_decision.gemeente",
             "continuity_decision.toewijzing_nummer"],
        ),
        Index("ix_continuity_allocation_party", "aanbieder", "client_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(64))
    gemeente: Mapped[str] = mapped_column(String(4))
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    #: The allocation and client decided on (plain columns, see below).
    allocation_id: Mapped[int] = mapped_column(Id)
    client_id: Mapped[int] = mapped_column(Id)
    aanbieder: Mapped[str] = mapped_column(String(8))
    product_categorie: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    regime: Mapped[str] = mapped_column(String(32))
    transfer_next_year: Mapped[bool] = mapped_column(Boolean)
