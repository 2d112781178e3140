"""Screening: check a batch of names against the bank, store the run and its hits, and remember analysts'
decisions on hits for the next run.

Who may do what: a screening officer or an analyst screens; only an analyst (or the node operator) decides
whether a hit is a true or a false match, because a decision changes what every later screening by their
organisation reports. A decision is remembered per organisation, for the screened name's normalised key
(:func:`query_key`, so "AL-TUBASI, Abdallah" and "Abdallah al Tubasi" are one name) and the entity: the next
screening of that name by anyone of the organisation shows the hit with ``match`` set by the decision and the
explanation saying who decided and when. Screening sees only the names the screener may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.errors import InvalidInput, NotFound, PermissionDenied, unknown
from liaison.i18n import _
from liaison.matching import Hit, Query
from liaison.matching.normalize import analyze
from liaison.models import ScreeningDecision, ScreeningHit, ScreeningRun, utcnow
from liaison.principal import Principal
from liaison.queries.bank_access import entity_or_404, require_analyst, require_reader, viewer_for
from liaison.queries.bank_index import BankIndex, index_for

Verdict = Literal["true_match", "false_match"]
VERDICTS: tuple[str, ...] = ("true_match", "false_match")
MAX_TOP = 50


def query_key(name: str) -> str:
    """The remembered form of a screened name: its comparable parts (any script, particles and honorifics set
    aside), in sorted order, so a reordering or a respelling by punctuation is the same name."""
    form = analyze(name)
    key = " ".join(sorted(form.tokens)) or " ".join(name.casefold().split())
    return key[:300]


def _decision_note(d: ScreeningDecision) -> str:
    """The decision in English, stored in the hit's explanation (a record: the same words whoever reads it later);
    a page shows :func:`decision_words` instead."""
    verdict = "true" if d.verdict == "true_match" else "false"
    return f"decided {verdict} match by {d.decided_by_name} on {d.updated_at.date().isoformat()}"


def decision_words(decision: Mapping[str, Any]) -> str:
    """A stored decision (``explanation["decision"]``: verdict, by, on) in the reader's language."""
    if decision.get("verdict") == "true_match":
        return _("decided true match by %(user)s on %(day)s", user=decision.get("by", ""), day=decision.get("on", ""))
    return _("decided false match by %(user)s on %(day)s", user=decision.get("by", ""), day=decision.get("on", ""))


def _decisions(
    session: Session, organisation_id: uuid.UUID | None, keys: set[str]
) -> dict[tuple[str, uuid.UUID], ScreeningDecision]:
    found: dict[tuple[str, uuid.UUID], ScreeningDecision] = {}
    org = (
        ScreeningDecision.organisation_id.is_(None)
        if organisation_id is None
        else ScreeningDecision.organisation_id == organisation_id
    )
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        q = select(ScreeningDecision).where(org, ScreeningDecision.query_key.in_(ordered[i : i + 500]))
        for d in session.scalars(q):
            found[(d.query_key, d.entity_id)] = d
    return found


def match_json(hit: ScreeningHit) -> dict[str, Any]:
    """One match of a screening output line (``hit_id`` is added by the API, not in the CLI's JSON lines)."""
    return {
        "entity_id": str(hit.entity_id),
        "reference": hit.explanation.get("reference") or str(hit.entity_id),
        "name": hit.explanation.get("matched_name", ""),
        "score": round(hit.score, 4),
        "match": hit.match,
        "explanation": hit.explanation,
    }


def results(
    session: Session, run: ScreeningRun, *, with_ids: bool = False, queries: list[str] | None = None
) -> list[dict[str, Any]]:
    """The run's stored output lines, one per name screened, in the order the names were given (a name nothing
    came close to has ``matches: []``)."""
    hits = session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run.id).order_by(ScreeningHit.rank))
    ids = queries if queries is not None else [str(q.get("id", "")) for q in run.queries or []]
    by_query: dict[str, list[dict[str, Any]]] = {qid: [] for qid in ids}
    for h in hits:
        m = match_json(h)
        if with_ids:
            m["hit_id"] = str(h.id)
            m["decision"] = h.decision
        by_query.setdefault(h.query_id, []).append(m)
    return [{"query_id": qid, "matches": matches} for qid, matches in by_query.items()]


