"""declarations: received JW323 declaraties and their prestaties, with what the JW325 granted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

``declaration`` holds one row per received 323 that was judged (its totals,
period and outcome, and the 325 that answered it); ``declaration_line`` one
row per Prestatie with its amounts, the toewijzing it belongs to, and whether
it was approved (with the retourcodes when not). The standard's keys are
partial unique indexes: a ReferentieNummer once per aanbieder among approved
lines (TR314), one approved credit per debet. Only new tables, so the revision
runs unchanged on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPROVED = sa.text("approved")
APPROVED_CREDIT = sa.text("approved AND vorig_referentie_nummer IS NOT NULL")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "declaration",
        sa.Column("id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("answer_id", ID, nullable=True),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("declaratie_nummer", sa.String(length=12), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("declaratie_dagtekening", sa.Date(), nullable=False),
        sa.Column("submitted_amount", sa.BigInteger(), nullable=False),
        sa.Column("approved_amount", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["message.id"],
                                name=op.f("fk_declaration_answer_id_message")),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_declaration_message_id_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration")),
        sa.UniqueConstraint("message_id", name=op.f("uq_declaration_message_id")),
    )
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declaration_answer_id"), ["answer_id"])
        batch_op.create_index("ix_declaration_party_period", ["aanbieder", "period_start"])

    op.create_table(
        "declaration_line",
        sa.Column("id", ID, nullable=False),
        sa.Column("declaration_id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("client_position", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("referentie_nummer", sa.String(length=36), nullable=False),
        sa.Column("vorig_referentie_nummer", sa.String(length=36), nullable=True),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column("allocation_id", ID, nullable=True),
        sa.Column("product_categorie", sa.String(length=2), nullable=False),
        sa.Column("product_code", sa.String(length=5), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("eenheid", sa.String(length=2), nullable=False),
        sa.Column("tarief", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("debet_credit", sa.String(length=1), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("codes", sa.String(length=100), nullable=True),
        sa.Column("credited_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["allocation_id"], ["allocation.id"],
                                name=op.f("fk_declaration_line_allocation_id_allocation")),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"],
                                name=op.f("fk_declaration_line_client_id_client")),
        sa.ForeignKeyConstraint(
            ["credited_by_id"], ["declaration_line.id"],
            name=op.f("fk_declaration_line_credited_by_id_declaration_line")),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"],
                                name=op.f("fk_declaration_line_declaration_id_declaration")),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_declaration_line_message_id_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_line")),
    )
    with op.batch_alter_table("declaration_line", schema=None) as batch_op:
        batch_op.create_index("ix_declaration_line_allocation", ["gemeente", "toewijzing_nummer"],
                              sqlite_where=APPROVED, postgresql_where=APPROVED)
        batch_op.create_index(batch_op.f("ix_declaration_line_client_id"), ["client_id"])
        batch_op.create_index(batch_op.f("ix_declaration_line_declaration_id"),
                              ["declaration_id"])
        batch_op.create_index("ix_declaration_line_lookup", ["aanbieder", "referentie_nummer"])
        batch_op.create_index("uq_declaration_line_credit",
                              ["aanbieder", "vorig_referentie_nummer"], unique=True,
                              sqlite_where=APPROVED_CREDIT, postgresql_where=APPROVED_CREDIT)
        batch_op.create_index("uq_declaration_line_reference",
                              ["aanbieder", "referentie_nummer"], unique=True,
                              sqlite_where=APPROVED, postgresql_where=APPROVED)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("declaration_line")
    op.drop_table("declaration")
