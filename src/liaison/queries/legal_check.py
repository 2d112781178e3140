"""The dual-criminality check and a member's offences, as the CLI, the API and the pages ask for them.

Legal facts are public law: any user with an agency or a role reads them (no audit: no personal data). Unknown
states are refused with suggestions (:func:`~liaison.queries.legal_facts.jurisdiction_code`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.legal.dual import Case, answer_dict, check_dual, member_offences
from liaison.principal import Principal
from liaison.queries.legal_facts import jurisdiction_code, load_facts, require_legal_reader

MAX_REQUESTED = 60


def check(session: Session, actor: Principal, case: Case, requested: list[str]) -> dict[str, Any]:
    """The check for each requested state, in the order given."""
    require_legal_reader(actor)
    facts = load_facts(session)
    requesting = jurisdiction_code(facts, case.requesting)
    wanted = [r.strip() for r in requested if r.strip()]
    if not wanted:
        raise InvalidInput("requested", _("name at least one requested state"))
    if len(wanted) > MAX_REQUESTED:
        raise InvalidInput("requested", _("at most %(num)s requested states at once", num=MAX_REQUESTED))
    states: list[str] = []
    for code in wanted:
        state = jurisdiction_code(facts, code)
        if state not in states:
            states.append(state)
    answers = [answer_dict(check_dual(facts, set(case.conduct), requesting, s, case.kind, case.on)) for s in states]
    return {
        "case": {
            "title": case.title,
            "summary": case.summary,
            "conduct": list(case.conduct),
            "requesting": requesting,
            "kind": case.kind,
            "on": case.on.isoformat(),
        },
        "answers": answers,
    }


def offences(session: Session, actor: Principal, member: str, today: date) -> dict[str, Any]:
    require_legal_reader(actor)
    facts = load_facts(session)
    state = jurisdiction_code(facts, member)
    out = member_offences(facts, state, today)
    out["name"] = facts.jurisdictions[state].name
    return out
