"""Writing the legal facts: jurisdictions, instruments (bilateral treaties with their parties included),
participations with their reservations and declarations, cooperation profiles, and the ratification CSV import.

Every write is an upsert by its natural key (a jurisdiction's ISO code, an instrument's code, a participation's
(jurisdiction, instrument), a profile's jurisdiction), in the caller's transaction, audited
(``legal.jurisdiction.set``, ``legal.instrument.set``, ``legal.participation.set``, ``legal.profile.set``,
``legal.seed``, ``legal.participations.import``), with its provenance: ``entered_by`` the acting user's name,
``entered_by_organisation_id`` their organisation, and the source, its address and the day it was read as given.
Who may write: :func:`liaison.queries.legal_facts.require_legal_editor` (a secretariat or admin for anything; a
contact point for its own member's state). A row that does not change is not touched, so the facts cache
(:func:`liaison.queries.legal_facts.load_facts`, keyed by the tables' fingerprint) stays warm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.actions.bank_bulk import ImportRefused, check_size
from liaison.errors import InvalidInput, NotFound, PermissionDenied
from liaison.i18n import _
from liaison.legal.basis import state_suggestions
from liaison.legal.elements import suggest
from liaison.legal.facts import REQUEST_KINDS
from liaison.models import CooperationProfile, Instrument, Jurisdiction, Participation, Provision, Reservation
from liaison.principal import Principal
from liaison.queries.legal_facts import require_legal_editor

ORGANISATIONS = ("UN", "CoE", "EU", "LAS", "OIC", "OAS", "AU")
INSTRUMENT_KINDS = ("convention", "protocol", "directive", "framework_decision", "resolution", "bilateral")
CONSENTS = ("ratification", "accession", "acceptance", "approval", "succession", "signature_only", "")
EFFECTS = ("excludes_article", "excludes_kind", "no_treaty_basis", "condition", "interpretative")
ROLES = ("offence", "definition", "depoliticisation", "aut_dedere", "refusal_ground", "contact_point", "mla",
         "extradition_basis", "spontaneous")  # fmt: skip
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from and how sure we are of it."""

    source: str = ""
    source_url: str = ""
    retrieved_on: date | None = None
    verified: bool = False
    demo: bool = False

    def values(self, actor: Principal) -> dict[str, Any]:
        return {
            "source": self.source[:500],
            "source_url": self.source_url[:500],
            "retrieved_on": self.retrieved_on,
            "verified": self.verified,
            "demo": self.demo,
            "entered_by": actor.username[:200],
            "entered_by_organisation_id": actor.organisation_id,
        }


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True if any did (a row that does not change is not touched). Who entered
    a fact changes only with the fact itself."""
    changed = False
    for key, value in values.items():
        if key in ("entered_by", "entered_by_organisation_id"):
            continue
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if changed or getattr(row, "entered_by", None) == "":
        for key in ("entered_by", "entered_by_organisation_id"):
            if key in values and getattr(row, key) != values[key]:
                setattr(row, key, values[key])
    return changed


def _today() -> date:
    return datetime.now(UTC).date()


# -- jurisdictions --


def set_jurisdiction(
    session: Session,
    *,
    actor: Principal,
    code: str,
    name: str,
    organisations: Iterable[str] = ("UN",),
    provenance: Provenance | None = None,
    audited: bool = True,
) -> Jurisdiction:
    """Create or update a state (ISO 3166 alpha-2) and the organisations it belongs to."""
    code = code.strip().upper()
    require_legal_editor(session, actor, code)  # first: a refusal must not depend on what was named
    if not (2 <= len(code) <= 8 and code.isalnum()):
        raise InvalidInput("code", _("%(code)r is not an ISO 3166 country code", code=code[:20]))
    orgs = []
    for org in organisations:
        found = next((o for o in ORGANISATIONS if o.lower() == org.strip().lower()), None)
        if found is None:
            raise InvalidInput(
                "organisations", _("%(org)r is not one of %(known)s", org=org[:20], known=", ".join(ORGANISATIONS))
            )
        if found not in orgs:
            orgs.append(found)
    orgs.sort(key=ORGANISATIONS.index)
    row = session.scalar(select(Jurisdiction).where(Jurisdiction.code == code))
    values = {"name": name.strip()[:200] or code, "organisations": orgs} | (provenance or Provenance()).values(actor)
    created = row is None
    if row is None:
        row = Jurisdiction(code=code, **values)
        session.add(row)
        changed = True
    else:
        changed = _assign(row, values)
    if changed and audited:
        session.flush()
        audit(session, actor=actor, action="legal.jurisdiction.set", target_type="legal_jurisdiction",
              target_id=row.id, details={"code": code, "organisations": orgs, "created": created})  # fmt: skip
    return row


# -- instruments --


def _check_instrument(row: dict[str, Any]) -> None:
    if row["kind"] not in INSTRUMENT_KINDS:
        raise InvalidInput("kind", _("%(kind)r is not one of %(known)s", kind=row["kind"][:30],
                                     known=", ".join(INSTRUMENT_KINDS)))  # fmt: skip
    for kind in row.get("request_kinds", []):
        if kind not in REQUEST_KINDS:
            raise InvalidInput("request_kinds", _("%(kind)r is not one of %(known)s", kind=kind[:30],
                                                  known=", ".join(REQUEST_KINDS)))  # fmt: skip
    if row["kind"] == "bilateral" and len(set(row.get("parties", []))) != 2:
        raise InvalidInput("parties", _("a bilateral treaty has exactly two parties"))
    for p in row.get("provisions", []):
        if p["role"] not in ROLES:
            raise InvalidInput("role", _("%(role)r is not one of %(known)s", role=p["role"][:30],
                                         known=", ".join(ROLES)))  # fmt: skip


def _instrument_editor(session: Session, actor: Principal, row: dict[str, Any]) -> None:
    """A multilateral instrument is the secretariat's; a bilateral treaty also either party's contact points."""
    if row["kind"] == "bilateral":
        parties = list(row["parties"])
        try:
            require_legal_editor(session, actor, parties[0])
        except PermissionDenied:
            require_legal_editor(session, actor, parties[1])
        return
    require_legal_editor(session, actor, None)


def upsert_instruments(
    session: Session, *, actor: Principal, rows: list[dict[str, Any]], action: str = "legal.instrument.set"
) -> dict[str, int]:
    """Create or update instruments and their provisions (each row as :func:`liaison.legal.seed.instrument_rows`
    gives them: the instrument's columns, ``provisions`` a list of provision rows, and provenance columns).
    Provisions are matched by code: kept, changed, added; one no longer listed is removed. One audit row."""
    counts = {"added": 0, "updated": 0, "unchanged": 0, "provisions": 0}
    for row in rows:
        _check_instrument(row)
        _instrument_editor(session, actor, row)
    existing = {
        i.code: i for i in session.scalars(select(Instrument).where(Instrument.code.in_([r["code"] for r in rows])))
    }
    for row in rows:
        provisions = row["provisions"]
        prov = Provenance(row.get("source", ""), row.get("source_url", ""), row.get("retrieved_on"),
                          bool(row.get("verified")), bool(row.get("demo")))  # fmt: skip
        values = {
            k: row[k]
            for k in ("title", "short_title", "kind", "organisation", "adopted_on", "in_force_on", "binds_members")
        } | {"request_kinds": list(row.get("request_kinds", [])), "parties": sorted(row.get("parties", []))}
        values["title"] = values["title"][:400]
        values |= prov.values(actor)
        inst = existing.get(row["code"])
        if inst is None:
            inst = Instrument(code=row["code"], **values)
            session.add(inst)
            counts["added"] += 1
            changed = True
        else:
            changed = _assign(inst, values)
        changed = _provisions(session, inst, provisions) or changed
        counts["provisions"] += len(provisions)
        if inst in session.new:
            continue
        counts["updated" if changed else "unchanged"] += 1
    if counts["added"] or counts["updated"]:
        session.flush()
        audit(session, actor=actor, action=action, target_type="legal_instrument",
              target_id=rows[0]["code"] if len(rows) == 1 else "",
              details={"codes": [r["code"] for r in rows][:50]} | counts)  # fmt: skip
    return counts


def _provisions(session: Session, inst: Instrument, rows: list[dict[str, Any]]) -> bool:
    current = {p.code: p for p in inst.provisions} if inst.id is not None and inst not in session.new else {}
    wanted = {r["code"] for r in rows}
    changed = False
    for code, p in list(current.items()):
        if code not in wanted:
            inst.provisions.remove(p)
            changed = True
    for n, r in enumerate(rows):
        values = {
            "article": r["article"][:40],
            "role": r["role"],
            "summary": r.get("summary", ""),
            "elements": list(r.get("elements", [])),
            "any_of": [list(g) for g in r.get("any_of", [])],
            "position": r.get("position", n),
        }
        found = current.get(r["code"])
        if found is None:
            inst.provisions.append(Provision(code=r["code"], **values))
            changed = True
        else:
            for key, value in values.items():
                if getattr(found, key) != value:
                    setattr(found, key, value)
                    changed = True
    return changed


def set_instrument(session: Session, *, actor: Principal, row: dict[str, Any]) -> Instrument:
    """One instrument (a bilateral treaty: ``kind="bilateral"``, ``parties`` its two states, ``organisation``
    "bilateral"), with ``provisions`` as rows (code, article, role, summary)."""
    code = row["code"].strip().lower()
    row = {"provisions": [], "short_title": "", "adopted_on": None, "in_force_on": None, "binds_members": False,
           "organisation": "bilateral" if row.get("kind") == "bilateral" else ""} | row | {"code": code}  # fmt: skip
    row["parties"] = [p.strip().upper() for p in row.get("parties", [])]
    if row["kind"] == "bilateral":
        for party in row["parties"]:
            if session.scalar(select(Jurisdiction.id).where(Jurisdiction.code == party)) is None:
                raise NotFound(_("unknown member %(code)s", code=party))
    upsert_instruments(session, actor=actor, rows=[row])
    found = session.scalar(select(Instrument).where(Instrument.code == code))
    assert found is not None
    return found


# -- participations --


@dataclass(frozen=True)
class ReservationIn:
    effect: str
    article: str = ""
    request_kind: str = ""
    text: str = ""
    kind: str = "reservation"  # or declaration


def check_dates(
    *,
    signed_on: date | None,
    consented_on: date | None,
    in_force_on: date | None,
    adopted_on: date | None,
    today: date,
    instrument_in_force: date | None = None,
) -> str | None:
    """Why these dates cannot be (a reason for people), or None."""
    for label, d in (("signed_on", signed_on), ("consented_on", consented_on), ("in_force_on", in_force_on)):
        if d is not None and d > today:
            return _("%(field)s: %(day)s is in the future", field=label, day=d.isoformat())
        if d is not None and adopted_on is not None and d < adopted_on:
            return _("%(field)s: %(day)s is before the instrument was adopted (%(adopted)s)", field=label,
                     day=d.isoformat(), adopted=adopted_on.isoformat())  # fmt: skip
    if in_force_on and instrument_in_force and in_force_on < instrument_in_force:
        return _("in force (%(force)s) before the instrument itself entered into force (%(date)s)",
                 force=in_force_on.isoformat(), date=instrument_in_force.isoformat())  # fmt: skip
    if signed_on and in_force_on and in_force_on < signed_on:
        return _("in force (%(force)s) before signature (%(signed)s)", force=in_force_on.isoformat(),
                 signed=signed_on.isoformat())  # fmt: skip
    if consented_on and in_force_on and in_force_on < consented_on:
        return _("in force (%(force)s) before consent to be bound (%(consent)s)", force=in_force_on.isoformat(),
                 consent=consented_on.isoformat())  # fmt: skip
    if signed_on and consented_on and consented_on < signed_on:
        return _("consent to be bound (%(consent)s) before signature (%(signed)s)", consent=consented_on.isoformat(),
                 signed=signed_on.isoformat())  # fmt: skip
    return None


def _known(session: Session, jurisdiction: str, instrument: str) -> Instrument:
    if session.scalar(select(Jurisdiction.id).where(Jurisdiction.code == jurisdiction)) is None:
        codes = set(session.scalars(select(Jurisdiction.code)))
        raise NotFound(_("unknown member %(code)s", code=jurisdiction), state_suggestions(codes, jurisdiction))
    inst = session.scalar(select(Instrument).where(Instrument.code == instrument))
    if inst is None:
        codes = set(session.scalars(select(Instrument.code)))
        raise NotFound(_("unknown instrument %(code)s", code=instrument), suggest(instrument, codes))
    return inst


def set_participation(
    session: Session,
    *,
    actor: Principal,
    jurisdiction: str,
    instrument: str,
    signed_on: date | None = None,
    consent: str = "",
    consented_on: date | None = None,
    in_force_on: date | None = None,
    withdrawn_on: date | None = None,
    reservations: list[ReservationIn] | None = None,
    provenance: Provenance | None = None,
    audited: bool = True,
) -> Participation:
    """A state's signature, consent and entry into force of one instrument, with its reservations and
    declarations (``reservations`` None: left as they are; a list: replaced by it)."""
    jurisdiction, instrument = jurisdiction.strip().upper(), instrument.strip().lower()
    require_legal_editor(session, actor, jurisdiction)
    inst = _known(session, jurisdiction, instrument)
    consent = consent.strip().lower()
    if consent not in CONSENTS:
        raise InvalidInput("consent", _("%(value)r is not one of %(known)s", value=consent[:30],
                                        known=", ".join(c for c in CONSENTS if c)))  # fmt: skip
    if consent == "signature_only":
        consent = ""
    bad = check_dates(signed_on=signed_on, consented_on=consented_on, in_force_on=in_force_on,
                      adopted_on=inst.adopted_on, today=_today(), instrument_in_force=inst.in_force_on)  # fmt: skip
    if bad:
        raise InvalidInput("dates", bad)
    if in_force_on is not None and not consent:
        raise InvalidInput("consent", _("in force for a state that has not consented to be bound"))
    row, changed, created = _write_participation(
        session,
        actor,
        jurisdiction,
        instrument,
        signed_on,
        consent,
        consented_on,
        in_force_on,
        withdrawn_on,
        reservations,
        provenance,
    )
    if changed and audited:
        session.flush()
        audit(session, actor=actor, action="legal.participation.set", target_type="legal_participation",
              target_id=row.id, details={"jurisdiction": jurisdiction, "instrument": instrument, "consent": consent,
                                         "in_force_on": in_force_on, "created": created,
                                         "reservations": len(row.reservations)})  # fmt: skip
    return row


def _write_participation(
    session: Session,
    actor: Principal,
    jurisdiction: str,
    instrument: str,
    signed_on: date | None,
    consent: str,
    consented_on: date | None,
    in_force_on: date | None,
    withdrawn_on: date | None,
    reservations: list[ReservationIn] | None,
    provenance: Provenance | None,
) -> tuple[Participation, bool, bool]:
    prov = (provenance or Provenance()).values(actor)
    row = session.scalar(
        select(Participation).where(Participation.jurisdiction == jurisdiction, Participation.instrument == instrument)
    )
    values = {"signed_on": signed_on, "consent": consent, "consented_on": consented_on, "in_force_on": in_force_on,
              "withdrawn_on": withdrawn_on} | prov  # fmt: skip
    created = row is None
    if row is None:
        row = Participation(jurisdiction=jurisdiction, instrument=instrument, **values)
        session.add(row)
        changed = True
    else:
        changed = _assign(row, values)
    if reservations is not None:
        changed = _reservations(row, reservations, prov) or changed
    return row, changed, created


def _reservations(row: Participation, wanted: list[ReservationIn], prov: dict[str, Any]) -> bool:
    for r in wanted:
        if r.effect not in EFFECTS:
            raise InvalidInput("effect", _("%(value)r is not one of %(known)s", value=r.effect[:30],
                                           known=", ".join(EFFECTS)))  # fmt: skip
        if r.effect == "excludes_article" and not r.article.strip():
            raise InvalidInput("article", _("an excluded article needs the article"))
        if r.effect == "excludes_kind" and r.request_kind not in REQUEST_KINDS:
            raise InvalidInput("request_kind", _("%(value)r is not one of %(known)s", value=r.request_kind[:30],
                                                 known=", ".join(REQUEST_KINDS)))  # fmt: skip
    key = [(r.kind, r.article.strip(), r.effect, r.request_kind, r.text.strip()) for r in wanted]
    have = [(r.kind, r.article, r.effect, r.request_kind, r.text) for r in row.reservations]
    if sorted(key) == sorted(have):
        return False
    row.reservations.clear()
    for kind, article, effect, request_kind, text in key:
        row.reservations.append(Reservation(kind=kind, article=article[:40], effect=effect, request_kind=request_kind,
                                            text=text, **prov))  # fmt: skip
    return True


# -- cooperation profiles --

PROFILE_FIELDS = ("treaty_required_mla", "treaty_required_extradition", "reciprocity_accepted",
                  "extradites_nationals", "dual_criminality_mla", "extradition_threshold_months",
                  "mla_threshold_months", "assurances_required", "languages", "central_authority", "notes")  # fmt: skip


def set_profile(
    session: Session,
    *,
    actor: Principal,
    jurisdiction: str,
    values: dict[str, Any],
    provenance: Provenance | None = None,
    audited: bool = True,
) -> CooperationProfile:
    """How a state cooperates (see :class:`liaison.models.legal.CooperationProfile`); unknown keys are refused."""
    jurisdiction = jurisdiction.strip().upper()
    require_legal_editor(session, actor, jurisdiction)
    if session.scalar(select(Jurisdiction.id).where(Jurisdiction.code == jurisdiction)) is None:
        codes = set(session.scalars(select(Jurisdiction.code)))
        raise NotFound(_("unknown member %(code)s", code=jurisdiction), state_suggestions(codes, jurisdiction))
    unknown = sorted(set(values) - set(PROFILE_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], _("not a cooperation profile field"))
    clean = dict(values)
    for key in ("assurances_required", "languages"):
        if key in clean:
            clean[key] = [str(v).strip() for v in clean[key] if str(v).strip()]
    for key in ("extradition_threshold_months", "mla_threshold_months"):
        if key in clean and not (0 <= int(clean[key]) <= 9999):
            raise InvalidInput(key, _("months between 0 and 9999"))
    clean |= (provenance or Provenance()).values(actor)
    row = session.scalar(select(CooperationProfile).where(CooperationProfile.jurisdiction == jurisdiction))
    created = row is None
    if row is None:
        row = CooperationProfile(jurisdiction=jurisdiction, **clean)
        session.add(row)
        changed = True
    else:
        changed = _assign(row, clean)
    if changed and audited:
        session.flush()
        audit(session, actor=actor, action="legal.profile.set", target_type="legal_cooperation_profile",
              target_id=row.id, details={"jurisdiction": jurisdiction, "created": created,
                                         "fields": sorted(values)})  # fmt: skip
    return row


# -- the ratification CSV import --


@dataclass
class ParticipationImport:
    """What an import did (or, with ``dry_run``, would do)."""

    rows: int
    added: int
    updated: int
    unchanged: int
    dry_run: bool
    filename: str
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "dry_run": self.dry_run, "filename": self.filename, "sha256": self.sha256}  # fmt: skip


def import_participations(
    session: Session,
    *,
    actor: Principal,
    data: bytes,
    filename: str = "",
    max_bytes: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ParticipationImport:
    """Check a ratification table (:mod:`liaison.interchange.participations_csv`) against the legal tables and
    write it. Any refused row refuses the file (:class:`ImportRefused` with every refused row and its reason):
    nothing is half-imported. ``dry_run``: check everything, write nothing."""
    from liaison.interchange import participations_csv as pcsv

    require_some_legal_editor(session, actor)
    check_size(data, max_bytes)
    try:
        rows, errors = pcsv.read(pcsv.decode(data))
    except pcsv.CsvFileError as exc:
        raise ImportRefused([{"line": exc.line, "detail": exc.detail}]) from exc
    today = today or _today()
    states = set(session.scalars(select(Jurisdiction.code)))
    instruments = {i.code: (i.adopted_on, i.in_force_on) for i in session.scalars(select(Instrument))}
    refused = [e.as_dict() for e in errors]
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        reason = _row_reason(session, actor, r, states, instruments, seen, today)
        if reason:
            refused.append(pcsv.RowError(r.line, reason).as_dict())
        seen.setdefault((r.jurisdiction, r.instrument), r.line)
    refused.sort(key=lambda e: int(str(e["line"])))
    if refused:
        raise ImportRefused(refused)
    if not rows:
        raise ImportRefused([{"line": 1, "detail": _("the file holds no participation")}])
    sha = hashlib.sha256(data).hexdigest()
    current = {(p.jurisdiction, p.instrument): p for p in session.scalars(select(Participation))}
    added = sum(1 for r in rows if (r.jurisdiction, r.instrument) not in current)
    if dry_run:
        return ParticipationImport(len(rows), added, len(rows) - added, 0, True, filename, sha)
    updated = unchanged = 0
    for n, r in enumerate(rows, 1):
        reservations = [ReservationIn(r.reservation_effect, r.reservation_article, r.reservation_kind,
                                      r.reservation_text)] if r.reservation_effect else []  # fmt: skip
        _row, changed, created = _write_participation(
            session,
            actor,
            r.jurisdiction,
            r.instrument,
            r.signed_on,
            r.consent,
            r.consented_on,
            r.in_force_on,
            r.withdrawn_on,
            reservations,
            Provenance(r.source, r.source_url, r.retrieved_on),
        )
        if not created:
            updated += changed
            unchanged += not changed
        if progress is not None and (n % 500 == 0 or n == len(rows)):
            progress(n, len(rows))
    session.flush()
    audit(session, actor=actor, action="legal.participations.import", target_type="legal_participation",
          details={"filename": filename[:300], "sha256": sha, "rows": len(rows), "added": added,
                   "updated": updated, "unchanged": unchanged})  # fmt: skip
    return ParticipationImport(len(rows), added, updated, unchanged, False, filename, sha)


def require_some_legal_editor(session: Session, actor: Principal) -> None:
    """An import needs someone who keeps at least one state's facts: refuse everyone else before reading."""
    from liaison.queries.legal_facts import member_code

    require_legal_editor(session, actor, member_code(session, actor))


def _row_reason(
    session: Session,
    actor: Principal,
    r: Any,
    states: set[str],
    instruments: dict[str, tuple[date | None, date | None]],
    seen: dict[tuple[str, str], int],
    today: date,
) -> str | None:
    if r.jurisdiction not in states:
        hint = state_suggestions(states, r.jurisdiction)
        if hint:
            return _("unknown member %(code)s; did you mean %(suggestions)s?", code=r.jurisdiction,
                     suggestions=", ".join(hint))  # fmt: skip
        return _("unknown member %(code)s", code=r.jurisdiction)
    if r.instrument not in instruments:
        hint = suggest(r.instrument, instruments)
        if hint:
            return _("unknown instrument %(code)s; did you mean %(suggestions)s?", code=r.instrument,
                     suggestions=", ".join(hint))  # fmt: skip
        return _("unknown instrument %(code)s", code=r.instrument)
    first = seen.get((r.jurisdiction, r.instrument))
    if first is not None:
        return _("%(member)s and %(instrument)s already appear on line %(line)s", member=r.jurisdiction,
                 instrument=r.instrument, line=first)  # fmt: skip
    bad = check_dates(signed_on=r.signed_on, consented_on=r.consented_on, in_force_on=r.in_force_on,
                      adopted_on=instruments[r.instrument][0], today=today,
                      instrument_in_force=instruments[r.instrument][1])  # fmt: skip
    if bad:
        return bad
    if r.in_force_on is not None and not r.consent:
        return _("in force for a state that has not consented to be bound")
    try:
        require_legal_editor(session, actor, r.jurisdiction)
    except PermissionDenied as exc:
        return exc.detail
    return None
