"""The seed dataset loads through an audited action, is idempotent, carries the offence models, and says it is
not verified; the legal-facts actions keep provenance and refuse what they should."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from liaison.actions.legal_facts import Provenance, ReservationIn, set_jurisdiction, set_participation
from liaison.db import transaction
from liaison.errors import InvalidInput, NotFound, PermissionDenied
from liaison.legal import seed
from liaison.legal.offence_models import MODELS
from liaison.models import AuditEvent, Instrument, Participation, Provision
from liaison.principal import Principal
from liaison.queries.legal_facts import fingerprint, load_facts
from tests.world import ADMIN

CODES = """un-1963-tokyo un-1970-hague un-1971-montreal un-1973-protected-persons un-1979-hostages
un-1980-nuclear-material un-1988-airports un-1988-sua un-1988-fixed-platforms un-1991-plastic-explosives
un-1997-bombings un-1999-financing un-2005-nuclear-terrorism un-2005-sua-protocol un-2005-fixed-platforms-protocol
un-2005-cppnm-amendment un-2010-beijing-convention un-2010-beijing-protocol un-2014-montreal-protocol unscr-1373
unscr-1566 unscr-2178 eu-2017-541 eu-2002-eaw eu-2000-mla cets-024 cets-030 cets-196 cets-217 las-1998 oic-1999
oas-2002 au-1999""".split()


def test_the_seed_has_every_agreed_code_with_sources_and_no_claim_of_verification():
    assert sorted(seed.CODES) == sorted(CODES)
    for i in seed.INSTRUMENTS:
        assert i.source and i.source_url.startswith("http") and i.retrieved_on == date(2026, 12, 3)
        assert i.verified is False
        assert i.in_force_on is None or i.adopted_on is None or i.in_force_on >= i.adopted_on
        roles = {p.role for p in i.provisions}
        assert "offence" not in roles
        for kind, role in (("extradition", "extradition_basis"), ("mla", "mla")):
            if kind in i.request_kinds and i.kind != "resolution":
                assert role in roles, (i.code, kind)
    assert "not checked" in (seed.__doc__ or "").lower() or "nobody checked" in (seed.__doc__ or "").lower()
    unscr = next(i for i in seed.INSTRUMENTS if i.code == "unscr-1373")
    assert unscr.binds_members and any("not itself a treaty basis" in p.summary for p in unscr.provisions)


def test_seed_loads_models_is_idempotent_and_audited(db):
    with transaction(db.sessions) as s:
        first = seed.seed_instruments(s, actor=ADMIN)
    assert first["added"] == len(CODES) and first["models"] == len([m for m in MODELS if m.instrument in CODES])
    with db.sessions() as s:
        mark = fingerprint(s)
        offence = s.scalars(select(Provision).where(Provision.role == "offence")).all()
        assert {p.code for p in offence} == {m.code for m in MODELS if m.instrument in CODES}
        model = next(p for p in offence if p.code == MODELS[0].code)
        assert model.any_of == [list(g) for g in MODELS[0].any_of]
    with transaction(db.sessions) as s:
        again = seed.seed_instruments(s, actor=ADMIN)
    assert again["added"] == 0 and again["updated"] == 0 and again["unchanged"] == len(CODES)
    with db.sessions() as s:
        assert fingerprint(s) == mark  # nothing touched: the facts cache stays warm
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "legal.seed")) == 1
        facts = load_facts(s)
        assert facts.instruments["cets-196"].source.verified is False


def test_participation_action_keeps_provenance_refuses_bad_input_and_checks_the_editor(api):
    from tests.legal.basis_world import load

    load(api.sessions)
    fr_cp = _principal(api, "fr.cp")
    with transaction(api.sessions) as s:
        row = set_participation(s, actor=fr_cp, jurisdiction="fr", instrument="CETS-217", signed_on=date(2015, 10, 22),
                                consent="ratification", consented_on=date(2019, 1, 1), in_force_on=date(2019, 5, 1),
                                reservations=[ReservationIn("excludes_article", "Art. 6")],
                                provenance=Provenance("JO", "https://example.fr", date(2026, 1, 1)))  # fmt: skip
        assert row.entered_by == "fr.cp" and row.entered_by_organisation_id == fr_cp.organisation_id
        assert row.reservations[0].effect == "excludes_article"
    with api.sessions() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "legal.participation.set").order_by(
            AuditEvent.created_at.desc())).actor_name == "fr.cp"  # fmt: skip
    with pytest.raises(PermissionDenied), transaction(api.sessions) as s:
        set_participation(s, actor=fr_cp, jurisdiction="JP", instrument="cets-217", consent="")
    with pytest.raises(NotFound) as unknown, transaction(api.sessions) as s:
        set_participation(s, actor=ADMIN, jurisdiction="FR", instrument="cets-916", consent="")
    assert "cets-196" in unknown.value.suggestions
    with pytest.raises(InvalidInput, match="before signature"), transaction(api.sessions) as s:
        set_participation(s, actor=ADMIN, jurisdiction="DE", instrument="cets-196", signed_on=date(2010, 1, 1),
                          consent="ratification", consented_on=date(2011, 1, 1),
                          in_force_on=date(2009, 1, 1))  # fmt: skip
    with pytest.raises(InvalidInput, match="adopted"), transaction(api.sessions) as s:
        set_participation(s, actor=ADMIN, jurisdiction="DE", instrument="cets-196", signed_on=date(2001, 1, 1))
    with pytest.raises(InvalidInput), transaction(api.sessions) as s:
        set_jurisdiction(s, actor=ADMIN, code="XX", name="Nowhere", organisations=["NATO"])
    with api.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Participation).where(Participation.jurisdiction == "DE")) == 1
        assert s.scalar(select(Instrument.id).where(Instrument.code == "demo-fr-jp-mla")) is not None


def _principal(api, username: str) -> Principal:
    from liaison.models import User
    from liaison.queries.principals import principal_for_user

    with api.sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        return principal_for_user(s, user, "cli", "test")
