"""The screening page: upload a CSV of names (``id,name`` and optionally ``birth_date,nationality``), see the
results as a compact table (one row per screened name with its best hit: score, birth date, nationality and
list beside it; further matches below it; candidates under the match threshold folded), and, as an analyst,
decide whether hits are true or false matches, one at a time or several in one go (remembered for the next
screening of those names by the organisation).

The upload is screened in the request (the index answers hundreds of names a second) and the browser is sent
to the run's own page (post/redirect/get), so reloading never screens twice. ``bank.js`` shows that the work
is under way while a long file is screened; without it the page simply answers when done. The screening and
each decision go through :mod:`liaison.actions.screening`, which audits them (a bulk decision is one request
and one transaction, with an audit record per hit decided).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from liaison.actions import screening as act
from liaison.actions.bank import detect_script
from liaison.db import transaction
from liaison.errors import InvalidInput, TooLarge
from liaison.i18n import _, lazy_gettext
from liaison.interchange import screening_csv
from liaison.queries import bank as bankq
from liaison.queries import screening as screeningq
from liaison.queries.bank_access import require_reader, viewer_for
from liaison.queries.hit_facts import hit_facts
from liaison.web.deps import state
from liaison.web.ui.bank_display import HELPERS, file_size, reader_language
from liaison.web.ui.common import Me, Viewer, check_csrf, redirect, render, uuid_or_404

if TYPE_CHECKING:
    from liaison.models import ScreeningRun

router = APIRouter()
FormStr = Annotated[str, Form()]
TOPS = (1, 3, 5, 10)
RECENT_RUNS = 10
MAX_BULK = 1000  # hits decided in one request: a long page's worth, not a way round the audit's granularity
DONE = {
    "decided": lazy_gettext("Decision saved: the next screening of this name by your organisation applies it."),
    "nothing": lazy_gettext("No hit was selected: tick the hits to decide on, then choose true or false match."),
}


def _max_bytes(max_rows: int) -> int:
    return max_rows * 2 * screening_csv.MAX_FIELD + 4096


def _form_page(request: Request, me: Viewer, *, error: Any = "", top: int = 5, status: int = 200) -> Response:
    st = state(request)
    with st.sessions() as session:
        viewer = viewer_for(session, me.principal)
        require_reader(viewer)
        runs = screeningq.recent_runs(session, me.principal.organisation_id, RECENT_RUNS)
    return render(
        request,
        "bank_screening.html",
        status=status,
        me=me,
        error=error,
        top=top,
        tops=TOPS,
        runs=runs,
        max_rows=st.settings.screen_max_rows,
        max_bytes=_max_bytes(st.settings.screen_max_rows),
        **HELPERS,
    )


@router.get("/bank/screening")
def screening_page(request: Request, me: Me) -> Response:
    return _form_page(request, me)


@router.post("/bank/screening")
def screening_upload(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    top: FormStr = "5",
    file: Annotated[UploadFile | str, File()] = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    chosen = int(top) if top.isdigit() and int(top) in TOPS else 5
    if isinstance(file, str) or not file.filename:
        return _form_page(request, me, error=lazy_gettext("Choose a CSV file to screen."), top=chosen, status=422)
    limit = _max_bytes(st.settings.screen_max_rows)
    data = file.file.read(limit + 1)
    try:
        if len(data) > limit:
            with reader_language(me):
                raise TooLarge(_("the file is over the %(size)s limit", size=file_size(limit)))
        queries = screening_csv.parse(data, max_rows=st.settings.screen_max_rows)
        with transaction(st.sessions) as session:
            run, _lines = act.screen(
                session,
                actor=me.principal,
                queries=queries,
                top=chosen,
                threshold=st.settings.match_threshold,
                filename=file.filename,
                via="web",
                index=st.bank_index,
            )
            run_id = run.id
    except (screening_csv.ScreeningFileError, TooLarge, InvalidInput) as exc:
        # Translators: a file's name, then why it was not screened
        error = lazy_gettext("%(file)s: %(error)s", file=file.filename, error=exc.detail)
        return _form_page(request, me, error=error, top=chosen, status=exc.status)
    return redirect(f"/bank/screening/{run_id}")


def _folded(hit: dict[str, Any], threshold: float) -> bool:
    """A candidate under the match threshold that nobody decided on: folded away under its name's best hit."""
    return not hit["match"] and hit["decision"] is None and hit["score"] < threshold


