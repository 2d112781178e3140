"""The offence crosswalk and gap report, and the definition comparator: pure, on :class:`~.facts.LegalFacts`.

**Crosswalk** (:func:`crosswalk`): for one member and a target (an instrument, or a named set of them: the EU
Directive 2017/541's Arts 3-12, CETS 196, CETS 217, the UN instruments), each international offence model with
the member's best national offence and how well it covers the model:

- a *mapping* recorded for the offence and the model wins over anything computed: its coverage (full, partial,
  none), evidence, reviewer and date are the answer (``basis`` "reviewed", or "mapped" when nobody reviewed it);
- without one, the coverage is *computed* from the elements (:func:`element_coverage`) and shown as computed
  (``basis`` "computed"): a help to the reviewer, never a finding;
- status: ``covered`` (full), ``partial``, ``gap`` (no offence reaches the model's conduct).

**Comparator** (:func:`compare_definitions`): each member's definition of terrorism as a set of conduct elements
(the union of the elements of its offences mapped to EU 2017/541 Art. 3 or to a ``definition`` provision; failing
that, of its offences that require a terrorist purpose), the shared core (what every member requires), the
divergences (what only some require, and who), each member's own extras, and Jaccard similarities between members
and against the reference definitions (EU 2017/541 Art. 3, UNSCR 1566 para. 3) when the facts hold them.

Every answer carries its citations and a certainty no surer than the weakest of them; demonstration data is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from liaison.i18n import lazy_gettext as N_
from liaison.legal.elements import ELEMENTS, FACETS, UnknownCode, by_facet, label, suggest
from liaison.legal.facts import Citation, LegalFacts, MappingFact, OffenceFact, ProvisionFact, cite, weakest

# Named targets beside plain instrument codes: how people name the sets the issue asks for.
EU_DIRECTIVE = "eu-2017-541"
UN_TARGET = "un"
TARGETS = (EU_DIRECTIVE, "cets-196", "cets-217", UN_TARGET)
DEFINITION_MODEL = f"{EU_DIRECTIVE}:art-3"
# The reference definitions the comparator measures members against: a provision code, or an instrument whose
# first "definition" provision is the reference (UNSCR 1566 para. 3, whatever the seed calls the paragraph).
REFERENCES = (DEFINITION_MODEL, "unscr-1566")
STATUSES = ("covered", "partial", "gap")
# How the named targets read when their instrument is not loaded (and "un", which is no single instrument)
TARGET_NAMES = {
    UN_TARGET: N_("the UN counter-terrorism instruments"),
    EU_DIRECTIVE: N_("EU Directive 2017/541"),
    "cets-196": N_("CETS 196 (Council of Europe Convention on the Prevention of Terrorism)"),
    "cets-217": N_("CETS 217 (Additional Protocol on foreign terrorist fighters)"),
}
_LEVEL_RANK = {"full": 2, "partial": 1, "none": 0}
_STATUS = {"full": "covered", "partial": "partial", "none": "gap"}


# -- coverage of one model by one offence --


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far one national offence reaches one model's conduct, computed from the elements."""

    score: float  # 0..1
    level: str  # full, partial, none
    reached: tuple[str, ...]  # the model's elements (and alternatives) the offence also names
    missing: tuple[str, ...]  # the model's elements and alternatives the offence does not reach
    extra: tuple[str, ...]  # what the offence requires beyond the model (it is narrower): elements, exclusions


def _units(elements: tuple[str, ...], any_of: tuple[tuple[str, ...], ...]) -> tuple[list[str], set[str]]:
    """(what a definition reaches, in order: required elements then every alternative; its exclusions)."""
    exclusions = {e for e in elements if _facet(e) == "exclusion"}
    out = [e for e in elements if e not in exclusions]
    for group in any_of:
        out += [e for e in group if e not in out]
    return out, exclusions


def _facet(code: str) -> str:
    found = ELEMENTS.get(code)
    return found.facet if found else ""


