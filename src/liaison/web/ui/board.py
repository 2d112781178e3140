"""The start page (networks, "Find a member") and the network-wide duty board."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from liaison.actions import evidence
from liaison.errors import NotFound
from liaison.i18n import _
from liaison.models import utcnow
from liaison.queries.duty import board, duty_answer, find_member
from liaison.timeinput import instant
from liaison.web.deps import state
from liaison.web.ui.common import Me, redirect, render
from liaison.web.ui.views import (
    SORTS,
    board_row,
    board_rows,
    filter_rows,
    member_url,
    network_or_404,
    parse_sort,
    sort_rows,
    visible_networks,
)

router = APIRouter()


@router.get("/")
def home(request: Request, me: Me) -> Response:
    snap = state(request).cache.get()
    return render(request, "home.html", me=me, networks=visible_networks(snap, me.principal))


@router.get("/find")
def find(request: Request, me: Me, q: str = "") -> Response:
    """Find a member by code (FR, FRA) or name (France) on every network the user can see. One match goes
    straight to its page; several (a state on three networks) list who is on duty on each, with a Call button."""
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
                    label = _(
                        "%(code)s %(name)s on %(network)s", code=code, name=snap.members[code].name, network=n.code
                    )
                    suggestions.setdefault(label, (label, member_url(n.code, code)))
            continue
        matches.append((n, m))
    network_hits = [n for n in networks if n.code == query.upper() or n.name.casefold() == query.casefold()]
    if len(matches) + len(network_hits) == 1:
        if matches:
            n, m = matches[0]
            return redirect(member_url(n.code, m.code))
        return redirect(f"/networks/{network_hits[0].code}")
    now = utcnow()
    answers = [duty_answer(snap, n, m, now) for n, m in matches]
    for n in {a.network.code: a.network for a in answers}.values():  # one audit row per network, as on its board
        shown = [a for a in answers if a.network.id == n.id]
        evidence.duty_answers_read(state(request).read_audit, actor=me.principal, answers=shown, network_id=n.id)
    return render(
        request,
        "find.html",
        me=me,
        q=query,
        matches=[(n, m, board_row(a)) for (n, m), a in zip(matches, answers, strict=True)],
        network_hits=network_hits,
        suggestions=list(suggestions.values())[:8],
        at=now,
    )


def _sort_links(code: str, q: str, at: str | None, key: str, descending: bool) -> dict[str, str]:
    """For each column, the link that sorts by it: ascending first, descending when it is the current ascending."""
    links = {}
    for column in SORTS:
        value = f"-{column}" if column == key and not descending else column
        params = {k: v for k, v in (("q", q), ("at", at or ""), ("sort", value)) if v and (k, v) != ("sort", "member")}
        links[column] = f"/networks/{code}" + (f"?{urlencode(params)}" if params else "")
    return links


@router.get("/networks/{code}")
def duty_board(
    request: Request, code: str, me: Me, q: str = "", at: str | None = None, sort: str | None = None
) -> Response:
    snap = state(request).cache.get()
    n = network_or_404(snap, me.principal, code)
    if code != n.code:
        params = {k: v for k, v in (("q", q), ("at", at), ("sort", sort)) if v}
        return redirect(f"/networks/{n.code}" + (f"?{urlencode(params)}" if params else ""))
    when = instant(at)
    answers = board(snap, n, when)
    key, descending = parse_sort(sort)
    rows = sort_rows(filter_rows(board_rows(answers), q[:100]), key, descending)
    evidence.duty_answers_read(
        state(request).read_audit, actor=me.principal, answers=[r.answer for r in rows], network_id=n.id
    )
    gaps = sorted((r for r in rows if r.gap), key=lambda r: r.member.code)
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
        sort=key,
        descending=descending,
        sort_links=_sort_links(n.code, q[:100], at, key, descending),
    )
