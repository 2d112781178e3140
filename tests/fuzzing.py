"""What the schema-driven API tests share: the app's own OpenAPI document, and steering generated values
towards the real ones of the small known world (tests/world.py), so requests reach the code behind the
lookups. Used by the operation-by-operation fuzzing (tests/test_api_fuzz.py) and the stateful run that
follows links between operations (tests/security/test_api_stateful.py)."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from sqlalchemy import select

from liaison.app import create_app
from liaison.db import make_engine
from liaison.models import Channel, ContactPoint, Organisation, Rotation
from liaison.settings import load_settings


def app_openapi() -> dict[str, Any]:
    """The app's own OpenAPI document. Building an app opens nothing (no connection before a request)."""
    return create_app(load_settings(database_url="sqlite://", env="test")).openapi()


@contextmanager
def serve(db_url: str, **overrides: Any) -> Iterator[Any]:
    """The app over a database, for schemathesis to call in process over ASGI. No SMTP: a channel verification
    goes to the in-memory log transport, never over the network."""
    settings = {"database_url": db_url, "env": "test", "base_url": "http://testserver", "smtp_url": "", **overrides}
    app = create_app(load_settings(**settings))
    try:
        # Schemathesis starts the app's lifespan on the first request and keeps it running between requests.
        yield app
    finally:
        # End it (stops the audit writer, disposes of the engine) before the database copy goes away.
        asgi.shutdown_lifespans()


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


def world_ids(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                field: [str(i) for i in conn.scalars(select(column.class_.id).order_by(column))]
                for field, column in IDS.items()
            }
    finally:
        engine.dispose()


def is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def generated_invalid(case: schemathesis.Case, location: ParameterLocation) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode.is_negative


def steer(case: schemathesis.Case, known: dict[str, list[str]], nul_rate: float = 0.1) -> None:
    """Swap about half of the generated ids, codes and time zones for real ones, so requests reach the code
    behind the lookups; and end one string in ten (``nul_rate``) with a NUL character, which the schema allows
    and PostgreSQL refuses to store. Only path parameters, query and body generated as valid are touched:
    invalid input stays as generated. The choices are a function of the generated case, so a run is reproducible."""
    generated = [case.path_parameters, case.query, case.body]
    # By value only: a default repr (e.g. of the NotSet body) holds a memory address, which changes every run.
    text = json.dumps(generated, sort_keys=True, default=lambda o: type(o).__name__)
    rng = random.Random(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big"))

    def pick(name: str, value: object) -> object:
        if name in IDS:
            return rng.choice(known[name]) if known[name] and is_uuid(value) and rng.random() < 0.5 else value
        if not isinstance(value, str) or is_uuid(value):
            return value
        roll = rng.random()
        if name in KNOWN and roll < 0.5:
            return rng.choice(KNOWN[name])
        return value + "\x00" if roll >= 1 - nul_rate else value

    params = case.path_parameters
    if params and not generated_invalid(case, ParameterLocation.PATH):
        if isinstance(params.get("network"), str) and isinstance(params.get("member"), str) and rng.random() < 0.5:
            params["network"], params["member"] = rng.choice(PAIRS)
        for name, value in params.items():
            params[name] = pick(name, value)
    if isinstance(case.query, dict) and not generated_invalid(case, ParameterLocation.QUERY):
        for name, value in case.query.items():
            case.query[name] = pick(name, value)
    if isinstance(case.body, dict) and not generated_invalid(case, ParameterLocation.BODY):
        body = case.body
        for name, value in body.items():
            body[name] = pick(name, value)
        people = body.get("participants")
        if isinstance(people, list) and people and all(is_uuid(p) for p in people) and rng.random() < 0.5:
            body["participants"] = [rng.choice(known["contact_point_id"]) for _ in people]