def _rows(session: Any, me: Viewer, run: ScreeningRun, show: str) -> list[dict[str, Any]]:
    """One row per screened name that had candidates, in file order: the name, its best hit, the other hits that
    match (or were decided on), and the candidates under the threshold, folded. Each hit carries what tells
    namesakes apart (birth dates, nationalities, lists) as the reader may see them."""
    viewer = viewer_for(session, me.principal)
    hits = screeningq.run_hits(session, run.id)
    visible = bankq.visible_ids(session, viewer, {h.entity_id for h in hits})
    names = bankq.captions(session, viewer, visible)
    facts = hit_facts(session, viewer, [h.entity_id for h in hits if h.entity_id in visible])
    rows: dict[str, dict[str, Any]] = {}
    for h in hits:
        if h.entity_id not in visible:  # it may have become invisible since the run: say nothing about it
            continue
        row = rows.setdefault(
            h.query_id,
            {
                "query_id": h.query_id,
                "name": h.query_name,
                "script": detect_script(h.query_name) or "",
                "birth_date": h.query_birth_date,
                "nationality": h.query_nationality,
                "hits": [],
            },
        )
        m = act.match_json(h)
        matched = m["name"]
        m |= {
            "hit_id": str(h.id),
            "decision": h.decision,
            "caption": names.get(h.entity_id, ""),
            "name_script": (detect_script(matched) or "") if matched else "",
            **facts[h.entity_id],
        }
        row["hits"].append(m)
    out = list(rows.values())
    for r in out:
        r["match"] = any(m["match"] for m in r["hits"])
        best, rest = r["hits"][0], r["hits"][1:]
        r["shown"] = [best] + [m for m in rest if not _folded(m, run.threshold)]
        r["folded"] = [m for m in rest if _folded(m, run.threshold)]
    if show == "matches":
        out = [r for r in out if r["match"]]
    return out


@router.get("/bank/screening/{run_id}")
def run_page(request: Request, run_id: str, me: Me, show: str = "all", done: str = "") -> Response:
    ident = uuid_or_404(run_id, "screening run")
    show = show if show in ("all", "matches") else "all"
    with state(request).sessions() as session:
        viewer = viewer_for(session, me.principal)
        run = act.run_or_404(session, me.principal, ident)
        rows = _rows(session, me, run, show)
        with_hits = screeningq.names_with_hits(session, ident)
    return render(
        request,
        "bank_run.html",
        me=me,
        run=run,
        rows=rows,
        show=show,
        without_hits=run.query_count - with_hits,
        analyst=viewer.analyst,
        done=DONE.get(done, ""),
        done_key=done if done in DONE else "",
        **HELPERS,
    )


@router.post("/bank/screening/{run_id}/decide")
def decide_many(
    request: Request,
    run_id: str,
    me: Me,
    csrf_token: FormStr = "",
    verdict: FormStr = "",
    note: FormStr = "",
    show: FormStr = "all",
    hit: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Several hits marked true or false match in one go (the results table's check boxes): one transaction, the
    decision action once per hit (so one audit record each, as when deciding one by one); a hit that is not the
    run's, or that the analyst may not decide, refuses the whole batch."""
    check_csrf(me.csrf, csrf_token)
    run_ident = uuid_or_404(run_id, "screening run")
    back = "matches" if show == "matches" else "all"
    chosen = list(dict.fromkeys(hit or []))
    if not chosen:
        return redirect(f"/bank/screening/{run_ident}?show={back}&done=nothing")
    if len(chosen) > MAX_BULK:
        with reader_language(me):
            raise InvalidInput("hit", _("at most %(num)s hits at once", num=MAX_BULK))
    hit_ids = [uuid_or_404(value, "screening hit") for value in chosen]
    with transaction(state(request).sessions) as session:  # all or nothing
        run = act.run_or_404(session, me.principal, run_ident)
        for hit_ident, shown in zip(hit_ids, chosen, strict=True):
            screeningq.run_hit(session, run.id, hit_ident, shown)
            act.decide(session, actor=me.principal, hit_id=hit_ident, verdict=verdict, note=note)
    return redirect(f"/bank/screening/{run_ident}?show={back}&done=decided#h-{hit_ids[0]}")


@router.post("/bank/screening/{run_id}/hits/{hit_id}/decide")
def decide(
    request: Request,
    run_id: str,
    hit_id: str,
    me: Me,
    csrf_token: FormStr = "",
    verdict: FormStr = "",
    note: FormStr = "",
    show: FormStr = "all",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    run_ident = uuid_or_404(run_id, "screening run")
    hit_ident = uuid_or_404(hit_id, "screening hit")
    with transaction(state(request).sessions) as session:  # a refusal or a forged verdict: the error page
        run = act.run_or_404(session, me.principal, run_ident)
        screeningq.run_hit(session, run.id, hit_ident, hit_id)
        act.decide(session, actor=me.principal, hit_id=hit_ident, verdict=verdict, note=note)
    back = "matches" if show == "matches" else "all"
    return redirect(f"/bank/screening/{run_ident}?show={back}&done=decided#h-{hit_ident}")
