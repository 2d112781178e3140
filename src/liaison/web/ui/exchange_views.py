"""Page models of the urgent exchange: labels in the glossary's words, live timers, inbox rows, the message's
history grouped by addressee and escalation step, addressee rows, and the working languages of the members a
message can be sent to. Plain functions of query results and of the directory snapshot (no web or database
access), so the pages stay thin and these are easy to test.

Every label is translated when it is shown (``lazy_gettext``) or built while the page's language is current
(:func:`speaking`); times are handed to the templates as datetimes and shown there in the reader's zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liaison import i18n
from liaison.errors import InvalidInput, LiaisonError
from liaison.exchange.languages import ordered, understood
from liaison.exchange.wording import (
    kind_label,
    reason_text,
    span,
    status_label,
    target_label,
)
from liaison.i18n import _, lazy_gettext, lazy_pgettext
from liaison.queries import exchange as q
from liaison.queries.duty import duty_answer
from liaison.queries.snapshot import NetworkView, Snapshot
from liaison.web.ui.common import FormError, Viewer
from liaison.web.ui.fmt import KIND_LABELS as CHANNEL_LABELS
from liaison.web.ui.fmt import join

__all__ = ["kind_label"]  # shared with the exchange's other pages, as before the words moved to exchange.wording

CASE_STEP_LABELS = {
    "received": lazy_gettext("Received"),
    "victim_contacted": lazy_gettext("Victim contacted"),
    "support_engaged": lazy_gettext("Victim-support service engaged"),
    "transmitted_to_prosecutor": lazy_gettext("Transmitted to the prosecutor"),
    "closed": lazy_pgettext("case step", "Closed"),
}
TLP_HANDLING = {
    "CLEAR": lazy_gettext("Disclosure is not limited."),
    "GREEN": lazy_gettext("Limited disclosure: within the network, not publicly."),
    "AMBER": lazy_gettext("Limited disclosure: the recipient's organisation and its clients, on a need-to-know basis."),
    "AMBER+STRICT": lazy_gettext("Limited disclosure: the recipient's organisation only."),
    "RED": lazy_gettext("For the named recipients only: not for disclosure."),
}
FIELD_LABELS = {
    "to": lazy_gettext("Addressees"),
    "kind": lazy_gettext("Kind"),
    "priority": lazy_gettext("Priority"),
    "subject": lazy_gettext("Subject"),
    "body": lazy_gettext("Text"),
    "language": lazy_gettext("Language of the text"),
    "legal_basis": lazy_gettext("Legal basis"),
    "marking": lazy_gettext("Marking"),
    "attachments": lazy_gettext("Attachments"),
    "answer_by": lazy_gettext("Will answer by"),
    "outcome": lazy_gettext("Outcome"),
    "members": lazy_gettext("Members"),
    "step": lazy_gettext("Case step"),
    "at": lazy_gettext("When"),
    "note": lazy_gettext("Note"),
    "decision": lazy_gettext("Decision"),
}
DONE = {
    "sent": lazy_gettext(
        "Sent. Each addressee's contact on duty is being notified; escalation runs until someone acknowledges."
    ),
    "ack": lazy_gettext("Acknowledged. Escalation stopped."),
    "already": lazy_gettext("Already acknowledged: escalation had stopped."),
    "answer": lazy_gettext("Your answer to the response clock is recorded."),
    "reply": lazy_gettext("Reply sent."),
    "forward": lazy_gettext("Forwarded."),
    "consent": lazy_gettext("Consent to forwarding recorded."),
    "closed": lazy_gettext("Closed. Escalation stopped for every addressee."),
    "step": lazy_gettext("Case step recorded."),
}
ANSWERS = {"will_answer": lazy_gettext("will answer"), "cannot_answer": lazy_gettext("cannot answer")}
VIA = {
    "link": lazy_gettext("the notification's link"),
    "web": lazy_gettext("the web page"),
    "api": lazy_gettext("the API"),
    "cli": lazy_gettext("the command line"),
}
MARKS = {"sent": ("✓", "ok"), "failed": ("✗", "bad"), "skipped": ("–", "warn"), "pending": ("…", "info")}


@contextmanager
def speaking(me: Viewer | None) -> Iterator[None]:
    """The viewer's own language and zone while a page model is built (as :func:`common.render` does for the
    template), so words built in Python match the page around them."""
    language = i18n.normalize(me.language) if me else None
    zone = i18n.valid_zone(me.time_zone) if me else None
    with i18n.use_locale(language or i18n.current()), i18n.use_zone(zone or i18n.current_zone()):
        yield


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ").capitalize()


def form_err(exc: LiaisonError, default_field: str = "") -> FormError:
    """The error to show beside a form's field, labelled in the words of these pages."""
    field = getattr(exc, "field", "") or exc.extra.get("field", "") or default_field
    detail = exc.reason if isinstance(exc, InvalidInput) else exc.detail
    return FormError(field, field_label(field), detail)


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- timers: the server writes the text, exchange.js counts down from data-countdown --------------------------------


