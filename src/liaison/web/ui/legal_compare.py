"""Pages of the gap report and the definition comparator: ``/legal/gaps`` (pick a member and a target),
``/legal/gaps/{member}?against=`` (the crosswalk as a picture and a table, with its sources and how sure it is),
``/legal/compare?members=FR&members=DE`` (the members' definitions as an element × member matrix, a similarity
heatmap and tables). Each picture is also served alone as SVG for download.

Thin: the answers are :mod:`liaison.queries.legal_compare`'s; the pictures :mod:`liaison.legal_charts`'s, drawn
in the reader's language (mirrored in Arabic). Any signed-in user with an agency or a role may read them.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound
from liaison.legal import compare as core
from liaison.legal.elements import FACETS
from liaison.legal_charts import (
    BASIS_WORDS,
    COMPUTED_NOTICE,
    DEMO_NOTICE,
    FACET_WORDS,
    STATUS_WORDS,
    UNVERIFIED_NOTICE,
    certainty_word,
    gap_chart,
    matrix_chart,
    similarity_chart,
)
from liaison.queries import legal_compare as q
from liaison.web.deps import state
from liaison.web.ui.common import Me, redirect, render

router = APIRouter()
Against = Annotated[str, Query(max_length=40)]
Members = Annotated[list[str], Query(max_length=q.MOST_MEMBERS * 3)]


def _words() -> dict[str, Any]:
    return {
        "status_words": {k: str(v) for k, v in STATUS_WORDS.items()},
        "basis_words": {k: str(v) for k, v in BASIS_WORDS.items()},
        "facet_words": {k: str(v) for k, v in FACET_WORDS.items()},
        "certainty_word": certainty_word,
        "facets": FACETS,
        "demo_notice": str(DEMO_NOTICE),
        "unverified_notice": str(UNVERIFIED_NOTICE),
        "computed_notice": str(COMPUTED_NOTICE),
    }


def _gaps_url(member: str, against: str) -> str:
    return f"/legal/gaps/{quote(member)}?" + urlencode({"against": against})


def _report(request: Request, me: Me, member: str, against: str) -> tuple[core.GapReport, list[Any], list[Any]]:
    st = state(request)
    with transaction(st.sessions) as session:
        members, targets = q.choices(session, me.principal)
        try:
            report = q.gaps(session, me.principal, member, against)
        except NotFound as exc:
            known = dict(members)
            exc.links = [
                (f"{s} {known[s]}", _gaps_url(s, against)) if s in known else (s, _gaps_url(member, s))
                for s in exc.suggestions
            ]
            raise
    return report, members, targets


@router.get("/legal/gaps")
def gaps_picker(
    request: Request, me: Me, member: Annotated[str, Query(max_length=8)] = "", against: Against = ""
) -> Response:
    if member.strip():
        return redirect(_gaps_url(member.strip().upper(), against or core.EU_DIRECTIVE))
    st = state(request)
    with transaction(st.sessions) as session:
        members, targets = q.choices(session, me.principal)
    return render(
        request,
        "legal_gaps.html",
        me=me,
        report=None,
        members=members,
        targets=targets,
        form={"member": "", "against": against or core.EU_DIRECTIVE},
        pictures={},
        **_words(),
    )


@router.get("/legal/gaps/{member}")
def gaps_page(request: Request, me: Me, member: str, against: Against = core.EU_DIRECTIVE) -> Response:
    with i18n.use_locale(i18n.normalize(me.language) or i18n.current()):
        report, members, targets = _report(request, me, member, against)
        data = core.report_dict(report)
        pictures = {"gaps": gap_chart(report)}
    return render(
        request,
        "legal_gaps.html",
        me=me,
        report=data,
        members=members,
        targets=targets,
        form={"member": report.member, "against": report.against},
        pictures=pictures,
        svg_url=f"/legal/gaps/{quote(report.member)}/picture.svg?" + urlencode({"against": report.against}),
        **_words(),
    )


def _svg(svg: str, name: str) -> Response:
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"},
    )


@router.get("/legal/gaps/{member}/picture.svg")
def gaps_svg(request: Request, me: Me, member: str, against: Against = core.EU_DIRECTIVE) -> Response:
    with i18n.use_locale(i18n.normalize(me.language) or i18n.current()):
        report, _members, _targets = _report(request, me, member, against)
        svg = gap_chart(report)
    return _svg(svg, f"gaps-{report.member}-{report.against}.svg")


def _comparison(request: Request, me: Me, members: list[str]) -> tuple[core.Comparison | None, list[Any], str]:
    st = state(request)
    codes = [c.strip().upper() for raw in members for c in raw.split(",") if c.strip()]
    with transaction(st.sessions) as session:
        known, _targets = q.choices(session, me.principal)
        if not codes:
            return None, known, ""
        try:
            return q.compare(session, me.principal, codes), known, ""
        except InvalidInput as exc:
            return None, known, exc.reason
        except NotFound as exc:
            names = dict(known)
            others = [c for c in codes if c in names]
            exc.links = [
                (
                    f"{s} {names.get(s, '')}".strip(),
                    "/legal/compare?" + urlencode([("members", c) for c in [*others, s]]),
                )
                for s in exc.suggestions
            ]
            raise


@router.get("/legal/compare")
def compare_page(request: Request, me: Me, members: Members = []) -> Response:  # noqa: B006 - FastAPI's default
    with i18n.use_locale(i18n.normalize(me.language) or i18n.current()):
        comparison, known, error = _comparison(request, me, members)
        data = core.comparison_dict(comparison) if comparison else None
        pictures = (
            {"matrix": matrix_chart(comparison), "similarity": similarity_chart(comparison)} if comparison else {}
        )
    chosen = [m["code"] for m in data["members"]] if data else [c.strip().upper() for c in members]
    return render(
        request,
        "legal_compare.html",
        status=422 if error else 200,
        me=me,
        data=data,
        members=known,
        chosen=chosen,
        error=error,
        pictures=pictures,
        svg_query=urlencode([("members", c) for c in chosen]),
        **_words(),
    )


@router.get("/legal/compare/{picture}.svg")
def compare_svg(request: Request, me: Me, picture: str, members: Members = []) -> Response:  # noqa: B006
    if picture not in ("matrix", "similarity"):
        raise NotFound(_picture_unknown(picture))
    with i18n.use_locale(i18n.normalize(me.language) or i18n.current()):
        comparison, _known, error = _comparison(request, me, members)
        if comparison is None:
            raise InvalidInput("members", error or _picture_unknown("members"))
        svg = matrix_chart(comparison) if picture == "matrix" else similarity_chart(comparison)
    return _svg(svg, f"definitions-{picture}-{'-'.join(d.code for d in comparison.members)}.svg")


def _picture_unknown(what: str) -> str:
    return i18n._("no picture %(name)s", name=what[:40])
