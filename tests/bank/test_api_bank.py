"""The bank API: search, entity, neighbourhood, screenings (CSV, upload, JSON) and decisions; shapes, 404 for
unknown and invisible alike, audit of person views."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from liaison.models import AuditEvent
from tests.bank.conftest import principals
from tests.bank.test_search import Fictional, build_fictional
from tests.conftest import Api

CSV = "id,name,birth_date,nationality\nq1,BENALI Karim,1975,Algeria\nq2,Youssef Haddad,,\nq3,Zzyzx Qwerty,,\n"


def post_body(api: Api, who: str, url: str, content: bytes, ctype: str = "text/csv"):  # type: ignore[no-untyped-def]
    """POST a raw body (PersonaClient's own headers cannot be merged with a Content-Type)."""
    headers = {**api.as_(who).headers, "Content-Type": ctype}
    return api.client.post(url, content=content, headers=headers)  # type: ignore[attr-defined]


@pytest.fixture
def world(api: Api) -> Fictional:
    return build_fictional(api.sessions, principals(api.sessions))


def test_search_shape_and_need_to_know(api: Api, world: Fictional) -> None:
    r = api.as_("jp.screener").get("/api/v1/bank/search", params={"q": "كريم بن علي"})
    assert r.status_code == 200, r.text
    first = r.json()["items"][0]
    assert set(first) == {
        "entity_id",
        "reference",
        "schema",
        "caption",
        "status",
        "score",
        "match",
        "name",
        "explanation",
    }
    assert first["entity_id"] == str(world.karim) and first["caption"] == "Karim Benali"
    listed = api.as_("jp.screener").get("/api/v1/bank/search", params={"nationality": "DZ"}).json()["items"]
    assert [h["entity_id"] for h in listed] == [str(world.karim)]
    french = api.as_("fr.analyst").get("/api/v1/bank/search", params={"nationality": "DZ"}).json()["items"]
    assert {h["entity_id"] for h in french} == {str(world.karim), str(world.youssef)}
    hidden = api.as_("de.analyst").get("/api/v1/bank/search", params={"q": "Youssef Haddad"}).json()["items"]
    assert str(world.youssef) not in {h["entity_id"] for h in hidden}
    assert api.as_("fr.cp").get("/api/v1/bank/search", params={"q": "Karim"}).status_code == 403
    assert api.as_(None).get("/api/v1/bank/search", params={"q": "Karim"}).status_code == 401
    bad = api.as_("jp.screener").get("/api/v1/bank/search", params={"birth_year": "nineteen"})
    assert bad.status_code == 422 and bad.json()["field"] == "birth_year"
    assert api.as_("jp.screener").get("/api/v1/bank/search", params={"group": str(world.youssef)}).status_code == 404


def test_entity_and_neighbourhood_404_alike_and_person_views_audited(api: Api, world: Fictional) -> None:
    r = api.as_("jp.screener").get(f"/api/v1/bank/entities/{world.karim}")
    assert r.status_code == 200, r.text
    d = r.json()
    for key in ("id", "schema", "caption", "reference", "status", "data_subject_category", "legal_basis"):
        assert key in d
    assert {"names", "properties", "relations", "references", "merged"} <= set(d)
    statement = d["properties"]["birthDate"][0]
    assert {"id", "prop", "value", "contributor", "source", "grade", "marking", "review_date", "retracted_at"} <= set(
        statement
    )
    for who in ("jp.screener", "de.analyst"):
        unknown = api.as_(who).get(f"/api/v1/bank/entities/{uuid.uuid4()}")
        hidden = api.as_(who).get(f"/api/v1/bank/entities/{world.youssef}")
        assert unknown.status_code == hidden.status_code == 404
        assert unknown.json()["code"] == hidden.json()["code"] == "not_found"
        assert api.as_(who).get(f"/api/v1/bank/entities/{world.youssef}/neighbourhood").status_code == 404
    graph = api.as_("de.analyst").get(f"/api/v1/bank/entities/{world.front}/neighbourhood", params={"depth": 1})
    assert graph.status_code == 200
    assert {n["id"] for n in graph.json()["nodes"]} == {str(world.front), str(world.karim), str(world.cell)}
    assert api.as_("fr.analyst").get(f"/api/v1/bank/entities/{world.youssef}").status_code == 200
    with api.sessions() as s:
        views = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "bank.entity.view")))
    assert [(v.actor_name, v.target_id, v.via) for v in views] == [
        ("jp.screener", str(world.karim), "api"),
        ("fr.analyst", str(world.youssef), "api"),
    ]


def same_but_for_the_id(hidden, hidden_id: object, unknown, unknown_id: object) -> None:  # type: ignore[no-untyped-def]
    """Two answers are byte for byte the same once the id each one asked about is blanked out: status, headers
    (content length included) and body. Nothing else is excluded (the app sends no date or request id)."""

    def blank(r, ident: object) -> tuple[int, list[tuple[str, str]], bytes]:  # type: ignore[no-untyped-def]
        body = r.content.replace(str(ident).encode(), b"<ID>")
        assert str(ident).encode() not in body
        return r.status_code, sorted(r.headers.items()), body

    assert blank(hidden, hidden_id) == blank(unknown, unknown_id)


