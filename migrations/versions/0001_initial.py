"""initial: the store's tables (iJw 3.2).

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Generated with autogenerate against an empty PostgreSQL database and
reviewed: constraint names follow ``ijw.store.schema.NAMING_CONVENTION``; the
partial unique indexes (TR056 message identity, TR347 verzoek references,
TR074 active start/stop lines) carry their WHERE clause for both SQLite and
PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "client",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
        sa.UniqueConstraint("bsn", name=op.f("uq_client_bsn")),
    )
    op.create_table(
        "import_run",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    op.create_table(
        "message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_type", sa.String(length=5), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("receiver", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("identificatie", sa.String(length=12), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=1024), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rejected_level", sa.String(length=16), nullable=True),
        sa.Column(
            "answers_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "duplicate_of_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("raw_xml", sa.LargeBinary(), nullable=False),
        sa.Column("outbox_file", sa.String(length=255), nullable=True),
        sa.Column("outbox_written", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answers_id"], ["message.id"], name=op.f("fk_message_answers_id_message")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["message.id"], name=op.f("fk_message_duplicate_of_id_message")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["import_run.id"], name=op.f("fk_message_run_id_import_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint("sha256", name=op.f("uq_message_sha256")),
    )
    op.create_index(op.f("ix_message_aanbieder"), "message", ["aanbieder"], unique=False)
    op.create_index("ix_message_answers_id", "message", ["answers_id"], unique=False)
    op.create_index(op.f("ix_message_gemeente"), "message", ["gemeente"], unique=False)
    op.create_index(
        "uq_message_identity",
        "message",
        ["sender", "message_type", "identificatie"],
        unique=True,
        sqlite_where=sa.text("duplicate_of_id IS NULL"),
        postgresql_where=sa.text("duplicate_of_id IS NULL"),
    )
    op.create_table(
        "allocation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("toewijzingsdatum", sa.Date(), nullable=False),
        sa.Column("toewijzingstijd", sa.Time(), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_wijziging", sa.String(length=2), nullable=True),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("eenheid", sa.String(length=2), nullable=True),
        sa.Column("frequentie", sa.String(length=1), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_allocation_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_allocation_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
        sa.UniqueConstraint(
            "gemeente", "toewijzing_nummer", name=op.f("uq_allocation_gemeente_toewijzing_nummer")
        ),
    )
    op.create_index("ix_allocation_party", "allocation", ["aanbieder", "client_id"], unique=False)
    op.create_table(
        "answer",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=False),
        sa.Column("verzoek_antwoord", sa.String(length=1), nullable=False),
        sa.Column("reden_afwijzing", sa.String(length=1), nullable=True),
        sa.Column("woonplaatsbeginsel_gemeente", sa.String(length=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_answer_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
    )
    op.create_index(op.f("ix_answer_message_id"), "answer", ["message_id"], unique=False)
    op.create_index(
        "ix_answer_reference", "answer", ["aanbieder", "referentie_aanbieder"], unique=False
    )
    op.create_table(
        "care_line",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("toewijzing_ingangsdatum", sa.Date(), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_beeindiging", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=1), nullable=False),
        sa.Column("start_key", sa.String(length=200), nullable=False),
        sa.Column("line_key", sa.String(length=240), nullable=False),
        sa.Column(
            "deleted_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_care_line_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["care_line.id"], name=op.f("fk_care_line_deleted_by_id_care_line")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_care_line_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_line")),
    )
    op.create_index(
        "ix_care_line_allocation", "care_line", ["gemeente", "toewijzing_nummer"], unique=False
    )
    op.create_index(op.f("ix_care_line_message_id"), "care_line", ["message_id"], unique=False)
    op.create_index("ix_care_line_start_key", "care_line", ["kind", "start_key"], unique=False)
    op.create_index(
        "uq_care_line_active_key",
        "care_line",
        ["kind", "line_key"],
        unique=True,
        sqlite_where=sa.text("deleted_by_id IS NULL AND status = '1'"),
        postgresql_where=sa.text("deleted_by_id IS NULL AND status = '1'"),
    )
    op.create_table(
        "change_request",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=False),
        sa.Column("reden_verzoek", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_change_request_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_change_request_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request")),
    )
    op.create_index(
        op.f("ix_change_request_client_id"), "change_request", ["client_id"], unique=False
    )
    op.create_index(
        op.f("ix_change_request_message_id"), "change_request", ["message_id"], unique=False
    )
    op.create_index(
        "uq_change_request_reference",
        "change_request",
        ["aanbieder", "referentie_aanbieder"],
        unique=True,
        sqlite_where=sa.text("accepted"),
        postgresql_where=sa.text("accepted"),
    )
    op.create_table(
        "requested_product",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=False),
        sa.Column("beschikking_nummer", sa.BigInteger(), nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("toewijzing_ingangsdatum", sa.Date(), nullable=False),
        sa.Column("toewijzing_einddatum", sa.Date(), nullable=True),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("eenheid", sa.String(length=2), nullable=True),
        sa.Column("frequentie", sa.String(length=1), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column("verwijzer_type", sa.String(length=2), nullable=False),
        sa.Column("verwijzer_naam", sa.String(length=64), nullable=True),
        sa.Column("verwijzer_agb", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_requested_product_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_requested_product_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requested_product")),
    )
    op.create_index(
        "ix_requested_product_lookup", "requested_product", ["aanbieder", "client_id"], unique=False
    )
    op.create_index(
        op.f("ix_requested_product_message_id"), "requested_product", ["message_id"], unique=False
    )
    op.create_index(
        "uq_requested_product_reference",
        "requested_product",
        ["aanbieder", "referentie_aanbieder"],
        unique=True,
        sqlite_where=sa.text("accepted"),
        postgresql_where=sa.text("accepted"),
    )
    op.create_table(
        "retour_code",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("class_path", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("rule", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_retour_code_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retour_code")),
        sa.UniqueConstraint(
            "message_id",
            "class_path",
            "position",
            name=op.f("uq_retour_code_message_id_class_path_position"),
        ),
    )
    op.create_index(op.f("ix_retour_code_message_id"), "retour_code", ["message_id"], unique=False)
    op.create_table(
        "allocation_version",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "allocation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("referentie_aanbieder", sa.String(length=36), nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("toewijzingsdatum", sa.Date(), nullable=False),
        sa.Column("toewijzingstijd", sa.Time(), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_wijziging", sa.String(length=2), nullable=True),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("eenheid", sa.String(length=2), nullable=True),
        sa.Column("frequentie", sa.String(length=1), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocation.id"],
            name=op.f("fk_allocation_version_allocation_id_allocation"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_allocation_version_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_version")),
        sa.UniqueConstraint(
            "allocation_id",
            "message_id",
            name=op.f("uq_allocation_version_allocation_id_message_id"),
        ),
    )
    op.create_index(
        op.f("ix_allocation_version_allocation_id"),
        "allocation_version",
        ["allocation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_allocation_version_message_id"), "allocation_version", ["message_id"], unique=False
    )
    op.create_table(
        "change_request_line",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "change_request_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("gewenste_ingangsdatum", sa.Date(), nullable=True),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("eenheid", sa.String(length=2), nullable=True),
        sa.Column("frequentie", sa.String(length=1), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_request.id"],
            name=op.f("fk_change_request_line_change_request_id_change_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request_line")),
    )
    op.create_index(
        op.f("ix_change_request_line_change_request_id"),
        "change_request_line",
        ["change_request_id"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        op.f("ix_change_request_line_change_request_id"), table_name="change_request_line"
    )
    op.drop_table("change_request_line")
    op.drop_index(op.f("ix_allocation_version_message_id"), table_name="allocation_version")
    op.drop_index(op.f("ix_allocation_version_allocation_id"), table_name="allocation_version")
    op.drop_table("allocation_version")
    op.drop_index(op.f("ix_retour_code_message_id"), table_name="retour_code")
    op.drop_table("retour_code")
    op.drop_index(
        "uq_requested_product_reference",
        table_name="requested_product",
        sqlite_where=sa.text("accepted"),
        postgresql_where=sa.text("accepted"),
    )
    op.drop_index(op.f("ix_requested_product_message_id"), table_name="requested_product")
    op.drop_index("ix_requested_product_lookup", table_name="requested_product")
    op.drop_table("requested_product")
    op.drop_index(
        "uq_change_request_reference",
        table_name="change_request",
        sqlite_where=sa.text("accepted"),
        postgresql_where=sa.text("accepted"),
    )
    op.drop_index(op.f("ix_change_request_message_id"), table_name="change_request")
    op.drop_index(op.f("ix_change_request_client_id"), table_name="change_request")
    op.drop_table("change_request")
    op.drop_index(
        "uq_care_line_active_key",
        table_name="care_line",
        sqlite_where=sa.text("deleted_by_id IS NULL AND status = '1'"),
        postgresql_where=sa.text("deleted_by_id IS NULL AND status = '1'"),
    )
    op.drop_index("ix_care_line_start_key", table_name="care_line")
    op.drop_index(op.f("ix_care_line_message_id"), table_name="care_line")
    op.drop_index("ix_care_line_allocation", table_name="care_line")
    op.drop_table("care_line")
    op.drop_index("ix_answer_reference", table_name="answer")
    op.drop_index(op.f("ix_answer_message_id"), table_name="answer")
    op.drop_table("answer")
    op.drop_index("ix_allocation_party", table_name="allocation")
    op.drop_table("allocation")
    op.drop_index(
        "uq_message_identity",
        table_name="message",
        sqlite_where=sa.text("duplicate_of_id IS NULL"),
        postgresql_where=sa.text("duplicate_of_id IS NULL"),
    )
    op.drop_index(op.f("ix_message_gemeente"), table_name="message")
    op.drop_index("ix_message_answers_id", table_name="message")
    op.drop_index(op.f("ix_message_aanbieder"), table_name="message")
    op.drop_table("message")
    op.drop_table("import_run")
    op.drop_table("client")
