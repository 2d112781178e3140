"""The conduct-based dual-criminality check: is the conduct in the facts of a case an offence in the requested
state (and in the requesting one), with a penalty over the requested state's threshold?

The test is the conduct, not the label: each national offence is a set of conduct elements
(:mod:`liaison.legal.elements`), and an offence is made out when every element it requires is in the facts,
one element of each of its ``any_of`` groups is, and none of the exclusions it lists is. A plain murder offence
therefore matches the facts of a terrorist killing, whatever either state calls it.

Pure: takes a :class:`~liaison.legal.facts.LegalFacts`, never touches the database. The per-offence element sets
are prepared once per facts revision (:func:`_index`), so one answer costs a few set look-ups per offence.

Reading an :class:`~liaison.legal.facts.OffenceMatch`: ``matched`` lists the element codes the facts show;
``missing`` the required elements they lack and, for an ``any_of`` group none of whose alternatives is present,
the group's codes joined by ``|`` ("kill|injure|kidnap": one of these). ``coverage`` is the share of the
offence's requirements (each required element and each group counts one) that the facts satisfy; exclusions do
not lower coverage but stop a match being ``full``. An offence with no requirement recorded has coverage 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from liaison.i18n import _, ngettext
from liaison.legal.elements import ELEMENTS, LIFE, label, penalty_text
from liaison.legal.facts import Citation, DualAnswer, LegalFacts, OffenceFact, OffenceMatch, cite, weakest

# Used when no cooperation profile is recorded for the requested state: the usual extradition threshold (one
# year's maximum, as in the European Convention on Extradition, Art. 2(1)); none for mutual legal assistance.
DEFAULT_THRESHOLDS = {"extradition": 12, "mla": 0, "spontaneous": 0}
# How many offences that are not made out an answer shows beside the ones that are (the nearest ones).
MAX_PARTIAL = 3


def _is_exclusion(code: str) -> bool:
    found = ELEMENTS.get(code)
    return found is not None and found.facet == "exclusion"


def _is_behaviour(code: str) -> bool:
    found = ELEMENTS.get(code)
    return found is not None and found.facet == "behaviour"


@dataclass(frozen=True, slots=True)
class _Prepared:
    offence: OffenceFact
    required: tuple[str, ...]
    exclusions: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    behaviours: frozenset[str]  # every behaviour the offence names (required or alternative)


def _prepare(offence: OffenceFact) -> _Prepared:
    required = tuple(e for e in offence.elements if not _is_exclusion(e))
    exclusions = tuple(e for e in offence.elements if _is_exclusion(e))
    groups = tuple(tuple(g) for g in offence.any_of if g)
    named = set(required) | {e for g in groups for e in g}
    return _Prepared(offence, required, exclusions, groups, frozenset(e for e in named if _is_behaviour(e)))


def _match(p: _Prepared, conduct: set[str] | frozenset[str], threshold_months: int) -> OffenceMatch:
    matched = [e for e in p.required if e in conduct]
    missing = [e for e in p.required if e not in conduct]
    met_units = len(matched)
    for group in p.groups:
        present = [e for e in group if e in conduct]
        if present:
            met_units += 1
            matched.extend(e for e in present if e not in matched)
        else:
            missing.append("|".join(group))
    units = len(p.required) + len(p.groups)
    excluded_by = [e for e in p.exclusions if e in conduct]
    coverage = met_units / units if units else 0.0
    full = units > 0 and not missing and not excluded_by
    penalty = p.offence.max_penalty_months
    if threshold_months <= 0:
        threshold_met: bool | None = True
    elif penalty is None:
        threshold_met = None
    else:
        threshold_met = penalty >= threshold_months
    return OffenceMatch(p.offence, matched, missing, excluded_by, coverage, full, threshold_months, threshold_met)


def match_offence(offence: OffenceFact, conduct: set[str] | frozenset[str], threshold_months: int) -> OffenceMatch:
    """One national offence against the conduct in the facts (see the module's docstring for the fields)."""
    return _match(_prepare(offence), conduct, threshold_months)


def element_coverage(
    offence_elements: tuple[str, ...] | list[str],
    offence_any_of: tuple[tuple[str, ...], ...] | list[list[str]],
    model_elements: tuple[str, ...] | list[str],
    model_any_of: tuple[tuple[str, ...], ...] | list[list[str]],
) -> float:
    """How much of an international offence model a national offence covers, from their elements alone (for a
    crosswalk where no reviewed mapping exists): 1.0 when every conduct the model describes is also the national
    offence, 0.0 when none is.

    Each requirement of the national offence counts one, and counts in full when the model's conduct always
    meets it: a required element the model requires too, or a national ``any_of`` group sharing an element with
    the model's required ones or containing a whole model group. Otherwise it counts the share of a model group's
    alternatives it accepts (national "killing" against a model listing twelve acts: 1/12). An exclusion the
    national offence makes that the model does not (the national law is narrower there) is a requirement that
    counts zero. Requirements of the model that the national offence does not make do not lower coverage (the
    national law is broader there). A national offence with no requirement recorded covers nothing (0.0).
    """
    m_required = {e for e in model_elements if not _is_exclusion(e)}
    m_exclusions = {e for e in model_elements if _is_exclusion(e)}
    m_groups = [set(g) for g in model_any_of if g]
    scores: list[float] = []

    def share(accepted: set[str]) -> float:
        if accepted & m_required:
            return 1.0
        return max((len(g & accepted) / len(g) for g in m_groups), default=0.0)

    for e in offence_elements:
        if _is_exclusion(e):
            scores.append(1.0 if e in m_exclusions else 0.0)
        else:
            scores.append(share({e}))
    for group in offence_any_of:
        if group:
            scores.append(share(set(group)))
    return sum(scores) / len(scores) if scores else 0.0


# -- the per-facts index --

_Index = dict[str, tuple[_Prepared, ...]]
# (facts, revision, index): one tuple, replaced whole, so a thread never sees one facts' revision with another's index
_cached: list[tuple[LegalFacts, int, _Index]] = []


def _index(facts: LegalFacts) -> _Index:
    """Every state's offences, prepared; rebuilt when the facts object or its revision changes."""
    hit = _cached[0] if _cached else None
    if hit is not None and hit[0] is facts and hit[1] == facts.revision:
        return hit[2]
    index = {j: tuple(_prepare(o) for o in offences) for j, offences in facts.offences.items()}
    entry = (facts, facts.revision, index)
    if _cached:
        _cached[0] = entry
    else:
        _cached.append(entry)
    return index


def _rank(m: OffenceMatch) -> tuple[int, float, int]:
    penalty = m.offence.max_penalty_months or 0
    return (0 if m.full else 1, -m.coverage, -penalty)


def matches(
    facts: LegalFacts, jurisdiction: str, conduct: set[str] | frozenset[str], threshold_months: int, on: date
) -> list[OffenceMatch]:
    """The state's offences in force on ``on`` that bear on the conduct, best first (full, then coverage, then
    penalty): those made out, and the nearest few that are not (sharing a behaviour with the facts)."""
    found: list[OffenceMatch] = []
    for p in _index(facts).get(jurisdiction, ()):
        if not p.offence.in_force(on):
            continue
        m = _match(p, conduct, threshold_months)
        if m.full or (m.coverage > 0 and (not p.behaviours or p.behaviours & conduct)):
            found.append(m)
    found.sort(key=_rank)
    full = [m for m in found if m.full]
    return full + [m for m in found if not m.full][:MAX_PARTIAL]


def _offence_name(o: OffenceFact) -> str:
    if o.label_en and o.label_en != o.label:
        return _("%(citation)s (%(label)s, '%(label_en)s')", citation=o.citation, label=o.label, label_en=o.label_en)
    return _("%(citation)s (%(label)s)", citation=o.citation, label=o.label)


def _missing_text(missing: list[str]) -> str:
    parts = []
    for item in missing:
        if "|" in item:
            parts.append(_("one of: %(labels)s", labels=" / ".join(label(c) for c in item.split("|"))))
        else:
            parts.append(label(item))
    return "; ".join(parts)


def _penalty_line(m: OffenceMatch) -> str:
    months = m.offence.max_penalty_months
    if m.threshold_months <= 0:
        return _("maximum penalty %(penalty)s; no penalty threshold applies", penalty=penalty_text(months))
    if m.threshold_met is None:
        return _(
            "maximum penalty not stated, so the %(threshold)s-month threshold cannot be checked",
            threshold=m.threshold_months,
        )
    if m.threshold_met:
        return _(
            "maximum penalty %(penalty)s, at or above the %(threshold)s-month threshold",
            penalty=penalty_text(months),
            threshold=m.threshold_months,
        )
    return _(
        "maximum penalty %(penalty)s, below the %(threshold)s-month threshold",
        penalty=penalty_text(months),
        threshold=m.threshold_months,
    )


def _units(o: OffenceFact) -> int:
    return sum(1 for e in o.elements if not _is_exclusion(e)) + sum(1 for g in o.any_of if g)


def explain_match(state: str, m: OffenceMatch) -> str:
    """One offence against the facts, in plain words, naming its citation."""
    name = _offence_name(m.offence)
    if m.excluded_by:
        return _(
            "In %(state)s %(offence)s does not apply: the facts show %(exclusion)s, which it excludes.",
            state=state,
            offence=name,
            exclusion="; ".join(label(e) for e in m.excluded_by),
        )
    if m.full:
        units = _units(m.offence)
        return _(
            "In %(state)s the conduct is punishable under %(offence)s: %(elements)s; %(penalty)s.",
            state=state,
            offence=name,
            elements=ngettext("its one element is in the facts", "all %(num)s of its elements are in the facts", units),
            penalty=_penalty_line(m),
        )
    return _(
        "In %(state)s %(offence)s is not made out (%(met)s of %(total)s requirements): the facts lack: %(missing)s.",
        state=state,
        offence=name,
        met=_units(m.offence) - len(m.missing),
        total=_units(m.offence),
        missing=_missing_text(m.missing),
    )


def _side_ok(found: list[OffenceMatch]) -> str:
    """'met' (an offence made out, penalty over the threshold), 'unknown' (made out, penalty not stated),
    'not_met'."""
    full = [m for m in found if m.full]
    if any(m.threshold_met for m in full):
        return "met"
    if any(m.threshold_met is None for m in full):
        return "unknown"
    return "not_met"


def _citations(state: str, found: list[OffenceMatch], on: date) -> list[Citation]:
    return [cite(f"{m.offence.citation} ({state})", m.offence.source, on) for m in found]


def check_dual(
    facts: LegalFacts, conduct: set[str] | frozenset[str], requesting: str, requested: str, kind: str, on: date
) -> DualAnswer:
    """Dual criminality of the conduct for a request of ``kind`` from ``requesting`` to ``requested`` on ``on``.

    Verdict: ``not_required`` for spontaneous information, and for mutual legal assistance when the requested
    state's profile says it does not require dual criminality (the matches are still shown); ``unknown`` when no
    offence is recorded for the requested state, or the offence that fits states no penalty; ``met`` when an
    offence of the requested state is made out with a maximum penalty at or over its threshold (extradition or
    MLA, from its cooperation profile) and, if offences are recorded for the requesting state, one of those is
    too; else ``not_met``. The requesting state's side uses the same threshold (the requested state's).
    """
    conduct = frozenset(conduct)
    profile = facts.profiles.get(requested)
    lines: list[str] = []
    citations: list[Citation] = []
    if profile is None:
        threshold = DEFAULT_THRESHOLDS.get(kind, 0)
        if kind == "extradition":
            lines.append(
                _(
                    "No cooperation profile is recorded for %(state)s: the usual %(threshold)s-month threshold is "
                    "assumed.",
                    state=requested,
                    threshold=threshold,
                )
            )
    else:
        threshold = profile.extradition_threshold_months if kind == "extradition" else profile.mla_threshold_months
        if kind == "spontaneous":
            threshold = 0
        citations.append(cite(_("Cooperation profile of %(state)s", state=requested), profile.source, on))

    requested_found = matches(facts, requested, conduct, threshold, on)
    requesting_found = matches(facts, requesting, conduct, threshold, on) if requesting != requested else []
    recorded = bool(facts.offences.get(requested))

    if kind == "spontaneous":
        verdict = "not_required"
        lines.append(_("Spontaneous information needs no dual criminality."))
    elif kind == "mla" and profile is not None and not profile.dual_criminality_mla:
        verdict = "not_required"
        lines.append(
            _(
                "%(state)s does not require dual criminality for mutual legal assistance (its cooperation "
                "profile); the matching offences are shown for information.",
                state=requested,
            )
        )
    elif not recorded:
        verdict = "unknown"
    else:
        verdict = _side_ok(requested_found)
        if verdict == "met" and facts.offences.get(requesting) and requesting != requested:
            other = _side_ok(requesting_found)
            if other != "met":
                verdict = other

    if not recorded:
        lines.append(_("No offences are recorded for %(state)s: dual criminality cannot be checked.", state=requested))
    elif not requested_found:
        lines.append(_("No offence recorded for %(state)s fits the conduct in the facts.", state=requested))
    for m in requested_found:
        lines.append(explain_match(requested, m))
    if requesting != requested:
        if not facts.offences.get(requesting):
            lines.append(
                _(
                    "No offences are recorded for %(state)s, the requesting state: only %(requested)s's law is "
                    "checked.",
                    state=requesting,
                    requested=requested,
                )
            )
        elif not any(m.full for m in requesting_found):
            lines.append(_("In %(state)s no recorded offence is made out by the facts.", state=requesting))
        for m in requesting_found:
            if m.full:
                lines.append(explain_match(requesting, m))

    verdict_lines = {
        "met": _("Dual criminality is met."),
        "not_met": _("Dual criminality is not met on the recorded offences."),
        "unknown": _("Dual criminality cannot be decided on the recorded facts."),
        "not_required": _("Dual criminality is not required for this request."),
    }
    lines.append(verdict_lines[verdict])

    citations += _citations(requested, requested_found, on)
    citations += _citations(requesting, [m for m in requesting_found if m.full], on)
    certainty = weakest(citations)
    if certainty == "demo":
        lines.append(_("Demonstration data: these offences, penalties and profiles are illustrative and not verified."))
    elif certainty in ("unverified", "stale"):
        lines.append(
            _(
                "Some of these sources are %(certainty)s: check the offences against the law in force before "
                "relying on this answer.",
                certainty=_("unverified") if certainty == "unverified" else _("stale"),
            )
        )
    return DualAnswer(
        requesting,
        requested,
        kind,
        sorted(conduct),
        requested_found,
        requesting_found,
        verdict,
        lines,
        certainty,
        citations,
    )


def answer_dict(answer: DualAnswer) -> dict[str, object]:
    """The answer as JSON-ready data (the CLI's --json, the API)."""

    def match_dict(m: OffenceMatch) -> dict[str, object]:
        o = m.offence
        return {
            "id": o.id,
            "jurisdiction": o.jurisdiction,
            "citation": o.citation,
            "label": o.label,
            "language": o.language,
            "label_en": o.label_en,
            "max_penalty_months": o.max_penalty_months,
            "life": o.max_penalty_months is not None and o.max_penalty_months >= LIFE,
            "matched": m.matched,
            "missing": m.missing,
            "excluded_by": m.excluded_by,
            "coverage": round(m.coverage, 4),
            "full": m.full,
            "threshold_months": m.threshold_months,
            "threshold_met": m.threshold_met,
            "demo": o.source.demo,
            "verified": o.source.verified,
            "mappings": [
                {
                    "model": mp.model,
                    "coverage": mp.coverage,
                    "reviewed_by": mp.reviewed_by,
                    "reviewed_on": mp.reviewed_on.isoformat() if mp.reviewed_on else None,
                }
                for mp in o.mappings
            ],
        }

    return {
        "requesting": answer.requesting,
        "requested": answer.requested,
        "kind": answer.kind,
        "conduct": answer.conduct,
        "verdict": answer.verdict,
        "certainty": answer.certainty,
        "demo": answer.certainty == "demo",
        "requested_matches": [match_dict(m) for m in answer.requested_matches],
        "requesting_matches": [match_dict(m) for m in answer.requesting_matches],
        "explanation": answer.explanation,
        "citations": [c.as_dict() for c in answer.citations],
    }


# -- the facts of a case, as people give them (FACTS.json, the API's body, the form) --


@dataclass(frozen=True, slots=True)
class Case:
    title: str
    summary: str
    conduct: tuple[str, ...]
    requesting: str
    kind: str
    on: date


def parse_case(data: object, *, today: date) -> Case:
    """The facts of a case from JSON-like data: ``{"title", "summary", "conduct": [codes], "requesting": "FR",
    "kind": "extradition", "on": "2026-12-03"}`` (``kind`` defaults to extradition, ``on`` to today). Unknown
    conduct codes, kinds or dates are refused (:class:`~liaison.errors.InvalidInput`) with suggestions."""
    from liaison.errors import InvalidInput
    from liaison.legal.elements import UnknownCode, check_codes
    from liaison.legal.facts import REQUEST_KINDS

    if not isinstance(data, dict):
        raise InvalidInput("facts", _("the facts must be a JSON object"))
    conduct = data.get("conduct")
    if not isinstance(conduct, list) or not conduct or not all(isinstance(c, str) for c in conduct):
        raise InvalidInput("conduct", _("give the conduct as a list of conduct element codes"))
    try:
        codes = check_codes(conduct)
    except UnknownCode as exc:
        hint = _("did you mean %(names)s?", names=", ".join(exc.suggestions)) if exc.suggestions else ""
        raise InvalidInput("conduct", _("unknown conduct element %(code)r", code=exc.code) + " " + hint) from exc
    kind = str(data.get("kind") or "extradition").strip().lower()
    if kind not in REQUEST_KINDS:
        raise InvalidInput("kind", _("the kind is one of: %(values)s", values=", ".join(REQUEST_KINDS)))
    requesting = str(data.get("requesting") or "").strip().upper()
    if not requesting:
        raise InvalidInput("requesting", _("the requesting state is required"))
    on_text = data.get("on")
    try:
        on = date.fromisoformat(str(on_text)) if on_text else today
    except ValueError:
        raise InvalidInput("on", _("%(text)r is not a date (YYYY-MM-DD)", text=str(on_text)[:20])) from None
    return Case(
        str(data.get("title") or "")[:300],
        str(data.get("summary") or "")[:4000],
        tuple(codes),
        requesting,
        kind,
        on,
    )


def member_offences(facts: LegalFacts, member: str, today: date) -> dict[str, object]:
    """One state's recorded offences with their elements and mappings to the models, for people and JSON."""
    models = {p.code: p for i in facts.instruments.values() for p in i.provisions}
    rows = []
    citations = []
    for o in facts.offences.get(member, ()):
        c = cite(f"{o.citation} ({member})", o.source, today)
        citations.append(c)
        rows.append(
            {
                "id": o.id,
                "citation": o.citation,
                "label": o.label,
                "language": o.language,
                "label_en": o.label_en,
                "max_penalty_months": o.max_penalty_months,
                "penalty": penalty_text(o.max_penalty_months),
                "elements": list(o.elements),
                "any_of": [list(g) for g in o.any_of],
                "in_force_from": o.in_force_from.isoformat() if o.in_force_from else None,
                "repealed_on": o.repealed_on.isoformat() if o.repealed_on else None,
                "certainty": c.certainty,
                "source": o.source.text,
                "mappings": [
                    {
                        "model": m.model,
                        "article": models[m.model].article if m.model in models else "",
                        "coverage": m.coverage,
                        "evidence": m.evidence,
                        "reviewed_by": m.reviewed_by,
                        "reviewed_on": m.reviewed_on.isoformat() if m.reviewed_on else None,
                    }
                    for m in o.mappings
                ],
            }
        )
    return {
        "member": member,
        "offences": rows,
        "certainty": weakest(citations) if citations else "unverified",
        "demo": any(c.certainty == "demo" for c in citations),
        "citations": [c.as_dict() for c in citations],
    }
