"""A member's roster as iCalendar: one VEVENT per shift, SUMMARY the contact's name.

Built from :func:`liaison.rosters.timeline`, the same function the on-duty answer uses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vText

from liaison import rosters
from liaison.i18n import _
from liaison.queries.snapshot import DesignationView, MemberView, NetworkView, Snapshot


def roster_calendar(
    snap: Snapshot,
    network: NetworkView,
    member: MemberView,
    designation: DesignationView | None,
    start: datetime,
    days: int = 90,
    now: datetime | None = None,
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Liaison//Duty roster//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{network.code} {member.code} duty roster")
    stamp = now or start
    if designation is not None:
        import uuid

        for shift in rosters.timeline(designation.roster, start, start + timedelta(days=days)):
            if shift.participant is None:
                continue
            contact = snap.contacts.get(uuid.UUID(shift.participant))
            if contact is None:
                continue
            ev = Event()
            ev.add("uid", f"{designation.id}-{shift.start:%Y%m%dT%H%M%SZ}@liaison")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", shift.start)
            ev.add("dtend", shift.end)
            ev.add("summary", contact.name)
            lines = [
                _(
                    "%(agency)s (%(member)s) on %(network)s",
                    agency=contact.agency,
                    member=member.name,
                    network=network.code,
                ),
                _("Time zone: %(zone)s", zone=contact.timezone),
            ]
            if contact.languages:
                lines.append(_("Languages: %(languages)s", languages=", ".join(contact.languages)))
            lines += [f"{ch.kind}: {ch.value}" for ch in contact.channels]
            if shift.source == "override":
                # Translators: in a calendar event's description: this shift is an override of the rotation
                lines.append(_("Override"))
            ev.add("description", "\n".join(lines))
            ev.add("categories", [shift.source])
            ev["contact"] = vText(
                "; ".join([contact.name] + [ch.value for ch in contact.channels if ch.kind in ("phone", "mobile")])
            )
            ev.add("x-liaison-contact-id", str(contact.id))
            cal.add_component(ev)
    return cal.to_ical()
