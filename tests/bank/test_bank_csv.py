"""The analysts' CSV: one row per entity, relations by key, provenance columns, errors naming the line."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from liaison.actions.bank_import import Defaults, ImportRefused, import_csv, marking_from_text
from liaison.db import transaction
from liaison.marking import Marking
from liaison.models import BankEntity, Statement
from liaison.queries.bank_access import viewer_for
from liaison.queries.bank_export import export_csv
from tests.bank.conftest import BankWorld

GOOD = """key,schema,name,alias,code_name,birth_date,nationality,member_of,leader_of,grade,marking,data_subject_category
nf,Organization,Northern Front,NF,,,,,,,,
kh,Person,Karim Haddad; كريم حداد,K. Haddad,Le Comptable,1984,FR,nf,,B2,TLP:AMBER+STRICT REL TO DE,suspect
ib,Person,Ivan Belov,,,1970/1975,RU,,nf,C3,,convicted
"""


def load(bank: BankWorld, text: str, who: str = "fr.analyst"):  # type: ignore[no-untyped-def]
    with transaction(bank.sessions) as s:
        imp = import_csv(
            s, actor=bank[who], data=text.encode(), filename="x.csv", defaults=Defaults(legal_basis="Art. 18")
        )
        s.expunge(imp)
    return imp


def test_import_and_export(bank: BankWorld) -> None:
    imp = load(bank, GOOD)
    assert imp.added == 3 and imp.report["relations"] == 2
    with bank.sessions() as s:
        rows = s.scalars(select(Statement)).all()
        code = next(r for r in rows if r.name_kind == "code_name")
        assert code.value == "Le Comptable" and code.grade == "B2" and code.releasable_to == ",DE,"
        assert code.tlp == "AMBER+STRICT"
        belov = next(r for r in rows if r.value == "1970/1975")
        assert belov.grade == "C3" and belov.tlp == "AMBER"
        cats = dict(s.execute(select(BankEntity.schema, func.count()).group_by(BankEntity.schema)).all())
        assert cats == {"Person": 2, "Organization": 1}
        out = list(csv.DictReader(io.StringIO("".join(export_csv(s, viewer_for(s, bank["jp.screener"]), "RED")))))
    assert len(out) == 2  # Japan does not see the strict record at all
    belov_row = next(r for r in out if r["name"] == "Ivan Belov")
    group = next(r for r in out if r["schema"] == "Organization")
    assert belov_row["leader_of"] == group["key"] and belov_row["data_subject_category"] == "convicted"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("schema,name,shoe_size\nPerson,A,44\n", 1, "unknown column"),
        ("name,alias\nA,B\n", 1, "'schema' column"),
        ("schema,name\nVessel,A\n", 2, "Vessel"),
        ("schema,name,birth_date\nPerson,A,1984\nPerson,B,31/12/1984\n", 3, "birthDate"),
        ("schema,name,nationality\nPerson,A,Narnia\n", 2, "nationality"),
        ("schema,name,nationality\nPerson,A\n", 2, "cells"),
        ("schema,name,member_of\nPerson,A,nowhere\n", 2, "no entity 'nowhere'"),
        ("schema,name,grade\nPerson,A,Z9\n", 2, "grade"),
        ("schema,name,birth_date\nOrganization,A,1984\n", 2, "no birth_date"),
        ("schema,name,observed_on\nPerson,A,2024-05-01\nPerson,B,9999-12-31\n", 3, "observed_on"),
        ("schema,name,review_date\nPerson,A,0001-01-01\n", 2, "out of range"),
        ("schema,name,references\nPerson,A,un-sc/QDi.1 listed 0001-01-01\n", 2, "out of range"),
    ],
)
def test_bad_rows_refuse_the_file(bank: BankWorld, text: str, line: int, words: str) -> None:
    with pytest.raises(ImportRefused) as err:
        load(bank, text)
    assert err.value.errors[0]["line"] == line, err.value.detail
    assert words in err.value.detail
    with bank.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BankEntity)) == 0


@pytest.mark.parametrize(
    "marking",
    [
        Marking("CLEAR"),
        Marking("AMBER+STRICT", releasable_to=("DE", "FR")),
        Marking("RED", True, "counter-terrorism only, REL TO nobody else: purpose: twice", ("FR",)),
        Marking("GREEN", originator_control=True),
    ],
)
def test_a_marking_label_reads_back_as_the_same_marking(marking: Marking) -> None:
    assert marking_from_text(marking.label) == marking


def test_repeated_keys_add_values_with_their_own_provenance(bank: BankWorld) -> None:
    text = (
        "key,schema,name,code_name,passport_number,grade,marking\n"
        "k,Person,Karim Haddad,,,B2,TLP:GREEN\n"
        "k,Person,,Le Comptable,,A2,\"TLP:AMBER+STRICT, originator control, REL TO DE\"\n"
        "k,Person,,,X1,A1,TLP:RED\n"
    )
    imp = load(bank, text)
    assert imp.added == 1
    with bank.sessions() as s:
        rows = {st.value: (st.grade, st.marking.label) for st in s.scalars(select(Statement))}
    assert rows == {
        "Karim Haddad": ("B2", "TLP:GREEN"),
        "Le Comptable": ("A2", "TLP:AMBER+STRICT, originator control, REL TO DE"),
        "X1": ("A1", "TLP:RED"),
    }
    with pytest.raises(ImportRefused, match="another schema"):
        load(bank, "key,schema,name\nk,Person,A\nk,Organization,B\n")
