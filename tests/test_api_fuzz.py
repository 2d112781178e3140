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

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from tests.conftest import Databases
from tests.fuzzing import KNOWN, app_openapi, serve, steer, world_ids

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
    ("PATCH", "/api/v1/me"),  # one's own language and time zone
}


schema = schemathesis.openapi.from_dict(app_openapi(), config=CONFIG)

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
    with serve(world_db_url) as app:
        yield Fuzzed(app, tokens, KNOWN | world_ids(world_db_url))


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
