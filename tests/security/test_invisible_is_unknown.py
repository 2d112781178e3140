"""Finding 7 of the outside probe: 403 against 404 told an outsider that an id exists.

README promises that unknown and invisible look the same. Every API route with a path parameter, taken from
``/openapi.json`` so that a new route is covered the day it is added, is called on every verb by the
outsider (an organisation with no roles, whose member takes part in no network) twice: naming an object it
cannot see, and naming nothing. Both answers must have the same status and the same body (the name given
replaced by a placeholder). An object the caller sees but may not change still gets 403 (last test).

The objects are made over the API by the personas who own them (messages, exercises, tokens, membership
requests, rosters) or through the actions where the API has no such route (the bank's entities).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.actions.bank import StatementInput, create_entity
from liaison.actions.merges import propose_merges
from liaison.db import transaction
from liaison.models import Channel, User, utcnow
from liaison.queries.principals import principal_for_user

OUTSIDER = "outsider"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Path parameters that name no object: the kind of an import (a fixed list, the same for everyone) and an
# acknowledgement link's token (a signed capability: holding it is the right to use it, see exchange/ack).
NOT_AN_ID = {"kind", "token"}
# Routes where naming a network the caller cannot see is the point: asking to join one, by the code the
# network gave the applicant (web/ui/join.py). Refusing the request would make joining impossible.
OPEN_BY_CODE = {("post", "/api/v1/networks/{network}/membership-requests")}

# A valid body for each operation that takes one, so that both calls reach the lookup (not the 422 of a
# malformed body). A new route with a body needs a line here: test_every_route_is_covered says so.
LATER = (utcnow() + timedelta(days=3)).isoformat()
LATER2 = (utcnow() + timedelta(days=3, hours=2)).isoformat()


def bodies(ids: dict[str, str]) -> dict[tuple[str, str], Any]:
    cp = ids["contact_point_id"]
    return {
        ("post", "/api/v1/networks/{network}/members"): {"code": "IT"},
        ("patch", "/api/v1/networks/{network}/members/{member}"): {"status": "suspended"},
        ("post", "/api/v1/networks/{network}/membership-requests"): {"member_code": "CH"},
        ("post", "/api/v1/membership-requests/{request_id}/decision"): {"approve": True},
        ("post", "/api/v1/members/{member}/agencies"): {"name": "Bureau", "agency_kind": "police"},
        ("put", "/api/v1/networks/{network}/members/{member}/designation"): {
            "agency_id": ids["agency_id"],
            "source": "Note",
        },
        ("post", "/api/v1/agencies/{agency_id}/contact-points"): {"name": "Desk", "timezone": "Europe/Zurich"},
        ("patch", "/api/v1/contact-points/{contact_point_id}"): {"name": "Renamed"},
        ("post", "/api/v1/contact-points/{contact_point_id}/channels"): {"kind": "phone", "value": "+41 31 000 00 00"},
        ("post", "/api/v1/networks/{network}/members/{member}/rotations"): {
            "participants": [cp],
            "timezone": "Europe/Paris",
            "start": "2026-01-05",
            "handoff": "08:00",
        },
        ("post", "/api/v1/networks/{network}/members/{member}/overrides"): {
            "contact_point_id": cp,
            "start": LATER,
            "end": LATER2,
        },
        ("put", "/api/v1/networks/{network}/members/{member}/deputy"): {"contact_point_id": cp},
        ("post", "/api/v1/messages/{message_id}/acknowledge"): {},
        ("post", "/api/v1/messages/{message_id}/answer"): {"will_answer": True},
        ("post", "/api/v1/messages/{message_id}/replies"): {"body": "Hello"},
        ("post", "/api/v1/messages/{message_id}/forward"): {"to": ["JP"]},
        ("post", "/api/v1/messages/{message_id}/forward-consent"): {"members": ["JP"]},
        ("post", "/api/v1/messages/{message_id}/close"): {"outcome": "Done"},
        ("post", "/api/v1/messages/{message_id}/case-steps"): {"step": "received"},
        ("put", "/api/v1/networks/{network}/escalation/{priority}"): {"policy": "on-duty@0s,desk@5m"},
        ("post", "/api/v1/networks/{network}/exercises"): {"at": LATER},
        ("post", "/api/v1/bank/hits/{hit_id}/decision"): {"verdict": "false_match"},
        ("post", "/api/v1/bank/imports/{kind}"): None,  # a file upload; refused before it is read
        ("put", "/api/v1/legal/requests/{reference}"): {"requested": "JP", "kind": "mla", "title": "Records"},
        ("post", "/api/v1/legal/requests/{reference}/send"): {},
        ("post", "/api/v1/legal/requests/{reference}/close"): {"outcome": "Done"},
        ("put", "/api/v1/legal/jurisdictions/{code}"): {"name": "Somewhere", "source": "a note"},
        ("put", "/api/v1/legal/participations/{jurisdiction}/{instrument}"): {
            "consent": "ratification",
            "source": "a note",
        },
        ("put", "/api/v1/legal/profiles/{jurisdiction}"): {"reciprocity_accepted": True, "source": "a note"},
        ("post", "/api/v1/registries/training/{activity_id}/attendances"): {"member": "FR", "count": 2},
        ("put", "/api/v1/registries/strategies/{member}/{item}"): {"status": "gap"},
    }


def unknown_values() -> dict[str, str]:
    return {
        "network": "QQX",
        "member": "QQ",
        "priority": "flash",
        "kind": "un",
        "token": "not-a-token",
        "reference": "LR-2026-0999",
        **{p: value for p, (value, _public) in PUBLIC_PARAMS.items()},
        **{p: str(uuid.uuid4()) for p in UUID_PARAMS},
    }


# Public reference data (legal tables, the strategy checklist) and the training calendar: every signed-in user
# reads them, so nothing of theirs is invisible. Their routes still answer the outsider alike for a name that
# exists nowhere on the test world (unknown) and one that would exist on a node with the seed (the second value).
PUBLIC_PARAMS = {
    "code": ("qq", "cets-196"),
    "jurisdiction": ("QQ", "FR"),
    "instrument": ("qq-0000", "cets-196"),
    "item": ("p9-nothing", "p2-border-security"),
    "activity_id": ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"),
}


UUID_PARAMS = (
    "request_id",
    "agency_id",
    "contact_point_id",
    "channel_id",
    "rotation_id",
    "override_id",
    "token_id",
    "message_id",
    "attachment_id",
    "exercise_id",
    "entity_id",
    "group_id",  # the analysis centre's group: a bank entity
    "run_id",
    "hit_id",
    "proposal_id",
    "officer_id",  # a liaison officer: seen only by members of the networks it serves
)


def operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(verb, path, its path parameters) of every API operation with a path parameter, from the schema."""
    schema = client.get("/openapi.json").json()
    out = []
    for path, ops in sorted(schema["paths"].items()):
        for verb, op in sorted(ops.items()):
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            if params:
                out.append((verb, path, params))
    return out


