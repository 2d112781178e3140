"""The properties a statement may carry, by entity schema (FollowTheMoney's names where FtM has one), the
relation kinds, name kinds, data-subject categories, and default review periods. Pure data and validation."""

from __future__ import annotations

from datetime import date

# One list of name kinds: the matching library's (re-exported).
from liaison.matching.types import NAME_KINDS as NAME_KINDS

SCHEMAS = ("Person", "Organization", "Address", "Event")
# FollowTheMoney property each name kind travels as (code names have no FtM property of their own: alias).
NAME_KIND_FTM = {
    "primary": "name",
    "alias": "alias",
    "code_name": "alias",
    "former_name": "previousName",
    "weak_alias": "weakAlias",
}
DATA_SUBJECT_CATEGORIES = ("suspect", "convicted", "foreign_terrorist_fighter", "associate", "victim", "witness")
# Default review period by category, in years: the longest a record is kept without a fresh decision that it is
# still needed (victims and witnesses shortest, as for Europol's analysis files).
REVIEW_YEARS = {
    "suspect": 3,
    "convicted": 5,
    "foreign_terrorist_fighter": 3,
    "associate": 2,
    "victim": 1,
    "witness": 1,
    None: 5,  # organisations, places, incidents
}
RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = ("1", "2", "3", "4", "5", "6")
# Relations: a statement on the subject whose object_id is the other entity.
RELATIONS = (
    "member_of",
    "leader_of",
    "finances",
    "trains_at",
    "associate_of",
    "family_of",
    "successor_of",
    "faction_of",
    "involved_in",
)
# Value properties by schema. Names are the "name" property with a name kind.
PROPS: dict[str, tuple[str, ...]] = {
    "Person": (
        "name",
        "birthDate",
        "birthPlace",
        "nationality",
        "gender",
        "title",
        "position",
        "idNumber",
        "passportNumber",
        "address",
        "ideology",
        "notes",
    ),
    "Organization": (
        "name",
        "country",
        "address",
        "ideology",
        "structure",
        "recruitment",
        "funding",
        "weapons",
        "trainingArea",
        "incorporationDate",
        "notes",
    ),
    "Address": ("name", "full", "country", "latitude", "longitude", "notes"),
    "Event": ("name", "date", "country", "location", "summary", "notes"),
}

# Properties a thing has one true value of: differing current values mean the sources disagree. (Two passports,
# two addresses or several notes are not a disagreement.)
SINGLE_VALUED = frozenset({"birthDate", "birthPlace", "gender", "date", "incorporationDate", "latitude", "longitude"})


def valid_prop(schema: str, prop: str) -> bool:
    return prop in PROPS.get(schema, ()) or prop in RELATIONS


def default_review_date(category: str | None, start: date) -> date:
    """``start`` plus the category's review period (29 February falls back to 28)."""
    years = REVIEW_YEARS.get(category, REVIEW_YEARS[None])
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)
