"""The legal-basis finder: for a requesting and a requested state and a kind of request, the instruments that can
carry it between them on a day, net of reservations and declarations, and what to do when there is none.

An instrument counts when its ``request_kinds`` include the kind and

- it is a bilateral treaty whose parties are the two states, in force on the day; or
- it binds both states by their membership of its organisation (``binds_members``: the European arrest warrant
  between two EU states), in force on the day; or
- both states are parties and it is in force for each of them on the day (:meth:`ParticipationFact.in_force`:
  consent given, entry into force passed, not withdrawn): a signature alone, a participation on one side only or
  a withdrawal leaves it out (and the notes say why);

and no party's reservation or declaration takes it away: ``excludes_kind`` for this kind, ``no_treaty_basis``
for an extradition (a reservation works both ways between the two states), or ``excludes_article`` on every
article that would carry the request. Security Council resolutions bind every UN member but are not treaties:
they are cited as support ("supports, not a basis"), never counted.

A multilateral convention *stands in* for a missing bilateral treaty when the requested state needs a treaty for
this kind of request (its cooperation profile) and no bilateral treaty is in force: its extradition or
assistance article is what the request relies on. Without any instrument, the verdict is ``reciprocity`` when the
requested state needs no treaty and accepts reciprocity, else ``none``.

Every answer cites the instruments, each article relied on, each participation with its source and how fresh it
is, the reservations that changed anything and the requested state's profile; ``certainty`` is the weakest of
them, and unverified, stale or demonstration data is said in the notes. Pure: the facts come in, nothing is
read; an index of the instruments by kind, and the citations (per fact, day and language), are made once per
:class:`LegalFacts` and kept on it (facts are not changed once read: a change in the tables is a new object).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from liaison import i18n
from liaison.errors import InvalidInput
from liaison.i18n import _
from liaison.legal.elements import suggest
from liaison.legal.facts import (
    REQUEST_KINDS,
    BasisAnswer,
    BasisItem,
    Citation,
    InstrumentFact,
    LegalFacts,
    ParticipationFact,
    ProfileFact,
    ProvisionFact,
    Source,
    cite,
    weakest,
)

# The provisions that carry each kind of request, and those that bear on it.
CARRY = {"mla": ("mla",), "extradition": ("extradition_basis",), "spontaneous": ("spontaneous", "mla")}
BEAR = {
    "mla": ("depoliticisation", "refusal_ground", "contact_point"),
    "extradition": ("aut_dedere", "depoliticisation", "refusal_ground"),
    "spontaneous": ("contact_point",),
}
SUPPORT_KINDS = ("resolution",)
_ORDER = {"bilateral": 0, "framework_decision": 1, "directive": 1, "convention": 2, "protocol": 3}
_INDEX = "_basis_index"
_CITES = "_basis_citations"


def state_suggestions(known: Iterable[str], code: str) -> list[str]:
    """The nearest state codes to a mistyped one (codes are upper case; :func:`suggest` compares lower case)."""
    lower = {k.lower(): k for k in known}
    return [lower[s] for s in suggest(code.strip().lower(), lower)]


def check_pair(requesting: str, requested: str) -> None:
    """Two different states (codes already checked, e.g. by :func:`liaison.queries.legal_facts.jurisdiction_code`)."""
    if requesting == requested:
        raise InvalidInput("requested", _("the requesting and the requested state are the same"))


def kind_label(kind: str) -> str:
    labels = {
        "mla": _("mutual legal assistance"),
        "extradition": _("extradition"),
        "spontaneous": _("spontaneous information"),
    }
    return labels.get(kind, kind)


@dataclass(frozen=True, slots=True)
class _Entry:
    instrument: InstrumentFact
    carry: tuple[ProvisionFact, ...]
    bear: tuple[ProvisionFact, ...]


def _index(facts: LegalFacts) -> dict[str, tuple[_Entry, ...]]:
    """The instruments that may carry each kind, in a stable order (bilateral first, then by organisation and
    code), with their carrying and bearing provisions: built once per facts object."""
    found = vars(facts).get(_INDEX)
    if found is not None:
        return found
    out: dict[str, tuple[_Entry, ...]] = {}
    ordered = sorted(facts.instruments.values(), key=lambda i: (_ORDER.get(i.kind, 4), i.organisation, i.code))
    for kind in REQUEST_KINDS:
        out[kind] = tuple(
            _Entry(
                i,
                tuple(p for p in i.provisions if p.role in CARRY[kind]),
                tuple(p for p in i.provisions if p.role in BEAR[kind]),
            )
            for i in ordered
            if kind in i.request_kinds
        )
    vars(facts)[_INDEX] = out
    return out


def _citations(facts: LegalFacts, today: date) -> dict[tuple[str, ...], Citation]:
    """The citations already made from these facts for ``today`` in the current language (a citation depends
    only on its fact, the day freshness is judged and the language of its label)."""
    store: dict[tuple[str, date], dict[tuple[str, ...], Citation]] = vars(facts).setdefault(_CITES, {})
    key = (i18n.current(), today)
    found = store.get(key)
    if found is None:
        found = store[key] = {}
    return found


Memo = dict[tuple[str, ...], Citation]


def _cite_instrument(memo: Memo, inst: InstrumentFact, today: date) -> Citation:
    found = memo.get(("i", inst.code))
    if found is None:
        found = memo[("i", inst.code)] = cite(inst.name, inst.source, today)
    return found


def _cite_article(memo: Memo, inst: InstrumentFact, p: ProvisionFact, today: date) -> Citation:
    found = memo.get(("a", p.code))
    if found is None:
        found = memo[("a", p.code)] = cite(f"{inst.name}, {p.article}", inst.source, today)
    return found


def _cite_participation(memo: Memo, inst: InstrumentFact, p: ParticipationFact, today: date) -> Citation:
    key = ("p", p.jurisdiction, p.instrument)
    found = memo.get(key)
    if found is None:
        found = memo[key] = cite(_participation_label(p, inst.name), p.source, today)
    return found


def _article_key(article: str) -> str:
    return re.sub(r"[^a-z0-9]", "", article.lower().removeprefix("art.").removeprefix("article"))


def _excludes(reserved: str, article: str) -> bool:
    """Does a reservation on ``reserved`` ("Art. 9") reach ``article`` ("Art. 9(2)")? Same number, or a part."""
    r, a = _article_key(reserved), _article_key(article)
    if not r:
        return False
    if a == r:
        return True
    base = article.lower().split("(")[0]
    return _article_key(base) == r and "(" in article


def _name(facts: LegalFacts, code: str) -> str:
    j = facts.jurisdictions.get(code)
    return j.name if j else code


def _state_label(facts: LegalFacts, code: str) -> str:
    return f"{_name(facts, code)} ({code})"


def _participation_label(p: ParticipationFact, name: str) -> str:
    if p.consent and p.in_force_on:
        return _(
            "%(state)s: %(instrument)s, %(consent)s, in force %(day)s",
            state=p.jurisdiction,
            instrument=name,
            consent=p.consent,
            day=p.in_force_on.isoformat(),
        )
    return _("%(state)s: %(instrument)s, signed only", state=p.jurisdiction, instrument=name)


def find_basis(
    facts: LegalFacts,
    requesting: str,
    requested: str,
    kind: str,
    on: date,
    *,
    today: date | None = None,
) -> BasisAnswer:
    """The legal basis between ``requesting`` and ``requested`` for a ``kind`` of request on the day ``on`` (see
    the module docstring). ``today`` dates the sources' freshness (default: ``on``). Codes are taken as given:
    check them first (:func:`liaison.queries.legal_facts.jurisdiction_code`)."""
    if kind not in REQUEST_KINDS:
        raise ValueError(f"unknown request kind {kind!r}")
    today = today or on
    a, b = requesting, requested
    orgs_a = set(facts.jurisdictions[a].organisations) if a in facts.jurisdictions else set()
    orgs_b = set(facts.jurisdictions[b].organisations) if b in facts.jurisdictions else set()
    memo = _citations(facts, today)
    items: list[BasisItem] = []
    notes: list[str] = []
    support: list[Citation] = []
    missed: list[str] = []
    for entry in _index(facts)[kind]:
        inst = entry.instrument
        if inst.in_force_on is not None and inst.in_force_on > on:
            continue
        if inst.kind in SUPPORT_KINDS:
            if inst.binds_members and inst.organisation in orgs_a and inst.organisation in orgs_b:
                support.append(cite(inst.name, inst.source, today))
                support.extend(cite(f"{inst.name}, {p.article}", inst.source, today) for p in entry.carry)
            continue
        cites: list[Citation] = []
        if inst.kind == "bilateral":
            if set(inst.parties) != {a, b} or inst.in_force_on is None:
                continue
            parts: tuple[ParticipationFact, ...] = tuple(
                p for p in (facts.participations.get((a, inst.code)), facts.participations.get((b, inst.code))) if p
            )
            if any(p.withdrawn_on is not None and p.withdrawn_on <= on for p in parts):
                missed.append(_("%(instrument)s: terminated", instrument=inst.name))
                continue
        elif inst.binds_members:
            if inst.organisation not in orgs_a or inst.organisation not in orgs_b:
                continue
            parts = ()
            cites.append(
                cite(
                    _(
                        "%(a)s and %(b)s: members of %(org)s",
                        a=a,
                        b=b,
                        org=inst.organisation,
                    ),
                    _weaker(facts, a, b),
                    today,
                )
            )
        else:
            pa, pb = facts.participations.get((a, inst.code)), facts.participations.get((b, inst.code))
            if pa is None and pb is None:
                continue
            ok_a, ok_b = pa is not None and pa.in_force(on), pb is not None and pb.in_force(on)
            if not (ok_a and ok_b):
                missed.append(_miss(facts, inst, a, pa, ok_a, b, pb, ok_b, on))
                continue
            assert pa is not None and pb is not None
            parts = (pa, pb)
        carry, bear, effects, res_cites, refused = _net(facts, inst, entry, parts, kind, a, b, today)
        if refused:
            missed.append(refused)
            continue
        cites = [_cite_instrument(memo, inst, today), *cites]
        cites.extend(_cite_article(memo, inst, p, today) for p in (*carry, *bear))
        cites.extend(_cite_participation(memo, inst, p, today) for p in parts)
        cites.extend(res_cites)
        items.append(BasisItem(inst.code, inst.name, inst.organisation, inst.kind, [*carry, *bear], effects, False,
                               cites))  # fmt: skip
    profile = facts.profiles.get(b)
    treaty_required, reciprocity, profile_cite = _profile(facts, profile, b, kind, today)
    bilateral = any(i.kind == "bilateral" for i in items)
    if treaty_required and not bilateral:
        for item in items:
            if item.organisation != "bilateral" and item.kind in ("convention", "protocol"):
                item.stands_in = any(p.role in CARRY[kind] for p in item.provisions) or not _has_carry(facts, item)
    if items:
        verdict = "treaty"
    elif not treaty_required and reciprocity:
        verdict = "reciprocity"
    else:
        verdict = "none"
    citations: list[Citation] = []
    for item in items:
        citations.extend(item.citations)
    citations.extend(support)
    citations.append(profile_cite)
    citations = _unique(citations)
    certainty = weakest(citations)
    notes.extend(_explain(facts, a, b, kind, on, items, bilateral, treaty_required, reciprocity, verdict, profile))
    if support:
        notes.append(
            _(
                "Security Council resolutions binding both states (%(names)s) call for this cooperation; they "
                "support the request but are not themselves a treaty basis.",
                names=", ".join(dict.fromkeys(c.label for c in support if "," not in c.label)),
            )
        )
    notes.extend(missed[:12])
    if len(missed) > 12:
        notes.append(_("and %(num)s more instruments not in force for both", num=len(missed) - 12))
    notes.extend(quality_notes(citations))
    return BasisAnswer(a, b, kind, on, items, bilateral, treaty_required, reciprocity, verdict, certainty, notes,
                       citations)  # fmt: skip


def _has_carry(facts: LegalFacts, item: BasisItem) -> bool:
    inst = facts.instruments.get(item.instrument)
    return inst is not None and any(p.role in ("mla", "extradition_basis", "spontaneous") for p in inst.provisions)


def _weaker(facts: LegalFacts, a: str, b: str) -> Source:
    """The less certain of the two jurisdictions' sources (membership facts are cited through it)."""
    sa = facts.jurisdictions[a].source if a in facts.jurisdictions else Source()
    sb = facts.jurisdictions[b].source if b in facts.jurisdictions else Source()
    if sa.demo or not sa.verified:
        return sa
    return sb


