"""A fast path for the hottest request: ``GET /api/v1/networks/{network}/on-duty/{member}`` with a bearer token.

"Who is on duty now?" is what the product is for, and it is asked by machines (switchboards, other nodes)
as much as by people. FastAPI's routing, dependency resolution and validation cost several times the
lookup itself, so this pure ASGI middleware answers that one request shape directly, with exactly the
same authentication, need-to-know check, audit and JSON as the documented FastAPI route (which still
serves cookie sessions and defines the OpenAPI schema). Anything else passes through untouched.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote

import orjson
from starlette.types import Scope, Send

from liaison import i18n
from liaison.errors import LiaisonError, NotAuthenticated
from liaison.web.deps import cached_principal
from liaison.web.headers import api_headers
from liaison.web.language import request_language
from liaison.web.on_duty import on_duty_bytes
from liaison.web.state import AppState

ROUTE = re.compile(r"^/api/v1/networks/([^/]+)/on-duty/([^/]+)$")


class OnDutyFastPath:
    """Called by :class:`liaison.app.LiaisonApp` before any framework layer; answers or declines."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.headers = api_headers(state.settings.base_url)

    async def handle(self, scope: Scope, send: Send) -> bool:
        """Answer the request if it is a bearer-token on-duty lookup; return False to let the app handle it."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        match = ROUTE.match(scope["path"])
        token = _bearer(scope) if match else None
        if match is None or token is None:
            return False
        # Only when no database work is due: a token not in the cache, or a directory revision check or
        # snapshot rebuild, goes through the regular route, which does that work in the thread pool rather
        # than stalling the event loop.
        client = scope.get("client")
        actor = cached_principal(self.state, token, client[0] if client else "")
        snap = self.state.cache.fresh()
        if actor is None or snap is None:
            return False
        # Before the language middleware: an error's detail is in the request's language all the same.
        language = request_language(scope, self.state.settings.default_language)
        lang_token = i18n.set_locale(language)
        try:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            at = query.get("at", [None])[0]
            payload = on_duty_bytes(self.state, snap, actor, unquote(match.group(1)), unquote(match.group(2)), at)
            status, headers = 200, [(b"content-type", b"application/json")]
        except LiaisonError as exc:
            status, payload = exc.status, orjson.dumps(exc.to_dict())
            headers = [(b"content-type", b"application/json")]
            if isinstance(exc, NotAuthenticated):
                headers.append((b"www-authenticate", b"Bearer"))
        finally:
            i18n.reset_locale(lang_token)
        headers.append((b"content-length", str(len(payload)).encode()))
        headers += [(b"content-language", language.encode()), (b"vary", b"Accept-Language, Cookie")]
        # The same headers as every other API answer: the security headers, and never cached (personal data).
        headers += self.headers
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
        return True


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            v = value.decode("latin-1")
            return v[7:].strip() if v[:7].lower() == "bearer " else None
    return None
