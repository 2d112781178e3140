"""Page models of the urgent exchange: labels in the glossary's words, live timers, inbox rows, the message's
history as a timeline, addressee rows. Plain functions of query results (no web or database access), so the
pages stay thin and these are easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liaison.errors import InvalidInput, LiaisonError
from liaison.queries import exchange as q
from liaison.queries.snapshot import Snapshot
from liaison.web.ui.common import FormError

KIND_LABELS = {
    "request": "Request for information",
    "threat_notice": "Threat notice",
    "victim_referral": "Victim-assistance referral",
    "reachability_test": "Reachability test",
}
CASE_STEP_LABELS = {
    "received": "Received",
    "victim_contacted": "Victim contacted",
    "support_engaged": "Victim-support service engaged",
    "transmitted_to_prosecutor": "Transmitted to the prosecutor",
    "closed": "Closed",
}
TLP_HANDLING = {
    "CLEAR": "Disclosure is not limited.",
    "GREEN": "Limited disclosure: within the network, not publicly.",
    "AMBER": "Limited disclosure: the recipient's organisation and its clients, on a need-to-know basis.",
    "AMBER+STRICT": "Limited disclosure: the recipient's organisation only.",
    "RED": "For the named recipients only: not for disclosure.",
}
TARGET_LABELS = {"on-duty": "on duty", "deputy": "deputy", "desk": "agency's 24/7 desk", "secretariat": "secretariat"}
FIELD_LABELS = {
    "to": "Addressees",
    "legal_basis": "Legal basis",
    "marking": "Marking",
    "attachments": "Attachments",
    "answer_by": "Will answer by",
    "outcome": "Outcome",
    "members": "Members",
    "step": "Case step",
    "at": "When",
}
DONE = {
    "sent": "Sent. Each addressee's contact on duty is being notified; escalation runs until someone acknowledges.",
    "ack": "Acknowledged. Escalation stopped.",
    "already": "Already acknowledged: escalation had stopped.",
    "answer": "Your answer to the response clock is recorded.",
    "reply": "Reply sent.",
    "forward": "Forwarded.",
    "consent": "Consent to forwarding recorded.",
    "closed": "Closed. Escalation stopped for every addressee.",
    "step": "Case step recorded.",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def form_err(exc: LiaisonError, default_field: str = "") -> FormError:
    """The error to show beside a form's field, labelled in the words of these pages."""
    field = getattr(exc, "field", "") or exc.extra.get("field", "") or default_field
    detail = exc.reason if isinstance(exc, InvalidInput) else exc.detail
    return FormError(field, FIELD_LABELS.get(field, field.replace("_", " ").capitalize()), detail)


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- timers: the server writes the text, liaison.js counts down from data-deadline ------------------------------------


def clock_text(seconds: float) -> str:
    """192 -> "3:12"; 3725 -> "1:02:05"."""
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def hours_text(seconds: float) -> str:
    """25200 -> "7 h"; 26400 -> "7 h 20 min"; 2700 -> "45 min"."""
    s = max(0, int(seconds))
    if s < 60:
        return "under 1 min"
    h, m = s // 3600, (s % 3600) // 60
    if h >= 10 or (h and not m):
        return f"{h} h"
    return f"{h} h {m} min" if h else f"{m} min"


