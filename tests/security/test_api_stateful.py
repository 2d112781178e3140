"""Stateful fuzzing of the JSON API: chains of calls that follow the schema's OpenAPI links (schemathesis).

The operation-by-operation fuzzing (tests/test_api_fuzz.py) sends one request at a time against ids that
already exist. Here schemathesis's state machine creates things and then works on what it created: it
posts a contact point, then reads, changes and adds channels to that very contact point; sends a message,
then acknowledges, answers, replies to, forwards and closes it; adds a rotation, then deletes it. The links
it follows are the ones the schema declares (liaison.web.api.links); schemathesis's own guesses from field
names are turned off, as our response bodies are free-form and its guesses name fields that do not exist.

Each step is checked: never a 5xx, input the schema rules out refused, responses in the declared content
type and shape, a resource just created is not 404 to the next call, and a deleted one stays gone.

Each step acts as the persona whose job the operation is (``ACTOR``): a French contact point sends and
closes messages, the Japanese one (the addressee) acknowledges, answers and replies; the node admin does
the rest. Steps are steered towards realistic values (the world's real ids and codes, valid time zones and
dates) three times in four, so chains start and go on; values a link supplies are left as they are.

Each scenario runs over a fresh copy of the world (a scenario's outcome must depend on its steps alone:
Hypothesis checks it, and a failure then reproduces). The run is bounded
(``SCENARIOS`` scenarios of at most ``STEPS`` steps: about 1,500 calls, 45 s on SQLite and 60 s on PostgreSQL on
two cores) and derandomized, so a failure reproduces by running this test again; the
calls and their answers are the same on both backends. Run with ``-s`` to see which links were followed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    negative_data_rejection,
    response_schema_conformance,
    use_after_free,
)

from liaison.web.api.links import LINKS
from tests.conftest import Databases, build_world_into
from tests.fuzzing import KNOWN, app_openapi, generated_invalid, serve, steer, world_ids

SEED = 20261123
SCENARIOS = 50
STEPS = 40

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"database": "none"},
        # Only the links the schema declares.
        "phases": {"stateful": {"inference": {"algorithms": []}}},
    }
)


def created_resource_found(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schemathesis's check that what a create returned is not 404 to the next call, on reads and deletes only:
    a write's 404 may be about something else its body names (forwarding to an unknown member is a 404)."""
    if case.operation.method.upper() not in ("GET", "DELETE"):
        return None
    return ensure_resource_availability(ctx, response, case)


# As the fuzzing, plus the two checks that only make sense along a chain of calls.
CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    content_type_conformance,
    response_schema_conformance,
    created_resource_found,
    use_after_free,
]

schema = schemathesis.openapi.from_dict(app_openapi(), config=CONFIG)
Workflow = schema.as_state_machine()

SENDER, ADDRESSEE = "fr.cp", "jp.cp"
# Who makes each call; anything not listed is the node admin's.
ACTOR = {
    ("POST", "/api/v1/messages"): SENDER,
    ("GET", "/api/v1/messages/{message_id}"): SENDER,
    ("GET", "/api/v1/messages/{message_id}/export"): SENDER,
    ("POST", "/api/v1/messages/{message_id}/forward-consent"): SENDER,
    ("POST", "/api/v1/messages/{message_id}/close"): SENDER,
    ("POST", "/api/v1/messages/{message_id}/acknowledge"): ADDRESSEE,
    ("POST", "/api/v1/messages/{message_id}/answer"): ADDRESSEE,
    ("POST", "/api/v1/messages/{message_id}/replies"): ADDRESSEE,
    ("POST", "/api/v1/messages/{message_id}/forward"): ADDRESSEE,
    ("POST", "/api/v1/messages/{message_id}/case-steps"): ADDRESSEE,
}


def actor(case: schemathesis.Case) -> str:
    return ACTOR.get((case.operation.method.upper(), case.operation.path), "admin")


