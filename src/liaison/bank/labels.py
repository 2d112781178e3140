"""What the bank's stored words are called on a page, in the reader's language: schemas, properties, relations
(read from either end), name kinds, data-subject categories, statuses, verdicts, lists, grades and writing
systems (the matcher's features are worded by :mod:`liaison.matching.wording`).

The stored values stay as they are (FollowTheMoney schema names, ``code_name``, ``un-sc``): only their labels are
translated, looked up when shown (:func:`liaison.i18n.lazy_gettext`). An unknown value is shown as itself, made
readable, never an error. Pure: no web or database imports.
"""

from __future__ import annotations

from typing import Any

from liaison import i18n
from liaison.i18n import _, lazy_gettext, lazy_pgettext

SCHEMA_LABELS: dict[str, Any] = {
    "Person": lazy_gettext("Person"),
    # Translators: a FollowTheMoney "Organization" in the bank: a group, network or company
    "Organization": lazy_gettext("Organisation (group)"),
    "Address": lazy_gettext("Place"),
    "Event": lazy_gettext("Incident"),
}
PROP_LABELS: dict[str, Any] = {
    "name": lazy_gettext("Name"),
    "birthDate": lazy_gettext("Birth date"),
    "birthPlace": lazy_gettext("Birth place"),
    "nationality": lazy_gettext("Nationality"),
    "gender": lazy_gettext("Gender"),
    # Translators: a person's title or honorific (Dr, Sheikh), a property in the information bank
    "title": lazy_pgettext("person", "Title"),
    "position": lazy_gettext("Position"),
    "idNumber": lazy_gettext("Identity number"),
    "passportNumber": lazy_gettext("Passport number"),
    "address": lazy_gettext("Address"),
    "ideology": lazy_gettext("Ideology"),
    "notes": lazy_gettext("Notes"),
    "country": lazy_gettext("Country"),
    "structure": lazy_gettext("Structure"),
    "recruitment": lazy_gettext("Recruitment"),
    "funding": lazy_gettext("Funding"),
    "weapons": lazy_gettext("Weapons"),
    "trainingArea": lazy_gettext("Training area"),
    # Translators: the date an organisation was founded
    "incorporationDate": lazy_gettext("Founded"),
    "full": lazy_gettext("Full address"),
    "latitude": lazy_gettext("Latitude"),
    "longitude": lazy_gettext("Longitude"),
    # Translators: the date of an incident
    "date": lazy_pgettext("incident", "Date"),
    "location": lazy_gettext("Location"),
    "summary": lazy_gettext("Summary"),
}
# A relation as read from its subject ("out": A is a member of B) and from its object ("in": B has member A).
RELATION_LABELS: dict[tuple[str, str], Any] = {
    ("member_of", "out"): lazy_gettext("member of"),
    ("member_of", "in"): lazy_gettext("has member"),
    ("leader_of", "out"): lazy_gettext("leader of"),
    ("leader_of", "in"): lazy_gettext("led by"),
    ("finances", "out"): lazy_gettext("finances"),
    ("finances", "in"): lazy_gettext("financed by"),
    ("trains_at", "out"): lazy_gettext("trains at"),
    ("trains_at", "in"): lazy_gettext("training place of"),
    ("associate_of", "out"): lazy_gettext("associate of"),
    ("associate_of", "in"): lazy_gettext("associate of"),
    ("family_of", "out"): lazy_gettext("family of"),
    ("family_of", "in"): lazy_gettext("family of"),
    ("successor_of", "out"): lazy_gettext("successor of"),
    ("successor_of", "in"): lazy_gettext("predecessor of"),
    ("faction_of", "out"): lazy_gettext("faction of"),
    ("faction_of", "in"): lazy_gettext("has faction"),
    ("involved_in", "out"): lazy_gettext("involved in"),
    ("involved_in", "in"): lazy_gettext("involves"),
}
NAME_KIND_LABELS: dict[str, Any] = {
    # Translators: the kind of a name in the information bank: the main name
    "primary": lazy_gettext("primary"),
    "alias": lazy_gettext("alias"),
    "code_name": lazy_gettext("code name"),
    "former_name": lazy_gettext("former name"),
    "weak_alias": lazy_gettext("weak alias"),
}
CATEGORY_LABELS: dict[str, Any] = {
    # Translators: data-subject category of a person in the information bank
    "suspect": lazy_gettext("suspect"),
    "convicted": lazy_gettext("convicted"),
    "foreign_terrorist_fighter": lazy_gettext("foreign terrorist fighter"),
    "associate": lazy_gettext("associate"),
    "victim": lazy_gettext("victim"),
    "witness": lazy_gettext("witness"),
}
# Translators: the status of an entity in the information bank
ENTITY_STATUS_LABELS: dict[str, Any] = {"active": lazy_gettext("active"), "delisted": lazy_gettext("delisted")}
PROPOSAL_STATUS_LABELS: dict[str, Any] = {
    # Translators: the status of a merge proposal
    "proposed": lazy_pgettext("merge", "proposed"),
    "accepted": lazy_pgettext("merge", "accepted"),
    "rejected": lazy_pgettext("merge", "rejected"),
    "undone": lazy_pgettext("merge", "undone"),
    "all": lazy_pgettext("merge", "all"),
}
VERDICT_LABELS: dict[str, Any] = {
    # Translators: an analyst's verdict on a screening hit
    "true_match": lazy_gettext("true match"),
    "false_match": lazy_gettext("false match"),
}
LIST_LABELS: dict[str, Any] = {
    "un-sc": lazy_gettext("UN Security Council list"),
}
RELIABILITY_TEXT: dict[str, Any] = {
    # Translators: Admiralty scale, source reliability A to F ("source usually reliable")
    "A": lazy_gettext("completely reliable"),
    "B": lazy_gettext("usually reliable"),
    "C": lazy_gettext("fairly reliable"),
    "D": lazy_gettext("not usually reliable"),
    "E": lazy_gettext("unreliable"),
    "F": lazy_gettext("reliability cannot be judged"),
}
CREDIBILITY_TEXT: dict[str, Any] = {
    # Translators: Admiralty scale, information credibility 1 to 6 ("information probably true")
    "1": lazy_gettext("confirmed by other sources"),
    "2": lazy_gettext("probably true"),
    "3": lazy_gettext("possibly true"),
    "4": lazy_gettext("doubtful"),
    "5": lazy_gettext("improbable"),
    "6": lazy_gettext("truth cannot be judged"),
}


