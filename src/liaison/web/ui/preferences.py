"""The reader's language and time zone as cookies, and the language switcher every page shows.

The middleware (:mod:`liaison.web.language`) reads cookie ``liaison_lang`` then ``Accept-Language``, and
``liaison_tz`` then ``liaison_browser_tz`` (the zone liaison.js reports). A logged-in user's own settings are
mirrored into the first two at login and whenever they change, so redirects and error pages, which render before
the user is known, speak the same language. An unknown code or zone never becomes an error: it is dropped.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import accounts
from liaison.db import transaction
from liaison.errors import PermissionDenied
from liaison.queries import accounts as q
from liaison.web.deps import SESSION_COOKIE, state, web_session
from liaison.web.language import LANGUAGE_COOKIE, ZONE_COOKIE
from liaison.web.ui.common import check_csrf, check_form_token, redirect, safe_next

router = APIRouter()
FormStr = Annotated[str, Form()]
YEAR = 365 * 24 * 3600


def _set(request: Request, response: Response, name: str, value: str | None) -> None:
    if value:
        response.set_cookie(
            name,
            value,
            max_age=YEAR,
            samesite="lax",
            secure=state(request).settings.secure_cookies,
            path="/",
        )
    else:
        response.delete_cookie(name, path="/")


def remember_language(request: Request, response: Response, language: str | None) -> None:
    """Cookie ``liaison_lang`` = ``language`` (dropped for ``None``: the browser's language again)."""
    _set(request, response, LANGUAGE_COOKIE, i18n.normalize(language))


def remember_zone(request: Request, response: Response, zone: str | None) -> None:
    """Cookie ``liaison_tz`` = ``zone`` (dropped for ``None``: the zone the browser reports again)."""
    _set(request, response, ZONE_COOKIE, i18n.valid_zone(zone))


def remember_user(request: Request, response: Response, language: str | None, zone: str | None) -> None:
    """At login: the user's settings into the cookies. A user with no language of their own keeps the one just
    chosen on the login page (the cookie stays); a user with no zone of their own gets the browser's."""
    if i18n.normalize(language):
        remember_language(request, response, language)
    remember_zone(request, response, zone)


@router.post("/language")
def switch_language(
    request: Request, language: FormStr = "", csrf_token: FormStr = "", next: FormStr = "/"
) -> Response:
    """The switcher: the cookie for everyone, and the user's own setting (audited) once logged in. Before login
    (or half-way, at the second step) the form carries the signed form token or the pending session's token."""
    target = safe_next(next)
    code = i18n.normalize(language)
    found = web_session(request, allow_pending_2fa=True) if request.cookies.get(SESSION_COOKIE) else None
    if found is None:
        try:
            check_form_token(request, csrf_token)
        except PermissionDenied:
            return redirect(target)  # an expired form changes nothing; the page comes back as it was
    else:
        ws, principal = found
        check_csrf(ws.csrf_token, csrf_token)
        if ws.second_factor_done and code:
            with transaction(state(request).sessions) as session:
                user = q.user(session, principal.user_id)
                accounts.set_preferences(session, actor=principal, user=user, language=code, time_zone=user.time_zone)
    response = redirect(target)
    if code:  # an unknown code changes nothing, silently
        remember_language(request, response, code)
    return response
