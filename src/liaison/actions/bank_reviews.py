"""Reviews of bank records: which records are due (their review date has come), and reminding their
contributing organisations by e-mail.

Every record has a review date (by data-subject category, :data:`liaison.bank.props.REVIEW_YEARS`); when it has
come, the contributor must confirm the record is still needed (a new review date, with the reason) or remove it.
``liaison bank reviews --notify`` (run daily, e.g. from a systemd timer or cron) e-mails each contributing
organisation the list of its records that are due to its 24/7 desk's e-mail channels (else to the e-mail
channels of its other contact points), through the same SMTP sender as every other message of the node.

The database is the queue: a reminder is *claimed* by stamping ``review_reminded_at`` in one transaction
(so two runs at once do not both send it), mailed after that commit, and released again (the stamp cleared)
for an organisation none of whose addresses took it, so the next run tries again. A record is not reminded
twice within ``every_days``; a new review date clears the stamp.

The e-mail carries no names: only the number, category, schema, review date and a link to each record, since
e-mail leaves the node and the names keep their markings inside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from liaison import timeinput
from liaison.actions.audit import audit
from liaison.bank.access import Viewer, statement_visible
from liaison.channels import ChannelError
from liaison.channels.registry import Outgoing, sender_for
from liaison.errors import PermissionDenied
from liaison.i18n import _, ngettext
from liaison.models import BankEntity, Channel, ContactPoint, Organisation, utcnow
from liaison.principal import Principal
from liaison.queries.bank_access import require_analyst, viewer_for, visible_entity
from liaison.settings import Settings

EVERY_DAYS = 7


@dataclass(frozen=True)
class ReviewDue:
    entity_id: uuid.UUID
    schema: str
    caption: str
    data_subject_category: str | None
    review_date: date
    contributor_organisation_id: uuid.UUID | None
    reminded_at: datetime | None

    def to_dict(self) -> dict[str, object]:
        return {
            "entity_id": str(self.entity_id),
            "schema": self.schema,
            "caption": self.caption,
            "data_subject_category": self.data_subject_category,
            "review_date": self.review_date.isoformat(),
            "contributor_organisation_id": str(self.contributor_organisation_id or ""),
            "reminded_at": self.reminded_at.isoformat() if self.reminded_at else None,
        }


@dataclass(frozen=True)
class Delivery:
    """What became of one organisation's reminder: sent to each address, or why not."""

    organisation_id: uuid.UUID | None
    organisation: str
    due: int
    sent_to: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def delivered(self) -> bool:
        return bool(self.sent_to)

    def to_dict(self) -> dict[str, object]:
        return {
            "organisation_id": str(self.organisation_id) if self.organisation_id else None,
            "organisation": self.organisation,
            "due": self.due,
            "sent_to": list(self.sent_to),
            "errors": list(self.errors),
        }


def _caption(entity: BankEntity, viewer: Viewer) -> str:
    names = [
        s
        for s in entity.statements
        if s.prop == "name"
        and s.retracted_at is None
        and statement_visible(
            viewer,
            tlp=s.tlp,
            contributor_organisation_id=s.contributor_organisation_id,
            releasable_to=s.marking.releasable_to,
        )
    ]
    names.sort(key=lambda s: (s.name_kind != "primary", s.script != "Latn"))
    return names[0].value if names else str(entity.id)


def due_for_review(session: Session, viewer: Viewer, on: date) -> list[ReviewDue]:
    """Active entities whose review date has come, of the viewer's organisation (all of them for the operator)."""
    if not (viewer.operator or viewer.analyst):
        raise PermissionDenied(_("reviews are for analysts"))
    query = select(BankEntity).where(
        BankEntity.review_date <= on,
        BankEntity.status == "active",
        BankEntity.merged_into_id.is_(None),
        visible_entity(viewer),
    )
    if not viewer.operator:
        query = query.where(BankEntity.contributor_organisation_id == viewer.organisation_id)
    found = []
    for e in session.scalars(query.order_by(BankEntity.review_date, BankEntity.id)):
        assert e.review_date is not None
        found.append(
            ReviewDue(
                e.id,
                e.schema,
                _caption(e, viewer),
                e.data_subject_category,
                e.review_date,
                e.contributor_organisation_id,
                e.review_reminded_at,
            )
        )
    return found


