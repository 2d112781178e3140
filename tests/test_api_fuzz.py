"""Property-based fuzzing of the JSON API from its own OpenAPI schema (schemathesis, in process over ASGI).

For every operation in ``/openapi.json``, schemathesis generates valid and invalid requests (path, query and
body: its examples, coverage and fuzzing phases) and sends them to the app over a fresh copy of the small
known world (tests/world.py), on the configured database backend. Whatever it sends, the API must answer
with a clear 4xx and never a 5xx, must refuse input the schema rules out, and must answer in the content type
and shape the schema declares. Two personas: the node admin (the broadest rights, so the most code runs) and
an outsider (no roles), who must never succeed in changing anything but their own account.

Random path parameters and ids would almost always just miss (404), so generated values that are valid are
often swapped for real ones of the world (network and member codes, ids of agencies, contact points, channels,
rotations; real time zones): then the fuzzed bodies and queries reach the code behind the lookups. Some valid
strings get a NUL character, which the schema allows and PostgreSQL cannot store (see ``steer``).

Generation is bounded and seeded so that a CI run is quick and reproducible; no example database is kept.
Each operation runs over its own copy of the world, so a failure reproduces alone:
``pytest tests/test_api_fuzz.py -k 'admin and rotations'``.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)
from sqlalchemy import select

from liaison.app import create_app
from liaison.db import make_engine
from liaison.models import Channel, ContactPoint, Organisation, Rotation
from liaison.settings import load_settings
from tests.conftest import Databases

SEED = 20261123
MAX_EXAMPLES = 15

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        # Operation by operation; chains of calls (the stateful phase) are out of scope for this bounded run.
        "phases": {"stateful": {"enabled": False}},
    }
)

# Every check must hold for any input: no 5xx; input the schema rules out refused with a 4xx; where the
# schema declares a response's content type or body shape, the response conforms to it.
CHECKS = [not_a_server_error, negative_data_rejection, content_type_conformance, response_schema_conformance]

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Writes any authenticated user may make about themselves, or that are open by design.
SELF_SERVICE = {
    ("POST", "/api/v1/tokens"),  # one's own API token
    ("DELETE", "/api/v1/tokens/{token_id}"),  # one's own API token
    ("POST", "/api/v1/networks/{network}/membership-requests"),  # "open to any state or organisation"
    ("POST", "/api/v1/channel-verifications"),  # confirming a channel by the code from its test message
}


def _openapi() -> dict[str, Any]:
    """The app's own OpenAPI document. Building an app opens nothing (no connection before a request)."""
    return create_app(load_settings(database_url="sqlite://", env="test")).openapi()


schema = schemathesis.openapi.from_dict(_openapi(), config=CONFIG)

# -- steering generated values towards the world's real ones --

# Real values by parameter or body field name, besides the ids the fixture reads from the world it serves.
KNOWN = {
    "network": ["FTF", "VOT", "ftf"],
    "member": ["FR", "JPN", "DE", "CH", "fr"],
    "timezone": ["Europe/Paris", "UTC"],
}
# Network and member together: the world's designations, and pairs that are not designated or do not exist.
PAIRS = [("FTF", "FR"), ("FTF", "JPN"), ("ftf", "jp"), ("VOT", "DE"), ("VOT", "FR"), ("VOT", "JP"), ("FTF", "CH")]
# Id fields, with the column that orders the world's ids (which are random) the same way in every run.
IDS = {
    "agency_id": Organisation.name,
    "contact_point_id": ContactPoint.name,
    "channel_id": Channel.value,
    "rotation_id": Rotation.timezone,
}


def _world_ids(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                field: [str(i) for i in conn.scalars(select(column.class_.id).order_by(column))]
                for field, column in IDS.items()
            }
    finally:
        engine.dispose()


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _generated_invalid(case: schemathesis.Case, location: ParameterLocation) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode.is_negative