def test_hidden_and_unknown_entities_give_identical_404s(api: Api, world: Fictional) -> None:
    """As for messages: whoever may not see an entity cannot tell it from one that does not exist."""
    for who in ("jp.screener", "de.analyst"):
        client = api.as_(who)
        unknown_id = uuid.uuid4()
        for path in ("/api/v1/bank/entities/{}", "/api/v1/bank/entities/{}/neighbourhood"):
            hidden, unknown = client.get(path.format(world.youssef)), client.get(path.format(unknown_id))
            assert hidden.status_code == 404, (who, path, hidden.text)
            same_but_for_the_id(hidden, world.youssef, unknown, unknown_id)
        hidden = client.get("/api/v1/bank/search", params={"group": str(world.youssef)})
        unknown = client.get("/api/v1/bank/search", params={"group": str(unknown_id)})
        assert hidden.status_code == 404, (who, hidden.text)
        same_but_for_the_id(hidden, world.youssef, unknown, unknown_id)
    # and the entity is there: the French analyst, who contributed it, sees it
    assert api.as_("fr.analyst").get(f"/api/v1/bank/entities/{world.youssef}").status_code == 200


def test_screening_by_csv_upload_and_json(api: Api, world: Fictional) -> None:
    jp = api.as_("jp.screener")
    r = post_body(api, "jp.screener", "/api/v1/bank/screenings?top=2", CSV.encode())
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["query_count"] == 3 and run["match_count"] == 1 and run["via"] == "api"
    assert [x["query_id"] for x in run["results"]] == ["q1", "q2", "q3"]
    m = run["results"][0]["matches"][0]
    assert m["entity_id"] == str(world.karim) and m["match"] is True and uuid.UUID(m["hit_id"])
    assert all(x["entity_id"] != str(world.youssef) for x in run["results"][1]["matches"])
    again = jp.get(f"/api/v1/bank/screenings/{run['id']}").json()
    assert again["results"][0]["matches"][0]["hit_id"] == m["hit_id"]
    assert api.as_("de.analyst").get(f"/api/v1/bank/screenings/{run['id']}").status_code == 404

    upload = jp.post("/api/v1/bank/screenings", files={"file": ("names.csv", CSV.encode(), "text/csv")})
    assert upload.status_code == 201, upload.text
    assert upload.json()["filename"] == "names.csv" and upload.json()["match_count"] == 1

    body = {"queries": [{"id": "j1", "name": "Karim Benali", "nationality": "DZ"}], "top": 1}
    as_json = jp.post("/api/v1/bank/screenings", json=body)
    assert as_json.status_code == 201 and as_json.json()["results"][0]["matches"][0]["match"] is True


@pytest.mark.parametrize(
    ("content", "ctype", "status", "words"),
    [
        (b"id,name,nationality\nq1,Karim,Atlantis\n", "text/csv", 422, "line 2"),
        (b"id,nom\nq1,Karim\n", "text/csv", 422, "line 1"),
        (b'{"queries": []}', "application/json", 422, "queries"),
        (b'{"queries": [{"id": "1", "name": "A", "nationality": "Atlantis"}]}', "application/json", 422, "Atlantis"),
        (b"<xml/>", "application/xml", 422, "Content-Type"),
    ],
)
def test_bad_screenings_are_refused(
    api: Api, world: Fictional, content: bytes, ctype: str, status: int, words: str
) -> None:
    r = post_body(api, "jp.screener", "/api/v1/bank/screenings", content, ctype)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


def test_decisions_by_analysts_change_the_next_run(api: Api, world: Fictional) -> None:
    de = api.as_("de.analyst")
    run = post_body(api, "de.analyst", "/api/v1/bank/screenings", CSV.encode()).json()
    hit = run["results"][0]["matches"][0]
    assert hit["match"] is True
    jp_run = post_body(api, "jp.screener", "/api/v1/bank/screenings", CSV.encode())
    jp_hit = jp_run.json()["results"][0]["matches"][0]["hit_id"]
    refused = api.as_("jp.screener").post(f"/api/v1/bank/hits/{jp_hit}/decision", json={"verdict": "false_match"})
    assert refused.status_code == 403
    assert de.post(f"/api/v1/bank/hits/{jp_hit}/decision", json={"verdict": "false_match"}).status_code == 404
    r = de.post(f"/api/v1/bank/hits/{hit['hit_id']}/decision", json={"verdict": "false_match", "note": "not him"})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "hit_id": hit["hit_id"],
        "entity_id": str(world.karim),
        "decision": "false_match",
        "match": False,
    }
    assert de.post(f"/api/v1/bank/hits/{hit['hit_id']}/decision", json={"verdict": "maybe"}).status_code == 422
    after = post_body(api, "de.analyst", "/api/v1/bank/screenings", CSV.encode()).json()
    m = after["results"][0]["matches"][0]
    assert m["match"] is False and m["decision"] == "false_match"
    assert m["explanation"]["decision"]["text"].startswith("decided false match by de.analyst")


def test_openapi_documents_the_bank(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()  # type: ignore[attr-defined]
    paths = schema["paths"]
    for path in (
        "/api/v1/bank/search",
        "/api/v1/bank/entities/{entity_id}",
        "/api/v1/bank/entities/{entity_id}/neighbourhood",
        "/api/v1/bank/screenings",
        "/api/v1/bank/screenings/{run_id}",
        "/api/v1/bank/hits/{hit_id}/decision",
    ):
        assert path in paths, path
    content = paths["/api/v1/bank/screenings"]["post"]["requestBody"]["content"]
    assert {"text/csv", "multipart/form-data", "application/json"} <= set(content)
    assert content["application/json"]["schema"]["properties"]["queries"]["items"]["required"] == ["id", "name"]
    assert "EntityOut" in schema["components"]["schemas"] and "ScreeningOut" in schema["components"]["schemas"]