def element_coverage(
    offence_elements: tuple[str, ...],
    offence_any_of: tuple[tuple[str, ...], ...],
    model_elements: tuple[str, ...],
    model_any_of: tuple[tuple[str, ...], ...],
) -> Coverage:
    """The share of a model's conduct an offence reaches, from the elements alone.

    The model's *units* are its required elements and each alternative of its ``any_of`` groups; the offence
    reaches a unit when it names it (required or as an alternative). What the offence requires beyond the model
    (an element the model does not name, an exclusion the model lacks) makes it narrower and counts against it:
    ``score = reached / (units + extra)``. An offence that reaches none of the model's behaviours does not cover
    it at all (sharing "intentionally" with a financing offence does not make a murder offence one). Level:
    ``full`` (everything reached, nothing extra), ``none`` (score 0), else ``partial``.
    """
    units, model_excl = _units(model_elements, model_any_of)
    reach, offence_excl = _units(offence_elements, offence_any_of)
    reach_set = set(reach)
    reached = tuple(u for u in units if u in reach_set)
    missing = tuple(u for u in units if u not in reach_set)
    required = [e for e in offence_elements if _facet(e) != "exclusion"]
    extra = tuple([e for e in required if e not in units] + sorted(e for e in offence_excl if e not in model_excl))
    behaviours = [u for u in units if _facet(u) == "behaviour"]
    if not units or (behaviours and not any(u in reach_set for u in behaviours)):
        return Coverage(0.0, "none", (), tuple(units), extra)
    score = len(reached) / (len(units) + len(extra))
    level = "full" if not missing and not extra else "none" if not reached else "partial"
    return Coverage(round(score, 4), level, reached, missing, extra)


# -- the crosswalk --


@dataclass
class OffenceCover:
    """One national offence against one model: the mapping if there is one, else the computed coverage."""

    offence: OffenceFact
    level: str  # full, partial, none
    basis: str  # reviewed, mapped (a mapping nobody reviewed), computed
    score: float  # the computed share, 0..1 (also shown beside a mapping, as computed)
    missing: list[str]
    extra: list[str]
    mapping: MappingFact | None = None


@dataclass
class GapRow:
    model: ProvisionFact
    instrument: str
    instrument_name: str
    status: str  # covered, partial, gap
    best: OffenceCover | None
    others: list[OffenceCover]  # other offences that reach the model, best first
    missing: list[str]  # the model's elements the best offence does not reach (all of them for a gap)
    citations: list[Citation]
    certainty: str

    @property
    def label(self) -> str:
        return f"{self.instrument_name}, {self.model.article}"


@dataclass
class GapReport:
    member: str
    member_name: str
    against: str
    target_name: str
    on: date
    rows: list[GapRow]
    counts: dict[str, int]
    certainty: str
    demo: bool
    citations: list[Citation]
    notes: list[str] = field(default_factory=list)


def target_codes(facts: LegalFacts) -> list[str]:
    """Every target :func:`crosswalk` takes: the named sets, then the instruments that have offence models."""
    loaded = sorted(c for c, i in facts.instruments.items() if _offence_models(i.provisions) and c not in TARGETS)
    return [*TARGETS, *loaded]


def _offence_models(provisions: tuple[ProvisionFact, ...]) -> list[ProvisionFact]:
    return [p for p in provisions if p.role == "offence"]


def target_models(facts: LegalFacts, against: str) -> tuple[str, list[ProvisionFact]]:
    """(the target's code, its offence models in order); :class:`UnknownCode` with suggestions if unknown."""
    code = against.strip().lower()
    if code == UN_TARGET:
        return code, [
            p
            for c in sorted(facts.instruments)
            if facts.instruments[c].organisation == "UN" and facts.instruments[c].kind != "resolution"
            for p in _offence_models(facts.instruments[c].provisions)
        ]
    instrument = facts.instruments.get(code)
    if instrument is not None:
        return code, _offence_models(instrument.provisions)
    if code in TARGETS:  # a named target whose instrument is not loaded yet: nothing to compare with
        return code, []
    raise UnknownCode("target", against, suggest(code, target_codes(facts)))


