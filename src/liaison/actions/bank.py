"""Bank writes: create an entity with its statements, add and retract statements, set review dates (reminders
of the reviews that are due are in :mod:`liaison.actions.bank_reviews`). Each is one transaction with its audit
row and a bump of the bank revision (so every process's name index catches up).

Everything is validated before anything is written: a bad property, grade, name kind, date or country, or a
relation to an entity the actor may not see, writes nothing. Statements are never deleted: a retracted statement
keeps its value and is dated (``retracted_at``).

The value rules (:func:`clean_value`) are shared with the importers (:mod:`liaison.actions.bank_import`), so a
statement typed by an analyst and one read from a file are held to the same standard.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Literal

import icu
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from liaison import i18n, timeinput
from liaison.actions.audit import audit
from liaison.bank.access import Viewer
from liaison.bank.props import (
    CREDIBILITY,
    DATA_SUBJECT_CATEGORIES,
    NAME_KINDS,
    PROPS,
    RELATIONS,
    RELIABILITY,
    SCHEMAS,
    default_review_date,
)
from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied, unknown
from liaison.i18n import _, ngettext
from liaison.marking import Marking
from liaison.models import BankChange, BankEntity, BankRevision, Statement, utcnow
from liaison.models.bank import CHANGE_LIST_MAX, CHANGES_KEPT, releasable_text
from liaison.principal import Principal
from liaison.queries.bank_access import entity_or_404, require_analyst, viewer_for, visible_statement
from liaison.validation import iso_country

MAX_VALUE = 10_000
DATE_PROPS = frozenset({"birthDate", "date", "incorporationDate"})
COUNTRY_PROPS = frozenset({"nationality", "country"})
GENDERS = ("male", "female", "other")
# Codes FollowTheMoney and the lists use that ISO 3166 does not assign (Kosovo; unknown).
EXTRA_COUNTRIES = frozenset({"XK"})
_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Default(Enum):
    ACTOR = "actor"  # the acting user's organisation


@dataclass(frozen=True)
class StatementInput:
    """One value to state about an entity. ``script`` is detected from the text of a name when None; a relation
    (``prop`` in RELATIONS) names the other entity in ``object_id`` and may carry a note in ``value``."""

    prop: str
    value: str
    name_kind: str | None = None
    script: str | None = None
    object_id: uuid.UUID | None = None
    source: str = ""
    observed_on: date | None = None
    reliability: str = "F"
    credibility: str = "6"
    marking: Marking = field(default_factory=lambda: Marking("AMBER"))
    review_date: date | None = None


def bump_bank(session: Session, entity_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Tell every process's name index that the bank changed, and which entities (same transaction as the
    change). ``entity_ids`` None (or very many) makes the indexes rebuild. Returns the new revision.

    The UPDATE takes the revision row's lock until commit, so concurrent writers get revisions in commit order
    (see :class:`liaison.models.BankChange`)."""
    session.info["bank_changed"] = True
    revision = session.scalar(
        update(BankRevision)
        .where(BankRevision.id == 1)
        .values(revision=BankRevision.revision + 1)
        .returning(BankRevision.revision)
    )
    if revision is None:
        revision = 1
        session.add(BankRevision(id=1, revision=revision))
        session.flush()
    ids = None if entity_ids is None else list(dict.fromkeys(entity_ids))
    if ids is None or len(ids) > CHANGE_LIST_MAX:
        session.execute(insert(BankChange), [{"revision": revision, "entity_id": None}])
    elif ids:
        session.execute(insert(BankChange), [{"revision": revision, "entity_id": e} for e in ids])
    if revision % 1000 == 0:
        session.execute(delete(BankChange).where(BankChange.revision <= revision - CHANGES_KEPT))
    return int(revision)


# -- value rules (pure) --


def detect_script(text: str) -> str | None:
    """The ISO 15924 code of the script most letters of ``text`` are in (``Latn``, ``Arab``, ``Cyrl``, ...)."""
    if text.isascii():
        return "Latn" if any(ch.isalpha() for ch in text) else None
    chars = set(text)
    for ch in chars.difference(_SCRIPTS):
        _SCRIPTS[ch] = _script_of(ch)
    scripts = {_SCRIPTS[ch] for ch in chars}
    scripts.discard(None)
    if len(scripts) < 2:  # most names are in one script: no need to count
        return scripts.pop() if scripts else None
    counts = Counter(code for code in map(_SCRIPTS.__getitem__, text) if code is not None)
    return counts.most_common(1)[0][0]