def _miss(
    facts: LegalFacts,
    inst: InstrumentFact,
    a: str,
    pa: ParticipationFact | None,
    ok_a: bool,
    b: str,
    pb: ParticipationFact | None,
    ok_b: bool,
    on: date,
) -> str:
    """Why a multilateral instrument one of them takes part in does not count, in plain words."""
    reasons = []
    for state, p, ok in ((a, pa, ok_a), (b, pb, ok_b)):
        if ok:
            continue
        if p is None:
            reasons.append(_("%(state)s is not a party", state=state))
        elif p.withdrawn_on is not None and p.withdrawn_on <= on:
            reasons.append(_("%(state)s withdrew on %(day)s", state=state, day=p.withdrawn_on.isoformat()))
        elif not p.consent:
            reasons.append(_("%(state)s has signed but not ratified", state=state))
        else:
            reasons.append(_("not yet in force for %(state)s", state=state))
    return _("%(instrument)s: %(reasons)s", instrument=inst.name, reasons="; ".join(reasons))


def _net(
    facts: LegalFacts,
    inst: InstrumentFact,
    entry: _Entry,
    parts: tuple[ParticipationFact, ...],
    kind: str,
    a: str,
    b: str,
    today: date,
) -> tuple[list[ProvisionFact], list[ProvisionFact], list[str], list[Citation], str]:
    """The articles left after both parties' reservations, what the reservations change in words, their
    citations, and a reason if the instrument is taken away altogether ("" if not)."""
    carry, bear = list(entry.carry), list(entry.bear)
    effects: list[str] = []
    cites: list[Citation] = []
    for p in parts:
        for r in p.reservations:
            label = _("%(state)s %(kind)s to %(instrument)s", state=p.jurisdiction, kind=r.kind, instrument=inst.name)
            where = f" {r.article}" if r.article else ""
            if r.effect == "excludes_kind" and r.request_kind == kind:
                return (
                    carry,
                    bear,
                    effects,
                    cites,
                    _(
                        "%(instrument)s: %(state)s's %(kind)s excludes it as a basis for %(request)s",
                        instrument=inst.name,
                        state=p.jurisdiction,
                        kind=r.kind,
                        request=kind_label(kind),
                    ),
                )
            if r.effect == "no_treaty_basis" and kind == "extradition":
                return (
                    carry,
                    bear,
                    effects,
                    cites,
                    _(
                        "%(instrument)s: %(state)s does not take it as the treaty basis for extradition (%(kind)s; it "
                        "applies between the two states either way)",
                        instrument=inst.name,
                        state=p.jurisdiction,
                        kind=r.kind,
                    ),
                )
            if r.effect == "excludes_article" and r.article:
                hit = [x for x in carry + bear if _excludes(r.article, x.article)]
                if not hit:
                    continue
                carry = [x for x in carry if x not in hit]
                bear = [x for x in bear if x not in hit]
                effects.append(
                    _(
                        "%(state)s excludes%(article)s: it does not apply between the two states",
                        state=p.jurisdiction,
                        article=where,
                    )  # fmt: skip
                )
                cites.append(cite(label, r.source, today))
                if entry.carry and not carry:
                    return (
                        carry,
                        bear,
                        effects,
                        cites,
                        _(
                            "%(instrument)s: the articles that would carry the request are excluded by %(state)s",
                            instrument=inst.name,
                            state=p.jurisdiction,
                        ),
                    )
            elif r.effect == "condition":
                effects.append(_("%(state)s%(article)s, on a condition: %(text)s", state=p.jurisdiction,
                                 article=where, text=r.text or "-"))  # fmt: skip
                cites.append(cite(label, r.source, today))
            elif r.effect == "interpretative" and r.text:
                effects.append(_("%(state)s declares%(article)s (interpretative, no legal effect): %(text)s",
                                 state=p.jurisdiction, article=where, text=r.text))  # fmt: skip
    return carry, bear, effects, cites, ""


