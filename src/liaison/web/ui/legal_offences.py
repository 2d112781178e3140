"""Pages of the conduct-based dual-criminality check (``/legal/check``: the facts' conduct elements as checkboxes
grouped by facet, the requesting and requested states, the kind of request; per requested state the verdict, the
matching offences with their matched and missing elements, penalty against threshold, the explanation and the
citations with their freshness) and a member's national offences (``/legal/offences/{member}``).

The check is a read: a GET form, so a result can be bookmarked and sent. Thin: :mod:`liaison.queries.legal_check`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from liaison.db import transaction
from liaison.demo_legal_offences import DEMO_CASE
from liaison.errors import InvalidInput, NotFound
from liaison.i18n import lazy_gettext
from liaison.legal.dual import parse_case
from liaison.legal.elements import ELEMENTS, FACETS, label, penalty_text
from liaison.legal.facts import REQUEST_KINDS
from liaison.models import utcnow
from liaison.queries import legal_check as q
from liaison.queries.legal_facts import load_facts, require_legal_reader
from liaison.web.deps import state
from liaison.web.ui.common import Me, render

router = APIRouter()

FACET_LABELS = {
    "behaviour": lazy_gettext("What was done"),
    "purpose": lazy_gettext("Aim"),
    "intent": lazy_gettext("Mental element"),
    "context": lazy_gettext("Circumstances"),
    "exclusion": lazy_gettext("Circumstances that exclude an offence"),
}
KIND_LABELS = {
    "mla": lazy_gettext("Mutual legal assistance"),
    "extradition": lazy_gettext("Extradition"),
    "spontaneous": lazy_gettext("Spontaneous information"),
}
VERDICT_LABELS = {
    "met": lazy_gettext("Dual criminality met"),
    "not_met": lazy_gettext("Not met"),
    "not_required": lazy_gettext("Not required"),
    "unknown": lazy_gettext("Cannot be decided"),
}
COVERAGE_LABELS = {
    "full": lazy_gettext("full"),
    "partial": lazy_gettext("partial"),
    "none": lazy_gettext("none"),
}
CERTAINTY_LABELS = {
    "verified": lazy_gettext("verified"),
    "unverified": lazy_gettext("unverified"),
    "stale": lazy_gettext("stale"),
    "demo": lazy_gettext("demonstration data"),
}


def _facets() -> list[dict[str, Any]]:
    return [
        {
            "facet": facet,
            "label": str(FACET_LABELS[facet]),
            "elements": [(e.code, str(e.label)) for e in ELEMENTS.values() if e.facet == facet],
        }
        for facet in FACETS
    ]


def demo_link() -> str:
    params: list[tuple[str, str]] = [("conduct", c) for c in DEMO_CASE["conduct"]]
    params += [("requesting", DEMO_CASE["requesting"]), ("kind", DEMO_CASE["kind"])]
    params += [("requested", r) for r in DEMO_CASE["requested"]]
    params += [("title", DEMO_CASE["title"]), ("on", DEMO_CASE["on"])]
    return "/legal/check?" + urlencode(params)


def missing_labels(missing: list[str]) -> list[str]:
    """Missing element codes as labels; a group of alternatives 'a|b' as 'a / b'."""
    return [" / ".join(label(c) for c in m.split("|")) for m in missing]


@router.get("/legal/check")
def check_page(
    request: Request,
    me: Me,
    conduct: Annotated[list[str], Query(max_length=60)] = [],  # noqa: B006 - FastAPI copies defaults
    requested: Annotated[list[str], Query(max_length=60)] = [],  # noqa: B006
    requesting: Annotated[str, Query(max_length=8)] = "",
    kind: Annotated[str, Query(max_length=20)] = "extradition",
    title: Annotated[str, Query(max_length=300)] = "",
    on: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    st = state(request)
    today = utcnow().date()
    error = ""
    suggestions: list[str] = []
    result: dict[str, Any] | None = None
    status = 200
    with transaction(st.sessions) as session:
        require_legal_reader(me.principal)
        facts = load_facts(session)
        states = sorted(((j.code, j.name) for j in facts.jurisdictions.values()), key=lambda s: s[0])
        if conduct or requesting:  # a link naming only the requested states pre-fills the form
            try:
                case = parse_case(
                    {"title": title, "conduct": conduct, "requesting": requesting, "kind": kind, "on": on or None},
                    today=today,
                )
                result = q.check(session, me.principal, case, requested)
            except NotFound as exc:
                error, suggestions, status = exc.detail, exc.suggestions, 404
            except InvalidInput as exc:
                error, status = exc.detail, 422
    return render(
        request,
        "legal_check.html",
        status=status,
        me=me,
        facets=_facets(),
        states=states,
        kinds=[(k, str(KIND_LABELS[k])) for k in REQUEST_KINDS],
        verdicts={k: str(v) for k, v in VERDICT_LABELS.items()},
        certainties={k: str(v) for k, v in CERTAINTY_LABELS.items()},
        form={
            "conduct": set(conduct),
            "requested": {r.strip().upper() for r in requested},
            "requesting": requesting.strip().upper(),
            "kind": kind,
            "title": title,
            "on": on,
        },
        result=result,
        error=error,
        suggestions=suggestions,
        conduct_labels="; ".join(label(c) for c in (result or {}).get("case", {}).get("conduct", [])),
        demo_link=demo_link(),
        label=label,
        missing_labels=missing_labels,
        penalty_text=penalty_text,
    )


@router.get("/legal/offences/{member}")
def offences_page(request: Request, me: Me, member: str) -> Response:
    st = state(request)
    with transaction(st.sessions) as session:
        data = q.offences(session, me.principal, member, utcnow().date())
    return render(
        request,
        "legal_offences.html",
        me=me,
        data=data,
        label=label,
        certainties={k: str(v) for k, v in CERTAINTY_LABELS.items()},
        coverages={k: str(v) for k, v in COVERAGE_LABELS.items()},
    )
