"""What the information bank's pages give their templates to show stored values in the reader's language and
time: the labels of :mod:`liaison.bank.labels`, dates (a statement's observation, review and listing dates) in
the reader's calendar, times in the reader's zone, and an entity's title (its name and list reference).

Every bank page renders with :data:`HELPERS` in its context (``bank_macros.html`` is imported ``with context``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from babel.units import format_unit
from markupsafe import Markup

from liaison import i18n
from liaison.bank import labels
from liaison.i18n import _
from liaison.matching import wording
from liaison.web.ui import fmt


@contextmanager
def reader_language(me: Any) -> Iterator[str]:
    """The reader's own language around text made before the page is rendered (``render`` applies it to the page
    itself: the user's setting wins over the cookie and the browser's)."""
    with i18n.use_locale(i18n.normalize(getattr(me, "language", None)) or i18n.current()) as code:
        yield code


def _day(d: date) -> str:
    return fmt.date_only(datetime(d.year, d.month, d.day, 12, tzinfo=UTC))


def _parsed(value: str | date | datetime | None) -> date | datetime | None:
    if value is None or isinstance(value, date):  # a datetime is a date too
        return value
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


def as_date(value: str | date | datetime | None) -> str:
    """A date as the reader's language writes it; a moment as its date in the reader's zone. A partial or odd
    value (``1981``, ``c. 1975``) is shown as stored."""
    found = _parsed(value)
    if found is None:
        return value if isinstance(value, str) else ""
    if isinstance(found, datetime):
        moment = found if found.tzinfo else found.replace(tzinfo=UTC)
        return _day(moment.astimezone(fmt.zone(i18n.current_zone())).date())
    return _day(found)


def as_time(value: str | datetime | None) -> Markup:
    """A moment (a datetime or its ISO text) in the reader's zone, in a ``<time>`` element."""
    found = _parsed(value)
    if not isinstance(found, datetime):
        return Markup("")
    return fmt.user_time(found if found.tzinfo else found.replace(tzinfo=UTC))


def real_reference(reference: str | None, entity_id: str | None) -> str:
    """A list reference (``QDi.400``), or nothing when the read side fell back to the entity's id."""
    return "" if not reference or reference == entity_id else reference


def entity_title(caption: str, reference: str | None, entity_id: str | None, schema: str = "") -> str:
    """``Ahmad Example · QDi.400``: the name and list reference an officer knows the entity by, never its id."""
    shown = caption or labels.schema_label(schema) or _("Entity")
    ref = real_reference(reference, entity_id)
    # Translators: an entity's title: its name, then its reference on a sanctions list (Ahmad Example · QDi.400)
    return _("%(name)s · %(reference)s", name=shown, reference=ref) if ref else shown


def contributor(value: str | None) -> str:
    """Who contributed a record: an organisation's name, or the node itself (a public list it imported)."""
    return _("this node (public list)") if not value or value == "node" else value


def file_size(size: int) -> str:
    """``1536000`` -> ``1.5 MB``, ``1,5 Mo``: decimal units, in the reader's language (CLDR unit names)."""
    value, unit = float(size), "byte"
    for bigger in ("kilobyte", "megabyte", "gigabyte"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    shown = round(value, 1) if unit != "byte" else int(value)
    return format_unit(shown, f"digital-{unit}", length="short", locale=i18n.babel_locale())


HELPERS: dict[str, Any] = {
    "as_date": as_date,
    "as_time": as_time,
    "file_size": file_size,
    "real_reference": real_reference,
    "entity_title": entity_title,
    "contributor": contributor,
    "schema_label": labels.schema_label,
    "prop_label": labels.prop_label,
    "relation_label": labels.relation_label,
    "kind_label": labels.kind_label,
    "category_label": labels.category_label,
    "status_label": labels.status_label,
    "proposal_status_label": labels.proposal_status_label,
    "verdict_label": labels.verdict_label,
    "list_label": labels.list_label,
    "feature_label": wording.label,
    "feature_detail": wording.detail,
    "grade_meaning": labels.grade_meaning,
    "script_label": labels.script_label,
    "country_label": labels.country_label,
}