def _profile(
    facts: LegalFacts, profile: ProfileFact | None, b: str, kind: str, today: date
) -> tuple[bool, bool, Citation]:
    if profile is None:
        # Nothing recorded: assume what most states do (a treaty for extradition, none for assistance), and say
        # that it is an assumption by citing an undated, unverified source.
        return (
            kind == "extradition",
            True,
            cite(_("%(state)s: no cooperation profile recorded (assumed)", state=b), Source(), today),
        )
    required = {
        "mla": profile.treaty_required_mla,
        "extradition": profile.treaty_required_extradition,
        "spontaneous": False,
    }[kind]
    return (
        required,
        profile.reciprocity_accepted,
        cite(_("%(state)s: cooperation profile", state=b), profile.source, today),
    )


def _unique(citations: list[Citation]) -> list[Citation]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in citations:
        key = (c.label, c.source)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def quality_notes(citations: list[Citation]) -> list[str]:
    """What the answer's sources are worth, said plainly."""
    kinds = {c.certainty for c in citations}
    out = []
    if "demo" in kinds:
        out.append(_("Demonstration data: some of these facts are illustrative and not verified; do not rely on them."))
    if "stale" in kinds:
        out.append(_("Some sources are over a year old or undated: check them before relying on this answer."))
    if "unverified" in kinds:
        out.append(_("Some sources have not been checked against the depositary or the official text."))
    return out


