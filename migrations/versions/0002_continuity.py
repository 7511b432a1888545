"""continuity: the referral register and the decisions of continuity packs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Tables of the rules layer (``ijw.policy``): ``referral`` (the register
``ijw referrals import`` loads), ``continuity_decision`` (the current decision
per pack and allocated product), ``continuity_decision_history`` (every
earlier decision) and ``continuity_allocation`` (the eligible products with
their regime and period). Constraint names follow
``ijw.store.schema.NAMING_CONVENTION``; only new tables, so the revision runs
unchanged on SQLite (batch mode) and PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "referral",
        sa.Column("id", ID, nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("verwijsdatum", sa.Date(), nullable=False),
        sa.Column("verwijzer_type", sa.String(length=2), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("bsn", "agb", name=op.f("uq_referral_bsn_agb")),
    )
    op.create_table(
        "continuity_decision",
        sa.Column("id", ID, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column("allocation_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=True),
        sa.Column("transfer_next_year", sa.Boolean(), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=True),
        sa.Column("referral_evidence", sa.String(length=32), nullable=False),
        sa.Column("request_date", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("pack_hash", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuity_decision")),
        sa.UniqueConstraint(
            "pack_id", "gemeente", "toewijzing_nummer",
            name=op.f("uq_continuity_decision_pack_id_gemeente_toewijzing_nummer"),
        ),
    )
    op.create_table(
        "continuity_decision_history",
        sa.Column("id", ID, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=True),
        sa.Column("transfer_next_year", sa.Boolean(), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=True),
        sa.Column("referral_evidence", sa.String(length=32), nullable=False),
        sa.Column("request_date", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("pack_hash", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuity_decision_history")),
    )
    op.create_index(
        "ix_continuity_decision_history_key",
        "continuity_decision_history",
        ["pack_id", "gemeente", "toewijzing_nummer"],
        unique=False,
    )
    op.create_table(
        "continuity_allocation",
        sa.Column("id", ID, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column("allocation_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("aanbieder", sa.String(length=8), nullable=False),
        sa.Column("product_categorie", sa.String(length=2), nullable=True),
        sa.Column("product_code", sa.String(length=5), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("regime", sa.String(length=32), nullable=False),
        sa.Column("transfer_next_year", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id", "gemeente", "toewijzing_nummer"],
            [
                "continuity_decision.pack_id",
                "continuity_decision.gemeente",
                "continuity_decision.toewijzing_nummer",
            ],
            name=op.f("fk_continuity_allocation_pack_id_continuity_decision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuity_allocation")),
        sa.UniqueConstraint(
            "pack_id", "gemeente", "toewijzing_nummer",
            name=op.f("uq_continuity_allocation_pack_id_gemeente_toewijzing_nummer"),
        ),
    )
    op.create_index(
        "ix_continuity_allocation_party",
        "continuity_allocation",
        ["aanbieder", "client_id"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_continuity_allocation_party", table_name="continuity_allocation")
    op.drop_table("continuity_allocation")
    op.drop_index(
        "ix_continuity_decision_history_key", table_name="continuity_decision_history"
    )
    op.drop_table("continuity_decision_history")
    op.drop_table("continuity_decision")
    op.drop_table("referral")
