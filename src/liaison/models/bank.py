"""Security information bank: entities, their statements with provenance, list references, imports,
screening runs, hits and decisions, and merge proposals.

Everything the bank knows about an entity is a *statement*: one value of one property from one source, with the
contributing organisation, the date observed, the grade (Admiralty source reliability A-F and information
credibility 1-6), a handling marking and a review date. Conflicting statements from different sources coexist.
Relations (member of, leader of, finances, ...) are statements whose ``object_id`` names the other entity, so
they carry the same provenance. Nothing is deleted by an import: a removed value is *retracted* (kept, dated),
a removed list entry is *delisted*.

A merge keeps both entities and every statement: the merged entity points at the one it was merged into
(``merged_into_id``), and undoing the merge clears the pointer.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.marking import Marking
from liaison.models.base import Base, Record


class BankEntity(Record):
    """A person, organisation, place (address) or incident (event) the bank knows; FollowTheMoney schema names."""

    __tablename__ = "bank_entities"

    schema: Mapped[str] = mapped_column(String(20))  # Person | Organization | Address | Event
    # Persons only: suspect, convicted, foreign_terrorist_fighter, associate, victim, witness.
    data_subject_category: Mapped[str | None] = mapped_column(String(30))
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date, index=True)
    review_reminded_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | delisted
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_entities.id"), index=True)
    # Who put the entity in the bank (None: the node itself, e.g. a public list import).
    contributor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_name: Mapped[str] = mapped_column(String(200), default="")

    statements = relationship(
        "Statement",
        lazy="selectin",
        foreign_keys="Statement.entity_id",
        back_populates="entity",
        order_by="Statement.created_at",
    )
    references = relationship("ListReference", lazy="selectin", back_populates="entity")


class Statement(Record):
    """One value about an entity from one source, with its provenance, grade, marking and review date."""

    __tablename__ = "bank_statements"

    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_entities.id", ondelete="CASCADE"), index=True)
    prop: Mapped[str] = mapped_column(String(40))  # see liaison.bank.props
    value: Mapped[str] = mapped_column(Text)
    name_kind: Mapped[str | None] = mapped_column(String(20))  # names: primary|alias|code_name|former_name|weak_alias
    script: Mapped[str | None] = mapped_column(String(12))  # ISO 15924 (Latn, Arab, Cyrl, ...) for names
    object_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_entities.id"), index=True)  # relations
    contributor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str] = mapped_column(String(300), default="")  # the citation: list, report, file number
    observed_on: Mapped[date | None] = mapped_column(Date)
    reliability: Mapped[str] = mapped_column(String(1), default="F")  # Admiralty A-F (F: cannot be judged)
    credibility: Mapped[str] = mapped_column(String(1), default="6")  # Admiralty 1-6 (6: cannot be judged)
    tlp: Mapped[str] = mapped_column(String(20), default="AMBER")
    originator_control: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Member codes as ",FR,DE," so a portable LIKE finds one; "" means no list restriction.
    releasable_to: Mapped[str] = mapped_column(String(400), default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    retracted_at: Mapped[datetime | None]
    import_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_imports.id"), index=True)
    created_by_name: Mapped[str] = mapped_column(String(200), default="")

    entity = relationship("BankEntity", foreign_keys=[entity_id], back_populates="statements")

    __table_args__ = (Index("ix_bank_statements_prop_value", "prop", "value"),)

    @property
    def marking(self) -> Marking:
        return Marking(self.tlp, self.originator_control, self.purpose, releasable_codes(self.releasable_to))

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


def releasable_text(codes: tuple[str, ...] | list[str]) -> str:
    """The stored form of a releasable-to list: ``",FR,DE,"`` (``""`` when unrestricted)."""
    return "," + ",".join(sorted(set(codes))) + "," if codes else ""


def releasable_codes(text: str) -> tuple[str, ...]:
    return tuple(code for code in text.split(",") if code)


class ListReference(Record):
    """An identifier given by a list (``un-sc`` / ``QDi.400``); re-imports find the entity by it."""

    __tablename__ = "bank_references"

    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_entities.id", ondelete="CASCADE"), index=True)
    list_name: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(60))
    listed_on: Mapped[date | None] = mapped_column(Date)
    delisted_on: Mapped[date | None] = mapped_column(Date)

    entity = relationship("BankEntity", back_populates="references")

    __table_args__ = (UniqueConstraint("list_name", "reference"),)


class BankImport(Record):
    """One import (UN list, FollowTheMoney, CSV): one transaction, with its report."""

    __tablename__ = "bank_imports"

    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(300), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    by_name: Mapped[str] = mapped_column(String(200), default="")
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    delisted: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ScreeningRun(Record):
    """A batch of names checked against the bank by one user."""

    __tablename__ = "screening_runs"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    via: Mapped[str] = mapped_column(String(10), default="api")
    filename: Mapped[str] = mapped_column(String(300), default="")
    algorithm: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[float] = mapped_column(Float)
    top: Mapped[int] = mapped_column(Integer, default=5)
    query_count: Mapped[int] = mapped_column(Integer, default=0)
    match_count: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None]
    # The names screened, in order ({"id", "name", "birth_date", "nationality"}), so a stored run shows every
    # name, including those nothing came close to.
    queries: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ScreeningHit(Record):
    """A candidate match of one screened name, with its score and explanation."""

    __tablename__ = "screening_hits"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("screening_runs.id", ondelete="CASCADE"), index=True)
    query_id: Mapped[str] = mapped_column(String(200))
    query_name: Mapped[str] = mapped_column(Text)
    query_birth_date: Mapped[str] = mapped_column(String(20), default="")
    query_nationality: Mapped[str] = mapped_column(String(10), default="")
    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_entities.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    match: Mapped[bool]
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision: Mapped[str | None] = mapped_column(String(20))  # the remembered decision applied, if any


class ScreeningDecision(Record):
    """An analyst's verdict on a hit (``true_match`` / ``false_match``), applied to the next screening of the
    same name (``query_key`` is the matching library's normalised key of the screened name)."""

    __tablename__ = "screening_decisions"

    query_key: Mapped[str] = mapped_column(String(300))
    query_name: Mapped[str] = mapped_column(Text, default="")
    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_entities.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (UniqueConstraint("query_key", "entity_id", "organisation_id"),)


class MergeProposal(Record):
    """A suggestion that two entities are one. Accepting points ``other`` at ``entity``; undoing clears it."""

    __tablename__ = "merge_proposals"

    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_entities.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_entities.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed|accepted|rejected|undone
    proposed_by_name: Mapped[str] = mapped_column(String(200), default="")
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("entity_id", "other_id"),)


class BankRevision(Base):
    """One row counting bank changes, so every process's name index knows when to catch up."""

    __tablename__ = "bank_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


CHANGE_LIST_MAX = 5_000  # more changed entities than this in one transaction: indexes rebuild instead
CHANGES_KEPT = 100_000  # revisions of change log kept; an index further behind rebuilds


class BankChange(Base):
    """Which entities one bank revision changed (``entity_id`` NULL: too many to list, rebuild).

    Written in the transaction that bumps the revision. The revision row's lock orders writers, so revisions
    commit in order and an index that has seen revision N needs exactly the rows above N: no time margins,
    however long a transaction (a million-row import) stayed open."""

    __tablename__ = "bank_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    revision: Mapped[int] = mapped_column(Integer, index=True)
    entity_id: Mapped[uuid.UUID | None] = mapped_column()
