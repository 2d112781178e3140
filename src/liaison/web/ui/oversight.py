"""Pages for oversight: readiness warnings (secretariats) and the audit log (auditors)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from liaison import timeinput
from liaison.actions import evidence
from liaison.db import transaction
from liaison.errors import InvalidInput, PermissionDenied
from liaison.i18n import _, lazy_gettext
from liaison.models import utcnow
from liaison.queries import audit as audit_q
from liaison.queries.audit_names import names
from liaison.queries.readiness import readiness
from liaison.web.deps import state
from liaison.web.ui.audit_view import audit_row, event_ids
from liaison.web.ui.common import Me, render
from liaison.web.ui.views import network_or_404

router = APIRouter()

SEVERITIES = (
    ("critical", lazy_gettext("Critical"), lazy_gettext("A member is, or will soon be, unreachable. Act now.")),
    ("warning", lazy_gettext("Warnings"), lazy_gettext("Will leave a member hard to reach in the coming weeks.")),
    ("notice", lazy_gettext("Notices"), lazy_gettext("Housekeeping: confirm rosters, re-verify channels.")),
)


@router.get("/networks/{code}/readiness")
def readiness_page(request: Request, code: str, me: Me) -> Response:
    st = state(request)
    snap = st.cache.get()
    n = network_or_404(snap, me.principal, code)
    s = st.settings
    now = utcnow()
    from liaison.queries.exchange import failing_channels

    with st.reads() as session:
        failing = failing_channels(session)
    warnings = readiness(
        snap,
        n,
        now,
        horizon_days=s.readiness_horizon_days,
        roster_stale_days=s.roster_stale_days,
        channel_stale_days=s.channel_stale_days,
        failing=failing,
    )
    groups = [(sev, title, hint, [w for w in warnings if w.severity == sev]) for sev, title, hint in SEVERITIES]
    return render(
        request,
        "readiness.html",
        me=me,
        network=n,
        groups=groups,
        count=len(warnings),
        now=now,
        horizon=s.readiness_horizon_days,
    )


def _day(value: str, field: str) -> datetime | None:
    if not value.strip():
        return None
    day = timeinput.calendar_day(value.strip()[:10], field)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@router.get("/audit")
def audit_page(
    request: Request,
    me: Me,
    action: str = "",
    user: str = "",
    since: str = "",
    until: str = "",
    target_id: str = "",
    limit: str = "100",
) -> Response:
    if not me.is_auditor:
        raise PermissionDenied("the audit log is for auditors")
    st = state(request)
    try:
        count = max(1, min(int(limit), 2000))
    except ValueError as exc:
        raise InvalidInput("limit", _("give a number of events, e.g. 100")) from exc
    start, end = _day(since, "since"), _day(until, "until")
    st.read_audit.flush()
    with st.sessions() as session:
        found = list(
            audit_q.events(
                session,
                since=start,
                until=end,
                action=action.strip() or None,
                actor=user.strip().lower() or None,
                target_id=target_id.strip() or None,
                limit=count,
            )
        )
        named = names(session, (ident for e in found for ident in event_ids(e)))
        events = [audit_row(e, named) for e in found]
    filters = {"action": action.strip(), "user": user.strip().lower(), "target_id": target_id.strip()}
    with transaction(st.sessions) as session:
        evidence.audit_log_read(
            session,
            actor=me.principal,
            export=False,
            details={**filters, "since": since, "until": until, "limit": count, "via_page": True},
        )
    api = {k: v for k, v in filters.items() if v}
    if start:
        api["since"] = start.isoformat()
    if end:
        api["until"] = end.isoformat()
    csv_url = "/api/v1/audit?" + urlencode({**api, "format": "csv", "limit": "10000"})
    return render(
        request,
        "audit.html",
        me=me,
        events=events,
        filters=filters,
        since=since,
        until=until,
        limit=count,
        csv_url=csv_url,
    )
