"""second factor: a count of wrong codes (separate from wrong passwords, not cleared by a right password) and
the time step of the last accepted code (so a code cannot be used twice)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_codes", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_totp_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_totp_step")
        batch_op.drop_column("failed_codes")
