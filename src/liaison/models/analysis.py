"""The analysis centre's own records: incidents in the Global Terrorism Database's layout, and money transactions.

Both carry the bank's provenance and handling columns under the bank's names (``tlp``, ``releasable_to``,
``contributor_organisation_id``, ``originator_control``, ``purpose``, ``source``), so the bank's SQL access filter
(:func:`liaison.queries.bank_access.visible_statement`) applies to them unchanged: an analysis only ever counts,
draws or sums rows the viewer may read. Imports are recorded as :class:`liaison.models.bank.BankImport` rows
(``kind`` ``incidents`` or ``transactions``) with their report.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liaison.marking import Marking
from liaison.models.bank import releasable_codes
from liaison.models.base import Record


class _Handled:
    """Provenance and handling, as on a bank statement."""

    source: Mapped[str] = mapped_column(String(300), default="")
    reliability: Mapped[str] = mapped_column(String(1), default="F")  # Admiralty A-F
    credibility: Mapped[str] = mapped_column(String(1), default="6")  # Admiralty 1-6
    tlp: Mapped[str] = mapped_column(String(20), default="AMBER")
    originator_control: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str] = mapped_column(Text, default="")
    releasable_to: Mapped[str] = mapped_column(String(400), default="")  # ",FR,DE," as on statements
    contributor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    import_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_imports.id"), index=True)
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    # Generated data (the demo's, the tests'): every page that shows it says so.
    synthetic: Mapped[bool] = mapped_column(default=False)

    @property
    def marking(self) -> Marking:
        return Marking(self.tlp, self.originator_control, self.purpose, releasable_codes(self.releasable_to))

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


class Incident(_Handled, Record):
    """One attack, with the fields of the GTD codebook (codes are the codebook's numbers; see
    :mod:`liaison.analysis.gtd`). ``occurred_on`` is the first day of the month or year when the codebook's
    ``imonth``/``iday`` are 0 (unknown); ``date_precision`` says which."""

    __tablename__ = "incidents"

    event_key: Mapped[str] = mapped_column(String(40))  # GTD eventid, or the file's own identifier
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(5), default="day")  # day | month | year
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    region: Mapped[int] = mapped_column(Integer, index=True)  # GTD region 1-12
    province: Mapped[str] = mapped_column(String(200), default="")  # provstate
    city: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    attack_type: Mapped[int] = mapped_column(Integer)  # attacktype1, 1-9
    weapon_type: Mapped[int] = mapped_column(Integer)  # weaptype1, 1-13
    target_type: Mapped[int] = mapped_column(Integer)  # targtype1, 1-22
    killed: Mapped[int | None] = mapped_column(Integer)  # nkill (None: unknown)
    wounded: Mapped[int | None] = mapped_column(Integer)  # nwound
    group_name: Mapped[str] = mapped_column(String(300), default="")  # gname as the source wrote it
    group_entity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_entities.id"), index=True)
    claimed: Mapped[bool | None] = mapped_column()  # None: unknown (-9)
    success: Mapped[bool] = mapped_column(default=True)
    suicide: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("event_key"),)


class Transaction(_Handled, Record):
    """Money moving from one party to another on a date. A party is a bank entity when the import could tell
    which (``*_entity_id``), and always the name the source gave (``*_name``), so an account the bank does not
    know still carries the flow."""

    __tablename__ = "transactions"

    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    kind: Mapped[str] = mapped_column(String(20), default="transfer")  # transfer | payment | funding | ownership
    from_name: Mapped[str] = mapped_column(String(300))
    from_entity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_entities.id"), index=True)
    to_name: Mapped[str] = mapped_column(String(300))
    to_entity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_entities.id"), index=True)
    reference: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_transactions_reference", "reference"),)