def remind_reviews(
    session: Session, *, actor: Principal, on: date, every_days: int = EVERY_DAYS
) -> dict[uuid.UUID | None, list[ReviewDue]]:
    """Claim the reminders to send now: every due record not reminded in the last ``every_days`` days is stamped
    as reminded. Returns the claimed records by contributing organisation, for :func:`send_review_reminders` to
    deliver after the commit. The node's own records (public lists) are not claimed: nobody contributed them, and
    the UN list renews their review date at each import."""
    viewer = viewer_for(session, actor)
    require_analyst(viewer)
    now = utcnow()
    since = now - timeinput.REMINDER_DAYS.delta(every_days, "every_days")
    due = [
        d
        for d in due_for_review(session, viewer, on)
        if d.contributor_organisation_id is not None  # the node's own imports have nobody to remind
        and (d.reminded_at is None or d.reminded_at <= since)
    ]
    ids = [d.entity_id for d in due]
    for start in range(0, len(ids), 500):
        session.execute(
            update(BankEntity)
            .where(
                BankEntity.id.in_(ids[start : start + 500]),
                or_(BankEntity.review_reminded_at.is_(None), BankEntity.review_reminded_at <= since),
            )
            .values(review_reminded_at=now)
        )
    by_org: dict[uuid.UUID | None, list[ReviewDue]] = {}
    for d in due:
        by_org.setdefault(d.contributor_organisation_id, []).append(d)
    audit(
        session,
        actor=actor,
        action="bank.review.remind",
        target_type="bank",
        details={"on": on, "reminded": len(due), "organisations": len(by_org), "every_days": every_days},
    )
    return by_org


def release_reminders(
    session: Session,
    *,
    actor: Principal,
    deliveries: Iterable[Delivery],
    claimed: dict[uuid.UUID | None, list[ReviewDue]],
) -> int:
    """Clear the stamp of the records whose organisation no address took, so the next run tries again."""
    failed = [d for d in deliveries if not d.delivered]
    ids = [r.entity_id for d in failed for r in claimed.get(d.organisation_id, ())]
    for start in range(0, len(ids), 500):
        session.execute(
            update(BankEntity).where(BankEntity.id.in_(ids[start : start + 500])).values(review_reminded_at=None)
        )
    if failed:
        audit(
            session,
            actor=actor,
            action="bank.review.remind.failed",
            target_type="bank",
            details={"organisations": [d.to_dict() for d in failed], "released": len(ids)},
        )
    return len(ids)


def reminder_addresses(session: Session, organisation_id: uuid.UUID) -> list[str]:
    """The e-mail channels of the organisation's active 24/7 desks; else of its other active contact points."""
    rows = session.execute(
        select(Channel.value, ContactPoint.is_24_7, ContactPoint.kind)
        .join(ContactPoint, Channel.contact_point_id == ContactPoint.id)
        .where(
            ContactPoint.organisation_id == organisation_id,
            ContactPoint.is_active.is_(True),
            Channel.kind == "email",
        )
        .order_by(ContactPoint.name, Channel.position)
    ).all()
    desks = [value for value, is_24_7, kind in rows if is_24_7 and kind == "desk"]
    return list(dict.fromkeys(desks or [value for value, _is, _kind in rows]))


def reminder_text(organisation: str, items: list[ReviewDue], base_url: str) -> tuple[str, str]:
    """The reminder e-mail in the current language (the node's default, when the CLI sends it)."""
    n = len(items)
    subject = ngettext(
        "Liaison: %(num)d bank record of %(organisation)s due for review",
        "Liaison: %(num)d bank records of %(organisation)s due for review",
        n,
        organisation=organisation,
    )
    lines = [
        ngettext(
            "%(num)d record %(organisation)s contributed to the security information bank has reached its review "
            "date. Confirm it is still needed (a new review date, with the reason) or remove it.",
            "%(num)d records %(organisation)s contributed to the security information bank have reached their "
            "review date. Confirm each is still needed (a new review date, with the reason) or remove it.",
            n,
            organisation=organisation,
        ),
        _("Names are not sent by e-mail: open each record in Liaison."),
        "",
    ]
    for d in items:
        day = d.review_date.isoformat()
        lines.append(
            _(
                "- review date %(date)s: %(schema)s (%(category)s)",
                date=day,
                schema=d.schema,
                category=d.data_subject_category,
            )
            if d.data_subject_category
            else _("- review date %(date)s: %(schema)s", date=day, schema=d.schema)
        )
        lines.append(f"  {base_url.rstrip('/')}/bank/entities/{d.entity_id}")
    return subject, "\n".join(lines) + "\n"


def send_review_reminders(
    session: Session, settings: Settings, claimed: dict[uuid.UUID | None, list[ReviewDue]]
) -> list[Delivery]:
    """E-mail each organisation its claimed reminders (call after the claim was committed)."""
    sender = sender_for(settings, "email")
    names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    out = []
    for org, items in claimed.items():
        name = names.get(org, "this node") if org else "this node (public lists)"
        if org is None:
            out.append(
                Delivery(None, name, len(items), (), (_("the node's own records have no contributor to remind"),))
            )
            continue
        addresses = reminder_addresses(session, org)
        if not addresses:
            out.append(Delivery(org, name, len(items), (), (_("no e-mail channel on its contact points"),)))
            continue
        subject, body = reminder_text(name, items, settings.base_url)
        sent, errors = [], []
        for address in addresses:
            try:
                sender.send(Outgoing(kind="email", to=address, subject=subject, body=body, key=uuid.uuid4().hex))
                sent.append(address)
            except ChannelError as exc:
                errors.append(f"{address}: {exc}")
        out.append(Delivery(org, name, len(items), tuple(sent), tuple(errors)))
    return out
