"""Writing national offences and their mappings to the international offence models.

Who: :func:`~liaison.queries.legal_facts.require_legal_editor` (a secretariat or admin for any state; a contact
point for its own member's state). Every write is audited in its transaction. Codes are checked before anything is
written: an unknown state, conduct element or offence model is refused with the nearest known codes.

An offence is keyed by (jurisdiction, citation): saving it again updates it. A mapping is keyed by
(offence, model) likewise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.errors import InvalidInput, NotFound
from liaison.i18n import _
from liaison.legal.elements import LIFE, UnknownCode, check_codes, suggest
from liaison.legal.offence_models import BY_CODE
from liaison.models import Jurisdiction, NationalOffence, OffenceMapping, Provision
from liaison.principal import Principal
from liaison.queries.legal_facts import require_legal_editor

COVERAGES = ("full", "partial", "none")


@dataclass
class Provenance:
    """Where a fact comes from and how sure we are of it (the ``_Sourced`` columns)."""

    source: str = ""
    source_url: str = ""
    retrieved_on: date | None = None
    verified: bool = False
    demo: bool = False
    reviewed_by: str = ""
    reviewed_on: date | None = None

    def values(self) -> dict[str, Any]:
        return {
            "source": self.source[:500],
            "source_url": self.source_url[:500],
            "retrieved_on": self.retrieved_on,
            "verified": self.verified,
            "demo": self.demo,
            "reviewed_by": self.reviewed_by[:200],
            "reviewed_on": self.reviewed_on,
        }


@dataclass
class OffenceInput:
    jurisdiction: str
    citation: str
    label: str  # in the original language
    language: str = ""
    label_en: str = ""
    max_penalty_months: int | None = None  # None: not stated
    life: bool = False  # life imprisonment (max_penalty_months is then LIFE)
    elements: list[str] = field(default_factory=list)
    any_of: list[list[str]] = field(default_factory=list)
    in_force_from: date | None = None
    repealed_on: date | None = None
    provenance: Provenance = field(default_factory=Provenance)


def codes(values: list[str] | tuple[str, ...], field_name: str) -> list[str]:
    """Conduct element codes checked; an unknown one is refused (422) naming the nearest known ones."""
    try:
        return check_codes(list(values))
    except UnknownCode as exc:
        hint = _("did you mean %(names)s?", names=", ".join(exc.suggestions)) if exc.suggestions else ""
        raise InvalidInput(
            field_name, _("unknown conduct element %(code)r", code=exc.code) + (f" ({hint})" if hint else "")
        ) from exc


def jurisdiction(session: Session, code: str) -> str:
    """A state the legal tables know (ISO code, any case); else NotFound with suggestions."""
    wanted = code.strip().upper()
    if session.scalar(select(Jurisdiction.id).where(Jurisdiction.code == wanted)) is not None:
        return wanted
    # suggest() compares lower-case: compare lower-case codes and give them back as the tables hold them
    known = {c.lower(): c for c in session.scalars(select(Jurisdiction.code))}
    found = [known[c] for c in suggest(wanted, known)]
    raise NotFound(_("unknown member %(code)s", code=code[:20]), found)


def model_codes(session: Session) -> set[str]:
    """The offence models (and definitions) a national offence may be mapped to: the seeded provisions with an
    offence or definition role, and the built-in models."""
    seeded = set(session.scalars(select(Provision.code).where(Provision.role.in_(("offence", "definition")))))
    return seeded | set(BY_CODE)


def _check(data: OffenceInput) -> dict[str, Any]:
    citation = data.citation.strip()
    label = data.label.strip()
    if not citation:
        raise InvalidInput("citation", _("the citation is required"))
    if not label:
        raise InvalidInput("label", _("the label in the original language is required"))
    months = LIFE if data.life else data.max_penalty_months
    if months is not None and not 0 < months <= LIFE:
        raise InvalidInput("max_penalty_months", _("a maximum penalty is a positive number of months"))
    elements = codes(data.elements, "elements")
    groups = [codes(g, "any_of") for g in data.any_of if g]
    if not elements and not groups:
        raise InvalidInput("elements", _("an offence needs at least one conduct element"))
    if data.in_force_from and data.repealed_on and data.repealed_on <= data.in_force_from:
        raise InvalidInput("repealed_on", _("repealed on or before it came into force"))
    return {
        "citation": citation[:300],
        "label": label[:400],
        "language": data.language.strip().lower()[:8],
        "label_en": data.label_en.strip()[:400],
        "max_penalty_months": months,
        "elements": elements,
        "any_of": groups,
        "in_force_from": data.in_force_from,
        "repealed_on": data.repealed_on,
    }


def save_offence(session: Session, *, actor: Principal, data: OffenceInput) -> NationalOffence:
    """Create the offence, or update the one with the same jurisdiction and citation."""
    state = jurisdiction(session, data.jurisdiction)
    require_legal_editor(session, actor, state)
    values = _check(data) | data.provenance.values()
    offence = session.scalar(
        select(NationalOffence).where(
            NationalOffence.jurisdiction == state, NationalOffence.citation == values["citation"]
        )
    )
    created = offence is None
    if offence is None:
        offence = NationalOffence(jurisdiction=state, **values)
        session.add(offence)
    else:
        for key, value in values.items():
            setattr(offence, key, value)
    offence.entered_by = actor.username[:200]
    offence.entered_by_organisation_id = actor.organisation_id
    session.flush()
    audit(
        session,
        actor=actor,
        action="legal.offence.create" if created else "legal.offence.update",
        target_type="legal_offence",
        target_id=offence.id,
        details={"jurisdiction": state, "citation": offence.citation, "elements": values["elements"]}
        | {"any_of": values["any_of"], "demo": offence.demo},
    )
    return offence


def get_offence(session: Session, offence_id: uuid.UUID | str) -> NationalOffence:
    try:
        ident = offence_id if isinstance(offence_id, uuid.UUID) else uuid.UUID(str(offence_id))
    except ValueError:
        ident = None
    found = session.get(NationalOffence, ident) if ident else None
    if found is None:
        raise NotFound(_("no national offence %(id)s", id=str(offence_id)[:40]))
    return found


def delete_offence(session: Session, *, actor: Principal, offence_id: uuid.UUID | str) -> None:
    offence = get_offence(session, offence_id)
    require_legal_editor(session, actor, offence.jurisdiction)
    audit(
        session,
        actor=actor,
        action="legal.offence.delete",
        target_type="legal_offence",
        target_id=offence.id,
        details={"jurisdiction": offence.jurisdiction, "citation": offence.citation},
    )
    session.delete(offence)
    session.flush()


def save_mapping(
    session: Session,
    *,
    actor: Principal,
    offence_id: uuid.UUID | str,
    model: str,
    coverage: str,
    evidence: str = "",
    provenance: Provenance | None = None,
) -> OffenceMapping:
    """Map a national offence to an offence model (create, or update the existing mapping)."""
    offence = get_offence(session, offence_id)
    require_legal_editor(session, actor, offence.jurisdiction)
    wanted = model.strip().lower()
    known = model_codes(session)
    if wanted not in known:
        raise NotFound(_("unknown offence model %(code)s", code=model[:80]), suggest(wanted, known))
    if coverage not in COVERAGES:
        raise InvalidInput("coverage", _("coverage is one of: %(values)s", values=", ".join(COVERAGES)))
    prov = provenance or Provenance()
    values = {"coverage": coverage, "evidence": evidence.strip()} | prov.values()
    mapping = session.scalar(
        select(OffenceMapping).where(OffenceMapping.offence_id == offence.id, OffenceMapping.model == wanted)
    )
    created = mapping is None
    if mapping is None:
        mapping = OffenceMapping(offence_id=offence.id, model=wanted, **values)
        session.add(mapping)
    else:
        for key, value in values.items():
            setattr(mapping, key, value)
    mapping.entered_by = actor.username[:200]
    mapping.entered_by_organisation_id = actor.organisation_id
    session.flush()
    audit(
        session,
        actor=actor,
        action="legal.mapping.create" if created else "legal.mapping.update",
        target_type="legal_offence_mapping",
        target_id=mapping.id,
        details={
            "jurisdiction": offence.jurisdiction,
            "citation": offence.citation,
            "model": wanted,
            "coverage": coverage,
            "reviewed_by": mapping.reviewed_by,
        },
    )
    return mapping


class OffencesImportRefused(InvalidInput):
    """A CSV of offences with bad rows: nothing imported; ``errors`` lists every bad row with its line."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__("file", _("%(num)s row(s) refused; nothing was imported", num=len(errors)))
        self.errors = errors
        self.extra["errors"] = errors


