"""What every page shares: the template environment, the logged-in viewer, CSRF checks and form helpers.

Pages are server-rendered and work without JavaScript. A page request without a valid session raises
:class:`NotAuthenticated`, which :func:`liaison.web.ui.pages.error_page` turns into a redirect to the login
form. Every POST carries a ``csrf_token`` field: the web session's token once logged in, or a signed
double-submit token (cookie ``FORM_COOKIE``) on the login and channel-verification forms.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from liaison import i18n, timeinput
from liaison import validation as v
from liaison.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from liaison.i18n import _, lazy_gettext
from liaison.principal import Principal
from liaison.security import same, sign
from liaison.textsafety import visible_bidi
from liaison.web.deps import SESSION_COOKIE, state, web_session
from liaison.web.ui import duty_fmt, fmt, words

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
FORM_COOKIE = "liaison_form"  # double-submit CSRF for forms shown before a session exists
# What a user may reach before setting up the second factor a node requires: the account page (which then
# shows only the set-up), the two set-up steps, and logging out. Nothing else: no data, no password change,
# no API token (a token made now would carry the password alone to the API).
ENROLMENT_PATHS = frozenset({"/account", "/account/totp/begin", "/account/totp/enable", "/logout"})


@cache
def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks' whitespace folded, as babel.cfg extracts them
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.raw_gettext, i18n.raw_ngettext, newstyle=True, pgettext=i18n.raw_pgettext, npgettext=i18n.raw_npgettext
    )
    env.filters.update(fmt.FILTERS)
    env.filters["isolate_text"] = isolate_text
    env.globals.update(fmt.GLOBALS | duty_fmt.GLOBALS | words.GLOBALS)
    return env


def isolate_text(value: Any) -> str:
    """``value`` between the Unicode isolates FSI and PDI, for a name or code placed inside a translated sentence:
    its direction does not reorder the words around it, as ``<bdi>`` would do, but without markup in the
    message (a translated sentence stays one piece of text). Its own directional controls are shown, not obeyed."""
    return "\u2068" + visible_bidi(str(value)) + "\u2069"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user of a page, with the session's CSRF token for its forms."""

    principal: Principal
    session_id: uuid.UUID
    csrf: str
    username: str
    display_name: str
    organisation: str
    totp_enabled: bool
    organisation_id: uuid.UUID | None = None
    organisation_kind: str = ""
    must_enrol: bool = False  # the node requires a second factor and this user has none yet
    language: str | None = None  # the user's own setting (None: the browser's, then the node's)
    time_zone: str | None = None

    @property
    def is_auditor(self) -> bool:
        return self.principal.is_auditor


def viewer(request: Request) -> Viewer:
    found = web_session(request)
    if found is None:
        raise NotAuthenticated("log in to continue")
    ws, principal = found
    user = ws.user
    must_enrol = state(request).settings.totp_required and not user.totp_enabled
    if must_enrol and request.url.path not in ENROLMENT_PATHS:
        raise HTTPException(303, headers={"Location": "/account?saved=totp_required#totp"})
    return Viewer(
        principal,
        ws.id,
        ws.csrf_token,
        user.username,
        user.display_name or user.username,
        user.organisation.name if user.organisation else "",
        user.totp_enabled,
        user.organisation_id,
        user.organisation.kind if user.organisation else "",
        must_enrol,
        user.language,
        user.time_zone,
    )


Me = Annotated[Viewer, Depends(viewer)]


def check_csrf(expected: str, sent: str) -> None:
    if not sent or not expected or not same(sent, expected):
        raise PermissionDenied(_("this form's security token is missing or out of date; reload the page and try again"))


# -- forms shown before login (login, channel verification): a signed double-submit token --------------------------


def form_token(request: Request) -> tuple[str, str | None]:
    """(token for the hidden field, new cookie value to set or None when the browser already has one).

    A cookie made for this request is remembered on it, so the page's forms (the login form and the language
    switcher) carry the same token."""
    cookie = request.cookies.get(FORM_COOKIE) or getattr(request.state, "new_form_cookie", None)
    new = getattr(request.state, "new_form_cookie", None)
    if not cookie or len(cookie) < 20:
        cookie = new = secrets.token_urlsafe(24)
        request.state.new_form_cookie = new
    return sign(state(request).settings.secret_key, "form:" + cookie), new


def check_form_token(request: Request, sent: str) -> None:
    cookie = request.cookies.get(FORM_COOKIE, "")
    check_csrf(sign(state(request).settings.secret_key, "form:" + cookie) if cookie else "", sent)


def set_form_cookie(request: Request, response: Response, value: str | None) -> None:
    if value:
        response.set_cookie(
            FORM_COOKIE, value, httponly=True, samesite="lax", path="/", secure=state(request).settings.secure_cookies
        )


# -- rendering -----------------------------------------------------------------------------------------------------


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    me: Viewer | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    settings = state(request).settings
    # The user's own settings win over the cookie and the browser's (another device may have changed them).
    language = i18n.normalize(me.language) if me else None
    zone = i18n.valid_zone(me.time_zone) if me else None
    switch_token, new_cookie = switcher_token(request, me)
    with i18n.use_locale(language or i18n.current()), i18n.use_zone(zone or i18n.current_zone()):
        html = (
            templates()
            .get_template(template)
            .render(
                me=me,
                node_name=settings.node_name,
                path=request.url.path,
                here=here(request),
                switch_token=switch_token,
                public_secret=settings.public_secret,
                lang=i18n.current(),
                dir=i18n.direction(),
                languages=i18n.LANGUAGES,
                user_zone=i18n.current_zone(),
                **context,
            )
        )
        response = HTMLResponse(html, status_code=status, headers=headers)
        response.headers["content-language"] = i18n.current()
    set_form_cookie(request, response, new_cookie)
    response.headers["cache-control"] = "no-store"  # pages name people; never keep them in shared caches
    return response


