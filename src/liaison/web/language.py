"""Each request's language and time zone: the user's setting (mirrored in a cookie at login and when changed),
else the browser's (``Accept-Language``; the zone its script reports), else the node's default.

A pure ASGI middleware, so the choice is in place (a context variable, see :mod:`liaison.i18n`) for the
endpoint, its dependencies and the templates, in the web pages and the API's error texts alike. An unknown code
or zone in a cookie or header is ignored, never an error.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison import i18n

LANGUAGE_COOKIE = "liaison_lang"  # the user's chosen language (the switcher, or the account's setting at login)
ZONE_COOKIE = "liaison_tz"  # the user's chosen time zone (the account's setting at login)
BROWSER_ZONE_COOKIE = "liaison_browser_tz"  # the zone the browser reports (set by liaison.js), the default


def cookies(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(value for name, value in scope.get("headers", ()) if name == b"cookie")
    if not raw:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def header(scope: Scope, name: bytes) -> str:
    return next((value.decode("latin-1") for key, value in scope.get("headers", ()) if key == name), "")


def request_language(scope: Scope, default: str) -> str:
    return i18n.choose(
        cookies(scope).get(LANGUAGE_COOKIE),
        i18n.parse_accept_language(header(scope, b"accept-language")),
        default=default,
    )


def request_zone(scope: Scope) -> str:
    jar = cookies(scope)
    return i18n.valid_zone(jar.get(ZONE_COOKIE)) or i18n.valid_zone(jar.get(BROWSER_ZONE_COOKIE)) or "UTC"


class LanguageMiddleware:
    """Sets the language and time zone for the request, and says which language the answer is in."""

    def __init__(self, app: ASGIApp, default_language: str) -> None:
        self.app = app
        self.default = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = request_language(scope, self.default)
        lang_token = i18n.set_locale(language)
        zone_token = i18n.set_zone(request_zone(scope))

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name == b"content-language" for name, _ in headers):
                    headers.append((b"content-language", i18n.current().encode()))
                headers.append((b"vary", b"Accept-Language, Cookie"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            i18n.reset_locale(lang_token)
            i18n.reset_zone(zone_token)
