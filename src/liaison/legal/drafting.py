"""A request's completeness check: is this draft fit to send to the requested state?

Pure: it takes the draft as plain values (:class:`DraftView`), the legal-basis answer (:mod:`.basis`), the
dual-criminality answer (:mod:`.dual`) and the requested state's cooperation profile, and lists what is missing,
each item with what to do about it. ``blocking`` items stop the send; ``warning`` items are said and recorded
(an answer resting on demo or unverified data, a dual-criminality verdict nobody could establish).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from liaison.exchange.languages import alpha2
from liaison.i18n import _
from liaison.i18n import lazy_gettext as N_
from liaison.legal.elements import ELEMENTS
from liaison.legal.facts import CERTAINTIES, BasisAnswer, DualAnswer, LegalFacts, ProfileFact

RECIPROCITY = "reciprocity"  # a pseudo-instrument code: the request relies on reciprocity, not on a treaty

ASSURANCES: dict[str, object] = {
    "death_penalty": N_("The death penalty will not be sought, imposed or carried out"),
    "life_sentence": N_("A life sentence will be reviewable or not imposed"),
    "fair_trial": N_("The person will have a fair trial"),
    "speciality": N_("The rule of speciality will be respected"),
    "no_torture": N_("The person will not be subjected to torture or ill-treatment"),
    "ne_bis_in_idem": N_("The person will not be tried twice for the same conduct"),
    "use_limitation": N_("The evidence will be used only for the proceedings stated"),
    "confidentiality": N_("The request and its content will be kept confidential"),
}

LANGUAGES = ("ar", "en", "fr", "es", "ru", "zh", "ja", "de", "it", "nl", "pt", "tr")


def assurance_label(code: str) -> str:
    return str(ASSURANCES.get(code, code))


@dataclass(frozen=True)
class DraftView:
    kind: str
    requesting: str
    requested: str
    title: str
    facts: str
    conduct: tuple[str, ...]
    measures: str
    legal_basis: tuple[str, ...]
    dual_criminality: str
    assurances: tuple[str, ...]
    language: str
    deadline: date | None
    today: date


@dataclass(frozen=True)
class CheckItem:
    code: str
    ok: bool
    severity: str  # blocking, warning
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "ok": self.ok, "severity": self.severity, "message": self.message}


@dataclass
class Completeness:
    items: list[CheckItem]
    certainty: str
    suggested_statement: str = ""
    dual_required: bool = False
    assurances_required: list[str] = field(default_factory=list)
    languages_accepted: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[CheckItem]:
        return [i for i in self.items if not i.ok and i.severity == "blocking"]

    @property
    def warnings(self) -> list[CheckItem]:
        return [i for i in self.items if not i.ok and i.severity == "warning"]

    @property
    def complete(self) -> bool:
        return not self.blocking

    def as_dict(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "certainty": self.certainty,
            "items": [i.as_dict() for i in self.items],
            "blocking": [i.code for i in self.blocking],
            "warnings": [i.code for i in self.warnings],
            "suggested_statement": self.suggested_statement,
            "dual_required": self.dual_required,
            "assurances_required": self.assurances_required,
            "languages_accepted": self.languages_accepted,
        }


def dual_required(kind: str, profile: ProfileFact | None) -> bool:
    """Extradition always needs dual criminality; mutual legal assistance when the requested state says so."""
    return kind == "extradition" or (kind == "mla" and profile is not None and profile.dual_criminality_mla)


def suggest_statement(dual: DualAnswer) -> str:
    """A dual-criminality statement for the request, written from the check's explanation."""
    if not dual.explanation:
        return ""
    head = _(
        "The conduct described in this request would, had it occurred in %(requested)s, constitute an offence under "
        "the law of %(requested)s, as follows:",
        requested=dual.requested,
    )
    return "\n".join([head, *(f"- {line}" for line in dual.explanation)])


