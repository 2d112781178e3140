"""The on-duty fast path answers exactly what the documented route answers, errors included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liaison.queries.duty import duty_answer, find_member, find_network

TIMES = [
    "2026-11-23T06:59:59Z",
    "2026-11-23T07:00:00Z",
    "2026-11-23T12:00:00Z",
    "2026-11-28T03:00:00Z",
    "2026-03-29T00:30:00Z",
    "2026-03-29T01:30:00Z",
]


@pytest.mark.parametrize("member", ["FR", "JP"])
def test_fast_path_equals_the_route(api, member):
    snap = api.client.app.state.liaison.cache.get()
    network = find_network(snap, "FTF")
    for at in TIMES:
        r = api.as_("fr.cp").get(f"/api/v1/networks/FTF/on-duty/{member}", params={"at": at})
        assert r.status_code == 200
        assert r.headers["cache-control"] == "no-store"
        when = datetime.fromisoformat(at.replace("Z", "+00:00"))
        expected = duty_answer(snap, network, find_member(snap, network, member), when).to_json()
        assert r.json() == expected, at


def test_an_override_starting_mid_minute_is_not_hidden_by_the_per_minute_memo(api):
    start = datetime(2026, 11, 24, 12, 0, 30, tzinfo=UTC)
    r = api.as_("secretariat").post(
        "/api/v1/networks/FTF/members/FR/overrides",
        json={
            "contact_point_id": str(api.world.ids["fr_desk"]),
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "reason": "drill",
        },
    )
    assert r.status_code == 201

    def who(at: datetime) -> str:
        return (
            api.as_("jp.cp")
            .get("/api/v1/networks/FTF/on-duty/FR", params={"at": at.isoformat()})
            .json()["contact"]["name"]
        )

    assert who(start - timedelta(seconds=20)) == "Claire Fictive"
    assert who(start + timedelta(seconds=10)) == "Permanence 24/7"
    assert who(start - timedelta(seconds=5)) == "Claire Fictive"


def test_fast_path_errors_match_the_api(api):
    r = api.as_("fr.cp").get("/api/v1/networks/FTF/on-duty/Frnace")
    assert r.status_code == 404 and r.json()["code"] == "not_found" and "FR" in r.json()["suggestions"]
    r = api.client.get("/api/v1/networks/FTF/on-duty/FR", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = api.as_("fr.cp").get("/api/v1/networks/FTF/on-duty/FR", params={"at": "yesterday"})
    assert r.status_code == 422 and r.json()["field"] == "at"


def test_fast_path_answers_only_when_no_database_work_is_due(api):
    import asyncio

    st = api.client.app.state.liaison
    fast = api.client.app.fast_path
    token = api.tokens["jp.cp"]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/networks/FTF/on-duty/FR",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 5),
    }
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    st.cache.stop()  # no background refresher: this test decides when checks are due
    st.cache.check_interval = 3600
    st.principals.clear()
    assert asyncio.run(fast.handle(scope, send)) is False  # unknown token: the route authenticates it
    assert api.as_("jp.cp").get("/api/v1/networks/FTF/on-duty/FR").status_code == 200  # caches both
    assert asyncio.run(fast.handle(scope, send)) is True
    assert sent[0]["status"] == 200 and b'"network":"FTF"' in sent[1]["body"]
    st.cache.mark_dirty()
    assert asyncio.run(fast.handle(scope, send)) is False  # a revision check is due: not on the event loop