def _script_of(ch: str) -> str | None:
    """A letter's script (None for other characters and for common/inherited/unknown scripts)."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    code = str(icu.Script.getScript(ch).getShortName())
    return None if code in ("Zyyy", "Zinh", "Zzzz") else code


# Script per character met so far: an import of a million names asks ICU once per distinct letter.
_SCRIPTS: dict[str, str | None] = {}


@functools.lru_cache(maxsize=65536)
def partial_date(text: str) -> str | None:
    """``1971``, ``1971-05``, ``1971-05-02`` or a range ``1960/1965``, checked; None if not a date."""
    parts = text.split("/")
    if len(parts) > 2 or not all(_PARTIAL.match(p) for p in parts):
        return None
    for p in parts:
        try:
            date.fromisoformat(p if len(p) == 10 else (p + "-01-01")[:10] if len(p) == 4 else p + "-01")
        except ValueError:
            return None
    if len(parts) == 2 and parts[0] > parts[1]:
        return None
    return parts[0] if len(parts) == 2 and parts[0] == parts[1] else text


def country(text: str) -> str | None:
    """An ISO 3166 alpha-2 code (upper case) for a code given in either case, alpha-3 accepted (and Kosovo's
    user-assigned XK, which lists use); else None."""
    code = text.strip().upper()
    return code if code in EXTRA_COUNTRIES else iso_country(code)


def clean_value(schema: str, prop: str, value: str) -> str:
    """The stored form of a value, or :class:`InvalidInput` naming the property."""
    # str.split() splits on exactly the characters re's \s matches in a str pattern (str.isspace), and is faster.
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    if len(text) > MAX_VALUE:
        raise InvalidInput(
            prop,
            ngettext(
                "at most %(count)s character", "at most %(count)s characters", MAX_VALUE, count=i18n.number(MAX_VALUE)
            ),
        )
    if prop in RELATIONS:
        return text
    if not text:
        raise InvalidInput(prop, _("empty value"))
    if prop in DATE_PROPS:
        found = partial_date(text)
        if found is None:
            raise InvalidInput(
                prop, _("%(text)r is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a range YYYY/YYYY)", text=text)
            )
        return found
    if prop in COUNTRY_PROPS:
        code = country(text)
        if code is None:
            raise InvalidInput(prop, _("%(text)r is not an ISO 3166 country code (e.g. FR, DE, SY)", text=text))
        return code
    if prop == "gender":
        if text.lower() not in GENDERS:
            raise InvalidInput(prop, _("%(text)r is not one of %(choices)s", text=text, choices=", ".join(GENDERS)))
        return text.lower()
    if prop in ("latitude", "longitude"):
        limit = 90 if prop == "latitude" else 180
        try:
            number = float(text)
        except ValueError:
            number = limit + 1
        if not -limit <= number <= limit:
            message = (
                _("%(text)r is not a latitude (-90 to 90)", text=text)
                if prop == "latitude"
                else _("%(text)r is not a longitude (-180 to 180)", text=text)
            )
            raise InvalidInput(prop, message)
        return str(number)
    return text


def check_value(schema: str, prop: str, value: str, kind: str | None) -> tuple[str, str | None]:
    """The rules for one value of one property: its clean form and, for a name, its script (the caller may
    replace the detected script by one it was given). Raises :class:`InvalidInput` naming the property."""
    if prop not in PROPS.get(schema, ()) and prop not in RELATIONS:
        raise InvalidInput("prop", _("%(prop)r is not a property of a %(schema)s", prop=prop, schema=schema))
    text = clean_value(schema, prop, value)
    if prop == "name":
        if kind not in NAME_KINDS:
            raise InvalidInput(
                "name_kind", _("%(kind)r is not one of %(choices)s", kind=kind, choices=", ".join(NAME_KINDS))
            )
        return text, detect_script(text)
    if kind is not None:
        raise InvalidInput("name_kind", _("only a name has a kind, not %(prop)s", prop=prop))
    return text, None


def check_statement(schema: str, s: StatementInput) -> StatementInput:
    """Validate one statement (not its relation target) and return it with clean value and detected script."""
    value, detected = check_value(schema, s.prop, s.value, s.name_kind)
    script = s.script or detected
    if s.prop in RELATIONS and s.object_id is None:
        raise InvalidInput(s.prop, _("a relation names the other entity"))
    if s.prop not in RELATIONS and s.object_id is not None:
        raise InvalidInput(s.prop, _("only a relation names another entity"))
    check_grade(s.reliability, s.credibility)
    return StatementInput(
        s.prop,
        value,
        s.name_kind,
        script,
        s.object_id,
        s.source.strip()[:300],
        s.observed_on,
        s.reliability,
        s.credibility,
        s.marking,
        s.review_date,
    )


def check_grade(reliability: str, credibility: str) -> None:
    if reliability not in RELIABILITY:
        raise InvalidInput(
            "reliability", _("%(reliability)r is not a source reliability (A-F)", reliability=reliability)
        )
    if credibility not in CREDIBILITY:
        raise InvalidInput(
            "credibility", _("%(credibility)r is not an information credibility (1-6)", credibility=credibility)
        )


def check_person(schema: str, category: str | None, legal_basis: str) -> None:
    """A person needs a data-subject category and a legal basis; other schemas have no category."""
    if schema not in SCHEMAS:
        raise InvalidInput(
            "schema", _("%(schema)r is not one of %(choices)s", schema=schema, choices=", ".join(SCHEMAS))
        )
    if schema == "Person":
        if category not in DATA_SUBJECT_CATEGORIES:
            raise InvalidInput(
                "data_subject_category",
                _(
                    "a person needs one of %(choices)s (got %(category)r)",
                    choices=", ".join(DATA_SUBJECT_CATEGORIES),
                    category=category,
                ),
            )
        if not legal_basis.strip():
            raise InvalidInput("legal_basis", _("say on which legal basis this person is held"))
    elif category is not None:
        raise InvalidInput("data_subject_category", _("only a person has a data-subject category"))


def statement_row(
    entity_id: uuid.UUID,
    s: StatementInput,
    *,
    contributor: uuid.UUID | None,
    by_name: str,
    review_date: date | None,
    import_id: uuid.UUID | None = None,
) -> dict[str, object]:
    """The column values of a checked statement (for ``Statement(**row)`` or a bulk insert)."""
    return {
        "id": uuid.uuid4(),
        "entity_id": entity_id,
        "prop": s.prop,
        "value": s.value,
        "name_kind": s.name_kind,
        "script": s.script,
        "object_id": s.object_id,
        "contributor_organisation_id": contributor,
        "source": s.source,
        "observed_on": s.observed_on,
        "reliability": s.reliability,
        "credibility": s.credibility,
        "tlp": s.marking.tlp,
        "originator_control": s.marking.originator_control,
        "purpose": s.marking.purpose,
        "releasable_to": releasable_text(s.marking.releasable_to),
        "review_date": s.review_date or review_date,
        "import_id": import_id,
        "created_by_name": by_name,
    }


# -- actions --


def _analyst(session: Session, actor: Principal) -> Viewer:
    viewer = viewer_for(session, actor)
    require_analyst(viewer)
    return viewer


def _check_targets(session: Session, viewer: Viewer, statements: list[StatementInput], own: uuid.UUID | None) -> None:
    for s in statements:
        if s.object_id is None:
            continue
        if s.object_id == own:
            raise InvalidInput(s.prop, _("an entity cannot be related to itself"))
        try:
            entity_or_404(session, viewer, s.object_id)
        except NotFound as exc:
            raise InvalidInput(s.prop, _("no entity %(object_id)s to relate to", object_id=s.object_id)) from exc


def create_entity(
    session: Session,
    *,
    actor: Principal,
    schema: str,
    statements: list[StatementInput],
    data_subject_category: str | None = None,
    legal_basis: str = "",
    review_date: date | None = None,
    contributor_organisation_id: uuid.UUID | None | Literal[Default.ACTOR] = Default.ACTOR,
) -> BankEntity:
    """Put a new entity with its statements in the bank. ``contributor_organisation_id`` defaults to the
    actor's organisation; only the node operator may contribute in the node's name (None)."""
    viewer = _analyst(session, actor)
    contributor = actor.organisation_id if contributor_organisation_id is Default.ACTOR else contributor_organisation_id
    if contributor != actor.organisation_id and not viewer.operator:
        raise PermissionDenied(_("an analyst contributes in their own organisation's name"))
    check_person(schema, data_subject_category, legal_basis)
    checked = [check_statement(schema, s) for s in statements]
    if not any(s.prop == "name" for s in checked):
        raise InvalidInput("name", _("an entity needs at least one name"))
    _check_targets(session, viewer, checked, None)
    review = review_date or default_review_date(data_subject_category, utcnow().date())
    entity = BankEntity(
        id=uuid.uuid4(),
        schema=schema,
        data_subject_category=data_subject_category,
        legal_basis=legal_basis.strip(),
        review_date=review,
        contributor_organisation_id=contributor,
        created_by_name=actor.username,
    )
    session.add(entity)
    session.flush()
    for s in checked:
        session.add(
            Statement(
                **statement_row(entity.id, s, contributor=contributor, by_name=actor.username, review_date=review)
            )
        )
    audit(
        session,
        actor=actor,
        action="bank.entity.create",
        target_type="bank_entity",
        target_id=entity.id,
        details={"schema": schema, "category": data_subject_category, "statements": len(checked)},
    )
    bump_bank(session, [entity.id])
    session.flush()
    session.refresh(entity)
    return entity


def add_statement(session: Session, *, actor: Principal, entity_id: uuid.UUID, statement: StatementInput) -> Statement:
    """State one more value about an entity the actor can see, in the actor's organisation's name."""
    viewer = _analyst(session, actor)
    entity = entity_or_404(session, viewer, entity_id)
    s = check_statement(entity.schema, statement)
    _check_targets(session, viewer, [s], entity.id)
    row = Statement(
        **statement_row(
            entity.id, s, contributor=actor.organisation_id, by_name=actor.username, review_date=entity.review_date
        )
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor=actor,
        action="bank.statement.add",
        target_type="bank_entity",
        target_id=entity.id,
        details={"statement": str(row.id), "prop": s.prop, "marking": s.marking.label},
    )
    bump_bank(session, [entity.id])
    return row


def _own_statement(session: Session, viewer: Viewer, statement_id: uuid.UUID) -> Statement:
    row = session.scalar(select(Statement).where(Statement.id == statement_id, visible_statement(viewer)))
    if row is None:
        raise unknown("statement", statement_id)
    if not viewer.operator and row.contributor_organisation_id != viewer.organisation_id:
        raise PermissionDenied(_("only the contributing organisation retracts its statement"))
    return row


def retract_statement(session: Session, *, actor: Principal, statement_id: uuid.UUID, reason: str = "") -> Statement:
    """Date a statement as retracted (it is kept). An entity keeps at least one current name."""
    viewer = _analyst(session, actor)
    row = _own_statement(session, viewer, statement_id)
    if row.retracted_at is not None:
        raise Conflict(_("this statement was already retracted"))
    if row.prop == "name":
        others = session.scalar(
            select(Statement.id).where(
                Statement.entity_id == row.entity_id,
                Statement.prop == "name",
                Statement.retracted_at.is_(None),
                Statement.id != row.id,
            )
        )
        if others is None:
            raise Conflict(_("this is the entity's last name: add another name before retracting it"))
    row.retracted_at = utcnow()
    audit(
        session,
        actor=actor,
        action="bank.statement.retract",
        target_type="bank_entity",
        target_id=row.entity_id,
        details={"statement": str(row.id), "prop": row.prop, "reason": reason.strip()},
    )
    bump_bank(session, [row.entity_id])
    return row


def set_review_date(
    session: Session, *, actor: Principal, entity_id: uuid.UUID, review_date: date, reason: str
) -> BankEntity:
    """The contributor's decision that the record is still needed until ``review_date`` (audited with why)."""
    viewer = _analyst(session, actor)
    entity = entity_or_404(session, viewer, entity_id)
    if not viewer.operator and entity.contributor_organisation_id != viewer.organisation_id:
        raise PermissionDenied(_("only the contributing organisation reviews its record"))
    if not reason.strip():
        raise InvalidInput("reason", _("say why the record is still needed"))
    if timeinput.in_years(review_date, "review_date") <= utcnow().date():
        raise InvalidInput("review_date", _("a review date is in the future"))
    before = entity.review_date
    entity.review_date = review_date
    entity.review_reminded_at = None
    audit(
        session,
        actor=actor,
        action="bank.review.set",
        target_type="bank_entity",
        target_id=entity.id,
        details={"before": before, "after": review_date, "reason": reason.strip()},
    )
    bump_bank(session, [entity.id])
    return entity
