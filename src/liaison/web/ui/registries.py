"""The registries' pages: liaison officers (who is posted to a member: whom to contact there), one officer with the
directory contact point they are reachable through, experts, the training calendar with attendance, and the
members' national-strategy self-assessments (an overview matrix, and one member's checklist with a picture of
its pillars and items, its gaps matched to experts and courses, and the form its own contact points edit it with).
The forms that add and edit officers, experts, training activities and attendance are
:mod:`liaison.web.ui.registries_forms`'; the add links show only to those who may write.

Thin: every figure is :mod:`liaison.queries.registries`' (need to know applied, reads of names audited), every
change :func:`liaison.actions.registries.assess`. The picture is server-side SVG, mirrored for right-to-left
languages, with a text description for screen readers.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import registries as act
from liaison.charts import Svg
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound, PermissionDenied
from liaison.i18n import _
from liaison.legal import strategy as core
from liaison.models import utcnow
from liaison.queries import registries as q
from liaison.queries.legal_facts import require_legal_editor
from liaison.web.deps import state
from liaison.web.ui import registries_forms as forms
from liaison.web.ui.common import Me, check_csrf, redirect, render

router = APIRouter()
router.include_router(forms.router)  # first: /registries/officers/new is a form, not an officer's id
FormStr = Annotated[str, Form()]
Filter = Annotated[str, Query(max_length=60)]

STATUS_COLOURS = {"met": "#009E73", "partial": "#E69F00", "gap": "#D55E00", "not_assessed": "#8A8A8A"}
STATUS_MARKS = {"met": "✓", "partial": "½", "gap": "✗", "not_assessed": "?"}


def _today() -> date:
    return utcnow().date()


def _common(me: Any) -> dict[str, Any]:
    return {
        "items": core.ITEMS,
        "pillars": core.PILLARS,
        "pillar_short": core.PILLAR_SHORT,
        "status_labels": {k: str(v) for k, v in core.STATUS_LABELS.items()},
        "status_marks": STATUS_MARKS,
        "item_label": core.label,
    }


@router.get("/registries")
def registries_home(me: Me) -> Response:
    return redirect("/registries/officers")


@router.get("/registries/officers")
def officers_page(
    request: Request,
    me: Me,
    posted_to: Filter = "",
    posted_by: Filter = "",
    network: Filter = "",
    current: Filter = "",
) -> Response:
    error, suggestions = "", list[str]()
    form = {"posted_to": posted_to, "posted_by": posted_by, "network": network, "current": current}
    with transaction(state(request).sessions) as session:
        try:
            data = q.officers(
                session,
                me.principal,
                today=_today(),
                posted_to=posted_to or None,
                posted_by=posted_by or None,
                network=network or None,
                current_only=bool(current),
            )
        except NotFound as exc:
            error, suggestions = exc.detail, exc.suggestions
            data = q.officers(session, me.principal, today=_today())
        members = sorted({o["posted_to"] for o in data["officers"]} | {o["posted_by"] for o in data["officers"]})
        may_write = bool(q.writable_members(session, me.principal))
    return render(
        request,
        "registries_officers.html",
        me=me,
        data=data,
        form=form,
        error=error,
        suggestions=suggestions,
        members=members,
        may_write=may_write,
        section="officers",
        **_common(me),
    )


@router.get("/registries/officers/{officer_id}")
def officer_page(request: Request, officer_id: str, me: Me, saved: Filter = "") -> Response:
    return forms.officer_response(request, me, officer_id, saved=saved)


@router.get("/registries/experts")
def experts_page(
    request: Request, me: Me, field: Filter = "", language: Filter = "", available: Filter = "", saved: Filter = ""
) -> Response:
    error, suggestions = "", list[str]()
    form = {"field": field, "language": language, "available": available}
    with transaction(state(request).sessions) as session:
        try:
            data = q.experts(
                session,
                me.principal,
                today=_today(),
                field=field or None,
                language=language or None,
                available=available or None,
            )
        except (NotFound, InvalidInput) as exc:
            error = exc.detail
            suggestions = getattr(exc, "suggestions", [])
            data = q.experts(session, me.principal, today=_today())
        may_write = bool(q.writable_members(session, me.principal))
    return render(
        request,
        "registries_experts.html",
        me=me,
        data=data,
        form=form,
        error=error,
        suggestions=suggestions,
        may_write=may_write,
        saved=forms.saved_message(saved),
        section="experts",
        **_common(me),
    )


@router.get("/registries/training")
def training_page(request: Request, me: Me, upcoming: Filter = "") -> Response:
    with transaction(state(request).sessions) as session:
        data = q.trainings(session, me.principal, today=_today(), upcoming=bool(upcoming))
        may_write = bool(q.writable_members(session, me.principal))
    return render(
        request,
        "registries_training.html",
        me=me,
        data=data,
        upcoming=bool(upcoming),
        may_write=may_write,
        section="training",
        **_common(me),
    )


@router.get("/registries/training/{activity_id}")
def activity_page(request: Request, activity_id: str, me: Me, saved: Filter = "") -> Response:
    return forms.activity_response(request, me, activity_id, saved=saved)


@router.get("/registries/strategies")
def strategies_page(request: Request, me: Me, member: Filter = "") -> Response:
    if member.strip():
        return redirect(f"/registries/strategies/{member.strip().upper()}")
    with transaction(state(request).sessions) as session:
        data = q.strategies(session, me.principal)
    return render(request, "registries_strategies.html", me=me, data=data, section="strategies", **_common(me))


def _may_edit(session: Any, me: Any, member: str) -> bool:
    try:
        require_legal_editor(session, me.principal, member)
    except PermissionDenied:
        return False
    return True


def strategy_response(
    request: Request, me: Any, member: str, *, saved: str = "", error: str = "", status: int = 200
) -> Response:
    with transaction(state(request).sessions) as session:
        data = q.strategy(session, me.principal, member, today=_today())
        editable = _may_edit(session, me, data["member"])
    title = _("National strategy of %(member)s: status by pillar and item", member=data["member"])
    return render(
        request,
        "registries_strategy.html",
        status=status,
        me=me,
        data=data,
        picture=strategy_picture(data, title),
        editable=editable,
        saved=saved,
        error=error,
        colours=STATUS_COLOURS,
        section="strategies",
        **_common(me),
    )


@router.get("/registries/strategies/{member}")
def strategy_page(request: Request, member: str, me: Me, saved: Filter = "") -> Response:
    return strategy_response(request, me, member, saved=saved)


@router.post("/registries/strategies/{member}")
def strategy_assess(
    request: Request,
    member: str,
    me: Me,
    csrf_token: FormStr = "",
    item: FormStr = "",
    status: FormStr = "",
    evidence: FormStr = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    today = _today()
    try:
        with transaction(state(request).sessions) as session:
            row = act.assess(
                session,
                actor=me.principal,
                member=member,
                item=item,
                status=status,
                evidence=evidence[:5000],
                prov=act.Provenance(_("self-assessment"), retrieved_on=today),
                today=today,
            )
            code, saved = row.member, row.item
    except InvalidInput as exc:
        return strategy_response(request, me, member, error=exc.detail, status=exc.status)
    except NotFound as exc:
        if "member" in exc.detail:
            raise
        return strategy_response(request, me, member, error=exc.detail, status=exc.status)
    return redirect(f"/registries/strategies/{code}?saved={saved}#item-{saved}")


# -- the picture --


def _t(value: object) -> str:
    return escape(str(value))


def strategy_picture(data: dict[str, Any], title: str, width: int = 640) -> Svg:
    """Bars of each pillar's score (met 1, partly met 0.5) and, beside each, one square per checklist item coloured
    and marked by its status (✓ met, ½ partly met, ✗ gap, ? not assessed: colour is never the only cue). In a
    right-to-left language the picture is mirrored: labels on the right, bars growing leftwards."""
    rtl = i18n.is_rtl()
    row_h, top, label_w, bar_w = 44, 34, 90, 170
    cell = 26
    by_pillar: dict[str, list[dict[str, Any]]] = {}
    for item in data["items"]:
        by_pillar.setdefault(item["pillar"], []).append(item)
    height = top + row_h * len(data["pillars"]) + 28

    def x(pos: float, w: float = 0) -> float:
        return width - pos - w if rtl else pos

    start = "start"  # the svg's direction makes "start" the right edge in a right-to-left language
    parts: list[str] = []
    summary = [title + "."]
    for n, p in enumerate(data["pillars"]):
        y = top + n * row_h
        score = p["score"]
        pct = round(score * 100)
        counts = p["counts"]
        summary.append(
            _(
                "%(pillar)s: %(pct)s%%; %(met)s met, %(partial)s partly met, %(gap)s gaps, %(none)s not assessed.",
                pillar=p["short"],
                pct=pct,
                met=counts["met"],
                partial=counts["partial"],
                gap=counts["gap"],
                none=counts["not_assessed"],
            )
        )
        parts.append(
            f'<g class="pillar-row"><text x="{x(8):.1f}" y="{y + 22}" text-anchor="{start}" fill="currentColor">'
            f"<title>{_t(p['label'])}</title>{_t(p['short'])}</text>"
        )
        parts.append(
            f'<rect class="pillar-track" x="{x(label_w, bar_w):.1f}" y="{y + 8}" width="{bar_w}" height="20"'
            ' fill="currentColor" fill-opacity="0.1"/>'
        )
        filled = bar_w * score
        parts.append(
            f'<rect class="pillar-bar" x="{x(label_w, filled):.1f}" y="{y + 8}" width="{filled:.1f}" height="20"'
            f' fill="#0072B2"><title>{_t(p["label"])}: {pct}%</title></rect>'
        )
        parts.append(
            f'<text class="pillar-score" x="{x(label_w + bar_w + 6):.1f}" y="{y + 23}" text-anchor="{start}"'
            f' fill="currentColor">{pct}%</text></g>'
        )
        cells_from = label_w + bar_w + 48
        for k, item in enumerate(by_pillar.get(p["pillar"], [])):
            cx = cells_from + k * (cell + 4)
            st = item["status"]
            parts.append(
                f'<g class="item-cell status-{st}"><a href="#item-{_t(item["code"])}">'
                f'<rect x="{x(cx, cell):.1f}" y="{y + 5}" width="{cell}" height="{cell}" rx="3"'
                f' fill="{STATUS_COLOURS[st]}"><title>{_t(item["label"])}: {_t(item["status_label"])}</title></rect>'
                f'<text x="{x(cx + cell / 2):.1f}" y="{y + 23}" text-anchor="middle" fill="#ffffff" font-weight="bold"'
                f' aria-hidden="true">{STATUS_MARKS[st]}</text></a></g>'
            )
            if st != "met":
                summary.append(f"{item['label']}: {item['status_label']}.")
    legend_y = top + row_h * len(data["pillars"]) + 18
    pos = 8.0
    for st in core.STATUSES:
        text = core.status_label(st)
        parts.append(
            f'<g class="legend"><rect x="{x(pos, 14):.1f}" y="{legend_y - 11}" width="14" height="14" rx="2"'
            f' fill="{STATUS_COLOURS[st]}"/><text x="{x(pos + 20):.1f}" y="{legend_y}" text-anchor="{start}"'
            f' fill="currentColor">{STATUS_MARKS[st]} {_t(text)}</text></g>'
        )
        pos += 40 + 7 * len(text)
    ident = "strategy-" + _t(data["member"]).lower()
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart strategy-picture" role="img"'
        f' aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {width} {height}" width="100%"'
        f' preserveAspectRatio="xMidYMid meet" font-family="system-ui, sans-serif" font-size="12"'
        f' direction="{"rtl" if rtl else "ltr"}">'
        f'<title id="{ident}-t">{_t(title)}</title><desc id="{ident}-d">{_t(" ".join(summary))}</desc>'
        f'<text x="{x(8):.1f}" y="18" font-size="14" font-weight="bold" text-anchor="{start}"'
        f' fill="currentColor">{_t(title)}</text>'
    )
    return Svg(head + "".join(parts) + "</svg>")
