"""The audit log as an auditor reads it: actions in plain words, details as labelled values, ids as names.

Rows are built here from the events and the names :mod:`liaison.queries.audit_names` found for their ids; the
words are looked up when the page is rendered (lazy), in the reader's language.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from babel.support import LazyProxy

from liaison.i18n import lazy_gettext, lazy_pgettext
from liaison.queries.audit_names import Named, ids_in

if TYPE_CHECKING:
    from liaison.models import AuditEvent

ACTIONS: dict[str, LazyProxy] = {
    "agency.create": lazy_gettext("Agency created"),
    "api_token.create": lazy_gettext("API token created"),
    "api_token.revoke": lazy_gettext("API token revoked"),
    "audit.export": lazy_gettext("Audit log exported"),
    "audit.read": lazy_gettext("Audit log read"),
    "bank.decision": lazy_gettext("Screening hit decided"),
    "bank.entity.create": lazy_gettext("Bank record created"),
    "bank.entity.view": lazy_gettext("Bank record viewed"),
    "bank.export": lazy_gettext("Bank exported"),
    "bank.import": lazy_gettext("Bank import"),
    "bank.import_refused": lazy_gettext("Bank import refused"),
    "bank.merge.accept": lazy_gettext("Merge accepted"),
    "bank.merge.propose": lazy_gettext("Merge proposed"),
    "bank.merge.reject": lazy_gettext("Merge rejected"),
    "bank.merge.undo": lazy_gettext("Merge undone"),
    "bank.review.remind": lazy_gettext("Review reminder sent"),
    "bank.review.remind.failed": lazy_gettext("Review reminder failed"),
    "bank.review.set": lazy_gettext("Review date set"),
    "bank.screening": lazy_gettext("Names screened"),
    "bank.search": lazy_gettext("Bank searched"),
    "bank.statement.add": lazy_gettext("Statement added"),
    "bank.statement.retract": lazy_gettext("Statement retracted"),
    "case.step": lazy_gettext("Case step recorded"),
    "channel.create": lazy_gettext("Channel added"),
    "channel.delete": lazy_gettext("Channel removed"),
    "channel.verification_refused": lazy_gettext("Channel confirmation refused"),
    "channel.verification_sent": lazy_gettext("Channel test message sent"),
    "channel.verified": lazy_gettext("Channel confirmed"),
    "channel.webhook_secret_read": lazy_gettext("Webhook secret read"),
    "contact_point.create": lazy_gettext("Contact point created"),
    "contact_point.read": lazy_gettext("Contact point read"),
    "contact_point.update": lazy_gettext("Contact point changed"),
    "designation.deputy": lazy_gettext("Deputy set"),
    "designation.set": lazy_gettext("Agency designated"),
    "directory.export": lazy_gettext("Directory exported"),
    "duty.read": lazy_gettext("Duty board read"),
    "escalation.set": lazy_gettext("Escalation policy set"),
    "exercise.cancel": lazy_gettext("Exercise cancelled"),
    "exercise.schedule": lazy_gettext("Exercise scheduled"),
    "exercise.start": lazy_gettext("Exercise started"),
    "login.failed": lazy_gettext("Login failed"),
    "login.password_ok": lazy_gettext("Password accepted, code awaited"),
    "login.success": lazy_gettext("Logged in"),
    "logout": lazy_gettext("Logged out"),
    "member.create": lazy_gettext("Member created"),
    "membership.admit": lazy_gettext("Member admitted"),
    "membership.status": lazy_gettext("Membership status changed"),
    "membership_request.approved": lazy_gettext("Membership request approved"),
    "membership_request.create": lazy_gettext("Membership requested"),
    "membership_request.declined": lazy_gettext("Membership request declined"),
    "message.acknowledge": lazy_gettext("Message acknowledged"),
    "message.acknowledge_refused": lazy_gettext("Acknowledgement refused"),
    "message.answer_clock": lazy_gettext("Response clock answered"),
    "message.close": lazy_gettext("Message closed"),
    "message.escalate": lazy_gettext("Message escalated"),
    "message.export": lazy_gettext("Message exported"),
    "message.forward": lazy_gettext("Message forwarded"),
    "message.forward_consent": lazy_gettext("Consent to forward given"),
    "message.read": lazy_gettext("Message read"),
    "message.refused": lazy_gettext("Access to a message refused"),
    "message.reply": lazy_gettext("Message answered"),
    "message.send": lazy_gettext("Message sent"),
    "network.create": lazy_gettext("Network created"),
    "notification.delivered": lazy_gettext("Notification delivered"),
    "notification.failed": lazy_gettext("Notification failed"),
    "notification.retry": lazy_gettext("Notification to be retried"),
    "notification.sent": lazy_gettext("Notification sent"),
    "organisation.create": lazy_gettext("Organisation created"),
    "override.create": lazy_gettext("Override created"),
    "override.delete": lazy_gettext("Override removed"),
    "role.grant": lazy_gettext("Role granted"),
    "role.revoke": lazy_gettext("Role withdrawn"),
    "roster.confirm": lazy_gettext("Roster confirmed"),
    "rotation.create": lazy_gettext("Rotation created"),
    "rotation.delete": lazy_gettext("Rotation removed"),
    "user.create": lazy_gettext("User created"),
    "user.password": lazy_gettext("Password changed"),
    "user.preferences": lazy_gettext("Language or time zone changed"),
    "user.totp_begin": lazy_gettext("Second factor set-up begun"),
    "user.totp_disable": lazy_gettext("Second factor turned off"),
    "user.totp_enable": lazy_gettext("Second factor turned on"),
    "user.unlock": lazy_gettext("Account unlocked"),
}

TARGETS: dict[str, LazyProxy] = {
    "agency": lazy_gettext("Agency"),
    "api_token": lazy_gettext("API token"),
    "bank": lazy_gettext("Bank"),
    "bank_entity": lazy_gettext("Bank record"),
    "bank_import": lazy_gettext("Bank import"),
    "directory": lazy_gettext("Directory"),
    "merge_proposal": lazy_gettext("Merge proposal"),
    "screening_hit": lazy_gettext("Screening hit"),
    "screening_run": lazy_gettext("Screening run"),
    "channel": lazy_gettext("Channel"),
    "contact_point": lazy_gettext("Contact point"),
    "designation": lazy_gettext("Roster"),
    "entity": lazy_gettext("Bank record"),
    "exercise": lazy_gettext("Exercise"),
    "member": lazy_gettext("Member"),
    "membership": lazy_gettext("Membership"),
    "membership_request": lazy_gettext("Membership request"),
    "message": lazy_gettext("Message"),
    "network": lazy_gettext("Network"),
    "organisation": lazy_gettext("Organisation"),
    "override": lazy_gettext("Override"),
    "rotation": lazy_gettext("Rotation"),
    "user": lazy_gettext("User"),
}

# How the action was done (AuditEvent.via).
VIA: dict[str, LazyProxy] = {
    "api": lazy_gettext("API"),
    "cli": lazy_gettext("command line"),
    "link": lazy_gettext("link in a notification"),
    "web": lazy_gettext("web page"),
    "worker": lazy_gettext("delivery worker"),
}

# Keys of the details, as labels; an unknown key is shown as it is stored, as code.
KEYS: dict[str, LazyProxy] = {
    "action": lazy_gettext("Action"),
    "added_count": lazy_gettext("Added"),
    "addressee": lazy_gettext("Addressee"),
    "after": lazy_gettext("After"),
    "agency": lazy_gettext("Agency"),
    "agency_kind": lazy_gettext("Agency kind"),
    "algorithm": lazy_gettext("Algorithm"),
    "at": lazy_gettext("Time"),
    "attachments": lazy_gettext("Attachments"),
    "before": lazy_gettext("Before"),
    "category": lazy_gettext("Category"),
    "changed_count": lazy_gettext("Changed"),
    "channels": lazy_gettext("Channels"),
    "code": lazy_gettext("Code"),
    "contact_point": lazy_gettext("Contact point"),
    "contacts": lazy_gettext("Contacts"),
    "count": lazy_gettext("Count"),
    "delisted_count": lazy_gettext("Delisted"),
    "deputy_id": lazy_gettext("Deputy"),
    "due_at": lazy_gettext("Due at"),
    "end": lazy_gettext("End"),
    "every": lazy_gettext("Every"),
    "failed_codes": lazy_gettext("Wrong codes in a row"),
    "failed_logins": lazy_gettext("Wrong passwords in a row"),
    "filename": lazy_gettext("File"),
    # Translators: the members a message or an exercise was for.
    "for": lazy_pgettext("audit detail", "For"),
    "handoff": lazy_gettext("Hand-over time"),
    "hits": lazy_gettext("Hits"),
    "kind": lazy_gettext("Kind"),
    "language": lazy_gettext("Language"),
    "languages": lazy_gettext("Languages"),
    "late_seconds": lazy_gettext("Late (seconds)"),
    "layer": lazy_gettext("Layer"),
    "limit": lazy_gettext("At most"),
    "locked_minutes": lazy_gettext("Locked for (minutes)"),
    "marking": lazy_gettext("Marking"),
    "matches": lazy_gettext("Matches"),
    "member": lazy_gettext("Member"),
    "members": lazy_gettext("Members"),
    "message": lazy_gettext("Message"),
    "name": lazy_gettext("Name"),
    "network": lazy_gettext("Network"),
    "note": lazy_gettext("Note"),
    "organisation": lazy_gettext("Organisation"),
    "participants": lazy_gettext("Participants"),
    "password": lazy_gettext("Password"),
    "period": lazy_gettext("Repeats"),
    "policy": lazy_gettext("Escalation policy"),
    "prefix": lazy_gettext("Starts with"),
    "previous_agency_id": lazy_gettext("Previous agency"),
    "priority": lazy_gettext("Priority"),
    "prop": lazy_gettext("Property"),
    # Translators: what was searched for.
    "q": lazy_gettext("Search"),
    "reason": lazy_gettext("Reason"),
    "refused_count": lazy_gettext("Refused"),
    "relisted_count": lazy_gettext("Listed again"),
    "reset_by_admin": lazy_gettext("Reset by an administrator"),
    "results": lazy_gettext("Results"),
    "role": lazy_gettext("Role"),
    "round": lazy_gettext("Round"),
    "schema": lazy_gettext("Kind of record"),
    "since": lazy_pgettext("time span", "From"),
    "source": lazy_gettext("Source"),
    "start": lazy_gettext("Start"),
    "statement": lazy_gettext("Statement"),
    "statements": lazy_gettext("Statements"),
    "status": lazy_gettext("Status"),
    "step": lazy_gettext("Step"),
    "target": lazy_gettext("Target"),
    "target_id": lazy_gettext("Target id"),
    "thread": lazy_gettext("Thread"),
    "time_zone": lazy_gettext("Time zone"),
    "timezone": lazy_gettext("Time zone"),
    "to": lazy_pgettext("addressee", "To"),
    "tokens_revoked": lazy_gettext("API tokens revoked"),
    "unchanged_count": lazy_gettext("Unchanged"),
    "until": lazy_gettext("Until"),
    "user": lazy_gettext("User"),
    "username": lazy_gettext("Username"),
    "value": lazy_gettext("Value"),
    "verified_at": lazy_gettext("Verified"),
    "via": lazy_gettext("Via"),
    "via_page": lazy_gettext("From the page"),
    "was_locked": lazy_gettext("Was locked"),
    "why": lazy_gettext("Why"),
    "window_minutes": lazy_gettext("Window (minutes)"),
}
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def action_words(action: str) -> Any:
    return ACTIONS.get(action) or action.replace("_", " ").replace(".", " · ")


def key_words(key: str) -> Any:
    """The key's label, or ``None`` when it has none (the page shows the key itself, as code)."""
    return KEYS.get(key)