def readable(value: str) -> str:
    """An unknown code shown as words: ``some_kind`` -> ``some kind``, ``trainingArea`` -> ``Training area``."""
    if "_" in value or not any(ch.isupper() for ch in value[1:]):
        return value.replace("_", " ")
    return value[:1].upper() + "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in value[1:])


def _label(table: dict[Any, Any], key: Any, fallback: str) -> str:
    found = table.get(key)
    return str(found) if found is not None else readable(fallback)


def schema_label(schema: str) -> str:
    return _label(SCHEMA_LABELS, schema, schema)


def prop_label(prop: str) -> str:
    return _label(PROP_LABELS, prop, prop)


def relation_label(relation: str, direction: str) -> str:
    return _label(RELATION_LABELS, (relation, "in" if direction == "in" else "out"), relation)


def kind_label(kind: str | None) -> str:
    return _label(NAME_KIND_LABELS, kind or "primary", kind or "primary")


def category_label(category: str | None) -> str:
    return _label(CATEGORY_LABELS, category, category or "")


def status_label(status: str) -> str:
    return _label(ENTITY_STATUS_LABELS, status, status)


def proposal_status_label(status: str) -> str:
    return _label(PROPOSAL_STATUS_LABELS, status, status)


def verdict_label(verdict: str | None) -> str:
    return _label(VERDICT_LABELS, verdict, verdict or "")


def list_label(list_name: str) -> str:
    """A list's name (``un-sc``: the UN Security Council list); a contributor's own list keeps its name."""
    return _label(LIST_LABELS, list_name, list_name)


def grade_meaning(grade: str) -> str:
    """``B2`` -> ``source usually reliable; information probably true``."""
    r, c = grade[:1], grade[1:2]
    not_graded = _("not graded")
    return _(
        "source %(reliability)s; information %(credibility)s",
        reliability=str(RELIABILITY_TEXT.get(r, not_graded)),
        credibility=str(CREDIBILITY_TEXT.get(c, not_graded)),
    )


def script_label(script: str | None) -> str:
    """A writing system's name in the reader's language (CLDR): ``Arab`` -> Arabic, arabe, العربية."""
    if not script:
        return ""
    return str(i18n.babel_locale().scripts.get(script) or script)


def country_label(code: str | None) -> str:
    """A country's name in the reader's language (CLDR) for an ISO 3166 alpha-2 code; the text itself otherwise."""
    if not code:
        return ""
    return str(i18n.babel_locale().territories.get(code.strip().upper()) or code)
