"""Authentication and request-scoped dependencies, as ``Annotated`` aliases.

Every request is authenticated: a bearer API token (machines) or a session cookie (browsers). Cookie
sessions must send the CSRF token on every unsafe method. On a node that requires a second factor
(``Settings.totp_required``), a user who has not set one up gets nothing from the API, by cookie or by token:
a password alone must not reach the data; the web pages let such a user set the factor up and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from liaison.actions.accounts import stamp_token_use
from liaison.errors import NotAuthenticated, PermissionDenied
from liaison.i18n import _
from liaison.models import utcnow
from liaison.principal import Principal
from liaison.queries.accounts import api_token_by_hash, web_session_by_hash
from liaison.queries.principals import principal_for_user
from liaison.queries.snapshot import Snapshot
from liaison.security import digest, same
from liaison.web.state import AppState

if TYPE_CHECKING:
    from liaison.models import WebSession

SESSION_COOKIE = "liaison_session"
PRINCIPAL_TTL = 5.0  # seconds a token's principal is cached; revocation and role changes apply within this
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def state(request: Request) -> AppState:
    st: AppState = request.app.state.liaison
    return st


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def cached_principal(st: AppState, token: str, ip: str) -> Principal | None:
    """The token's principal if it is cached and fresh, else None (never touches the database)."""
    cached = st.principals.get(digest(token))
    if cached and cached[0] > time.monotonic():
        return cached[1].with_request("api", ip)
    return None


def token_principal(st: AppState, token: str, ip: str) -> Principal:
    key = digest(token)
    cached = st.principals.get(key)
    now = time.monotonic()
    if cached and cached[0] > now:
        return cached[1].with_request("api", ip)
    # A read outside any transaction: authenticating never waits for, or holds, a write lock.
    with st.reads() as session:
        row = api_token_by_hash(session, key)
        when = utcnow()
        if row is None or row.revoked_at or (row.expires_at and row.expires_at < when) or not row.user.is_active:
            raise NotAuthenticated(_("invalid, expired or revoked API token"))
        if st.settings.totp_required and not row.user.totp_enabled:
            raise NotAuthenticated(
                _(
                    "this node requires a second factor: log in to the web app and set it up on your account page "
                    "first; this token works again once it is on"
                )
            )
        stamp = row.last_used_at is None or (when - row.last_used_at).total_seconds() > 3600
        token_id = row.id
        p = principal_for_user(session, row.user, "api", ip)
    if stamp:  # last use, to the hour: a small write, rarely
        with st.sessions() as session, session.begin():
            stamp_token_use(session, token_id=token_id, when=when)
    if len(st.principals) > 10_000:
        st.principals.clear()
    st.principals[key] = (now + PRINCIPAL_TTL, p, None)
    return p


def web_session(request: Request, *, allow_pending_2fa: bool = False) -> tuple[WebSession, Principal] | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    st = state(request)
    with st.reads() as session:
        ws = web_session_by_hash(session, digest(token))
        if ws is None or ws.revoked_at or ws.expires_at < utcnow() or not ws.user.is_active:
            return None
        if not ws.second_factor_done and not allow_pending_2fa:
            return None
        return ws, principal_for_user(session, ws.user, "web", client_ip(request))


def authenticate(request: Request) -> Principal:
    auth = request.headers.get("authorization", "")
    ip = client_ip(request)
    if auth.lower().startswith("bearer "):
        return token_principal(state(request), auth[7:].strip(), ip)
    found = web_session(request)
    if found is None:
        raise NotAuthenticated(_("log in, or send an API token as 'Authorization: Bearer <token>'"))
    ws, principal = found
    if state(request).settings.totp_required and not ws.user.totp_enabled:
        raise PermissionDenied(
            _("this node requires a second factor: log in to the web app and set it up on your account page first")
        )
    if request.method in UNSAFE:
        sent = request.headers.get("x-csrf-token", "")
        if not sent or not same(sent, ws.csrf_token):
            raise PermissionDenied(_("missing or wrong X-CSRF-Token header for a cookie session"))
    return principal


def db_session(request: Request) -> Iterator[Session]:
    """A session whose transaction commits when the handler returns and rolls back on any error."""
    with state(request).sessions() as session, session.begin():
        yield session


def snapshot(request: Request) -> Snapshot:
    return state(request).cache.get()


Actor = Annotated[Principal, Depends(authenticate)]
Db = Annotated[Session, Depends(db_session)]
Snap = Annotated[Snapshot, Depends(snapshot)]
State = Annotated[AppState, Depends(state)]