def clock_text(seconds: float) -> str:
    """192 -> "3:12"; 3725 -> "1:02:05"."""
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def hours_text(seconds: float) -> str:
    """25200 -> "7 hr"; 26400 -> "7 hr 20 min"; 2700 -> "45 min" (the current language's units)."""
    s = max(0, int(seconds))
    if s < 60:
        return _("under 1 min")
    if s >= 10 * 3600:
        s -= s % 3600
    return span(s - s % 60, precise=False)


def duration(seconds: float | None) -> str:
    """A time to acknowledge: "45 sec", "3 min 12 sec", "2 hr 5 min", "1 day 3 hr"."""
    return span(seconds)


@dataclass(frozen=True, slots=True)
class Timer:
    deadline: str  # ISO 8601 with seconds, for data-countdown
    style: str  # "clock" (m:ss) or "hours" (7 hr 20 min)
    template: str  # the text around the time, with "{time}" where it goes: "escalates in {time}"
    late: str
    text: str
    overdue: bool
    under: str = ""  # what "hours" shows under a minute


def timer(deadline: datetime, now: datetime, *, style: str, template: str, late: str) -> Timer:
    """``template`` is a translated message with ``{time}`` for the time left (see :func:`escalation_timer`)."""
    left = (deadline - now).total_seconds()
    overdue = left <= 0
    shown = late if overdue else template.replace("{time}", clock_text(left) if style == "clock" else hours_text(left))
    iso = deadline.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Timer(iso, style, template, late, shown, overdue, _("under 1 min"))


def escalation_timer(at: datetime | None, now: datetime) -> Timer | None:
    if at is None:
        return None
    # Translators: a live countdown, e.g. "escalates in 3:12"; keep {time} as it is
    return timer(at, now, style="clock", template=_("escalates in %(time)s", time="{time}"), late=_("escalating now"))


def response_timer(due: datetime, now: datetime) -> Timer:
    # Translators: a live countdown of the response clock, e.g. "answer due in 7 hr 20 min"; keep {time} as it is
    template = _("answer due in %(time)s", time="{time}")
    # Translators: the response clock ran out
    return timer(due, now, style="hours", template=template, late=_("OVERDUE"))


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
    waiting: bool  # an acknowledgement is still awaited (from the viewer's agency, or for a sent one from anyone)


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
        answers = sorted({str(ANSWERS.get(a.answer, a.answer)) for a in parties if a.answer})
        status = m.status
        if incoming and m.kind == "reachability_test" and j["acknowledged"]:
            status = "closed"  # an acknowledged reachability test is over for the agency that acknowledged it
        unacked = any(a.acknowledged_at is None for a in parties)
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
                status=status,
                incoming=incoming,
                acknowledged=j["acknowledged"],
                escalation=escalation_timer(item.next_step_at, now) if j["acknowledged"] is False else None,
                response=response,
                answered=join(answers),
                addressees=j["addressees"],
                waiting=status == "open" and unacked,
            )
        )
    return rows


# -- the message page: its history, grouped by addressee and step ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    """One channel of a step: "mobile ✓"."""

    channel: str
    symbol: str
    tone: str
    status: str  # the status in words, for screen readers and the tooltip
    address: str
    attempts: int
    error: str


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    kind: str  # sent, step, ack, answer, case, closed
    tone: str  # ok, bad, warn, info
    title: str
    lines: tuple[str, ...] = ()
    marks: tuple[Mark, ...] = ()
    role: str = ""  # who the step notifies, in words ("deputy")
    answer_by: datetime | None = None


