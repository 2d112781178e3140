"""Server-rendered pages: the router app.py mounts, the static folder, and the HTML error page.

The pages themselves live beside this module, one per concern: ``auth_pages`` (login, TOTP, logout,
channel verification), ``board`` (start page, search, duty board), ``member`` (member page, overrides),
``roster_forms`` (rotations, deputy), ``agency`` and ``channel_forms`` (an agency's contact points and
channels), ``admin`` and ``admin_member`` (a network's secretariat), ``join`` (membership requests),
``oversight`` (readiness, audit log), ``account`` (password, TOTP set-up, API tokens), ``exchange`` (inbox,
compose, acknowledgement link), ``message_page`` (a message and the forms to act on it) and ``exercises_ui``
(the secretariat's dashboard and reachability exercises); ``preferences`` (the language switcher and the
language and time-zone cookies) and ``vendor`` (axe-core for the browser tests, outside production).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from liaison.errors import LiaisonError, NotAuthenticated
from liaison.i18n import lazy_gettext
from liaison.web.ui import (
    account,
    admin,
    admin_member,
    agency,
    analysis_forecast,
    analysis_hub,
    analysis_incidents,
    analysis_links,
    analysis_money,
    auth_pages,
    bank,
    board,
    channel_forms,
    exchange,
    exercises_ui,
    join,
    legal_basis,
    legal_compare,
    legal_offences,
    legal_requests,
    member,
    message_page,
    oversight,
    preferences,
    registries,
    roster_forms,
    vendor,
)
from liaison.web.ui.common import STATIC_DIR, Viewer, login_url, redirect, render, viewer

__all__ = ["STATIC_DIR", "error_page", "router"]

router = APIRouter(include_in_schema=False)
_PAGES = (
    auth_pages,
    board,
    member,
    roster_forms,
    agency,
    channel_forms,
    admin,
    admin_member,
    join,
    oversight,
    account,
    exchange,
    message_page,
    exercises_ui,
    bank,
    analysis_hub,
    analysis_links,
    analysis_money,
    analysis_incidents,
    analysis_forecast,
    legal_basis,
    legal_offences,
    legal_compare,
    legal_requests,
    registries,
    preferences,
    vendor,
)
for _module in _PAGES:
    router.include_router(_module.router)

TITLES = {
    401: lazy_gettext("Please log in"),
    403: lazy_gettext("Not allowed"),
    404: lazy_gettext("Not found"),
    409: lazy_gettext("Already done"),
    422: lazy_gettext("Please check what you entered"),
}


def error_page(request: Request, exc: LiaisonError) -> Response:
    """The HTML answer to a domain error on a page; a page needing a login redirects to the login form."""
    if isinstance(exc, NotAuthenticated) and request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(login_url(target))
    me: Viewer | None = None
    try:
        me = viewer(request)
    except LiaisonError:
        me = None
    links = getattr(exc, "links", None) or []
    suggestions = [] if links else list(getattr(exc, "suggestions", []) or [])
    detail = exc.detail[:1].upper() + exc.detail[1:]
    return render(
        request,
        "error.html",
        status=exc.status,
        me=me,
        title=TITLES.get(exc.status) or lazy_gettext("Something went wrong"),
        status_code=exc.status,
        detail=detail,
        links=links,
        suggestions=suggestions,
    )