def steer(case: schemathesis.Case, known: dict[str, list[str]]) -> None:
    """Swap about half of the generated ids, codes and time zones for real ones, so requests reach the code
    behind the lookups; and end one string in ten with a NUL character, which the schema allows and PostgreSQL
    refuses to store. Only path parameters, query and body generated as valid are touched: invalid input stays
    as generated. The choices are a function of the generated case, so a run is reproducible."""
    generated = [case.path_parameters, case.query, case.body]
    # By value only: a default repr (e.g. of the NotSet body) holds a memory address, which changes every run.
    text = json.dumps(generated, sort_keys=True, default=lambda o: type(o).__name__)
    rng = random.Random(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big"))

    def pick(name: str, value: object) -> object:
        if name in IDS:
            return rng.choice(known[name]) if known[name] and _is_uuid(value) and rng.random() < 0.5 else value
        if not isinstance(value, str) or _is_uuid(value):
            return value
        roll = rng.random()
        if name in KNOWN and roll < 0.5:
            return rng.choice(KNOWN[name])
        return value + "\x00" if roll >= 0.9 else value

    params = case.path_parameters
    if params and not _generated_invalid(case, ParameterLocation.PATH):
        if isinstance(params.get("network"), str) and isinstance(params.get("member"), str) and rng.random() < 0.5:
            params["network"], params["member"] = rng.choice(PAIRS)
        for name, value in params.items():
            params[name] = pick(name, value)
    if isinstance(case.query, dict) and not _generated_invalid(case, ParameterLocation.QUERY):
        for name, value in case.query.items():
            case.query[name] = pick(name, value)
    if isinstance(case.body, dict) and not _generated_invalid(case, ParameterLocation.BODY):
        body = case.body
        for name, value in body.items():
            body[name] = pick(name, value)
        people = body.get("participants")
        if isinstance(people, list) and people and all(_is_uuid(p) for p in people) and rng.random() < 0.5:
            body["participants"] = [rng.choice(known["contact_point_id"]) for _ in people]


# -- the app under test --


@dataclass
class Fuzzed:
    app: Any
    tokens: dict[str, str]
    known: dict[str, list[str]]

    def call(self, case: schemathesis.Case, persona: str) -> schemathesis.Response:
        steer(case, self.known)
        headers = {"Authorization": f"Bearer {self.tokens[persona]}"}
        return case.call_and_validate(app=self.app, headers=headers, checks=CHECKS)


@pytest.fixture
def fuzzed(world_db_url: str, databases: Databases) -> Iterator[Fuzzed]:
    """The app over a fresh copy of the known world, one per operation."""
    _world, tokens = databases.extra["world"]  # type: ignore[misc]
    # No SMTP: a channel verification goes to the in-memory log transport, never over the network.
    app = create_app(load_settings(database_url=world_db_url, env="test", base_url="http://testserver", smtp_url=""))
    try:
        # Schemathesis starts the app's lifespan on the first request and keeps it running between requests.
        yield Fuzzed(app, tokens, KNOWN | _world_ids(world_db_url))
    finally:
        # End it (stops the audit writer, disposes of the engine) before the database copy goes away.
        asgi.shutdown_lifespans()


# Hypothesis runs every input through one fixture value: deliberate, each operation gets one world.
ONE_WORLD_PER_OPERATION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)


@schema.parametrize()
@ONE_WORLD_PER_OPERATION
def test_fuzzed_requests_as_admin(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    fuzzed.call(case, "admin")


@schema.parametrize()
@ONE_WORLD_PER_OPERATION
def test_fuzzed_requests_as_outsider_change_nothing(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    response = fuzzed.call(case, "outsider")
    method = case.operation.method.upper()
    if method in WRITES and (method, case.operation.path) not in SELF_SERVICE:
        assert not 200 <= response.status_code < 300, (
            f"outsider changed something: {method} {case.formatted_path} -> {response.status_code}\n"
            f"{case.as_curl_command()}"
        )
