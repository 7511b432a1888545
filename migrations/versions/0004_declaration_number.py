"""declaration number: an index for TR333's question, a DeclaratieNummer per aanbieder.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

TR333 asks, for every received 323, whether the aanbieder used its
DeclaratieNummer before. ``ix_declaration_party_period`` (aanbieder,
period_start) would make that a walk over every declaratie of the aanbieder;
this index answers it on the key. Not unique: a 323 that counted as not sent
does not reserve its number, so the number may come back.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.create_index("ix_declaration_number", ["aanbieder", "declaratie_nummer"])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.drop_index("ix_declaration_number")