def suggest_basis(basis: BasisAnswer, legal: LegalFacts, conduct: list[str] | tuple[str, ...]) -> list[str]:
    """The instruments found that fit the conduct: those with an offence provision sharing a behaviour with it
    (the financing convention for financing); else the first found; reciprocity when nothing is found and the
    requested state accepts it."""
    behaviours = {c for c in conduct if c in ELEMENTS and ELEMENTS[c].facet == "behaviour"}
    fitting = []
    for item in basis.items:
        instrument = legal.instruments.get(item.instrument)
        offences = [p for p in instrument.provisions if p.role == "offence"] if instrument is not None else []
        shown = {e for p in offences for e in (*p.elements, *(x for g in p.any_of for x in g))}
        if behaviours & shown:
            fitting.append(item.instrument)
    if fitting:
        return fitting
    if basis.items:
        return [basis.items[0].instrument]
    return [RECIPROCITY] if basis.reciprocity and not basis.treaty_required else []


_DONE = {
    "title": N_("Title given"),
    "facts": N_("Facts described"),
    "conduct": N_("Conduct tagged with elements"),
    "measures": N_("Measures stated"),
    "dual.statement": N_("Dual-criminality statement given"),
    "dual.verdict": N_("Dual criminality met"),
    "language": N_("Written in a language the requested state accepts"),
    "deadline": N_("Deadline in the future"),
    "basis.reciprocity": N_("Reciprocity: the requested state accepts it"),
}


def done_label(code: str) -> str:
    """What a passed check item means, in the reader's language (the item's code is stored, not its words, so a
    frozen check reads in whoever opens it later)."""
    if code in _DONE:
        return str(_DONE[code])
    kind, _dot, rest = code.partition(".")
    if kind == "assurance":
        return _("Assurance given: %(assurance)s", assurance=rest)
    if kind == "basis":
        return _("Legal basis: %(instrument)s", instrument=rest)
    return code


def _ok(code: str, message: str = "") -> CheckItem:
    return CheckItem(code, True, "blocking", message)


def _block(code: str, message: str) -> CheckItem:
    return CheckItem(code, False, "blocking", message)


def _warn(code: str, message: str) -> CheckItem:
    return CheckItem(code, False, "warning", message)


def _weaker(a: str, b: str) -> str:
    return CERTAINTIES[
        max(CERTAINTIES.index(a) if a in CERTAINTIES else 1, CERTAINTIES.index(b) if b in CERTAINTIES else 1)
    ]


