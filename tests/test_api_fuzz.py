"""Property-based fuzzing of the JSON API from its own OpenAPI schema (schemathesis, in process over ASGI).

For every operation in ``/openapi.json``, schemathesis generates valid and invalid requests (path, query and
body) and sends them to the app over a fresh copy of the small known world (tests/world.py), on the configured
database backend. Whatever it sends, the API must answer with a clear 4xx and never a 5xx, and an answer
whose shape the schema declares must conform to it. Two personas: the node admin (the broadest rights, so the
most code runs) and an outsider (no roles), who must never succeed in changing anything but their own account.

Generation is bounded and seeded so that a CI run is quick and reproducible; no example database is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from liaison.app import create_app
from liaison.settings import load_settings
from tests.conftest import Databases

SEED = 20261123
MAX_EXAMPLES = 15

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        # Operation by operation; the stateful phase (chains of calls) is out of scope for this bounded run.
        "phases": {"stateful": {"enabled": False}},
    }
)

# Every check here must hold for any input: no 5xx; invalid input refused with a 4xx; where the schema
# declares a response's content type or body shape, the response conforms to it.
CHECKS = [not_a_server_error, negative_data_rejection, content_type_conformance, response_schema_conformance]

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Writes any authenticated user may make about themselves, or that are open by design.
SELF_SERVICE = {
    ("POST", "/api/v1/tokens"),  # one's own API token
    ("DELETE", "/api/v1/tokens/{token_id}"),  # one's own API token
    ("POST", "/api/v1/networks/{network}/membership-requests"),  # "open to any state or organisation"
    ("POST", "/api/v1/channel-verifications"),  # confirming a channel by the code from its test message
}


@dataclass
class Fuzzed:
    schema: schemathesis.BaseSchema
    tokens: dict[str, str]

    def auth(self, persona: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[persona]}"}


@pytest.fixture
def fuzzed(world_db_url: str, databases: Databases) -> Iterator[Fuzzed]:
    """The app over a fresh copy of the known world, and its schema loaded in process over ASGI."""
    _world, tokens = databases.extra["world"]  # type: ignore[misc]
    app = create_app(load_settings(database_url=world_db_url, env="test", base_url="http://testserver"))
    try:
        # Loading the schema starts the app's lifespan, which schemathesis keeps running between requests.
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
        yield Fuzzed(schema, tokens)
    finally:
        # End the lifespan (stops the audit writer, disposes of the engine) before the database goes away.
        asgi.shutdown_lifespans()


@pytest.fixture
def fuzz_schema(fuzzed: Fuzzed) -> schemathesis.BaseSchema:
    return fuzzed.schema


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
def test_admin_never_gets_a_server_error(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    case.call_and_validate(headers=fuzzed.auth("admin"), checks=CHECKS)


@schema.parametrize()
def test_outsider_never_gets_a_server_error_nor_writes(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    response = case.call_and_validate(headers=fuzzed.auth("outsider"), checks=CHECKS)
    method = case.operation.method.upper()
    if method in WRITES and (method, case.operation.path) not in SELF_SERVICE:
        assert not 200 <= response.status_code < 300, (
            f"outsider changed something: {method} {case.formatted_path} -> {response.status_code}\n"
            f"{case.as_curl_command()}"
        )
