"""The exchange in words, in the current language: labels of kinds, priorities and escalation targets, the
reasons the escalation history records, escalation policies in plain words, durations and times.

One place for the words the pages and the notifications share, so a contact point's e-mail and the message
page call a step by the same name. Values stored in the database (``threat_notice``, ``on-duty``) and the
reasons the escalation writes (in English, for the audit trail) are never changed: they are translated when
shown. Pure functions of :mod:`liaison.i18n` and Babel; no web or database.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.lists import format_list

from liaison import i18n
from liaison.i18n import _, lazy_gettext, lazy_pgettext

KIND_LABELS = {
    "request": lazy_gettext("Request for information"),
    "threat_notice": lazy_gettext("Threat notice"),
    "victim_referral": lazy_gettext("Victim-assistance referral"),
    "reachability_test": lazy_gettext("Reachability test"),
}
PRIORITY_LABELS = {
    # Translators: a message's priority (flash, urgent, routine), shown on badges, often in capitals
    "flash": lazy_pgettext("priority", "Flash"),
    "urgent": lazy_pgettext("priority", "Urgent"),
    "routine": lazy_pgettext("priority", "Routine"),
}
TARGET_LABELS = {
    # Translators: who an escalation step notifies, e.g. "Step 2 → deputy"
    "on-duty": lazy_gettext("contact on duty"),
    "deputy": lazy_gettext("deputy"),
    "desk": lazy_gettext("agency's 24/7 desk"),
    "secretariat": lazy_gettext("secretariat's desk"),
}
NOTIFICATION_STATUS = {
    "pending": lazy_pgettext("delivery", "waiting"),
    "sending": lazy_pgettext("delivery", "sending"),
    "sent": lazy_pgettext("delivery", "sent"),
    "failed": lazy_pgettext("delivery", "failed"),
    "skipped": lazy_pgettext("delivery", "skipped"),
}

# The reasons :mod:`liaison.escalation.firing` records for a step, in English; shown translated.
_REASONS = {
    "the network no longer exists": lazy_gettext("the network no longer exists"),
    "the named contact point": lazy_gettext("the named contact point"),
    "the addressee is no longer a member": lazy_gettext("the addressee is no longer a member"),
    "on duty": lazy_gettext("on duty"),
    "nobody on duty and no fallback": lazy_gettext("nobody on duty and no fallback"),
    "no deputy designated": lazy_gettext("no deputy designated"),
    "the deputy": lazy_gettext("the deputy"),
    "the agency's 24/7 desk": lazy_gettext("the agency's 24/7 desk"),
    "the agency has no 24/7 desk": lazy_gettext("the agency has no 24/7 desk"),
    "the secretariat's desk": lazy_gettext("the secretariat's desk"),
    "the secretariat has no 24/7 desk": lazy_gettext("the secretariat has no 24/7 desk"),
    "superseded: a later round was due by the time the worker ran": lazy_gettext(
        "superseded: a later round was due by the time the worker ran"
    ),
}
_FALLBACK = re.compile(r"nobody on duty: the fallback \((deputy|desk|secretariat)\)")
_ALREADY = re.compile(r"already notified as ([a-z-]+) \(step ([0-9]+)\)")
_NO_CHANNEL = re.compile(r"(.+) has no channel")
_FALLBACK_ROLES = {"deputy": "deputy", "desk": "desk", "secretariat": "secretariat"}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ")


def priority_label(priority: str) -> str:
    label = PRIORITY_LABELS.get(priority)
    return str(label) if label is not None else priority


def target_label(target: str) -> str:
    label = TARGET_LABELS.get(target)
    return str(label) if label is not None else target


def status_label(status: str) -> str:
    label = NOTIFICATION_STATUS.get(status)
    return str(label) if label is not None else status


def reason_text(reason: str) -> str:
    """A reason the escalation recorded, in the current language (a reason we do not know is shown as it is)."""
    parts = []
    for part in (reason or "").split("; "):
        known = _REASONS.get(part)
        if known is not None:
            parts.append(str(known))
        elif m := _FALLBACK.fullmatch(part):
            parts.append(_("nobody on duty: the fallback (%(role)s)", role=target_label(_FALLBACK_ROLES[m[1]])))
        elif m := _ALREADY.fullmatch(part):
            parts.append(_("already notified at step %(step)s (%(role)s)", step=m[2], role=target_label(m[1])))
        elif m := _NO_CHANNEL.fullmatch(part):
            parts.append(_("%(name)s has no channel", name=m[1]))
        else:
            parts.append(part)
    # Translators: joins two reasons, e.g. "the deputy; already notified at step 1"
    return _("; ").join(parts) if len(parts) > 1 else "".join(parts)


def span(seconds: float | None, *, precise: bool = True) -> str:
    """A length of time in the current language's units (CLDR): "45 sec", "3 min 12 sec", "2 hr 5 min",
    "1 day 3 hr". ``precise=False`` leaves out seconds past the first minute ("7 hr 20 min", "45 min")."""
    if seconds is None:
        return ""
    s = max(0, int(round(seconds)))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    unit = i18n.unit

    if days:
        return " ".join([unit(days, "days", "long")] + ([unit(hours, "hours")] if hours else []))
    if hours:
        return " ".join([unit(hours, "hours")] + ([unit(minutes, "minutes")] if minutes else []))
    if minutes:
        return " ".join([unit(minutes, "minutes")] + ([unit(secs, "seconds")] if secs and precise else []))
    return unit(secs, "seconds")


def policy_words(policy: dict[str, Any] | None) -> str:
    """An escalation policy (its JSON form, as frozen into a message) in plain words: "contact on duty at once,
    deputy after 5 min, agency's 24/7 desk after 10 min and secretariat's desk after 15 min; then again every
    30 min", not ``on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat``."""
    if not policy or not policy.get("steps"):
        return ""
    steps = []
    for step in policy["steps"]:
        who = target_label(step["target"])
        delay = int(step["delay_seconds"])
        steps.append(
            # Translators: one step of an escalation policy, e.g. "deputy after 5 min"
            _("%(who)s after %(delay)s", who=who, delay=span(delay))
            if delay
            # Translators: the first step of an escalation policy, e.g. "contact on duty at once"
            else _("%(who)s at once", who=who)
        )
    text = format_list(steps, locale=i18n.babel_locale())
    if not policy.get("repeat"):
        return text
    last = int(policy["steps"][-1]["delay_seconds"])
    gap = policy.get("gap_seconds")
    period = last + (last if gap is None else int(gap))
    rounds = policy.get("max_rounds")
    if rounds:
        return i18n.ngettext(
            "%(steps)s; then again every %(period)s, %(num)d round in all",
            "%(steps)s; then again every %(period)s, %(num)d rounds in all",
            int(rounds),
            steps=text,
            period=span(period),
        )
    return _("%(steps)s; then again every %(period)s until acknowledged", steps=text, period=span(period))


