"""information bank: entities, statements with provenance, list references, imports, screening runs, hits and
decisions, merge proposals, the bank revision counter and its change log

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_changes")),
    )
    with op.batch_alter_table("bank_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_changes_revision"), ["revision"], unique=False)

    op.create_table(
        "bank_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_revision")),
    )
    op.create_table(
        "bank_entities",
        sa.Column("schema", sa.String(length=20), nullable=False),
        sa.Column("data_subject_category", sa.String(length=30), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("review_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("contributor_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bank_entities_contributor_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["bank_entities.id"], name=op.f("fk_bank_entities_merged_into_id_bank_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_entities")),
    )
    with op.batch_alter_table("bank_entities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_entities_contributor_organisation_id"), ["contributor_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bank_entities_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_entities_review_date"), ["review_date"], unique=False)

    op.create_table(
        "bank_imports",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("delisted", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_bank_imports_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_imports")),
    )
    op.create_table(
        "bank_references",
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("delisted_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["bank_entities.id"],
            name=op.f("fk_bank_references_entity_id_bank_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_references")),
        sa.UniqueConstraint("list_name", "reference", name=op.f("uq_bank_references_list_name")),
    )
    with op.batch_alter_table("bank_references", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_references_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "bank_statements",
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("prop", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("name_kind", sa.String(length=20), nullable=True),
        sa.Column("script", sa.String(length=12), nullable=True),
        sa.Column("object_id", sa.Uuid(), nullable=True),
        sa.Column("contributor_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("credibility", sa.String(length=1), nullable=False),
        sa.Column("tlp", sa.String(length=20), nullable=False),
        sa.Column("originator_control", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("releasable_to", sa.String(length=400), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bank_statements_contributor_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["bank_entities.id"],
            name=op.f("fk_bank_statements_entity_id_bank_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["bank_imports.id"], name=op.f("fk_bank_statements_import_id_bank_imports")
        ),
        sa.ForeignKeyConstraint(
            ["object_id"], ["bank_entities.id"], name=op.f("fk_bank_statements_object_id_bank_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
    )
    with op.batch_alter_table("bank_statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_statements_contributor_organisation_id"), ["contributor_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bank_statements_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_statements_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_statements_object_id"), ["object_id"], unique=False)
        batch_op.create_index("ix_bank_statements_prop_value", ["prop", "value"], unique=False)

    op.create_table(
        "merge_proposals",
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("other_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by_name", sa.String(length=200), nullable=False),
        sa.Column("decided_by_name", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["bank_entities.id"],
            name=op.f("fk_merge_proposals_entity_id_bank_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["bank_entities.id"],
            name=op.f("fk_merge_proposals_other_id_bank_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_proposals")),
        sa.UniqueConstraint("entity_id", "other_id", name=op.f("uq_merge_proposals_entity_id")),
    )
    with op.batch_alter_table("merge_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_proposals_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_merge_proposals_other_id"), ["other_id"], unique=False)

    op.create_table(
        "screening_decisions",
        sa.Column("query_key", sa.String(length=300), nullable=False),
        sa.Column("query_name", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["bank_entities.id"],
            name=op.f("fk_screening_decisions_entity_id_bank_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_screening_decisions_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_screening_decisions_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decisions")),
        sa.UniqueConstraint("query_key", "entity_id", "organisation_id", name=op.f("uq_screening_decisions_query_key")),
    )
    with op.batch_alter_table("screening_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_decisions_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "screening_runs",
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("algorithm", sa.String(length=40), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("top", sa.Integer(), nullable=False),
        sa.Column("query_count", sa.Integer(), nullable=False),
        sa.Column("match_count", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queries", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_screening_runs_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_screening_runs_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_runs")),
    )
    with op.batch_alter_table("screening_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_runs_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "screening_hits",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("query_id", sa.String(length=200), nullable=False),
        sa.Column("query_name", sa.Text(), nullable=False),
        sa.Column("query_birth_date", sa.String(length=20), nullable=False),
        sa.Column("query_nationality", sa.String(length=10), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("match", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["bank_entities.id"],
            name=op.f("fk_screening_hits_entity_id_bank_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["screening_runs.id"], name=op.f("fk_screening_hits_run_id_screening_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_hits")),
    )
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_hits_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_hits_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_hits_run_id"))
        batch_op.drop_index(batch_op.f("ix_screening_hits_entity_id"))

    op.drop_table("screening_hits")
    with op.batch_alter_table("screening_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_runs_organisation_id"))

    op.drop_table("screening_runs")
    with op.batch_alter_table("screening_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_decisions_entity_id"))

    op.drop_table("screening_decisions")
    with op.batch_alter_table("merge_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_proposals_other_id"))
        batch_op.drop_index(batch_op.f("ix_merge_proposals_entity_id"))

    op.drop_table("merge_proposals")
    with op.batch_alter_table("bank_statements", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_statements_prop_value")
        batch_op.drop_index(batch_op.f("ix_bank_statements_object_id"))
        batch_op.drop_index(batch_op.f("ix_bank_statements_import_id"))
        batch_op.drop_index(batch_op.f("ix_bank_statements_entity_id"))
        batch_op.drop_index(batch_op.f("ix_bank_statements_contributor_organisation_id"))

    op.drop_table("bank_statements")
    with op.batch_alter_table("bank_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_references_entity_id"))

    op.drop_table("bank_references")
    op.drop_table("bank_imports")
    with op.batch_alter_table("bank_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_entities_review_date"))
        batch_op.drop_index(batch_op.f("ix_bank_entities_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_bank_entities_contributor_organisation_id"))

    op.drop_table("bank_entities")
    op.drop_table("bank_revision")
    with op.batch_alter_table("bank_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_changes_revision"))

    op.drop_table("bank_changes")