def switcher_token(request: Request, me: Viewer | None) -> tuple[str, str | None]:
    """The CSRF token of the language switcher on every page: the session's once logged in (or half-way, at the
    second step), else the signed form token of the pages shown before login."""
    if me is not None:
        return me.csrf, None
    pending = web_session(request, allow_pending_2fa=True) if request.cookies.get(SESSION_COOKIE) else None
    if pending is not None:
        return pending[0].csrf_token, None
    return form_token(request)


def here(request: Request) -> str:
    """Where the language switcher comes back to: this page, when a GET can show it again."""
    if request.method not in ("GET", "HEAD"):
        return "/"
    query = request.url.query
    return safe_next(request.url.path + (f"?{query}" if query else ""))


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in value):
        return default
    return value


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(safe_next(next_path), safe="/")


# A user's roles (models.accounts.ROLES) in plain words.
USER_ROLE_LABELS = {
    "admin": lazy_gettext("Node administrator"),
    "network_admin": lazy_gettext("Network secretariat officer"),
    "contact_point": lazy_gettext("Contact point"),
    "analyst": lazy_gettext("Analyst"),
    "screening_officer": lazy_gettext("Screening officer"),
    "auditor": lazy_gettext("Auditor"),
}


def role_label(role: str) -> str:
    label = USER_ROLE_LABELS.get(role)
    return str(label) if label is not None else role


# Form fields as a page names them in an error ("Time zone: ...").
FIELD_LABELS = {
    "contact_point_id": lazy_gettext("Contact point"),
    "start": lazy_gettext("Start"),
    "end": lazy_gettext("End"),
    "tz": lazy_gettext("Time zone"),
    "reason": lazy_gettext("Reason"),
    "at": lazy_gettext("Time"),
    "designation": lazy_gettext("Roster"),
    "code": lazy_gettext("Code"),
    "name": lazy_gettext("Name"),
    "days": lazy_gettext("Valid for (days)"),
    "timezone": lazy_gettext("Time zone"),
    "languages": lazy_gettext("Languages"),
    "kind": lazy_gettext("Kind"),
    "value": lazy_gettext("Value"),
    "label": lazy_gettext("Label"),
    "participants": lazy_gettext("Participants"),
    "handoff": lazy_gettext("Hand-over time"),
    "period": lazy_gettext("Repeats"),
    "every": lazy_gettext("Every"),
    "layer": lazy_gettext("Layer"),
    "window_start": lazy_gettext("Window start"),
    "window_end": lazy_gettext("Window end"),
    "weekdays": lazy_gettext("Weekdays"),
    "deputy_id": lazy_gettext("Deputy"),
    "member_code": lazy_gettext("Member code"),
    "member_kind": lazy_gettext("Member kind"),
    "member_name": lazy_gettext("Member name"),
    "network": lazy_gettext("Network"),
    "message": lazy_gettext("Message"),
    "status": lazy_gettext("Status"),
    "agency_id": lazy_gettext("Agency"),
    "new_agency_name": lazy_gettext("New agency name"),
    "agency_kind": lazy_gettext("Agency kind"),
    "source": lazy_gettext("Source"),
    "designated_on": lazy_gettext("Designated on"),
    "note": lazy_gettext("Note"),
    "current_password": lazy_gettext("Current password"),
    "new_password": lazy_gettext("New password"),
    "new_password_again": lazy_gettext("New password again"),
}


@dataclass(frozen=True, slots=True)
class FormError:
    field: str
    label: str
    message: str


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ").capitalize()


def form_error(exc: InvalidInput | Conflict, default_field: str = "") -> FormError:
    """The error to show beside a form's field; ``default_field`` takes errors that name none (conflicts)."""
    field = getattr(exc, "field", "") or default_field
    message = exc.reason if isinstance(exc, InvalidInput) else exc.detail
    return FormError(field, field_label(field), message)


def renamed(error: FormError, fields: dict[str, str]) -> FormError:
    """The error moved to this form's name for the field (an action's ``name`` is a form's ``member_name``)."""
    field = fields.get(error.field, error.field)
    return FormError(field, field_label(field), error.message)


# -- parsing form and query values --------------------------------------------------------------------------------


def uuid_or_404(value: str, what: str) -> uuid.UUID:
    """An id from a URL path: a malformed one is answered like an unknown one (``what``: the kind, for callers)."""
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError) as exc:
        # Translators: a link named a record by an id that is not one; %(value)s is what the link gave.
        raise NotFound(_("nothing has the id %(value)s", value=repr(value[:40]))) from exc


def parse_uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError) as exc:
        raise InvalidInput(field, _("choose one from the list")) from exc


def parse_local(value: str, tz: str, field: str) -> datetime:
    """A date and time typed into a form: ISO 8601 with an offset, or a local ``datetime-local`` value in ``tz``."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(field, _("give a date and time"))
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(
            field, _("%(value)s is not a date and time like 2026-11-24T03:00", value=repr(value))
        ) from exc
    if at.tzinfo is None:
        zone = v.timezone(tz or "UTC", "tz")
        at = at.replace(tzinfo=ZoneInfo(zone))
    timeinput.within(at, field)
    return at
