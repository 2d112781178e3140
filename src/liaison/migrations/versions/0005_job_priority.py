"""jobs carry the message's priority, and the claim's index orders open jobs by priority then due time

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN = sa.text("done_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.SmallInteger(), server_default="2", nullable=False))
        batch_op.drop_index("ix_jobs_due")
        batch_op.create_index(
            "ix_jobs_claim", ["priority", "due_at"], unique=False, postgresql_where=OPEN, sqlite_where=OPEN
        )
    # Open jobs of flash and urgent messages keep their place (deliveries by their notification, timers by
    # their addressee); everything else, done or not, is routine.
    for rank, name in ((0, "flash"), (1, "urgent")):
        op.execute(
            sa.text(
                "UPDATE jobs SET priority = :rank WHERE done_at IS NULL AND ("
                " (kind = 'deliver' AND ref_id IN (SELECT n.id FROM notifications n JOIN messages m"
                "   ON m.id = n.message_id WHERE m.priority = :name))"
                " OR (kind = 'escalate' AND ref_id IN (SELECT a.id FROM addressees a JOIN messages m"
                "   ON m.id = a.message_id WHERE m.priority = :name)))"
            ).bindparams(rank=rank, name=name)
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_claim")
        batch_op.create_index("ix_jobs_due", ["done_at", "due_at"], unique=False)
        batch_op.drop_column("priority")