def _member(facts: LegalFacts, code: str) -> str:
    found = code.strip().upper()
    if found not in facts.jurisdictions:
        # elements.suggest compares in lower case: compare member codes so, and give them back as written
        known = {c.lower(): c for c in facts.jurisdictions}
        raise UnknownCode("member", code, [known[s] for s in suggest(found, known)])
    return found


def _cover(offence: OffenceFact, model: ProvisionFact) -> OffenceCover:
    computed = element_coverage(offence.elements, offence.any_of, model.elements, model.any_of)
    mapping = next((m for m in offence.mappings if m.model == model.code), None)
    if mapping is not None:
        level = mapping.coverage if mapping.coverage in _LEVEL_RANK else "none"
        basis = "reviewed" if mapping.reviewed_by else "mapped"
        missing = [] if level == "full" else list(computed.missing)
        extra = [] if level == "full" else list(computed.extra)
        return OffenceCover(offence, level, basis, computed.score, missing, extra, mapping)
    return OffenceCover(
        offence, computed.level, "computed", computed.score, list(computed.missing), list(computed.extra)
    )


def _rank(c: OffenceCover) -> tuple[int, int, float]:
    """Best first: the higher level, then a mapping over a computation, then the higher computed share."""
    return (_LEVEL_RANK[c.level], 0 if c.basis == "computed" else 1, c.score)


def _model_label(facts: LegalFacts, model: ProvisionFact) -> str:
    instrument = facts.instruments.get(model.code.split(":", 1)[0])
    return f"{instrument.name if instrument else model.code.split(':', 1)[0]}, {model.article}"


def crosswalk(facts: LegalFacts, member: str, against: str = EU_DIRECTIVE, *, on: date | None = None) -> GapReport:
    """The member's national offences against each model of the target; raises :class:`UnknownCode`."""
    today = on or datetime.now(UTC).date()
    code = _member(facts, member)
    target, models = target_models(facts, against)
    offences = [o for o in facts.offences.get(code, ()) if o.in_force(today)]
    jurisdiction = facts.jurisdictions[code]
    all_citations: list[Citation] = [cite(jurisdiction.name, jurisdiction.source, today)]
    rows: list[GapRow] = []
    for model in models:
        instrument_code = model.code.split(":", 1)[0]
        instrument = facts.instruments[instrument_code]
        covers = sorted((_cover(o, model) for o in offences), key=_rank, reverse=True)
        reaching = [c for c in covers if c.level != "none" or c.mapping is not None]
        best = reaching[0] if reaching else None
        status = _STATUS[best.level] if best else "gap"
        citations = [cite(_model_label(facts, model), instrument.source, today)]
        if best is not None:
            citations.append(cite(f"{best.offence.citation} ({code})", best.offence.source, today))
        certainty = weakest(citations)
        if best is not None and best.basis != "reviewed" and certainty == "verified":
            certainty = "unverified"  # a computed or unreviewed coverage is never a verified finding
        if best is None:
            missing = _units(model.elements, model.any_of)[0]
        elif best.level == "full":
            missing = []
        else:
            missing = best.missing
        rows.append(
            GapRow(model, instrument_code, instrument.name, status, best, reaching[1:], missing, citations, certainty)
        )
        all_citations += [c for c in citations if c not in all_citations]
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    certainty = weakest([*all_citations, *(Citation("", certainty=r.certainty) for r in rows)])
    demo = any(c.certainty == "demo" for c in all_citations)
    notes: list[str] = []
    if not models:
        notes.append("no_models")
    if not offences:
        notes.append("no_offences")
    if any(r.best is not None and r.best.basis == "computed" for r in rows):
        notes.append("computed")
    target_name = facts.instruments[target].name if target in facts.instruments else str(TARGET_NAMES[target])
    return GapReport(
        code, jurisdiction.name, target, target_name, today, rows, counts, certainty, demo, all_citations, notes
    )


# -- the comparator --