def _explain(
    facts: LegalFacts,
    a: str,
    b: str,
    kind: str,
    on: date,
    items: list[BasisItem],
    bilateral: bool,
    treaty_required: bool,
    reciprocity: bool,
    verdict: str,
    profile: ProfileFact | None,
) -> list[str]:
    state_a, state_b = _state_label(facts, a), _state_label(facts, b)
    what = kind_label(kind)
    out = []
    if verdict == "treaty":
        out.append(
            _(
                "From %(a)s to %(b)s, %(kind)s on %(day)s: %(num)s instrument(s) in force between them can carry "
                "the request.",
                a=state_a,
                b=state_b,
                kind=what,
                day=on.isoformat(),
                num=len(items),
            )
        )
    if treaty_required:
        out.append(_("%(b)s needs a treaty for %(kind)s.", b=state_b, kind=what))
        if not bilateral and items:
            standing = [i.name for i in items if i.stands_in]
            if standing:
                out.append(
                    _(
                        "No bilateral treaty is in force between them: %(names)s can stand in for it.",
                        names=", ".join(standing),
                    )
                )
    if bilateral:
        out.append(_("A bilateral treaty between them is in force."))
    if verdict == "reciprocity":
        out.append(
            _(
                "No instrument in force between %(a)s and %(b)s carries %(kind)s, but %(b)s needs no treaty and "
                "accepts reciprocity: give an assurance of reciprocity with the request.",
                a=state_a,
                b=state_b,
                kind=what,
            )
        )
    elif verdict == "none":
        if treaty_required:
            out.append(
                _(
                    "No instrument in force between %(a)s and %(b)s carries %(kind)s, and %(b)s needs a treaty: "
                    "there is no legal basis; consult %(b)s's central authority.",
                    a=state_a,
                    b=state_b,
                    kind=what,
                )
            )
        else:
            out.append(
                _(
                    "No instrument in force between %(a)s and %(b)s carries %(kind)s, and %(b)s does not accept "
                    "reciprocity: consult its central authority.",
                    a=state_a,
                    b=state_b,
                    kind=what,
                )
            )
    if profile is not None and kind == "extradition" and not profile.extradites_nationals:
        out.append(_("%(b)s does not extradite its own nationals.", b=state_b))
    if profile is not None and profile.central_authority:
        out.append(_("Central authority: %(authority)s", authority=profile.central_authority))
    return out


