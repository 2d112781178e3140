"""Demo incidents: the synthetic incidents of :func:`liaison.analysis.synthetic.default_scenario` (January 2016 to
the last complete month), imported through the incidents import as a GTD-layout file, marked ``synthetic`` and
TLP:GREEN, contributed by the French demo agency's analyst. Their structure is known (trends, seasons, two groups
that change targets and regions), so the demo's forecasts can be checked against it; every page that shows them
says they are synthetic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from liaison.actions.incidents import import_incidents
from liaison.analysis import synthetic
from liaison.demo_bank import _analyst
from liaison.marking import Marking
from liaison.principal import Principal

START = date(2016, 1, 1)
SOURCE = "Synthetic demo data (liaison.analysis.synthetic, seed 13): not real incidents"


def load(session: Session, *, operator: Principal, today: date | None = None) -> dict[str, Any]:
    today = today or datetime.now(UTC).date()
    # Contributed as the bank's demo records are, by a member's analyst (the demo's operator may not be one).
    actor = _analyst(session, "FR") or operator
    scenario = synthetic.default_scenario(start=START, months=synthetic.months_before(START, today))
    text = synthetic.to_csv(synthetic.generate(scenario))
    imported = import_incidents(
        session,
        actor=actor,
        data=text,
        filename="synthetic-incidents.csv",
        marking=Marking("GREEN"),
        reliability="F",
        credibility="6",
        source=SOURCE,
        synthetic=True,
    )
    return {"incidents": imported.added, "refused": imported.refused}