def screen(
    session: Session,
    *,
    actor: Principal,
    queries: Sequence[Query],
    top: int = 5,
    threshold: float | None = None,
    algorithm: str | None = None,
    filename: str = "",
    via: str = "api",
    progress: Callable[[int, int], None] | None = None,
    index: BankIndex | None = None,
) -> tuple[ScreeningRun, list[dict[str, Any]]]:
    """Screen ``queries`` against the names the actor may see; store the run and every hit; apply the
    organisation's remembered decisions. Returns the run and the output lines, one per query in order.

    Every query gets its output line (``matches: []`` when nothing came close); ranks are numbered across
    the run, so the stored hits keep the order of the names."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput("top", _("between 1 and %(most)s", most=MAX_TOP))
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise InvalidInput("threshold", _("between 0 and 1"))
    if not queries:
        raise InvalidInput("queries", _("no names to screen"))
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise InvalidInput("queries", _("query ids must be unique"))
    idx = index or index_for(session, algorithm)
    if algorithm is not None and idx.algorithm.name != algorithm:
        idx = index_for(session, algorithm)
    cut = threshold if threshold is not None else float(idx.algorithm.threshold)
    run = ScreeningRun(
        id=uuid.uuid4(),
        user_id=actor.user_id,
        by_name=actor.username,
        organisation_id=actor.organisation_id,
        via=via,
        filename=filename[:300],
        algorithm=f"{idx.algorithm.name}@{idx.algorithm.version}"[:40],
        threshold=cut,
        top=top,
        query_count=len(queries),
        queries=[
            {"id": q.id, "name": q.name, "birth_date": q.birth_date or "", "nationality": q.nationality or ""}
            for q in queries
        ],
    )
    session.add(run)
    keys = {q.id: query_key(q.name) for q in queries}
    remembered = _decisions(session, actor.organisation_id, set(keys.values()))
    lines: list[dict[str, Any]] = []
    rows: list[ScreeningHit] = []
    rank = 0
    matched = 0
    for n, q in enumerate(queries, 1):
        found: list[Hit] = idx.search(viewer, q, top=top, threshold=cut)
        matches = []
        for hit in found:
            rank += 1
            entity_id = uuid.UUID(hit.record_id)
            explanation = hit.explanation.to_dict()
            explanation["reference"] = hit.reference or hit.record_id
            explanation["summary"] = hit.explanation.summary()
            if idx.delisted(hit.record_id):
                explanation["delisted"] = True
            is_match = hit.match
            decision = remembered.get((keys[q.id], entity_id))
            if decision is not None:
                is_match = decision.verdict == "true_match"
                explanation["decision"] = {
                    "verdict": decision.verdict,
                    "by": decision.decided_by_name,
                    "on": decision.updated_at.date().isoformat(),
                    "note": decision.note,
                    "text": _decision_note(decision),
                }
            row = ScreeningHit(
                run_id=run.id,
                query_id=q.id,
                query_name=q.name,
                query_birth_date=q.birth_date or "",
                query_nationality=q.nationality or "",
                entity_id=entity_id,
                rank=rank,
                score=float(hit.score),
                match=is_match,
                explanation=explanation,
                decision=decision.verdict if decision is not None else None,
            )
            rows.append(row)
            matches.append(match_json(row))
        matched += any(m["match"] for m in matches)
        lines.append({"query_id": q.id, "matches": matches})
        if progress is not None:
            progress(n, len(queries))
    session.add_all(rows)
    run.match_count = matched
    run.finished_at = utcnow()
    audit(
        session,
        actor=actor,
        action="bank.screening",
        target_type="screening_run",
        target_id=run.id,
        details={
            "filename": filename,
            "queries": len(queries),
            "matches": matched,
            "hits": len(rows),
            "algorithm": run.algorithm,
            "threshold": cut,
        },
    )
    return run, lines


def run_or_404(session: Session, actor: Principal, run_id: uuid.UUID) -> ScreeningRun:
    """A run of the actor's organisation (the operator: any); others' runs look unknown."""
    run = session.get(ScreeningRun, run_id)
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    if run is None or not (viewer.operator or run.organisation_id == actor.organisation_id):
        raise unknown("screening run", run_id)
    return run


def decide(session: Session, *, actor: Principal, hit_id: uuid.UUID, verdict: str, note: str = "") -> ScreeningHit:
    """Record an analyst's verdict on a hit of their organisation's run; the next screening of the same name
    by the organisation applies it. Deciding again replaces the earlier verdict (the audit keeps both)."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    hit = session.get(ScreeningHit, hit_id)
    run = session.get(ScreeningRun, hit.run_id) if hit is not None else None
    if hit is None or run is None or not (viewer.operator or run.organisation_id == actor.organisation_id):
        raise unknown("screening hit", hit_id)
    try:
        entity_or_404(session, viewer, hit.entity_id)
    except NotFound:  # the entity became invisible since the run: say no more than for an unknown hit
        raise unknown("screening hit", hit_id) from None
    try:
        require_analyst(viewer)
    except PermissionDenied:
        raise PermissionDenied(_("only an analyst may decide whether a hit is a true or a false match")) from None
    if verdict not in VERDICTS:
        raise InvalidInput("verdict", _("one of %(choices)s", choices=", ".join(VERDICTS)))
    note = note.strip()
    if len(note) > 2000:
        raise InvalidInput("note", _("at most 2000 characters"))
    key = query_key(hit.query_name)
    org = (
        ScreeningDecision.organisation_id.is_(None)
        if actor.organisation_id is None
        else ScreeningDecision.organisation_id == actor.organisation_id
    )
    found = session.scalar(
        select(ScreeningDecision).where(
            ScreeningDecision.query_key == key, ScreeningDecision.entity_id == hit.entity_id, org
        )
    )
    previous = found.verdict if found is not None else None
    if found is None:
        found = ScreeningDecision(query_key=key, entity_id=hit.entity_id, organisation_id=actor.organisation_id)
        session.add(found)
    found.query_name = hit.query_name
    found.verdict = verdict
    found.note = note
    found.user_id = actor.user_id
    found.decided_by_name = actor.username
    found.updated_at = utcnow()
    hit.decision = verdict
    hit.match = verdict == "true_match"
    explanation = dict(hit.explanation)
    explanation["decision"] = {
        "verdict": verdict,
        "by": actor.username,
        "on": found.updated_at.date().isoformat(),
        "note": note,
        "text": _decision_note(found),
    }
    hit.explanation = explanation
    audit(
        session,
        actor=actor,
        action="bank.decision",
        target_type="screening_hit",
        target_id=hit.id,
        details={"verdict": verdict, "previous": previous, "entity": str(hit.entity_id), "query_key": key},
    )
    return hit