def answer_dict(answer: BasisAnswer) -> dict[str, Any]:
    """The answer as JSON-ready data (one shape for the CLI, the API and the page)."""
    return {
        "requesting": answer.requesting,
        "requested": answer.requested,
        "kind": answer.kind,
        "on": answer.on.isoformat(),
        "verdict": answer.verdict,
        "certainty": answer.certainty,
        "bilateral": answer.bilateral,
        "treaty_required": answer.treaty_required,
        "reciprocity": answer.reciprocity,
        "items": [
            {
                "instrument": i.instrument,
                "name": i.name,
                "organisation": i.organisation,
                "kind": i.kind,
                "stands_in": i.stands_in,
                "provisions": [
                    {"code": p.code, "article": p.article, "role": p.role, "summary": p.summary} for p in i.provisions
                ],
                "reservations": list(i.reservations),
                "certainty": weakest(i.citations),
                "citations": [c.as_dict() for c in i.citations],
            }
            for i in answer.items
        ],
        "notes": list(answer.notes),
        "citations": [c.as_dict() for c in answer.citations],
    }


# -- instruments as people read them (one shape for the API and the pages) --


def instrument_dict(facts: LegalFacts, code: str, today: date) -> dict[str, Any]:
    """An instrument with its provisions and its parties (one shape for the API and the page)."""
    inst = facts.instruments[code]
    parties = sorted((p for (j, i), p in facts.participations.items() if i == code), key=lambda p: p.jurisdiction)
    return {
        "code": inst.code,
        "title": inst.title,
        "short_title": inst.short_title,
        "kind": inst.kind,
        "organisation": inst.organisation,
        "adopted_on": inst.adopted_on,
        "in_force_on": inst.in_force_on,
        "binds_members": inst.binds_members,
        "request_kinds": list(inst.request_kinds),
        "parties_bilateral": list(inst.parties),
        "source": inst.source.text,
        "source_url": inst.source.url,
        "retrieved_on": inst.source.retrieved_on,
        "certainty": inst.source.certainty(today),
        "provisions": [
            {"code": p.code, "article": p.article, "role": p.role, "summary": p.summary,
             "elements": list(p.elements), "any_of": [list(g) for g in p.any_of]}
            for p in inst.provisions
        ],
        "participations": [
            {
                "jurisdiction": p.jurisdiction,
                "name": facts.jurisdictions[p.jurisdiction].name if p.jurisdiction in facts.jurisdictions else "",
                "signed_on": p.signed_on,
                "consent": p.consent,
                "consented_on": p.consented_on,
                "in_force_on": p.in_force_on,
                "withdrawn_on": p.withdrawn_on,
                "in_force": p.in_force(today),
                "reservations": [
                    {"kind": r.kind, "article": r.article, "effect": r.effect, "request_kind": r.request_kind,
                     "text": r.text}
                    for r in p.reservations
                ],
                "source": p.source.text,
                "retrieved_on": p.source.retrieved_on,
                "certainty": p.source.certainty(today),
            }
            for p in parties
        ],
    }  # fmt: skip


def instruments_list(facts: LegalFacts, today: date) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for (_j, code), p in facts.participations.items():
        if p.in_force(today):
            counts[code] = counts.get(code, 0) + 1
    return [
        {"code": i.code, "name": i.name, "title": i.title, "kind": i.kind, "organisation": i.organisation,
         "adopted_on": i.adopted_on, "in_force_on": i.in_force_on, "request_kinds": list(i.request_kinds),
         "parties_in_force": counts.get(i.code, 0), "certainty": i.source.certainty(today)}
        for i in sorted(facts.instruments.values(), key=lambda i: (i.organisation, i.code))
    ]  # fmt: skip