@dataclass(frozen=True, slots=True)
class AddresseeHistory:
    label: str
    member: str | None
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class History:
    """The message's history: its sending, then each addressee's steps, acknowledgement and answer (one compact
    line per escalation step and contact: "Step 2 → Ryo Kato: mobile ✓ phone ✓ e-mail ✓"), then case steps
    and closing, each in time order."""

    sent: Event
    addressees: tuple[AddresseeHistory, ...]
    after: tuple[Event, ...]


def _channel_label(kind: str | None) -> str:
    label = CHANNEL_LABELS.get(kind or "")
    return str(label) if label is not None else (kind or "")


def _step_event(notes: list[dict[str, Any]], sent: datetime) -> Event:
    first = notes[0]
    at = min((parse_iso(n["sent_at"]) or parse_iso(n["due_at"]) or sent) for n in notes)
    step, rnd = first["step"] + 1, first["round"] + 1
    who = first["contact"] or target_label(first["target"])
    title = (
        # Translators: one escalation step of a message's history, e.g. "Round 2, step 1 → Ryo Kato"
        _("Round %(round)s, step %(step)s → %(contact)s", round=rnd, step=step, contact=who)
        if first["round"]
        # Translators: one escalation step of a message's history, e.g. "Step 2 → Ryo Kato"; in a right-to-left
        # language the arrow may point the other way
        else _("Step %(step)s → %(contact)s", step=step, contact=who)
    )
    marks = []
    for n in notes:
        if not n["channel"]:
            continue
        symbol, tone = MARKS.get(n["status"], MARKS["pending"])
        if n["status"] == "pending" and n["last_error"]:
            symbol, tone = "↻", "warn"  # failed once, being retried
        marks.append(
            Mark(
                _channel_label(n["channel"]),
                symbol,
                tone,
                status_label(n["status"]),
                n["address"] or "",
                n["attempts"],
                n["last_error"] or "",
            )
        )
    statuses = {n["status"] for n in notes}
    tone = (
        "ok" if "sent" in statuses else "bad" if "failed" in statuses else "warn" if "skipped" in statuses else "info"
    )
    lines = [reason_text(first["reason"])] if first["reason"] else []
    for n in notes:
        if n["last_error"]:
            lines.append(
                _("%(channel)s: %(error)s", channel=_channel_label(n["channel"]), error=n["last_error"])
                if n["channel"]
                else n["last_error"]
            )
        if n["attempts"] > 1:
            lines.append(
                i18n.ngettext(
                    "%(channel)s: %(num)d attempt",
                    "%(channel)s: %(num)d attempts",
                    n["attempts"],
                    channel=_channel_label(n["channel"]),
                )
            )
        if n["link_used_at"]:
            lines.append(
                _("Acknowledged with the link of the %(channel)s notification", channel=_channel_label(n["channel"]))
            )
    return Event(at, "step", tone, title, tuple(lines), tuple(marks), target_label(first["target"]))


