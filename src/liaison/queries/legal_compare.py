"""The gap report and the definition comparator as the CLI, the API and the pages ask for them: the reader's
right checked, the legal facts read (cached), codes given by people checked with suggestions, the pure cores of
:mod:`liaison.legal.compare` run. Legal facts are public law: reading them is not audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from liaison.errors import InvalidInput, NotFound
from liaison.i18n import _
from liaison.legal import compare as core
from liaison.legal.elements import UnknownCode
from liaison.legal.facts import LegalFacts
from liaison.principal import Principal
from liaison.queries.legal_facts import load_facts, require_legal_reader

MOST_MEMBERS = 20


def _not_found(exc: UnknownCode) -> NotFound:
    if exc.suggestions:
        message = _(
            "unknown %(kind)s %(code)s; did you mean %(suggestions)s?",
            kind=exc.kind,
            code=exc.code,
            suggestions=", ".join(exc.suggestions),
        )
    else:
        message = _("unknown %(kind)s %(code)s", kind=exc.kind, code=exc.code)
    return NotFound(message, exc.suggestions)


def facts_for(session: Session, actor: Principal) -> LegalFacts:
    require_legal_reader(actor)
    return load_facts(session)


def gaps(session: Session, actor: Principal, member: str, against: str = core.EU_DIRECTIVE) -> core.GapReport:
    """The member's crosswalk against the target; NotFound with suggestions for an unknown member or target."""
    facts = facts_for(session, actor)
    try:
        return core.crosswalk(facts, member, against or core.EU_DIRECTIVE)
    except UnknownCode as exc:
        raise _not_found(exc) from exc


def compare(session: Session, actor: Principal, members: list[str]) -> core.Comparison:
    """Two or more members' definitions compared; NotFound for an unknown member, InvalidInput for fewer than 2."""
    facts = facts_for(session, actor)
    codes = [c for raw in members for c in raw.split(",") if c.strip()]
    if len(codes) > MOST_MEMBERS:
        raise InvalidInput("members", _("compare at most %(num)s members at once", num=MOST_MEMBERS))
    try:
        return core.compare_definitions(facts, codes)
    except UnknownCode as exc:
        raise _not_found(exc) from exc
    except core.TooFewMembers as exc:
        raise InvalidInput("members", _("give at least two different members to compare")) from exc


def choices(session: Session, actor: Principal) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(members as (code, name), targets as (code, name)) for the pages' pickers."""
    facts = facts_for(session, actor)
    members = sorted(((c, j.name) for c, j in facts.jurisdictions.items()), key=lambda p: p[0])
    targets = [
        (c, facts.instruments[c].name if c in facts.instruments else str(core.TARGET_NAMES.get(c, c)))
        for c in core.target_codes(facts)
    ]
    return members, targets
