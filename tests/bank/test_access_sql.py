"""The SQL need-to-know clause returns exactly the statements the pure rule allows, for every marking,
contributor and viewer, on both databases."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from liaison.bank.access import statement_visible
from liaison.db import transaction
from liaison.marking import LEVELS
from liaison.models import BankEntity, Organisation, Statement
from liaison.models.bank import releasable_codes, releasable_text
from liaison.queries.bank_access import viewer_for, visible_entity, visible_statement

RELEASABLE = ((), ("DE",), ("FR",), ("JPN", "IT"), ("DE", "IT"))


def test_sql_clause_agrees_with_the_pure_rule(bank):
    with transaction(bank.sessions) as s:
        orgs = {o.name: o.id for o in s.scalars(select(Organisation))}
        contributors = (None, orgs["Unité de coordination"], orgs["Bundesamt"])
        for tlp, by, rel in itertools.product(LEVELS, contributors, RELEASABLE):
            entity = BankEntity(schema="Person", data_subject_category="suspect")
            s.add(entity)
            s.flush()
            s.add(
                Statement(
                    entity_id=entity.id,
                    prop="name",
                    value=f"{tlp} {by} {rel}",
                    name_kind="primary",
                    tlp=tlp,
                    contributor_organisation_id=by,
                    releasable_to=releasable_text(rel),
                )
            )
    people = ("de.analyst", "fr.analyst", "jp.screener", "fr.cp", "outsider", "operator")
    with bank.sessions() as s:
        rows = s.scalars(select(Statement)).all()
        for who in people:
            viewer = viewer_for(s, bank[who])
            expected = {
                r.id
                for r in rows
                if statement_visible(
                    viewer,
                    tlp=r.tlp,
                    contributor_organisation_id=r.contributor_organisation_id,
                    releasable_to=releasable_codes(r.releasable_to),
                )
            }
            got = set(s.scalars(select(Statement.id).where(visible_statement(viewer))))
            assert got == expected, who
            entities = set(s.scalars(select(BankEntity.id).where(visible_entity(viewer))))
            assert entities == {r.entity_id for r in rows if r.id in expected}, who
        assert len({r.id for r in rows}) == len(LEVELS) * 3 * len(RELEASABLE)
        # The operator sees all; a contact point without a bank role sees nothing; a German analyst is not
        # shown the French strict statements that were not released to Germany.
        assert len(set(s.scalars(select(Statement.id).where(visible_statement(viewer_for(s, bank["operator"])))))) == 75
        assert not set(s.scalars(select(Statement.id).where(visible_statement(viewer_for(s, bank["fr.cp"])))))
