"""OpenAPI links: how the id a create returns feeds the operations on what was created.

An OpenAPI link on a response says "the value at this place in my body is the path parameter of that
operation": POST /contact-points returns ``{"id": ...}``, which is the ``contact_point_id`` of GET, PATCH and
POST .../channels on ``/contact-points/{contact_point_id}``. Clients and generators read them, and the stateful
API test (tests/security/test_api_stateful.py) follows them to chain calls: create, then read, change, delete.

Our response bodies are mostly free-form objects in the schema, so a tool cannot guess these chains from
field names; they are declared here, in one table, and added to the generated schema by ``add_links``.
A link whose operation no longer exists fails loudly when the schema is built, so the table cannot rot.
"""

from __future__ import annotations

from typing import Any

V1 = "/api/v1"

# (method, path) of the producer and the status of its success response, then its links:
# name -> ((method, path) of the consumer, {consumer parameter: runtime expression}).
Operation = tuple[str, str]
LINKS: dict[tuple[str, str, str], dict[str, tuple[Operation, dict[str, str]]]] = {
    ("POST", "/networks", "201"): {
        "GetNetwork": (("GET", "/networks/{network}"), {"network": "$response.body#/code"}),
        "AdmitMember": (("POST", "/networks/{network}/members"), {"network": "$response.body#/code"}),
        "ScheduleExercise": (("POST", "/networks/{network}/exercises"), {"network": "$response.body#/code"}),
        "SetEscalation": (("PUT", "/networks/{network}/escalation/{priority}"), {"network": "$response.body#/code"}),
    },
    ("POST", "/networks/{network}/members", "201"): {
        "ChangeMembership": (
            ("PATCH", "/networks/{network}/members/{member}"),
            {"network": "$response.body#/network", "member": "$response.body#/code"},
        ),
        "AddAgency": (("POST", "/members/{member}/agencies"), {"member": "$response.body#/code"}),
        "Designate": (
            ("PUT", "/networks/{network}/members/{member}/designation"),
            {"network": "$response.body#/network", "member": "$response.body#/code"},
        ),
        "GetRoster": (
            ("GET", "/networks/{network}/members/{member}/roster"),
            {"network": "$response.body#/network", "member": "$response.body#/code"},
        ),
    },
    ("POST", "/networks/{network}/membership-requests", "201"): {
        "Decide": (("POST", "/membership-requests/{request_id}/decision"), {"request_id": "$response.body#/id"}),
    },
    ("POST", "/members/{member}/agencies", "201"): {
        "GetAgency": (("GET", "/agencies/{agency_id}"), {"agency_id": "$response.body#/id"}),
        "AddContactPoint": (("POST", "/agencies/{agency_id}/contact-points"), {"agency_id": "$response.body#/id"}),
    },
    ("POST", "/agencies/{agency_id}/contact-points", "201"): {
        "GetContactPoint": (("GET", "/contact-points/{contact_point_id}"), {"contact_point_id": "$response.body#/id"}),
        "ChangeContactPoint": (
            ("PATCH", "/contact-points/{contact_point_id}"),
            {"contact_point_id": "$response.body#/id"},
        ),
        "AddChannel": (
            ("POST", "/contact-points/{contact_point_id}/channels"),
            {"contact_point_id": "$response.body#/id"},
        ),
        "RemoveFirstChannel": (("DELETE", "/channels/{channel_id}"), {"channel_id": "$response.body#/channels/0/id"}),
    },
    ("POST", "/contact-points/{contact_point_id}/channels", "201"): {
        "RemoveChannel": (("DELETE", "/channels/{channel_id}"), {"channel_id": "$response.body#/id"}),
        "VerifyChannel": (("POST", "/channels/{channel_id}/verification"), {"channel_id": "$response.body#/id"}),
        "GetWebhookSecret": (("GET", "/channels/{channel_id}/webhook-secret"), {"channel_id": "$response.body#/id"}),
    },
    ("POST", "/networks/{network}/members/{member}/rotations", "201"): {
        "DeleteRotation": (("DELETE", "/rotations/{rotation_id}"), {"rotation_id": "$response.body#/id"}),
    },
    ("POST", "/networks/{network}/members/{member}/overrides", "201"): {
        "DeleteOverride": (("DELETE", "/overrides/{override_id}"), {"override_id": "$response.body#/id"}),
    },
    ("POST", "/tokens", "201"): {
        "RevokeToken": (("DELETE", "/tokens/{token_id}"), {"token_id": "$response.body#/id"}),
    },
    ("POST", "/messages", "201"): {
        "GetMessage": (("GET", "/messages/{message_id}"), {"message_id": "$response.body#/id"}),
        "Acknowledge": (("POST", "/messages/{message_id}/acknowledge"), {"message_id": "$response.body#/id"}),
        "Answer": (("POST", "/messages/{message_id}/answer"), {"message_id": "$response.body#/id"}),
        "Reply": (("POST", "/messages/{message_id}/replies"), {"message_id": "$response.body#/id"}),
        "Forward": (("POST", "/messages/{message_id}/forward"), {"message_id": "$response.body#/id"}),
        "ConsentToForward": (("POST", "/messages/{message_id}/forward-consent"), {"message_id": "$response.body#/id"}),
        "Close": (("POST", "/messages/{message_id}/close"), {"message_id": "$response.body#/id"}),
        "RecordCaseStep": (("POST", "/messages/{message_id}/case-steps"), {"message_id": "$response.body#/id"}),
        "Export": (("GET", "/messages/{message_id}/export"), {"message_id": "$response.body#/id"}),
    },
    ("POST", "/messages/{message_id}/replies", "201"): {
        "GetReply": (("GET", "/messages/{message_id}"), {"message_id": "$response.body#/id"}),
        "CloseThread": (("POST", "/messages/{message_id}/close"), {"message_id": "$request.path.message_id"}),
    },
    ("POST", "/messages/{message_id}/forward", "201"): {
        "GetForwarded": (("GET", "/messages/{message_id}"), {"message_id": "$response.body#/id"}),
    },
    ("POST", "/networks/{network}/exercises", "201"): {
        "GetExercise": (("GET", "/exercises/{exercise_id}"), {"exercise_id": "$response.body#/id"}),
        "CancelExercise": (("POST", "/exercises/{exercise_id}/cancel"), {"exercise_id": "$response.body#/id"}),
    },
    ("POST", "/bank/screenings", "201"): {
        "GetScreening": (("GET", "/bank/screenings/{run_id}"), {"run_id": "$response.body#/id"}),
    },
}


def _ref(method: str, path: str) -> str:
    """A JSON pointer to an operation of this document (RFC 6901: '~' as ~0, '/' as ~1)."""
    return "#/paths/" + (V1 + path).replace("~", "~0").replace("/", "~1") + "/" + method.lower()


def add_links(schema: dict[str, Any]) -> None:
    """Add the table's links to the responses of a generated OpenAPI document, in place."""
    paths = schema["paths"]
    for (method, path, status), links in LINKS.items():
        response = paths[V1 + path][method.lower()]["responses"][status]  # KeyError: the table is stale
        declared = response.setdefault("links", {})
        for name, ((target_method, target_path), parameters) in links.items():
            target = paths[V1 + target_path][target_method.lower()]
            known = {p["name"] for p in target.get("parameters", [])}
            unknown = set(parameters) - known
            if unknown:
                raise KeyError(f"link {name}: {target_method} {target_path} has no parameter {sorted(unknown)}")
            declared[name] = {"operationRef": _ref(target_method, target_path), "parameters": dict(parameters)}
