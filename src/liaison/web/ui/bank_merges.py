"""The merge proposals pages: the list and one proposal's own page (titled by the two entities' names and list
references), both entities side by side with the matching explanation, accept or reject a proposal, undo an
accepted merge, and run the duplicate finder. Every change goes through :mod:`liaison.actions.merges` (analysts
only); the pages themselves are for every bank reader who may see both entities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison.actions import merges as act
from liaison.db import transaction
from liaison.errors import Conflict, InvalidInput
from liaison.i18n import lazy_gettext, ngettext
from liaison.queries import bank_merges as q
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.web.deps import state
from liaison.web.ui.bank_display import HELPERS, reader_language
from liaison.web.ui.common import Me, check_csrf, redirect, render, safe_next, uuid_or_404

router = APIRouter()
FormStr = Annotated[str, Form()]
SHOW = ("proposed", "accepted", "rejected", "undone", "all")
EMPTY = {
    "proposed": lazy_gettext("No merge proposals waiting."),
    "accepted": lazy_gettext("No accepted merges."),
    "rejected": lazy_gettext("No rejected merge proposals."),
    "undone": lazy_gettext("No undone merges."),
    "all": lazy_gettext("No merge proposals."),
}
DONE = {
    "run": lazy_gettext("The duplicate finder ran."),
    "accept": lazy_gettext("Merged. Both entities keep every statement; the merge can be undone."),
    "reject": lazy_gettext("Rejected: this pair will not be proposed again."),
    "undo": lazy_gettext("The merge is undone: the entity stands on its own again."),
}


@router.get("/bank/merges")
def merges_page(request: Request, me: Me, show: str = "proposed", done: str = "", made: int = -1) -> Response:
    show = show if show in SHOW else "proposed"
    with state(request).sessions() as session:
        viewer = viewer_for(session, me.principal)
        require_reader(viewer)
        rows = q.list_proposals(session, viewer, status=None if show == "all" else show)
    message: Any = DONE.get(done, "")
    if done == "run" and made >= 0:
        with reader_language(me):
            message = ngettext(
                "The duplicate finder ran: %(num)d new proposal.",
                "The duplicate finder ran: %(num)d new proposals.",
                made,
            )
    return render(
        request,
        "bank_merges.html",
        me=me,
        rows=rows,
        show=show,
        shows=SHOW,
        empty=EMPTY,
        done=message,
        analyst=viewer.analyst,
        error="",
        **HELPERS,
    )


@router.get("/bank/merges/{proposal_id}")
def proposal_page(request: Request, proposal_id: str, me: Me, done: str = "") -> Response:
    """One proposal on its own page, titled by the two entities it would merge."""
    ident = uuid_or_404(proposal_id, "merge proposal")
    with state(request).sessions() as session:
        viewer = viewer_for(session, me.principal)
        (proposal,) = q.proposals_json(session, viewer, [q.proposal_or_404(session, viewer, ident)])
    return render(
        request,
        "bank_merge.html",
        me=me,
        p=proposal,
        done=DONE.get(done, ""),
        analyst=viewer.analyst,
        **HELPERS,
    )


@router.post("/bank/merges/run")
def run(request: Request, me: Me, csrf_token: FormStr = "", threshold: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        value = float(threshold) if threshold.strip() else None
    except ValueError:
        value = -1.0  # refused by the action, with its message
    try:
        with transaction(state(request).sessions) as session:
            made = act.propose_merges(session, actor=me.principal, threshold=value)
            count = len(made)
    except InvalidInput as exc:
        return _refused(request, me, exc)
    return redirect(f"/bank/merges?done=run&made={count}")


def _refused(request: Request, me: Any, exc: InvalidInput | Conflict) -> Response:
    with state(request).sessions() as session:
        viewer = viewer_for(session, me.principal)
        rows = q.list_proposals(session, viewer, status="proposed")
    return render(
        request,
        "bank_merges.html",
        status=exc.status,
        me=me,
        rows=rows,
        show="proposed",
        shows=SHOW,
        empty=EMPTY,
        done="",
        analyst=viewer.analyst,
        error=exc.detail,
        **HELPERS,
    )


def _decide(request: Request, me: Any, proposal_id: str, verb: str, next_path: str, work: Callable) -> Response:
    back, _, fragment = safe_next(next_path, "/bank/merges").partition("#")
    sep = "&" if "?" in back else "?"
    try:
        with transaction(state(request).sessions) as session:
            work(session, actor=me.principal, proposal_id=proposal_id)
    except Conflict as exc:
        return _refused(request, me, exc)
    anchor = quote(fragment) if fragment else f"p-{quote(proposal_id)}"
    return redirect(f"{back}{sep}done={verb}#{anchor}")


@router.post("/bank/merges/{proposal_id}/accept")
def accept(request: Request, proposal_id: str, me: Me, csrf_token: FormStr = "", next: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    return _decide(request, me, proposal_id, "accept", next, act.accept)


@router.post("/bank/merges/{proposal_id}/reject")
def reject(request: Request, proposal_id: str, me: Me, csrf_token: FormStr = "", next: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    return _decide(request, me, proposal_id, "reject", next, act.reject)


@router.post("/bank/merges/{proposal_id}/undo")
def undo(request: Request, proposal_id: str, me: Me, csrf_token: FormStr = "", next: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    return _decide(request, me, proposal_id, "undo", next, act.undo)