def import_offences(session: Session, *, actor: Principal, data: bytes, filename: str = "") -> dict[str, Any]:
    """Import national offences (and their mappings) from CSV (:mod:`liaison.interchange.offences_csv`): all
    rows or none. Rows naming an unknown state or model are refused with suggestions, row by row; the importer
    must be allowed to write every state the file names. Each offence is saved (created or updated) and audited,
    and the import itself is audited once."""
    from liaison.interchange import offences_csv as ocsv

    rows, bad = ocsv.read(ocsv.decode(data))
    errors = [e.as_dict() for e in bad]
    known_states = {c.lower(): c for c in session.scalars(select(Jurisdiction.code))}
    known_models = model_codes(session)
    for row in rows:
        if row.jurisdiction not in known_states.values():
            near = [known_states[c] for c in suggest(row.jurisdiction, known_states)]
            reason = _("unknown member %(code)s", code=row.jurisdiction)
            if near:
                reason += " (" + _("did you mean %(names)s?", names=", ".join(near)) + ")"
            errors.append({"line": row.line, "detail": _("line %(line)s: %(reason)s", line=row.line, reason=reason)})
        for model, _coverage in row.models:
            if model not in known_models:
                near = suggest(model, known_models)
                reason = _("unknown offence model %(code)s", code=model)
                if near:
                    reason += " (" + _("did you mean %(names)s?", names=", ".join(near)) + ")"
                errors.append(
                    {"line": row.line, "detail": _("line %(line)s: %(reason)s", line=row.line, reason=reason)}
                )
    if errors or not rows:
        raise OffencesImportRefused(
            sorted(errors, key=lambda e: int(str(e["line"]))) or [{"line": 1, "detail": _("the file holds no offence")}]
        )
    for state in sorted({r.jurisdiction for r in rows}):
        require_legal_editor(session, actor, state)
    created = mapped = 0
    for row in rows:
        offence = save_offence(
            session,
            actor=actor,
            data=OffenceInput(
                jurisdiction=row.jurisdiction,
                citation=row.citation,
                label=row.label,
                language=row.language,
                label_en=row.label_en,
                max_penalty_months=row.max_penalty_months,
                elements=list(row.elements),
                any_of=[list(g) for g in row.any_of],
                in_force_from=row.in_force_from,
                repealed_on=row.repealed_on,
                provenance=Provenance(
                    source=row.source or filename,
                    source_url=row.source_url,
                    retrieved_on=row.retrieved_on,
                    verified=row.verified,
                ),
            ),
        )
        created += 1
        for model, coverage in row.models:
            save_mapping(
                session,
                actor=actor,
                offence_id=offence.id,
                model=model,
                coverage=coverage,
                evidence=_("imported from %(file)s", file=filename or "CSV"),
            )
            mapped += 1
    summary = {"offences": created, "mappings": mapped, "states": sorted({r.jurisdiction for r in rows})}
    audit(
        session,
        actor=actor,
        action="legal.offence.import",
        target_type="legal_offence",
        details={"filename": filename} | summary,
    )
    return summary