def _rng(case: schemathesis.Case) -> random.Random:
    """Choices that are a function of what Hypothesis generated, so a run is reproducible: the operation and
    the generated body, not the path, which may hold ids the server made up (random) and a link supplied."""
    text = json.dumps([case.operation.label, case.body], sort_keys=True, default=lambda o: type(o).__name__)
    return random.Random(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big"))


def realistic(rng: random.Random, known: dict[str, list[str]]) -> dict[tuple[str, str], tuple[dict, dict]]:
    """For each create that starts a chain: path parameters and body fields a person would send. Random
    strings are nearly always refused (codes, time zones, dates, NULs), which would leave nothing to chain."""
    tag = f"{rng.getrandbits(24):06X}"
    cp = rng.choice(known["contact_point_id"])
    designated = dict(zip(("network", "member"), rng.choice([("FTF", "FR"), ("FTF", "JPN")]), strict=True))
    return {
        ("POST", "/networks"): ({}, {"code": f"T{tag}", "name": f"Network {tag}"}),
        ("POST", "/networks/{network}/members"): (
            {"network": "FTF"},
            {"code": rng.choice(["IT", "ES", "BE", "NL", "DE"]), "kind": "state"},
        ),
        ("POST", "/networks/{network}/membership-requests"): ({"network": "VOT"}, {"member_code": "IT"}),
        ("POST", "/members/{member}/agencies"): (
            {"member": rng.choice(["FR", "JPN", "DE"])},
            {"name": f"Agency {tag}"},
        ),
        ("POST", "/agencies/{agency_id}/contact-points"): (
            {"agency_id": rng.choice(known["agency_id"])},
            {
                "name": f"Desk {tag}",
                "timezone": "Europe/Paris",
                "languages": ["en"],
                "channels": [{"kind": "phone", "value": "+33 1 40 00 00 01"}],
            },
        ),
        ("POST", "/contact-points/{contact_point_id}/channels"): (
            {"contact_point_id": cp},
            {"kind": rng.choice(["email", "webhook"]), "value": "https://hooks.example.org/liaison", "label": ""},
        ),
        ("POST", "/networks/{network}/members/{member}/rotations"): (
            designated,
            {"participants": [cp], "timezone": "Europe/Paris", "start": "2026-12-07", "handoff": "08:00"}
            | dict.fromkeys(["end", "window_start", "window_end", "weekdays"]),
        ),
        ("POST", "/networks/{network}/members/{member}/overrides"): (
            designated,
            {"contact_point_id": cp, "start": "2026-12-01T08:00:00+01:00", "end": "2026-12-02T08:00:00+01:00"},
        ),
        ("POST", "/networks/{network}/exercises"): ({"network": "FTF"}, {"at": "2031-01-06T09:00:00+00:00"}),
        ("POST", "/messages"): (
            {},
            {"network": "FTF", "to": ["JPN"], "to_contacts": [], "attachments": [], "legal_basis": "Art. 7"},
        ),
        ("POST", "/bank/screenings"): ({}, {"queries": [{"id": "1", "name": "John Smith"}]}),
        ("PUT", "/networks/{network}/escalation/{priority}"): (
            {"network": "FTF", "priority": rng.choice(["flash", "urgent", "routine"])},
            {"policy": "on-duty@0s,deputy@5m,secretariat@15m"},
        ),
        ("PUT", "/networks/{network}/members/{member}/designation"): (
            designated,
            {"agency_id": rng.choice(known["agency_id"]), "source": f"Note {tag}", "designated_on": None},
        ),
        ("POST", "/messages/{message_id}/answer"): ({}, {"answer_by": None}),
        ("POST", "/messages/{message_id}/replies"): (
            {},
            {"body": f"Reply {tag}", "subject": "", "marking": None, "attachments": []},
        ),
        ("POST", "/messages/{message_id}/case-steps"): ({}, {"at": None}),
    }


def steer_step(step: StepInput, known: dict[str, list[str]]) -> None:
    """Three times in four, realistic values for a create or change (``realistic``), leaving alone whatever a
    link supplied. A step no link feeds is first steered as in the fuzzing (real ids and codes), without the
    NULs: the fuzzing covers them, and here they would stop most chains at their first step."""
    case = step.case
    rng = _rng(case)  # from the generated values: the world's ids differ from one test session to the next
    if step.transition is None:
        steer(case, known, nul_rate=0)
    chosen = realistic(rng, known).get((case.operation.method.upper(), case.operation.path.removeprefix("/api/v1")))
    if chosen is None or rng.random() >= 0.75:
        return
    path, body = chosen
    linked = {name for location, name in step.applied_parameters if location == ParameterLocation.PATH}
    if case.path_parameters and not generated_invalid(case, ParameterLocation.PATH):
        case.path_parameters.update({k: v for k, v in path.items() if k not in linked})
    if isinstance(case.body, dict) and not generated_invalid(case, ParameterLocation.BODY):
        case.body.update(body)


class Tally:
    """What the run did: steps, and for each link followed (its values applied), the statuses it met."""

    def __init__(self) -> None:
        self.steps = 0
        self.roots = 0
        self.links: Counter[tuple[str, int]] = Counter()
        self.root_statuses: Counter[tuple[str, int]] = Counter()

    def record(self, step: StepInput, output: StepOutput) -> None:
        self.steps += 1
        if step.transition is None:
            self.roots += 1
            self.root_statuses[(step.case.operation.label, output.response.status_code)] += 1
        elif step.is_applied:
            self.links[(step.transition.id, output.response.status_code)] += 1

    def followed(self) -> set[str]:
        """Names of the links followed to a success: the consumer accepted the producer's value."""
        # A transition's id reads "POST /api/v1/messages -> [201] GetMessage -> GET /api/v1/messages/{message_id}".
        return {link.split("] ", 1)[1].split(" -> ", 1)[0] for (link, status) in self.links if 200 <= status < 300}

    def report(self, backend_seconds: float) -> str:
        lines = [f"{self.steps} steps ({self.roots} roots) in {backend_seconds:.1f} s; links followed:"]
        by_link: dict[str, Counter[int]] = {}
        for (link, status), n in self.links.items():
            by_link.setdefault(link, Counter())[status] += n
        for link in sorted(by_link):
            lines.append(f"  {link}: " + ", ".join(f"{s}x{n}" for s, n in sorted(by_link[link].items())))
        lines.append("roots (not fed by a link):")
        by_root: dict[str, Counter[int]] = {}
        for (label, status), n in self.root_statuses.items():
            by_root.setdefault(label, Counter())[status] += n
        for label in sorted(by_root):
            lines.append(f"  {label}: " + ", ".join(f"{s}x{n}" for s, n in sorted(by_root[label].items())))
        return "\n".join(lines)


# Links every run must follow to a success, so the test cannot pass without chaining anything.
MUST_FOLLOW = {
    "AdmitMember",
    "GetAgency",
    "GetContactPoint",
    "AddChannel",
    "DeleteRotation",
    "Decide",
    "CancelExercise",
    "GetMessage",
    "Acknowledge",
    "Reply",
    "RevokeToken",
}


def test_chains_of_calls_follow_links_without_server_errors(
    world_db_url: str, databases: Databases, tmp_path: Path
) -> None:
    _world, tokens = databases.extra["world"]  # type: ignore[misc]
    known = KNOWN | world_ids(world_db_url)  # a copy of the world has the same ids
    tally = Tally()
    scenarios = itertools.count()

    class Run(Workflow):  # type: ignore[misc,valid-type]
        """One scenario: a fresh copy of the world and an app over it, so a scenario's outcome depends on its
        steps alone (Hypothesis requires it, and a failure then reproduces)."""

        def setup(self) -> None:
            folder = tmp_path / str(next(scenarios))
            folder.mkdir()
            self.db_url = databases.clone("world", build_world_into, folder)
            self.served = serve(self.db_url, embedded_worker=False)
            self.app = self.served.__enter__()

        def teardown(self) -> None:
            self.served.__exit__(None, None, None)
            databases.drop(self.db_url)

        def step(self, input: StepInput) -> StepOutput:
            steer_step(input, known)
            output = super().step(input)
            tally.record(input, output)
            return output

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"app": self.app, "headers": {"Authorization": f"Bearer {tokens[actor(case)]}"}}

        def validate_response(self, response: Any, case: schemathesis.Case, *_: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder)

    started = time.monotonic()
    Run.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    seconds = time.monotonic() - started
    print(tally.report(seconds))
    declared = {name for links in LINKS.values() for name in links}
    assert MUST_FOLLOW <= declared
    missing = MUST_FOLLOW - tally.followed()
    assert not missing, f"links never followed to a success: {sorted(missing)}\n{tally.report(seconds)}"
