"""common legal ground: jurisdictions, instruments and provisions, participations with their reservations,
national offences mapped to the offence models, cooperation profiles, legal requests, and the registries of
liaison officers, experts, training and national strategy self-assessments

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_cooperation_profiles",
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("treaty_required_mla", sa.Boolean(), nullable=False),
        sa.Column("treaty_required_extradition", sa.Boolean(), nullable=False),
        sa.Column("reciprocity_accepted", sa.Boolean(), nullable=False),
        sa.Column("extradites_nationals", sa.Boolean(), nullable=False),
        sa.Column("dual_criminality_mla", sa.Boolean(), nullable=False),
        sa.Column("extradition_threshold_months", sa.Integer(), nullable=False),
        sa.Column("mla_threshold_months", sa.Integer(), nullable=False),
        sa.Column("assurances_required", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("central_authority", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_cooperation_profiles_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_cooperation_profiles")),
        sa.UniqueConstraint("jurisdiction", name=op.f("uq_legal_cooperation_profiles_jurisdiction")),
    )
    op.create_table(
        "legal_experts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("member", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_until", sa.Date(), nullable=True),
        sa.Column("availability", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_experts_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_experts")),
    )
    with op.batch_alter_table("legal_experts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_experts_member"), ["member"], unique=False)

    op.create_table(
        "legal_instruments",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("short_title", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=20), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("in_force_on", sa.Date(), nullable=True),
        sa.Column("binds_members", sa.Boolean(), nullable=False),
        sa.Column("request_kinds", sa.JSON(), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_instruments_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_instruments")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_instruments_code")),
    )
    op.create_table(
        "legal_jurisdictions",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_jurisdictions_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_jurisdictions")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_jurisdictions_code")),
    )
    op.create_table(
        "legal_national_offences",
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("citation", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(length=400), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("label_en", sa.String(length=400), nullable=False),
        sa.Column("max_penalty_months", sa.Integer(), nullable=True),
        sa.Column("elements", sa.JSON(), nullable=False),
        sa.Column("any_of", sa.JSON(), nullable=False),
        sa.Column("in_force_from", sa.Date(), nullable=True),
        sa.Column("repealed_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_national_offences_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_national_offences")),
        sa.UniqueConstraint("jurisdiction", "citation", name=op.f("uq_legal_national_offences_jurisdiction")),
    )
    with op.batch_alter_table("legal_national_offences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_national_offences_jurisdiction"), ["jurisdiction"], unique=False)

    op.create_table(
        "legal_participations",
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("consent", sa.String(length=20), nullable=False),
        sa.Column("consented_on", sa.Date(), nullable=True),
        sa.Column("in_force_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_participations_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_participations")),
        sa.UniqueConstraint("jurisdiction", "instrument", name=op.f("uq_legal_participations_jurisdiction")),
    )
    with op.batch_alter_table("legal_participations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_participations_instrument"), ["instrument"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_participations_jurisdiction"), ["jurisdiction"], unique=False)

    op.create_table(
        "legal_strategy_assessments",
        sa.Column("member", sa.String(length=20), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_strategy_assessments_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_strategy_assessments")),
        sa.UniqueConstraint("member", "item", name=op.f("uq_legal_strategy_assessments_member")),
    )
    with op.batch_alter_table("legal_strategy_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_strategy_assessments_member"), ["member"], unique=False)

    op.create_table(
        "legal_training_activities",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organiser", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_training_activities_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_training_activities")),
    )
    op.create_table(
        "legal_liaison_officers",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("posted_by", sa.String(length=20), nullable=False),
        sa.Column("posted_to", sa.String(length=20), nullable=False),
        sa.Column("post", sa.String(length=300), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("contact_point_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=True),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_point_id"],
            ["contact_points.id"],
            name=op.f("fk_legal_liaison_officers_contact_point_id_contact_points"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_liaison_officers_entered_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_liaison_officers")),
    )
    with op.batch_alter_table("legal_liaison_officers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_liaison_officers_posted_by"), ["posted_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_liaison_officers_posted_to"), ["posted_to"], unique=False)

    op.create_table(
        "legal_offence_mappings",
        sa.Column("offence_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("coverage", sa.String(length=10), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_offence_mappings_entered_by_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["offence_id"],
            ["legal_national_offences.id"],
            name=op.f("fk_legal_offence_mappings_offence_id_legal_national_offences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_offence_mappings")),
        sa.UniqueConstraint("offence_id", "model", name=op.f("uq_legal_offence_mappings_offence_id")),
    )
    with op.batch_alter_table("legal_offence_mappings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_offence_mappings_model"), ["model"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_offence_mappings_offence_id"), ["offence_id"], unique=False)

    op.create_table(
        "legal_provisions",
        sa.Column("instrument_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("elements", sa.JSON(), nullable=False),
        sa.Column("any_of", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["legal_instruments.id"],
            name=op.f("fk_legal_provisions_instrument_id_legal_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_provisions")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_provisions_code")),
    )
    with op.batch_alter_table("legal_provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_provisions_instrument_id"), ["instrument_id"], unique=False)

    op.create_table(
        "legal_reservations",
        sa.Column("participation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("effect", sa.String(length=30), nullable=False),
        sa.Column("request_kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_legal_reservations_entered_by_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["legal_participations.id"],
            name=op.f("fk_legal_reservations_participation_id_legal_participations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_reservations")),
    )
    with op.batch_alter_table("legal_reservations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_reservations_participation_id"), ["participation_id"], unique=False)

    op.create_table(
        "legal_training_attendances",
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("member", sa.String(length=20), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["legal_training_activities.id"],
            name=op.f("fk_legal_training_attendances_activity_id_legal_training_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_training_attendances")),
    )
    with op.batch_alter_table("legal_training_attendances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_training_attendances_activity_id"), ["activity_id"], unique=False)

    op.create_table(
        "legal_requests",
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("requesting", sa.String(length=8), nullable=False),
        sa.Column("requested", sa.String(length=8), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("conduct", sa.JSON(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.JSON(), nullable=False),
        sa.Column("dual_criminality", sa.Text(), nullable=False),
        sa.Column("assurances", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("response_hours", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("assurances_honoured", sa.Boolean(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("check", sa.JSON(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_legal_requests_message_id_messages")),
        sa.ForeignKeyConstraint(["network_id"], ["networks.id"], name=op.f("fk_legal_requests_network_id_networks")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_legal_requests_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_legal_requests_reference")),
    )
    with op.batch_alter_table("legal_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_requests_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_requests_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_requests_requested"), ["requested"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_requests_requesting"), ["requesting"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("legal_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_requests_requesting"))
        batch_op.drop_index(batch_op.f("ix_legal_requests_requested"))
        batch_op.drop_index(batch_op.f("ix_legal_requests_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_legal_requests_message_id"))

    op.drop_table("legal_requests")
    with op.batch_alter_table("legal_training_attendances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_training_attendances_activity_id"))

    op.drop_table("legal_training_attendances")
    with op.batch_alter_table("legal_reservations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_reservations_participation_id"))

    op.drop_table("legal_reservations")
    with op.batch_alter_table("legal_provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_provisions_instrument_id"))

    op.drop_table("legal_provisions")
    with op.batch_alter_table("legal_offence_mappings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_offence_mappings_offence_id"))
        batch_op.drop_index(batch_op.f("ix_legal_offence_mappings_model"))

    op.drop_table("legal_offence_mappings")
    with op.batch_alter_table("legal_liaison_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_liaison_officers_posted_to"))
        batch_op.drop_index(batch_op.f("ix_legal_liaison_officers_posted_by"))

    op.drop_table("legal_liaison_officers")
    op.drop_table("legal_training_activities")
    with op.batch_alter_table("legal_strategy_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_strategy_assessments_member"))

    op.drop_table("legal_strategy_assessments")
    with op.batch_alter_table("legal_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_participations_jurisdiction"))
        batch_op.drop_index(batch_op.f("ix_legal_participations_instrument"))

    op.drop_table("legal_participations")
    with op.batch_alter_table("legal_national_offences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_national_offences_jurisdiction"))

    op.drop_table("legal_national_offences")
    op.drop_table("legal_jurisdictions")
    op.drop_table("legal_instruments")
    with op.batch_alter_table("legal_experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_experts_member"))

    op.drop_table("legal_experts")
    op.drop_table("legal_cooperation_profiles")
