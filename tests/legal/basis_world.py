"""A small legal world for the legal-basis tests: the seed, France, Japan, Germany (EU with France), a few
participations and profiles, and the France-Japan demo arrangement, loaded through the actions."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from liaison.actions.legal_facts import Provenance, set_instrument, set_jurisdiction, set_participation, set_profile
from liaison.db import transaction
from liaison.legal.seed import seed_instruments
from tests.world import ADMIN

SOURCE = Provenance("UNTC status list", "https://treaties.un.org/", date(2026, 11, 1), verified=True)


def load(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        seed_instruments(s, actor=ADMIN)
        for code, name, orgs in (("FR", "France", ["UN", "CoE", "EU"]), ("JP", "Japan", ["UN"]),
                                 ("DE", "Germany", ["UN", "CoE", "EU"])):  # fmt: skip
            set_jurisdiction(s, actor=ADMIN, code=code, name=name, organisations=orgs, provenance=SOURCE)
        for state in ("FR", "JP", "DE"):
            set_participation(s, actor=ADMIN, jurisdiction=state, instrument="un-1997-bombings",
                              signed_on=date(1998, 1, 12), consent="ratification", consented_on=date(2000, 8, 1),
                              in_force_on=date(2001, 5, 23), provenance=SOURCE)  # fmt: skip
        set_participation(s, actor=ADMIN, jurisdiction="FR", instrument="cets-196", signed_on=date(2006, 5, 22),
                          consent="ratification", consented_on=date(2008, 4, 29), in_force_on=date(2008, 8, 1),
                          provenance=SOURCE)  # fmt: skip
        set_participation(s, actor=ADMIN, jurisdiction="JP", instrument="cets-196", signed_on=None, consent="",
                          provenance=SOURCE)  # fmt: skip
        set_profile(s, actor=ADMIN, jurisdiction="JP", values={"treaty_required_extradition": True,
                    "treaty_required_mla": False, "languages": ["ja", "en"]}, provenance=SOURCE)  # fmt: skip
        set_profile(s, actor=ADMIN, jurisdiction="FR", values={"languages": ["fr"]}, provenance=SOURCE)
        set_profile(s, actor=ADMIN, jurisdiction="DE", values={"languages": ["de"]}, provenance=SOURCE)
        set_instrument(s, actor=ADMIN, row={
            "code": "demo-fr-jp-mla", "title": "FR-JP MLA arrangement (demonstration)", "kind": "bilateral",
            "in_force_on": date(2020, 1, 1), "adopted_on": date(2019, 1, 1), "request_kinds": ["mla"],
            "parties": ["FR", "JP"], "source": "Demonstration data", "demo": True,
            "provisions": [{"code": "demo-fr-jp-mla:mla-art-1", "article": "Art. 1", "role": "mla",
                            "summary": "Assistance."}],
        })  # fmt: skip
