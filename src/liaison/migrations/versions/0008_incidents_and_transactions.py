"""the analysis centre's incidents (Global Terrorism Database layout) and money transactions, both with the bank's
provenance and handling columns so the bank's access filter applies to them

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _handled() -> list[sa.Column[Any]]:
    return [
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("credibility", sa.String(length=1), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("originator_control", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("releasable_to", sa.String(length=400), nullable=False),
        sa.Column("contributor_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _handled_keys(table: str) -> list[Any]:
    return [
        sa.ForeignKeyConstraint(
            ["contributor_organisation_id"],
            ["organisations.id"],
            name=f"fk_{table}_contributor_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(["import_id"], ["bank_imports.id"], name=f"fk_{table}_import_id_bank_imports"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("event_key", sa.String(length=40), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("date_precision", sa.String(length=5), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("attack_type", sa.Integer(), nullable=False),
        sa.Column("weapon_type", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.Integer(), nullable=False),
        sa.Column("killed", sa.Integer(), nullable=True),
        sa.Column("wounded", sa.Integer(), nullable=True),
        sa.Column("group_name", sa.String(length=300), nullable=False),
        sa.Column("group_entity_id", sa.Uuid(), nullable=True),
        sa.Column("claimed", sa.Boolean(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("suicide", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *_handled(),
        sa.ForeignKeyConstraint(
            ["group_entity_id"], ["bank_entities.id"], name="fk_incidents_group_entity_id_bank_entities"
        ),
        sa.UniqueConstraint("event_key", name="uq_incidents_event_key"),
        *_handled_keys("incidents"),
    )
    for column in ("occurred_on", "country", "region", "group_entity_id", "contributor_organisation_id", "import_id"):
        op.create_index(f"ix_incidents_{column}", "incidents", [column])
    op.create_table(
        "transactions",
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_name", sa.String(length=300), nullable=False),
        sa.Column("from_entity_id", sa.Uuid(), nullable=True),
        sa.Column("to_name", sa.String(length=300), nullable=False),
        sa.Column("to_entity_id", sa.Uuid(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        *_handled(),
        sa.ForeignKeyConstraint(
            ["from_entity_id"], ["bank_entities.id"], name="fk_transactions_from_entity_id_bank_entities"
        ),
        sa.ForeignKeyConstraint(
            ["to_entity_id"], ["bank_entities.id"], name="fk_transactions_to_entity_id_bank_entities"
        ),
        *_handled_keys("transactions"),
    )
    for column in ("occurred_on", "from_entity_id", "to_entity_id", "contributor_organisation_id", "import_id"):
        op.create_index(f"ix_transactions_{column}", "transactions", [column])
    op.create_index("ix_transactions_reference", "transactions", ["reference"])


def downgrade() -> None:
    op.drop_table("transactions")
    op.drop_table("incidents")