class TooFewMembers(ValueError):
    """A comparison needs at least two different members."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(f"compare at least two members (got {', '.join(codes) or 'none'})")


@dataclass
class Definition:
    """One member's (or a reference's) definition of terrorism as a set of elements."""

    code: str
    name: str
    elements: list[str]  # in the vocabulary's order
    by_facet: dict[str, list[str]]
    basis: str  # mapped (offences mapped to EU Art. 3 or a definition), purpose (offences requiring a purpose),
    # reference (an international definition), none (nothing recorded)
    offences: list[OffenceFact]
    citations: list[Citation]


@dataclass
class Divergence:
    element: str
    facet: str
    members: list[str]  # who requires it
    without: list[str]  # who does not


@dataclass
class Comparison:
    members: list[Definition]
    references: list[Definition]
    shared: list[str]  # the shared core: every member's definition has these elements
    shared_by_facet: dict[str, list[str]]
    divergences: list[Divergence]
    extras: dict[str, list[str]]  # member -> elements only that member's definition has
    similarity: dict[str, dict[str, float | None]]  # member -> member -> Jaccard (None: both empty)
    against_references: dict[str, dict[str, float | None]]  # member -> reference code -> Jaccard
    on: date
    certainty: str
    demo: bool
    citations: list[Citation]


def _order(codes: set[str]) -> list[str]:
    known = list(ELEMENTS)
    return sorted(codes, key=lambda c: known.index(c) if c in known else len(known))


def _definition_elements(offences: list[OffenceFact]) -> set[str]:
    out: set[str] = set()
    for o in offences:
        out.update(o.elements)
        for group in o.any_of:
            out.update(group)
    return out


def _requires_purpose(offence: OffenceFact) -> bool:
    if any(_facet(e) == "purpose" for e in offence.elements):
        return True
    return any(group and all(_facet(e) == "purpose" for e in group) for group in offence.any_of)


def member_definition(facts: LegalFacts, code: str, today: date) -> Definition:
    jurisdiction = facts.jurisdictions[code]
    definitions = {DEFINITION_MODEL} | {
        p.code for i in facts.instruments.values() for p in i.provisions if p.role == "definition"
    }
    offences = [o for o in facts.offences.get(code, ()) if o.in_force(today)]
    chosen = [o for o in offences if any(m.model in definitions and m.coverage != "none" for m in o.mappings)]
    basis = "mapped"
    if not chosen:
        chosen, basis = [o for o in offences if _requires_purpose(o)], "purpose"
    if not chosen:
        basis = "none"
    elements = _order(_definition_elements(chosen))
    citations = [cite(jurisdiction.name, jurisdiction.source, today)]
    citations += [cite(f"{o.citation} ({code})", o.source, today) for o in chosen]
    return Definition(code, jurisdiction.name, elements, by_facet(elements), basis, chosen, citations)


def _reference(facts: LegalFacts, ref: str, today: date) -> Definition | None:
    provision = facts.provision(ref) if ":" in ref else None
    if provision is None and ":" not in ref and ref in facts.instruments:
        provision = next((p for p in facts.instruments[ref].provisions if p.role == "definition"), None)
    if provision is None:
        return None
    instrument = facts.instruments[provision.code.split(":", 1)[0]]
    elements = _order(set(provision.elements) | {e for g in provision.any_of for e in g})
    name = f"{instrument.name}, {provision.article}"
    citation = cite(name, instrument.source, today)
    return Definition(provision.code, name, elements, by_facet(elements), "reference", [], [citation])


def jaccard(a: list[str] | set[str], b: list[str] | set[str]) -> float | None:
    """|A ∩ B| / |A ∪ B|, rounded to 3 places; None when both are empty (nothing to compare)."""
    sa, sb = set(a), set(b)
    union = sa | sb
    return round(len(sa & sb) / len(union), 3) if union else None


def compare_definitions(facts: LegalFacts, members: list[str], *, on: date | None = None) -> Comparison:
    """Compare two or more members' definitions; raises :class:`UnknownCode` or :class:`TooFewMembers`."""
    today = on or datetime.now(UTC).date()
    codes: list[str] = []
    for raw in members:
        code = _member(facts, raw)
        if code not in codes:
            codes.append(code)
    if len(codes) < 2:
        raise TooFewMembers(codes)
    defs = [member_definition(facts, c, today) for c in codes]
    refs = [r for r in (_reference(facts, ref, today) for ref in REFERENCES) if r is not None]
    sets = {d.code: set(d.elements) for d in defs}
    shared = _order(set.intersection(*sets.values()))
    every = _order(set.union(*sets.values()))
    divergences = [
        Divergence(e, _facet(e), [c for c in codes if e in sets[c]], [c for c in codes if e not in sets[c]])
        for e in every
        if e not in shared
    ]
    extras = {c: _order({e for e in sets[c] if all(e not in sets[o] for o in codes if o != c)}) for c in codes}
    similarity = {a: {b: jaccard(sets[a], sets[b]) for b in codes} for a in codes}
    against = {c: {r.code: jaccard(sets[c], r.elements) for r in refs} for c in codes}
    citations: list[Citation] = []
    for d in [*defs, *refs]:
        citations += [c for c in d.citations if c not in citations]
    return Comparison(
        defs,
        refs,
        shared,
        by_facet(shared),
        divergences,
        extras,
        similarity,
        against,
        today,
        weakest(citations),
        any(c.certainty == "demo" for c in citations),
        citations,
    )