@dataclass(frozen=True, slots=True)
class Moment:
    """A time written in the details (ISO 8601 with an offset), shown in the reader's zone with UTC beside."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Detail:
    """One labelled value: ``values`` are texts, numbers, booleans, :class:`Moment` times or :class:`Named` ids;
    ``before`` (a change) is what the value was. ``labels`` are the labels of the key's path (None: no label,
    show ``keys``' own name)."""

    keys: tuple[str, ...]
    labels: tuple[Any, ...]
    values: list[Any]
    before: list[Any] | None = None


@dataclass(slots=True)
class AuditRow:
    at: datetime
    actor_name: str
    action: str
    action_words: Any
    target_type: Any  # its label; None: show target_code
    target_code: str
    target_id: str
    target: Named | None
    network: Named | None
    via: Any  # its label; None: show via_code
    via_code: str
    ip: str
    details: list[Detail] = field(default_factory=list)


def _values(value: Any, names: dict[uuid.UUID, Named]) -> list[Any]:
    if isinstance(value, list | tuple):
        return [item for v in value for item in _values(v, names)]
    if isinstance(value, str) and (found := [names[i] for i in ids_in(value) if i in names]):
        return found
    if isinstance(value, str) and ISO_TIME.match(value):
        try:
            return [Moment(datetime.fromisoformat(value.replace("Z", "+00:00")))]
        except ValueError:
            return [value]
    if value is None or value == "":
        return []
    return [value]


