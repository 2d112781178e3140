"""Exporting a briefing: the chosen figures built as the viewer, printed to a marked PDF, and the export audited.

One action for the page, the API and the CLI. Each figure's builder runs as the exporting user through the same
access-filtered queries as the analysis pages, so a briefing never holds more than its author may see; the
audit row names the items, the overall marking and the page count (not the content: the figures can be rebuilt,
and the audit log is not a second copy of the bank).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import briefing
from liaison.actions.audit import audit
from liaison.errors import InvalidInput
from liaison.i18n import _, ngettext
from liaison.marking import Marking
from liaison.models import Organisation, User
from liaison.principal import Principal
from liaison.queries import figures
from liaison.queries.bank_access import require_reader, viewer_for

MAX_TITLE = 200
MAX_ITEM = 300  # characters of one item (KIND:ARGUMENT)


@dataclass(frozen=True, slots=True)
class Briefing:
    pdf: bytes
    pages: int
    marking: Marking
    items: list[str]
    titles: list[str]


def clean_items(items: list[str]) -> list[str]:
    """The items asked for, trimmed, without repeats, in the order given; none or too many is an error."""
    found = list(dict.fromkeys(item.strip() for item in items if item and item.strip()))
    if not found:
        raise InvalidInput("include", _("choose at least one picture or table for the briefing"))
    if len(found) > briefing.MAX_ITEMS:
        raise InvalidInput(
            "include",
            ngettext(
                "a briefing holds at most %(num)d item; %(asked)s were chosen",
                "a briefing holds at most %(num)d items; %(asked)s were chosen",
                briefing.MAX_ITEMS,
                asked=len(found),
            ),
        )
    for item in found:
        if len(item) > MAX_ITEM:
            raise InvalidInput("include", _("an item is at most %(num)s characters", num=MAX_ITEM))
    return found


def export_briefing(session: Session, *, actor: Principal, items: list[str], title: str = "") -> Briefing:
    """The PDF of a briefing of ``items`` (``KIND`` or ``KIND:ARGUMENT``, see :mod:`liaison.queries.figures`),
    in the current language and time zone, audited as ``analysis.briefing.export``."""
    require_reader(viewer_for(session, actor))
    chosen = clean_items(items)
    title = " ".join((title or "").split())[:MAX_TITLE] or _("Analysis briefing")
    built = [figures.build(session, actor, item) for item in chosen]
    marking = briefing.overall_marking(built)
    author, organisation = _author(session, actor)
    html = briefing.render_html(
        built, title=title, author=author, organisation=organisation, made_at=datetime.now(UTC), marking=marking
    )
    document = briefing.render_pdf(html)
    audit(
        session,
        actor=actor,
        action="analysis.briefing.export",
        target_type="briefing",
        details={
            "title": title,
            "items": chosen,
            "marking": marking.label,
            "figure_markings": {f.key: f.marking.label for f in built},
            "pages": document.pages,
        },
    )
    return Briefing(document.pdf, document.pages, marking, chosen, [f.title for f in built])


def _author(session: Session, actor: Principal) -> tuple[str, str]:
    user = session.get(User, actor.user_id) if actor.user_id else None
    name = (user.display_name or user.username) if user else actor.username
    org = actor.organisation_id and session.scalar(
        select(Organisation.name).where(Organisation.id == actor.organisation_id)
    )
    return name or _("the node operator"), org or ""
