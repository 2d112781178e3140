"""The user's own account: language and time zone, password, second factor (TOTP) set-up and personal API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from liaison import i18n
from liaison.actions import accounts
from liaison.db import transaction
from liaison.errors import InvalidInput, NotAuthenticated
from liaison.i18n import _, lazy_gettext
from liaison.queries import accounts as q
from liaison.security import totp_uri
from liaison.web.deps import client_ip, state
from liaison.web.language import BROWSER_ZONE_COOKIE
from liaison.web.ui.common import (
    FormError,
    Me,
    Viewer,
    check_csrf,
    form_error,
    parse_uuid,
    redirect,
    render,
    role_label,
)
from liaison.web.ui.forms import all_zones
from liaison.web.ui.preferences import remember_language, remember_zone

router = APIRouter()
FormStr = Annotated[str, Form()]
SAVED = {
    "password": lazy_gettext(
        "Password changed. Your other sessions were logged out and your API tokens revoked; use the new "
        "password from now on."
    ),
    "totp": lazy_gettext("Second factor is on. You will be asked for a code at every login."),
    "revoked": lazy_gettext("Token revoked. Programs using it can no longer connect."),
    "totp_required": lazy_gettext(
        "This node requires a second factor. Set it up below (an authenticator app on your phone) before you continue."
    ),
    "preferences": lazy_gettext("Saved. Pages now use your language and time zone."),
}


def account_response(
    request: Request,
    me: Viewer,
    *,
    saved: str = "",
    new_token: str = "",
    error: FormError | None = None,
    error_form: str = "",
    status: int = 200,
) -> Response:
    st = state(request)
    with st.sessions() as session:
        user = q.user(session, me.principal.user_id)
        tokens = q.api_tokens(session, user.id, newest_first=True)
        live_tokens = len(accounts.live_api_tokens(session, user))
        pending = user.totp_secret if user.totp_secret and not user.totp_enabled else None
        roles = sorted((g.role, g.network_id) for g in user.grants)
    snap = st.cache.get()
    role_lines = [
        _("%(role)s (%(network)s)", role=role_label(role), network=snap.networks_by_id[net].code)
        if net in snap.networks_by_id
        else role_label(role)
        for role, net in roles
    ]
    uri = totp_uri(pending, user.username, st.settings.node_name) if pending else ""
    grouped = " ".join(pending[i : i + 4] for i in range(0, len(pending), 4)) if pending else ""
    return render(
        request,
        "account.html",
        status=status,
        me=me,
        user=user,
        tokens=tokens,
        live_tokens=live_tokens,
        pending=grouped,
        uri=uri,
        roles=role_lines,
        saved=SAVED.get(saved, ""),
        new_token=new_token,
        error=error,
        error_form=error_form,
        zones=all_zones(),
        browser_zone=i18n.valid_zone(request.cookies.get(BROWSER_ZONE_COOKIE)),
    )


@router.get("/account")
def account_page(request: Request, me: Me, saved: str = "") -> Response:
    return account_response(request, me, saved=saved)


@router.post("/account/preferences")
def save_preferences(
    request: Request, me: Me, csrf_token: FormStr = "", language: FormStr = "", time_zone: FormStr = ""
) -> Response:
    """Language and time zone; empty means the browser's. Unknown values fall back (English, UTC), no error."""
    check_csrf(me.csrf, csrf_token)
    with transaction(state(request).sessions) as session:
        user = q.user(session, me.principal.user_id)
        accounts.set_preferences(session, actor=me.principal, user=user, language=language, time_zone=time_zone)
        saved_language, saved_zone = user.language, user.time_zone
    response = redirect("/account?saved=preferences#preferences")
    remember_language(request, response, saved_language)
    remember_zone(request, response, saved_zone)
    return response


@router.post("/account/totp/begin")
def totp_begin(request: Request, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    with transaction(state(request).sessions) as session:
        accounts.begin_totp(session, actor=me.principal, user=q.user(session, me.principal.user_id))
    return redirect("/account#totp")


@router.post("/account/totp/enable")
def totp_enable(request: Request, me: Me, csrf_token: FormStr = "", code: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        with transaction(state(request).sessions) as session:
            accounts.enable_totp(session, actor=me.principal, user=q.user(session, me.principal.user_id), code=code)
    except InvalidInput as exc:
        return account_response(request, me, error=form_error(exc), status=exc.status)
    return redirect("/account?saved=totp#totp")


@router.post("/account/tokens")
def token_create(
    request: Request, me: Me, csrf_token: FormStr = "", name: FormStr = "", days: FormStr = "365"
) -> Response:
    check_csrf(me.csrf, csrf_token)
    try:
        try:
            valid_days = int(days)
        except ValueError as exc:
            raise InvalidInput("days", _("give a number of days, e.g. 365")) from exc
        with transaction(state(request).sessions) as session:
            _token, plain = accounts.create_api_token(
                session,
                actor=me.principal,
                user=q.user(session, me.principal.user_id),
                name=name,
                totp_required=state(request).settings.totp_required,
                days=valid_days,
            )
    except InvalidInput as exc:
        return account_response(request, me, error=form_error(exc), status=exc.status)
    return account_response(request, me, new_token=plain)


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: str, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    ident = parse_uuid(token_id, "token")
    st = state(request)
    with transaction(st.sessions) as session:
        token = q.own_api_token(session, me.principal.user_id, ident)
        accounts.revoke_api_token(session, actor=me.principal, token=token)
    st.principals.clear()
    return redirect("/account?saved=revoked#tokens")


@router.post("/account/password")
def change_password(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    current_password: FormStr = "",
    new_password: FormStr = "",
    new_password_again: FormStr = "",
) -> Response:
    """The current password is checked like a login (a wrong one counts toward the lockout and is audited).
    The change logs out the user's other sessions and revokes all their API tokens (the page says so first)."""
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    try:
        if not current_password:
            raise InvalidInput("current_password", _("enter your current password"))
        if new_password != new_password_again:
            raise InvalidInput("new_password_again", _("does not match the new password; type it again"))
        if new_password == current_password:
            raise InvalidInput("new_password", _("must differ from the current password"))
        refused = ""
        with transaction(st.sessions) as session:
            try:
                user = accounts.check_password(
                    session, username=me.username, password=current_password, ip=client_ip(request)
                )
            except NotAuthenticated as exc:  # this transaction still commits the failed attempt and its audit row
                refused = _("is not your current password") if "wrong" in exc.detail else exc.detail
            else:
                try:
                    accounts.set_password(
                        session, actor=me.principal, user=user, password=new_password, keep_session_id=me.session_id
                    )
                except InvalidInput as exc:
                    raise InvalidInput("new_password", exc.reason) from exc
        st.principals.clear()  # revoked tokens stop working now, not when their cached principal expires
        if refused:
            raise InvalidInput("current_password", refused)
    except InvalidInput as exc:
        return account_response(request, me, error=form_error(exc), error_form="password", status=exc.status)
    return redirect("/account?saved=password#password")
