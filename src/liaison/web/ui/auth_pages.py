"""Logging in (password, then the TOTP code when enabled), logging out, and the public channel-verification page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liaison.actions import accounts
from liaison.db import transaction
from liaison.errors import InvalidInput, LiaisonError, NotAuthenticated, PermissionDenied
from liaison.i18n import _
from liaison.models import utcnow
from liaison.queries.accounts import web_session as web_session_row
from liaison.queries.directory import channel as channel_row
from liaison.queries.directory import channel_by_code_hash
from liaison.security import digest
from liaison.web.deps import SESSION_COOKIE, client_ip, state, web_session
from liaison.web.ui.common import (
    Me,
    check_csrf,
    check_form_token,
    form_token,
    redirect,
    render,
    safe_next,
    set_form_cookie,
)
from liaison.web.ui.preferences import remember_user
from liaison.web.verify import confirm_code

if TYPE_CHECKING:
    from liaison.models import WebSession

router = APIRouter()

FormStr = Annotated[str, Form()]


def _set_session_cookie(request: Request, response: Response, plain: str) -> None:
    settings = state(request).settings
    response.set_cookie(
        SESSION_COOKIE,
        plain,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def _login_form(
    request: Request, *, next_path: str, username: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    token, cookie = form_token(request)
    response = render(request, "login.html", status=status, csrf=token, next=next_path, username=username, error=error)
    set_form_cookie(request, response, cookie)
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if web_session(request) is not None:
        return redirect(safe_next(next))
    return _login_form(request, next_path=safe_next(next))


@router.post("/login")
def login(
    request: Request, username: FormStr = "", password: FormStr = "", csrf_token: FormStr = "", next: FormStr = "/"
) -> Response:
    next_path = safe_next(next)
    try:
        check_form_token(request, csrf_token)
    except PermissionDenied:
        return _login_form(
            request,
            next_path=next_path,
            username=username,
            status=403,
            error=_("This form had expired. Please enter your password again."),
        )
    if not username.strip() or not password:
        return _login_form(
            request,
            next_path=next_path,
            username=username,
            status=401,
            error=_("Enter your username and your password."),
        )
    st = state(request)
    ip = client_ip(request)
    with st.sessions() as session:
        try:
            user = accounts.check_password(session, username=username, password=password, ip=ip)
        except NotAuthenticated as exc:
            session.commit()  # keep the failed-attempt count and its audit row
            return _login_form(
                request,
                next_path=next_path,
                username=username,
                status=401,
                error=_("Wrong username or password.")
                if exc.detail == accounts.WRONG_LOGIN
                else exc.detail[:1].upper() + exc.detail[1:] + ".",
            )
        two_step = user.totp_enabled
        language, zone = user.language, user.time_zone
        _ws, plain = accounts.open_session(
            session,
            user=user,
            hours=st.settings.session_hours,
            ip=ip,
            user_agent=request.headers.get("user-agent", ""),
            second_factor_done=not two_step,
        )
        session.commit()
    response = redirect("/login/totp?next=" + quote(next_path, safe="/") if two_step else next_path)
    _set_session_cookie(request, response, plain)
    remember_user(request, response, language, zone)  # the second step already speaks the user's language
    return response


def _pending(request: Request) -> WebSession | None:
    found = web_session(request, allow_pending_2fa=True)
    return found[0] if found else None


@router.get("/login/totp")
def totp_page(request: Request, next: str = "/") -> Response:
    ws = _pending(request)
    if ws is None:
        return redirect("/login")
    if ws.second_factor_done:
        return redirect(safe_next(next))
    return render(request, "totp.html", csrf=ws.csrf_token, next=safe_next(next), error="")


@router.post("/login/totp")
def totp_submit(request: Request, code: FormStr = "", csrf_token: FormStr = "", next: FormStr = "/") -> Response:
    ws = _pending(request)
    next_path = safe_next(next)
    if ws is None:
        return redirect("/login")
    check_csrf(ws.csrf_token, csrf_token)
    ip = client_ip(request)
    with state(request).sessions() as session:
        live = web_session_row(session, ws.id)
        try:
            new_token = accounts.pass_second_factor(session, web_session=live, code=code, ip=ip)
        except NotAuthenticated:
            session.commit()  # keep the count of wrong codes, the lock and their audit rows
            if live.revoked_at is not None:  # too many wrong codes in a row: the account is locked for a while
                response = _login_form(
                    request,
                    next_path=next_path,
                    status=401,
                    error=_("Too many wrong codes. The account is locked for a while; try again later."),
                )
                response.delete_cookie(SESSION_COOKIE, path="/")
                return response
            return render(
                request,
                "totp.html",
                status=401,
                csrf=ws.csrf_token,
                next=next_path,
                error=_("That code is wrong. Check the clock of your authenticator and type the current code."),
            )
        session.commit()
    done = redirect(next_path)
    _set_session_cookie(request, done, new_token)  # a fresh token once the second factor is proven
    return done


@router.post("/logout")
def logout(request: Request, me: Me, csrf_token: FormStr = "") -> Response:
    check_csrf(me.csrf, csrf_token)
    with transaction(state(request).sessions) as session:
        accounts.close_session(session, web_session=web_session_row(session, me.session_id), actor=me.principal)
    response: RedirectResponse = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- channel verification (public: the code in the link is the credential) -----------------------------------------


def _verify_form(
    request: Request, code: str, *, status: int = 200, refusal: str = "", retry: bool = False
) -> HTMLResponse:
    token, cookie = form_token(request)
    response = render(
        request, "verify.html", status=status, code=code, csrf=token, refusal=refusal, channel=None, retry=retry
    )
    set_form_cookie(request, response, cookie)
    return response


@router.get("/verify/{code}")
def verify_page(request: Request, code: str) -> Response:
    """Only shows a button: link scanners and prefetchers that open the link do not confirm anything."""
    with state(request).sessions() as session:
        channel = channel_by_code_hash(session, digest(code))
        expires = channel.verification_expires_at if channel is not None else None
    if expires is None:
        return _verify_form(
            request, code, status=404, refusal=_("This verification link is unknown or was already used.")
        )
    if expires < utcnow():
        return _verify_form(
            request, code, status=422, refusal=_("This verification link has expired; ask for a new one.")
        )
    return _verify_form(request, code)


@router.post("/verify/{code}")
def verify_submit(request: Request, code: str, csrf_token: FormStr = "") -> Response:
    try:
        check_form_token(request, csrf_token)
    except PermissionDenied:
        return _verify_form(
            request,
            code,
            status=403,
            refusal=_("This page had expired. Press the button again to confirm."),
            retry=True,
        )
    try:
        channel = confirm_code(state(request), code, request)
    except LiaisonError as exc:
        text = exc.reason if isinstance(exc, InvalidInput) and exc.field == "code" else exc.detail
        return _verify_form(request, code, status=exc.status, refusal=text[:1].upper() + text[1:] + ".")
    with state(request).sessions() as session:
        ch = channel_row(session, channel.id)
        shown = {"kind": ch.kind, "value": ch.value, "contact": ch.contact_point.name, "verified_at": ch.verified_at}
    return render(request, "verify.html", code="", csrf="", refusal="", channel=shown, retry=False)