def duration(seconds: float | None) -> str:
    """A time to acknowledge: "45 s", "3 min 12 s", "2 h 5 min", "1 day 3 h"."""
    if seconds is None:
        return ""
    s = max(0, int(round(seconds)))
    d, rest = divmod(s, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    if d:
        return f"{d} day{'s' if d > 1 else ''}" + (f" {h} h" if h else "")
    if h:
        return f"{h} h" + (f" {m} min" if m else "")
    if m:
        return f"{m} min" + (f" {s} s" if s else "")
    return f"{s} s"


@dataclass(frozen=True, slots=True)
class Timer:
    deadline: str  # ISO 8601 with seconds, for data-deadline
    style: str  # "clock" (m:ss) or "hours" (7 h 20 min)
    prefix: str
    late: str
    text: str
    overdue: bool


def timer(deadline: datetime, now: datetime, *, style: str, prefix: str, late: str) -> Timer:
    left = (deadline - now).total_seconds()
    overdue = left <= 0
    shown = late if overdue else prefix + (clock_text(left) if style == "clock" else hours_text(left))
    iso = deadline.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Timer(iso, style, prefix, late, shown, overdue)


def escalation_timer(at: datetime | None, now: datetime) -> Timer | None:
    return None if at is None else timer(at, now, style="clock", prefix="escalates in ", late="escalating now")


def response_timer(due: datetime, now: datetime) -> Timer:
    return timer(due, now, style="hours", prefix="answer due in ", late="OVERDUE")


# -- the inbox --


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: str
    kind: str
    priority: str
    tlp: str
    subject: str
    sender: str
    network: str
    sent_at: datetime
    status: str
    incoming: bool
    acknowledged: bool | None
    escalation: Timer | None
    response: Timer | None
    answered: str  # "will answer", "cannot answer" or ""
    addressees: list[dict[str, Any]]


def inbox_rows(items: list[q.InboxItem], now: datetime) -> list[InboxRow]:
    rows = []
    for item in items:
        j = item.to_json(now)
        m = item.message
        incoming = j["direction"] == "in"
        parties = item.mine if incoming else tuple(m.addressees)
        waiting = [a for a in parties if a.answered_at is None]
        response = None
        if m.response_due_at is not None and m.status == "open" and (waiting or j["response_overdue"]):
            response = response_timer(m.response_due_at, now) if waiting else None
        answers = sorted({a.answer.replace("_", " ") for a in parties if a.answer})
        rows.append(
            InboxRow(
                id=j["id"],
                kind=m.kind,
                priority=m.priority,
                tlp=m.tlp,
                subject=m.subject,
                sender=j["sender"],
                network=j["network"],
                sent_at=m.sent_at,
                status=m.status,
                incoming=incoming,
                acknowledged=j["acknowledged"],
                escalation=escalation_timer(item.next_step_at, now) if j["acknowledged"] is False else None,
                response=response,
                answered=", ".join(answers),
                addressees=j["addressees"],
            )
        )
    return rows


# -- the message page --


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    kind: str  # sent, notification, ack, answer, step, closed
    tone: str  # ok, bad, warn, info
    title: str
    lines: tuple[str, ...] = ()


def timeline(data: dict[str, Any]) -> list[Event]:
    """The message's history in time order: sending, every notification, acknowledgements, answers, case steps."""
    sent = parse_iso(data["sent_at"])
    assert sent is not None
    to = ", ".join(a["label"] for a in data["addressees"])
    events = [Event(sent, "sent", "info", f"Sent by {data['sender']['name']} to {to}")]
    for n in data["notifications"]:
        at = parse_iso(n["sent_at"]) or parse_iso(n["due_at"]) or sent
        target = TARGET_LABELS.get(n["target"], n["target"])
        who = n["contact"] or "nobody"
        via = f" by {n['channel']}" + (f" ({n['address']})" if n["address"] else "") if n["channel"] else ""
        tone = {"sent": "ok", "failed": "bad", "skipped": "warn"}.get(
            n["status"], "warn" if n["last_error"] else "info"
        )
        status = n["status"] + (f" after {n['attempts']} attempts" if n["attempts"] > 1 else "")
        lines = [f"Round {n['round'] + 1}, step {n['step'] + 1} ({target}): {n['reason']}".rstrip(": ")]
        if n["last_error"]:
            lines.append(f"Error: {n['last_error']}")
        if n["link_used_at"]:
            lines.append("Acknowledged with this notification's link")
        events.append(Event(at, "notification", tone, f"{who}{via}: {status}", tuple(lines)))
    for a in data["addressees"]:
        if a["acknowledged_at"]:
            took = duration(a["seconds_to_acknowledge"])
            title = f"{a['label']} acknowledged" + (f" by {a['acknowledged_by']}" if a["acknowledged_by"] else "")
            events.append(
                Event(
                    parse_iso(a["acknowledged_at"]) or sent,
                    "ack",
                    "ok",
                    title,
                    (f"after {took}, via {a['acknowledged_via']}",),
                )
            )
        if a["answered_at"]:
            what = "will answer" if a["answer"] == "will_answer" else "cannot answer"
            by = parse_iso(a["answer_by"])
            said = tuple(x for x in (f"by {by:%Y-%m-%d %H:%M} UTC" if by else "", a["answer_note"] or "") if x)
            tone = "bad" if a["response_overdue"] else "ok"
            events.append(Event(parse_iso(a["answered_at"]) or sent, "answer", tone, f"{a['label']}: {what}", said))
    for c in data["case_steps"]:
        title = f"Case step: {CASE_STEP_LABELS.get(c['step'], c['step'])} ({c['by']})"
        events.append(Event(parse_iso(c["at"]) or sent, "step", "info", title, (c["note"],) if c["note"] else ()))
    if data["closed_at"]:
        events.append(Event(parse_iso(data["closed_at"]) or sent, "closed", "info", "Closed", (data["outcome"] or "",)))
    order = {"sent": 0, "notification": 1, "ack": 2, "answer": 3, "step": 4, "closed": 5}
    return sorted(events, key=lambda e: (e.at, order[e.kind]))


@dataclass(frozen=True, slots=True)
class AddresseeRow:
    label: str
    member: str | None
    yours: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    took: str
    escalation: str
    next_step: str
    next_timer: Timer | None
    answer: str
    overdue: bool


def addressee_rows(data: dict[str, Any], now: datetime) -> list[AddresseeRow]:
    rows = []
    for a in data["addressees"]:
        nxt = a["next_escalation"]
        due = parse_iso(nxt["due_at"]) if nxt else None
        step = f"next: {TARGET_LABELS.get(nxt['target'], nxt['target'])} at {due:%H:%M} UTC" if nxt and due else ""
        answer = ""
        if a["answer"]:
            by = parse_iso(a["answer_by"])
            answer = (
                ("will answer" + (f" by {by:%Y-%m-%d %H:%M} UTC" if by else ""))
                if a["answer"] == "will_answer"
                else "cannot answer"
            )
        rows.append(
            AddresseeRow(
                a["label"],
                a["member"],
                a["yours"],
                parse_iso(a["acknowledged_at"]),
                a["acknowledged_by"],
                duration(a["seconds_to_acknowledge"]),
                a["escalation"],
                step,
                escalation_timer(due, now) if due else None,
                answer,
                a["response_overdue"],
            )
        )
    return rows


def forward_choices(snap: Snapshot, data: dict[str, Any], own: str | None) -> list[tuple[str, str]]:
    n = snap.networks.get(data["network"])
    taken = {a["member"] for a in data["addressees"] if a["member"]} | {own, data["sender"]["member"]}
    return [(c, snap.members[c].name if c in snap.members else c) for c in (n.members if n else ()) if c not in taken]