class Api:
    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def __call__(self, user: str, verb: str, url: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        kw: dict[str, Any] = {"json": body} if body is not None else {}
        return self.client.request(verb.upper(), url, headers=headers, **kw)

    def ok(self, user: str, verb: str, url: str, body: Any = None) -> Any:
        r = self(user, verb, url, body)
        assert r.status_code < 300, f"{user} {verb} {url}: {r.status_code} {r.text}"
        return r.json() if r.content else None


def invisible_objects(api: Api, world: Any) -> dict[str, str]:
    """An object of each kind the outsider cannot see, made by the persona that owns it."""
    ids = {
        "network": "FTF",
        "member": "FR",
        "priority": "flash",
        "kind": "un",
        "token": "not-a-token",
        "agency_id": str(world.ids["dgsi"]),
        "contact_point_id": str(world.ids["claire"]),
    }
    st = api.client.app.state.liaison  # type: ignore[attr-defined]
    with st.sessions() as s:
        ids["channel_id"] = str(
            s.scalars(select(Channel.id).where(Channel.contact_point_id == world.ids["claire"])).first()
        )
    roster = api.ok("fr.cp", "get", "/api/v1/networks/FTF/members/FR/roster")
    ids["rotation_id"] = roster["rotations"][0]["id"]
    override = {"contact_point_id": str(world.ids["marc"]), "start": LATER, "end": LATER2, "reason": "leave"}
    ids["override_id"] = api.ok("fr.cp", "post", "/api/v1/networks/FTF/members/FR/overrides", override)["id"]
    ids["token_id"] = api.ok("fr.cp", "get", "/api/v1/tokens")[0]["id"]
    ids["request_id"] = api.ok("jp.cp", "post", "/api/v1/networks/VOT/membership-requests", {"member_code": "JP"})["id"]
    message = {
        "network": "FTF",
        "kind": "victim_referral",
        "priority": "urgent",
        "subject": "Injured national",
        "body": "Details.",
        "legal_basis": "Art. 7",
        "marking": {"tlp": "green"},
        "to": ["FR"],
        "attachments": [{"filename": "note.pdf", "content_base64": base64.b64encode(PDF).decode()}],
    }
    sent = api.ok("jp.cp", "post", "/api/v1/messages", message)
    ids["message_id"] = sent["id"]
    ids["attachment_id"] = api.ok("jp.cp", "get", f"/api/v1/messages/{sent['id']}")["attachments"][0]["id"]
    ids["exercise_id"] = api.ok("secretariat", "post", "/api/v1/networks/FTF/exercises", {"at": LATER})["id"]
    with transaction(st.sessions) as s:
        users = {u.username: u for u in s.scalars(select(User))}
        de, fr = (principal_for_user(s, users[u], "api", "test") for u in ("de.analyst", "fr.analyst"))

        def organisation(actor: Any, name: str) -> str:
            statements = [StatementInput("name", name, name_kind="primary", source="test file")]  # type: ignore[arg-type]
            return str(create_entity(s, actor=actor, schema="Organization", statements=statements).id)

        ids["entity_id"] = organisation(de, "Northern Front")
        ids["group_id"] = ids["entity_id"]
        organisation(fr, "Northern Front")  # the same group filed by another member: a likely duplicate
        proposals = propose_merges(s, actor=de, threshold=0.5)
        assert proposals, "two near-identical names make a merge proposal"
        ids["proposal_id"] = str(proposals[0].id)
    ids.update({p: value for p, (_unknown, value) in PUBLIC_PARAMS.items()})
    officer = {"name": "Agent Example", "posted_by": "FR", "posted_to": "JP", "networks": ["FTF"]}
    ids["officer_id"] = api.ok("fr.cp", "post", "/api/v1/registries/officers", officer)["id"]
    draft = {"requested": "JP", "kind": "mla", "title": "Bank records"}  # a draft: France's own until sent
    ids["reference"] = api.ok("fr.cp", "post", "/api/v1/legal/requests", draft)["reference"]
    run = api.ok("de.analyst", "post", "/api/v1/bank/screenings", {"queries": [{"id": "1", "name": "Northern Front"}]})
    ids["run_id"] = run["id"]
    ids["hit_id"] = run["results"][0]["matches"][0]["hit_id"]
    return ids


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def shape(r: Any, values: dict[str, str]) -> tuple[int, Any]:
    """Status and body with the names given replaced by a placeholder (each answer names what was asked)."""
    text = r.text
    for value in sorted(values.values(), key=len, reverse=True):
        if len(value) >= 2:
            text = text.replace(value, "<name>").replace(value.upper(), "<name>")
    return r.status_code, text


@pytest.fixture
def api(make_client: Callable[..., TestClient], databases: Any) -> tuple[Api, Any]:
    world, tokens = databases.extra["world"]
    return Api(make_client(), tokens), world


def test_every_route_is_covered(api: tuple[Api, Any]) -> None:
    """Each path parameter has an unknown value and an invisible object; each operation with a body has one."""
    client, _world = api
    ops = operations(client.client)
    names = {p for _verb, _path, params in ops for p in params}
    assert names <= set(unknown_values()), f"name an unknown and an invisible {names - set(unknown_values())}"
    paths = client.client.get("/openapi.json").json()["paths"]
    with_body = {(verb, path) for verb, path, _ in ops if "requestBody" in paths[path][verb]}
    missing = with_body - set(bodies({"contact_point_id": "x", "agency_id": "x"}))
    assert not missing, f"give a valid body for {sorted(missing)}"


def test_invisible_answers_like_unknown_on_every_route(api: tuple[Api, Any]) -> None:
    client, world = api
    invisible = invisible_objects(client, world)
    unknown = unknown_values()
    samples = bodies(invisible)
    differing = []
    for verb, path, params in operations(client.client):
        if (verb, path) in OPEN_BY_CODE:
            continue
        body = samples.get((verb, path))
        given_unknown = {p: unknown[p] for p in params}
        given_invisible = {p: invisible[p] for p in params}
        a = client(OUTSIDER, verb, fill(path, given_unknown), body)
        b = client(OUTSIDER, verb, fill(path, given_invisible), body)
        seen_a, seen_b = shape(a, given_unknown), shape(b, given_invisible)
        if seen_a != seen_b:
            differing.append(f"{verb.upper()} {path}: unknown {seen_a} / invisible {seen_b}")
        elif a.status_code not in (401, 403, 404) and not all(p in NOT_AN_ID for p in params):
            differing.append(f"{verb.upper()} {path}: {a.status_code} for the outsider")
    assert not differing, "\n".join(differing)


def test_visible_but_not_writable_is_still_403(api: tuple[Api, Any]) -> None:
    """Japan's contact point sees France's entries on FTF (a network both take part in) but may not change them."""
    client, world = api
    claire = world.ids["claire"]
    assert client("jp.cp", "get", f"/api/v1/contact-points/{claire}").status_code == 200
    r = client("jp.cp", "patch", f"/api/v1/contact-points/{claire}", {"name": "Renamed"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = client(
        "jp.cp", "post", f"/api/v1/agencies/{world.ids['dgsi']}/contact-points", {"name": "D", "timezone": "UTC"}
    )
    assert r.status_code == 403
