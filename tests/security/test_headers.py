"""Finding 9: security headers.

(a) HSTS on a node served over HTTPS (never over plain HTTP); (b) a CSP that also forbids ``<base>`` and forms
posting elsewhere; (c) the on-duty fast path answers with the same headers as every other API answer; (d) the
interactive API docs at ``/docs`` work under that CSP: every script and style is this node's own, served by it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from liaison.web.deps import cached_principal
from tests.conftest import Databases
from tests.security.conftest import web_login

HSTS = "max-age=31536000; includeSubDomains"
ON_DUTY = "/api/v1/networks/FTF/on-duty/FR?at=2026-11-23T12:00:00Z"
# Headers every answer carries, whatever served it.
SECURITY = ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy")


def directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        name, *values = part.split()
        out[name.lower()] = values
    return out


def token(databases: Databases, username: str) -> str:
    _world, tokens = databases.extra["world"]  # type: ignore[misc]
    return tokens[username]


def answers(client: TestClient, bearer: str) -> dict[str, object]:
    """One answer of each kind: a page, a static file, the docs, a framework 404, the API (refused, routed and
    through the fast path), and the early refusal of a NUL in the URL."""
    auth = {"Authorization": f"Bearer {bearer}"}
    out = {
        "page": client.get("/login"),
        "static": client.get("/static/liaison.css"),
        "docs": client.get("/docs"),
        "not found": client.get("/no-such-page"),
        "healthz": client.get("/healthz"),
        "api refused": client.get("/api/v1/networks"),
        "api": client.get("/api/v1/networks", headers=auth),
        "on-duty routed": client.get(ON_DUTY, headers=auth),  # the token is not cached yet: the FastAPI route
        "nul": client.get("/api/v1/networks?q=%00"),
    }
    out["on-duty fast path"] = client.get(ON_DUTY, headers=auth)
    return out


# -- (a) HSTS --


def test_hsts_on_every_answer_of_a_node_served_over_https_and_never_over_plain_http(
    make_client: Callable[..., TestClient], databases: Databases
) -> None:
    bearer = token(databases, "fr.cp")
    for what, r in answers(make_client(base_url="https://liaison.example.org"), bearer).items():
        assert r.headers.get("strict-transport-security") == HSTS, what  # type: ignore[attr-defined]
    for what, r in answers(make_client(base_url="http://testserver"), bearer).items():
        assert "strict-transport-security" not in r.headers, what  # type: ignore[attr-defined]


# -- (b) CSP --


def test_the_csp_forbids_a_base_element_and_forms_posting_elsewhere(
    make_client: Callable[..., TestClient], databases: Databases
) -> None:
    client = make_client()
    for what, r in answers(client, token(databases, "fr.cp")).items():
        csp = directives(r.headers["content-security-policy"])  # type: ignore[attr-defined]
        assert csp["base-uri"] in (["'none'"], ["'self'"]), what
        assert csp["form-action"] == ["'self'"], what
        assert csp["frame-ancestors"] == ["'none'"] and csp["script-src"] == ["'self'"], what
    assert web_login(client, "fr.cp").status_code == 303  # our own forms post to this origin and still work


# -- (c) the fast path --


def test_the_on_duty_fast_path_answers_with_the_headers_of_every_api_answer(
    make_client: Callable[..., TestClient], databases: Databases
) -> None:
    client = make_client(base_url="https://liaison.example.org")
    bearer = token(databases, "fr.cp")
    auth = {"Authorization": f"Bearer {bearer}"}
    routed = client.get(ON_DUTY, headers=auth)  # through FastAPI: it caches the token's principal
    other = client.get("/api/v1/networks", headers=auth)
    st = client.app.state.liaison  # type: ignore[attr-defined]
    assert cached_principal(st, bearer, "testclient") is not None and st.cache.fresh() is not None
    fast = client.get(ON_DUTY, headers=auth)  # so this one is answered by the fast path
    assert fast.status_code == routed.status_code == 200 and fast.json() == routed.json()
    for name in (*SECURITY, "strict-transport-security", "cache-control"):
        assert fast.headers.get(name) == routed.headers.get(name) == other.headers.get(name), name
    assert fast.headers["cache-control"] == "no-store"


# -- (d) /docs under the CSP --


class Assets(HTMLParser):
    """The scripts, style sheets and inline code of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.inline: list[str] = []
        self._in_script = False
        self.openapi_url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a or any(name.startswith("on") for name in a):
            self.inline.append(f"<{tag}> attribute")
        if tag == "script":
            self._in_script = True
            if a.get("src"):
                self.scripts.append(a["src"] or "")
            else:
                self.inline.append("<script> without src")
        elif tag == "link" and "stylesheet" in (a.get("rel") or ""):
            self.styles.append(a.get("href") or "")
        elif tag == "style":
            self.inline.append("<style>")
        if a.get("data-openapi-url"):
            self.openapi_url = a["data-openapi-url"] or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("inline script code")


def test_the_api_docs_page_loads_only_this_nodes_own_assets_allowed_by_the_csp(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assets = Assets()
    assets.feed(page.text)
    assert assets.scripts and assets.styles, "Swagger UI's script and style sheet"
    assert assets.inline == []  # the CSP allows no inline script or style (no hash, no nonce)
    csp = directives(page.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    for url, kind in [*((u, "javascript") for u in assets.scripts), *((u, "css") for u in assets.styles)]:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), f"{url} is not same-origin"
        r = client.get(url)
        assert r.status_code == 200 and kind in r.headers["content-type"], url
        assert r.headers["x-content-type-options"] == "nosniff"
    schema = client.get(assets.openapi_url)  # fetched by the page: connect-src falls back to default-src 'self'
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert csp["default-src"] == ["'self'"] and "connect-src" not in csp
    assert client.get("/static/swagger-ui/oauth2-redirect.html").status_code == 404  # only what the page loads


@pytest.mark.browser
def test_the_api_docs_work_in_a_real_browser_under_the_csp(tmp_path, empty_db_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from tests.test_browser import serving

    env = {**os.environ, "LIAISON_DATABASE_URL": empty_db_url, "LIAISON_ENV": "test", "LIAISON_LOG_LEVEL": "warning",
           "LIAISON_EMBEDDED_WORKER": "false"}  # fmt: skip
    env.pop("LIAISON_DATABASE_URL_FILE", None)
    with serving(tmp_path, env) as base:
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(f"{base}/docs")
        page.wait_for_selector(".opblock", timeout=20_000)  # Swagger UI read the schema and lists the operations
        assert page.locator('[data-path="/api/v1/networks/{network}/on-duty/{member}"]').count()
        assert page.evaluate("window.__violations") == []
        assert requested and all(url.startswith(base + "/") for url in requested), requested
        page.close()
