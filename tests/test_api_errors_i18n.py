"""The API's error texts in the reader's language: the ``detail`` of a 401, 403, 404, 405, 422 or 500 follows
``Accept-Language`` (through the catalogs), while the status and the machine fields (``code``, ``field``) stay the
same in every language; an unknown language answers in English.

The catalogs are filled by the translators; until then a message translates to itself. So each answer is checked
twice: against the catalog as it stands (the detail equals the message looked up in French), and against a pseudo
catalog built from the code's own messages, which brackets every message (``⟦...⟧``) and so shows that the
detail really went through the catalog and was not written in English past it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from liaison import i18n
from liaison.app import create_app
from liaison.i18n import _, use_locale
from liaison.matching import wording
from liaison.matching.types import Feature
from liaison.settings import load_settings
from liaison.web import input_errors
from tests.test_catalogs import KEYWORDS

ROOT = Path(__file__).resolve().parents[1]
INVALID_AT = "yesterday"


def _not_found_network() -> str:
    return _("no network %(code)r", code="FTX")


def _bad_instant() -> str:
    reason = _("%(text)r is not an ISO 8601 date-time, e.g. 2026-11-23T03:00:00Z", text=INVALID_AT)
    return _("%(field)s: %(reason)s", field="at", reason=reason)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    persona: str | None
    status: int
    code: str
    detail: Callable[[], str]  # the expected detail, worded in the current language
    body: dict[str, Any] | None = None


CASES = [
    Case("401", "GET", "/api/v1/networks", None, 401, "not_authenticated",
         lambda: _("log in, or send an API token as 'Authorization: Bearer <token>'")),
    Case("403", "GET", "/api/v1/audit", "fr.cp", 403, "forbidden",
         lambda: _("reading the audit log needs the auditor role")),
    Case("404 unknown network", "GET", "/api/v1/networks/FTX/on-duty/FR", "fr.cp", 404, "not_found",
         _not_found_network),
    Case("404 unknown route", "GET", "/api/v1/no-such-route", "fr.cp", 404, "not_found", lambda: _("Not Found")),
    Case("405", "DELETE", "/api/v1/networks", "admin", 405, "http_error", lambda: _("Method Not Allowed")),
    Case("422 from an action", "GET", f"/api/v1/networks/FTF/on-duty/FR?at={INVALID_AT}", "fr.cp", 422, "invalid",
         _bad_instant),
    Case("422 from pydantic", "POST", "/api/v1/networks", "admin", 422, "invalid",
         lambda: _("%(field)s: %(reason)s", field="code", reason=_("Field required")), body={"name": "No code"}),
]  # fmt: skip


def _answer(client: TestClient, case: Case, tokens: dict[str, str], language: str) -> Any:
    headers = {"Accept-Language": language}
    if case.persona:
        headers["Authorization"] = f"Bearer {tokens[case.persona]}"
    return client.request(case.method, case.path, headers=headers, json=case.body)


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A French catalog that brackets every message the code marks (extracted as `make catalogs-extract` does)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    pseudo = Catalog(locale="fr")
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "src" / "liaison"), method_map, options_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            pseudo.add(message[:2], tuple(f"⟦{form}⟧" for form in message[:2]), context=context)
        else:
            pseudo.add(message, f"⟦{message}⟧", context=context)
    out = tmp_path_factory.mktemp("pseudo")
    (out / "fr" / "LC_MESSAGES").mkdir(parents=True)
    with (out / "fr" / "LC_MESSAGES" / "messages.mo").open("wb") as f:
        write_mo(f, pseudo)
    return out


@pytest.fixture
def pseudo_french(pseudo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(i18n, "LOCALE_DIR", pseudo_dir)
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_detail_follows_accept_language_and_the_code_does_not(api, case: Case) -> None:
    english = _answer(api.client, case, api.tokens, "en")
    assert (english.status_code, english.json()["code"]) == (case.status, case.code), english.text
    assert english.json()["detail"] == case.detail()  # English: the message itself
    french = _answer(api.client, case, api.tokens, "fr-FR,fr;q=0.9,en;q=0.5")
    assert french.status_code == case.status
    assert french.headers["content-language"] == "fr"
    with use_locale("fr"):
        expected = case.detail()
    assert french.json()["detail"] == expected
    machine = {k: v for k, v in english.json().items() if k not in ("detail", "errors")}
    assert {k: v for k, v in french.json().items() if k not in ("detail", "errors")} == machine


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_detail_goes_through_the_catalog(api, pseudo_french: None, case: Case) -> None:
    r = _answer(api.client, case, api.tokens, "fr")
    assert (r.status_code, r.json()["code"]) == (case.status, case.code)
    detail = r.json()["detail"]
    assert detail.startswith("⟦") and detail.endswith("⟧"), detail
    with use_locale("fr"):
        assert detail == case.detail()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_unknown_language_answers_in_english(api, pseudo_french: None, case: Case) -> None:
    r = _answer(api.client, case, api.tokens, "tlh, x-klingon;q=0.9, *;q=0.1")
    assert (r.status_code, r.json()["code"]) == (case.status, case.code)
    assert r.json()["detail"] == case.detail()
    assert "⟦" not in r.text and r.headers["content-language"] == "en"


def test_the_on_duty_fast_path_answers_in_the_readers_language(api, pseudo_french: None) -> None:
    """The bearer-token on-duty lookup is answered before the language middleware (liaison.web.fastpath)."""
    reader = api.as_("fr.cp")
    reader.get("/api/v1/networks/FTF/on-duty/FR")  # caches the token's principal: the next lookups take the fast path
    for language, expected in (("fr", "⟦no network 'FTX'⟧"), ("en", "no network 'FTX'")):
        r = api.client.get("/api/v1/networks/FTX/on-duty/FR", headers={**reader.headers, "Accept-Language": language})
        assert (r.status_code, r.json()["code"], r.json()["detail"]) == (404, "not_found", expected)
        assert r.headers["content-language"] == language
    answers = {
        language: api.client.get(
            "/api/v1/networks/FTF/on-duty/FR", headers={**reader.headers, "Accept-Language": language}
        ).json()
        for language in ("fr", "en", "fr")
    }
    assert answers["fr"]["message"].startswith("⟦") and not answers["en"]["message"].startswith("⟦")
    assert {k: v for k, v in answers["fr"].items() if k not in ("at", "message")} == {
        k: v for k, v in answers["en"].items() if k not in ("at", "message")
    }


def test_a_nul_in_the_url_is_refused_in_the_readers_language(api, pseudo_french: None) -> None:
    r = api.client.get("/api/v1/networks/F%00TF", headers={"Accept-Language": "fr"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid")
    assert r.json()["detail"] == "⟦the URL must not contain NUL characters⟧"


def test_a_server_error_answers_json_in_the_readers_language(world_db_url: str, pseudo_french: None) -> None:
    app = create_app(load_settings(database_url=world_db_url, env="test", base_url="http://testserver"))

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/broken", broken)
    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        for language, bracketed in (("fr", True), ("en", False)):
            r = client.get("/api/v1/broken", headers={"Accept-Language": language})
            assert (r.status_code, r.json()["code"]) == (500, "internal_error")
            assert r.json()["detail"].startswith("⟦") is bracketed
            assert "a bug" not in r.text
        page = client.get("/broken", headers={"Accept-Language": "fr"})
        assert page.status_code == 500 and page.text.startswith("⟦")


class _Shape(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(min_length=2, max_length=3)
    count: int = Field(ge=1, le=5)
    ratio: float
    flag: bool
    when: str = Field(pattern=r"^\d{4}$")
    items: list[int] = Field(min_length=1, max_length=2)


BAD_SHAPES: list[dict[str, Any]] = [
    {},
    {"name": "x", "count": 0, "ratio": "half", "flag": "perhaps", "when": "soon", "items": []},
    {"name": "long name", "count": 9, "ratio": [], "flag": [], "when": 1, "items": [1, 2, 3]},
    {"name": 5, "count": "many", "ratio": 1, "flag": True, "when": "2026", "items": "all", "extra": 1},
    {"name": "ab", "count": 2.5, "ratio": 1, "flag": True, "when": "2026", "items": ["x"]},
]


@pytest.mark.parametrize("data", BAD_SHAPES)
def test_pydantic_messages_we_translate_read_as_pydantic_writes_them_in_english(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        _Shape.model_validate(data)
    for error in info.value.errors():
        if error["type"] in input_errors.MESSAGES:
            assert input_errors.message(error) == error["msg"], error


def test_explanations_stay_english_records_and_read_in_the_readers_language(pseudo_french: None) -> None:
    feature = Feature.worded("birth_year", -0.08, "birth_year_disagrees", given="1974", listed="1980", gap="6")
    stored = feature.to_dict()
    assert stored["detail"] == "1974 disagrees with 1980 (6 years apart)"
    with use_locale("fr"):
        assert (
            Feature.worded("birth_year", -0.08, "birth_year_disagrees", given="1974", listed="1980", gap="6") == feature
        )
        assert wording.detail(stored) == "⟦1974 disagrees with 1980 (6 years apart)⟧"
        assert wording.label("birth_year") == "⟦birth year⟧"
        assert wording.detail({"name": "name", "detail": "ali=ali"}) == "ali=ali"  # the notation, as stored
    assert wording.detail(stored) == stored["detail"]