def _details(details: dict[str, Any], names: dict[uuid.UUID, Named], prefix: tuple[str, ...] = ()) -> list[Detail]:
    shown: list[Detail] = []
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) and isinstance(after, dict) and not prefix:  # a change: field, before -> after
        for key in sorted(set(before) | set(after)):
            values, was = _values(after.get(key), names), _values(before.get(key), names)
            shown.append(Detail((key,), (key_words(key),), values, was))
        rest = {k: v for k, v in details.items() if k not in ("before", "after")}
        return shown + _details(rest, names) if rest else shown
    for key in sorted(details):
        value = details[key]
        if isinstance(value, dict):
            shown.extend(_details(value, names, (*prefix, key)))
            continue
        values = _values(value, names)
        if not values:  # an empty filter, a field left blank: nothing to read
            continue
        path = (*prefix, key)
        shown.append(Detail(path, tuple(key_words(k) for k in path), values))
    return shown


def event_ids(event: AuditEvent) -> list[uuid.UUID]:
    """The ids an event names: its target, its network, and any in its details."""
    found = list(ids_in(event.target_id))
    if event.network_id:
        found.append(event.network_id)
    found.extend(ids_in(event.details or {}))
    return found


def audit_row(event: AuditEvent, names: dict[uuid.UUID, Named]) -> AuditRow:
    target_ids = list(ids_in(event.target_id))
    return AuditRow(
        at=event.at,
        actor_name=event.actor_name,
        action=event.action,
        action_words=action_words(event.action),
        target_type=TARGETS.get(event.target_type),
        target_code=event.target_type,
        target_id=event.target_id,
        target=names.get(target_ids[0]) if target_ids else None,
        network=names.get(event.network_id) if event.network_id else None,
        via=VIA.get(event.via),
        via_code=event.via,
        ip=event.ip,
        details=_details(event.details or {}, names),
    )