def _date_time(date_skeleton: str, dt: datetime, zone: ZoneInfo) -> str:
    """A date skeleton with the 24-hour time, joined the current language's way (as ``fmt.when`` does)."""
    locale = i18n.babel_locale()
    pattern = str(locale.datetime_formats.get("short", "{1} {0}"))
    return pattern.format(
        format_skeleton("Hm", dt, tzinfo=zone, locale=locale),
        format_skeleton(date_skeleton, dt, tzinfo=zone, locale=locale),
    )


def local_time(dt: datetime, tz: str | None) -> str:
    """``dt`` in zone ``tz`` (a contact point's own), in the current language: "Wed 25 Nov 2026 11:00"."""
    return _date_time("yMMMEd", dt, _zone(tz))


def local_time_with_utc(dt: datetime, tz: str | None) -> str:
    """``dt`` in zone ``tz`` with the UTC time beside it: "Wed 25 Nov 2026 11:00 (10:00 UTC)"; just UTC for a
    contact point that works in UTC. Memoised: a broadcast writes the same few instants in the same few zones
    into hundreds of notices, and Babel's formatting is the costly part of building one."""
    return _local_time_with_utc(dt, tz, i18n.current())


@lru_cache(maxsize=4096)
def _local_time_with_utc(dt: datetime, tz: str | None, _language: str) -> str:
    zone = _zone(tz)
    if str(zone.key) in ("UTC", "Etc/UTC", "GMT"):
        return _("%(time)s UTC", time=local_time(dt, "UTC"))
    utc_zone = ZoneInfo("UTC")
    same_day = dt.astimezone(zone).date() == dt.astimezone(utc_zone).date()
    utc = format_skeleton("Hm", dt, tzinfo=utc_zone, locale=i18n.babel_locale()) if same_day else None
    utc = utc or _date_time("MMMEd", dt, utc_zone)
    # Translators: a time in the reader's zone with the UTC time beside it, e.g. "Wed 25 Nov 2026 11:00 (10:00 UTC)"
    return _("%(local)s (%(utc)s UTC)", local=local_time(dt, tz), utc=utc)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


__all__ = [
    "KIND_LABELS",
    "NOTIFICATION_STATUS",
    "PRIORITY_LABELS",
    "TARGET_LABELS",
    "kind_label",
    "local_time",
    "local_time_with_utc",
    "policy_words",
    "priority_label",
    "reason_text",
    "span",
    "status_label",
]