# -- as JSON (the CLI's --json and the API) --


def _element(code: str) -> dict[str, str]:
    return {"code": code, "label": label(code), "facet": _facet(code)}


def _offence(o: OffenceFact) -> dict[str, Any]:
    return {
        "id": o.id,
        "citation": o.citation,
        "label": o.label,
        "language": o.language,
        "label_en": o.label_en,
        "max_penalty_months": o.max_penalty_months,
    }


def _cover_dict(c: OffenceCover) -> dict[str, Any]:
    m = c.mapping
    return {
        "offence": _offence(c.offence),
        "coverage": c.level,
        "basis": c.basis,
        "computed_score": c.score,
        "missing": [_element(e) for e in c.missing],
        "extra": [_element(e) for e in c.extra],
        "evidence": m.evidence if m else "",
        "reviewed_by": m.reviewed_by if m else "",
        "reviewed_on": m.reviewed_on.isoformat() if m and m.reviewed_on else None,
    }


def report_dict(report: GapReport) -> dict[str, Any]:
    return {
        "member": report.member,
        "member_name": report.member_name,
        "against": report.against,
        "target_name": report.target_name,
        "on": report.on.isoformat(),
        "counts": report.counts,
        "certainty": report.certainty,
        "demo": report.demo,
        "notes": report.notes,
        "rows": [
            {
                "model": r.model.code,
                "instrument": r.instrument,
                "article": r.model.article,
                "label": r.label,
                "summary": r.model.summary,
                "status": r.status,
                "best": _cover_dict(r.best) if r.best else None,
                "others": [_cover_dict(c) for c in r.others],
                "missing": [_element(e) for e in r.missing],
                "certainty": r.certainty,
                "citations": [c.as_dict() for c in r.citations],
            }
            for r in report.rows
        ],
        "citations": [c.as_dict() for c in report.citations],
    }


def _definition_dict(d: Definition) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "basis": d.basis,
        "elements": [_element(e) for e in d.elements],
        "by_facet": {f: d.by_facet[f] for f in FACETS},
        "offences": [_offence(o) for o in d.offences],
        "citations": [c.as_dict() for c in d.citations],
    }


def comparison_dict(c: Comparison) -> dict[str, Any]:
    return {
        "members": [_definition_dict(d) for d in c.members],
        "references": [_definition_dict(d) for d in c.references],
        "shared": [_element(e) for e in c.shared],
        "shared_by_facet": {f: c.shared_by_facet[f] for f in FACETS},
        "divergences": [{**_element(d.element), "members": d.members, "without": d.without} for d in c.divergences],
        "extras": c.extras,
        "similarity": c.similarity,
        "against_references": c.against_references,
        "on": c.on.isoformat(),
        "certainty": c.certainty,
        "demo": c.demo,
        "citations": [x.as_dict() for x in c.citations],
    }