def history(data: dict[str, Any]) -> History:
    sent = parse_iso(data["sent_at"])
    assert sent is not None
    to = join(a["label"] for a in data["addressees"])
    first = Event(
        sent, "sent", "info", _("Sent by %(sender)s to %(addressees)s", sender=data["sender"]["name"], addressees=to)
    )
    steps: dict[tuple[str, int, int, str], list[dict[str, Any]]] = {}
    for n in data["notifications"]:
        key = (n["addressee_id"], n["round"], n["step"], n["contact"] or "")
        steps.setdefault(key, []).append(n)
    groups = []
    for a in data["addressees"]:
        events = [_step_event(notes, sent) for key, notes in steps.items() if key[0] == a["id"]]
        if a["acknowledged_at"]:
            via = VIA.get(a["acknowledged_via"] or "")
            events.append(
                Event(
                    parse_iso(a["acknowledged_at"]) or sent,
                    "ack",
                    "ok",
                    _("Acknowledged by %(name)s", name=a["acknowledged_by"])
                    if a["acknowledged_by"]
                    else _("Acknowledged"),
                    (
                        _("after %(duration)s, via %(via)s", duration=span(a["seconds_to_acknowledge"]), via=str(via))
                        if via
                        else _("after %(duration)s", duration=span(a["seconds_to_acknowledge"])),
                    ),
                )
            )
        if a["answered_at"]:
            what = str(ANSWERS.get(a["answer"], a["answer"]))
            events.append(
                Event(
                    parse_iso(a["answered_at"]) or sent,
                    "answer",
                    "bad" if a["response_overdue"] else "ok",
                    _("Response clock: %(answer)s", answer=what),
                    (a["answer_note"],) if a["answer_note"] else (),
                    answer_by=parse_iso(a["answer_by"]),
                )
            )
        order = {"step": 0, "ack": 1, "answer": 2}
        events.sort(key=lambda e: (e.at, order[e.kind]))
        groups.append(AddresseeHistory(a["label"], a["member"], tuple(events)))
    after = []
    for c in data["case_steps"]:
        label = CASE_STEP_LABELS.get(c["step"])
        title = _("Case step: %(step)s (%(by)s)", step=str(label) if label else c["step"], by=c["by"])
        after.append(Event(parse_iso(c["at"]) or sent, "case", "info", title, (c["note"],) if c["note"] else ()))
    if data["closed_at"]:
        lines = (data["outcome"],) if data["outcome"] else ()
        if not data["outcome"] and data["kind"] == "reachability_test":
            lines = (_("Every addressee acknowledged the reachability test."),)
        after.append(Event(parse_iso(data["closed_at"]) or sent, "closed", "info", _("Closed"), lines))
    after.sort(key=lambda e: e.at)
    return History(first, tuple(groups), tuple(after))


@dataclass(frozen=True, slots=True)
class AddresseeRow:
    label: str
    member: str | None
    yours: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    took: str
    escalation: str
    next_target: str  # who the next step notifies, in words ("" when none is due)
    next_due: datetime | None
    next_timer: Timer | None
    answer: str  # "will_answer", "cannot_answer" or ""
    answer_by: datetime | None
    overdue: bool


def addressee_rows(data: dict[str, Any], now: datetime) -> list[AddresseeRow]:
    rows = []
    for a in data["addressees"]:
        nxt = a["next_escalation"]
        due = parse_iso(nxt["due_at"]) if nxt else None
        rows.append(
            AddresseeRow(
                a["label"],
                a["member"],
                a["yours"],
                parse_iso(a["acknowledged_at"]),
                a["acknowledged_by"],
                duration(a["seconds_to_acknowledge"]),
                a["escalation"],
                target_label(nxt["target"]) if nxt and due else "",
                due,
                escalation_timer(due, now) if due else None,
                a["answer"] or "",
                parse_iso(a["answer_by"]),
                a["response_overdue"],
            )
        )
    return rows


def forward_choices(snap: Snapshot, data: dict[str, Any], own: str | None) -> list[tuple[str, str]]:
    n = snap.networks.get(data["network"])
    taken = {a["member"] for a in data["addressees"] if a["member"]} | {own, data["sender"]["member"]}
    return [(c, snap.members[c].name if c in snap.members else c) for c in (n.members if n else ()) if c not in taken]


# -- composing: the working languages of the members one may write to ------------------------------------------------


def member_languages(snap: Snapshot, network: NetworkView, code: str, at: datetime) -> tuple[str, ...]:
    """The working languages of whoever answers for member ``code`` on ``network`` now: the contact on duty's
    first, then the fallback chain's (deputy, the agency's 24/7 desks), each language once. The network
    secretariat's desk is left out: it is not the member. No person is named, so nothing here is audited."""
    member = snap.members.get(code)
    if member is None:
        return ()
    answer = duty_answer(snap, network, member, at)
    contacts = ([answer.contact] if answer.contact else []) + [
        s.contact for s in answer.fallback if s.role != "secretariat"
    ]
    return ordered(lang for c in contacts if c.is_active for lang in c.languages)


def language_warnings(language: str, addressees: dict[str, tuple[str, ...]]) -> list[str]:
    """The addressees (member codes) none of whose working languages is ``language``."""
    return [code for code, langs in addressees.items() if not understood(language, langs)]