def check_request(draft: DraftView, basis: BasisAnswer, dual: DualAnswer, profile: ProfileFact | None) -> Completeness:
    """Every check on the draft, in the order a reviewer reads them."""
    items: list[CheckItem] = []
    items.append(_ok("title") if draft.title.strip() else _block("title", _("Give the request a title.")))
    items.append(
        _ok("facts") if draft.facts.strip() else _block("facts", _("Describe the facts of the case: who, what, when."))
    )
    items.append(
        _ok("conduct")
        if draft.conduct
        else _block("conduct", _("Tag the facts with conduct elements: the dual-criminality check tests the conduct."))
    )
    if draft.kind != "spontaneous":
        items.append(
            _ok("measures")
            if draft.measures.strip()
            else _block("measures", _("Say what is asked for (the measures: records, hearing, arrest, surrender)."))
        )
    items.extend(_basis_items(draft, basis))
    required = dual_required(draft.kind, profile)
    statement = suggest_statement(dual)
    if required:
        if draft.dual_criminality.strip():
            items.append(_ok("dual.statement"))
        else:
            items.append(
                _block(
                    "dual.statement",
                    _(
                        "%(requested)s requires dual criminality for this kind of request: write the statement "
                        "(a suggestion is given below).",
                        requested=draft.requested,
                    ),
                )
            )
        if dual.verdict in ("met", "not_required"):
            items.append(_ok("dual.verdict"))
        elif dual.verdict == "not_met":
            items.append(
                _block(
                    "dual.verdict",
                    _(
                        "The conduct is not an offence under the recorded law of %(requested)s: check the conduct "
                        "elements, or the request will be refused.",
                        requested=draft.requested,
                    ),
                )
            )
        else:
            items.append(
                _warn(
                    "dual.verdict",
                    _(
                        "Dual criminality could not be established: no offences of %(requested)s are recorded. "
                        "Verify the statement against the requested state's law before sending.",
                        requested=draft.requested,
                    ),
                )
            )
    required_assurances = list(profile.assurances_required) if profile is not None else []
    if draft.kind != "spontaneous":
        for code in required_assurances:
            if code in draft.assurances:
                items.append(_ok(f"assurance.{code}"))
            else:
                items.append(
                    _block(
                        f"assurance.{code}",
                        _(
                            "%(requested)s requires this assurance: %(assurance)s. Give it or the request will be "
                            "refused.",
                            requested=draft.requested,
                            assurance=assurance_label(code),
                        ),
                    )
                )
    accepted = [alpha2(c) for c in profile.languages] if profile is not None else []
    language = alpha2(draft.language) if draft.language.strip() else ""
    if not language:
        items.append(_block("language", _("Choose the language the request is written in.")))
    elif accepted and language not in accepted:
        items.append(
            _block(
                "language",
                _(
                    "%(requested)s does not accept requests in %(language)s; it accepts: %(accepted)s. Translate "
                    "the request.",
                    requested=draft.requested,
                    language=language,
                    accepted=", ".join(accepted),
                ),
            )
        )
    else:
        items.append(_ok("language"))
    if profile is None:
        items.append(
            _warn(
                "profile",
                _(
                    "No cooperation profile is recorded for %(requested)s: the assurances and languages it requires "
                    "could not be checked.",
                    requested=draft.requested,
                ),
            )
        )
    if draft.deadline is None:
        items.append(_block("deadline", _("Set a deadline for the answer.")))
    elif draft.deadline <= draft.today:
        items.append(_block("deadline", _("The deadline must be in the future.")))
    else:
        items.append(_ok("deadline"))
    certainty = _weaker(basis.certainty, dual.certainty)
    if profile is not None:
        certainty = _weaker(certainty, profile.source.certainty(draft.today))
    if certainty != "verified":
        items.append(_warn("certainty", certainty_text(certainty)))
    return Completeness(
        items,
        certainty,
        statement,
        required,
        required_assurances,
        accepted,
    )


def certainty_text(certainty: str) -> str:
    if certainty == "demo":
        return _("These answers rest on demonstration data: do not rely on them for a real request.")
    if certainty == "stale":
        return _("Some sources of these answers were read more than a year ago: check they still hold.")
    return _("Some sources of these answers are unverified: check them against the official texts.")


def _basis_items(draft: DraftView, basis: BasisAnswer) -> list[CheckItem]:
    found = [i.instrument for i in basis.items]
    found_text = ", ".join(found) or "-"
    chosen = list(draft.legal_basis)
    if not chosen:
        if found:
            hint = _("Choose the legal basis among the instruments found: %(found)s.", found=found_text)
        elif basis.reciprocity:
            hint = _(
                "No instrument is in force between %(a)s and %(b)s for this request; %(b)s accepts reciprocity: "
                "choose reciprocity.",
                a=draft.requesting,
                b=draft.requested,
            )
        else:
            hint = _(
                "No legal basis: no instrument is in force between %(a)s and %(b)s for this request and %(b)s does "
                "not act on reciprocity alone.",
                a=draft.requesting,
                b=draft.requested,
            )
        return [_block("basis", hint)]
    out: list[CheckItem] = []
    for code in chosen:
        if code == RECIPROCITY:
            if basis.reciprocity and not basis.treaty_required:
                out.append(_ok("basis.reciprocity"))
            else:
                out.append(
                    _block(
                        "basis.reciprocity",
                        _(
                            "%(b)s does not act on reciprocity alone for this request: rely on one of %(found)s.",
                            b=draft.requested,
                            found=found_text,
                        ),
                    )
                )
        elif code in found:
            out.append(_ok(f"basis.{code}"))
        else:
            out.append(
                _block(
                    f"basis.{code}",
                    _(
                        "%(code)s is not in force between %(a)s and %(b)s for this kind of request; the instruments "
                        "found are: %(found)s.",
                        code=code,
                        a=draft.requesting,
                        b=draft.requested,
                        found=found_text,
                    ),
                )
            )
    return out
