"""The start page (networks, "Find a member") and the network-wide duty board."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from liaison.actions import evidence
from liaison.errors import NotFound
from liaison.queries.duty import board, find_member
from liaison.timeinput import instant
from liaison.web.deps import state
from liaison.web.ui.common import Me, redirect, render
from liaison.web.ui.views import board_rows, filter_rows, member_url, network_or_404, visible_networks

router = APIRouter()


@router.get("/")
def home(request: Request, me: Me) -> Response:
    snap = state(request).cache.get()
    return render(request, "home.html", me=me, networks=visible_networks(snap, me.principal))


@router.get("/find")
def find(request: Request, me: Me, q: str = "") -> Response:
    """Find a member by code (FR, FRA) or name (France) on every network the user can see."""
    query = q.strip()[:100]
    if not query:
        return redirect("/")
    snap = state(request).cache.get()
    networks = visible_networks(snap, me.principal)
    matches = []
    suggestions: dict[str, tuple[str, str]] = {}
    for n in networks:
        try:
            m = find_member(snap, n, query)
        except NotFound as exc:
            for code in exc.suggestions:
                if code in snap.members:
                    label = f"{code} {snap.members[code].name} on {n.code}"
                    suggestions.setdefault(label, (label, member_url(n.code, code)))
            continue
        matches.append((n, m))
    network_hits = [n for n in networks if n.code == query.upper() or n.name.casefold() == query.casefold()]
    if len(matches) == 1 and not network_hits:
        n, m = matches[0]
        return redirect(member_url(n.code, m.code))
    return render(
        request,
        "find.html",
        me=me,
        q=query,
        matches=matches,
        network_hits=network_hits,
        suggestions=list(suggestions.values())[:8],
    )


@router.get("/networks/{code}")
def duty_board(request: Request, code: str, me: Me, q: str = "", at: str | None = None) -> Response:
    snap = state(request).cache.get()
    n = network_or_404(snap, me.principal, code)
    if code != n.code:
        params = {k: v for k, v in (("q", q), ("at", at)) if v}
        return redirect(f"/networks/{n.code}" + (f"?{urlencode(params)}" if params else ""))
    when = instant(at)
    answers = board(snap, n, when)
    rows = filter_rows(board_rows(answers), q[:100])
    evidence.duty_answers_read(
        state(request).read_audit, actor=me.principal, answers=[r.answer for r in rows], network_id=n.id
    )
    gaps = [r for r in rows if r.gap]
    return render(
        request,
        "board.html",
        me=me,
        network=n,
        rows=rows,
        gaps=gaps,
        q=q[:100],
        at=when,
        at_given=bool(at),
        total=len(answers),
        admin=me.principal.administers(n.id),
    )
