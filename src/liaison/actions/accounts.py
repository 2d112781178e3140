"""Account writes: organisations, users, role grants, passwords, TOTP, API tokens, web sessions."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import security, timeinput
from liaison import validation as v
from liaison.actions.audit import audit
from liaison.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from liaison.models import ApiToken, Network, Organisation, RoleGrant, User, WebSession, utcnow
from liaison.models.accounts import ORGANISATION_KINDS, ROLES
from liaison.principal import Principal

LOCKOUT_AFTER = 10
LOCKOUT_MINUTES = 15


def _require_user_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise PermissionDenied("managing accounts needs a node admin")


def create_organisation(
    session: Session,
    *,
    actor: Principal,
    name: str,
    kind: str,
    member_id: uuid.UUID | None = None,
    short_name: str = "",
    agency_kind: str = "other",
) -> Organisation:
    _require_user_admin(actor)
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(ORGANISATION_KINDS)}")
    org = Organisation(
        name=v.required_text(name, "name"),
        kind=kind,
        member_id=member_id,
        short_name=short_name,
        agency_kind=agency_kind,
    )
    session.add(org)
    session.flush()
    audit(
        session,
        actor=actor,
        action="organisation.create",
        target_type="organisation",
        target_id=org.id,
        details={"name": name, "kind": kind},
    )
    return org


def create_user(
    session: Session,
    *,
    actor: Principal,
    username: str,
    display_name: str,
    organisation: Organisation,
    password: str,
    email: str = "",
    roles: list[tuple[str, Network | None]] | None = None,
) -> User:
    _require_user_admin(actor)
    username = v.required_text(username, "username", 80).lower()
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"user {username} exists already")
    if problem := security.password_problem(password):
        raise InvalidInput("password", problem)
    user = User(
        username=username,
        display_name=v.required_text(display_name, "display_name"),
        email=v.email(email, "email") if email else "",
        organisation_id=organisation.id,
        password_hash=security.hash_password(password),
    )
    session.add(user)
    session.flush()
    audit(
        session,
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.id,
        details={"username": username, "organisation": organisation.name},
    )
    for role, network in roles or []:
        grant_role(session, actor=actor, user=user, role=role, network=network)
    return user


def grant_role(
    session: Session, *, actor: Principal, user: User, role: str, network: Network | None = None
) -> RoleGrant:
    _require_user_admin(actor)
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
    network_id = network.id if network else None
    existing = next((g for g in user.grants if g.role == role and g.network_id == network_id), None)
    if existing:
        return existing
    grant = RoleGrant(user_id=user.id, role=role, network_id=network_id)
    user.grants.append(grant)
    session.flush()
    audit(
        session,
        actor=actor,
        action="role.grant",
        target_type="user",
        target_id=user.id,
        network_id=network_id,
        details={"role": role, "network": network.code if network else None},
    )
    return grant


def revoke_role(session: Session, *, actor: Principal, user: User, role: str, network: Network | None = None) -> None:
    _require_user_admin(actor)
    network_id = network.id if network else None
    for grant in list(user.grants):
        if grant.role == role and grant.network_id == network_id:
            user.grants.remove(grant)
            session.delete(grant)
    audit(
        session,
        actor=actor,
        action="role.revoke",
        target_type="user",
        target_id=user.id,
        network_id=network_id,
        details={"role": role},
    )


def set_password(session: Session, *, actor: Principal, user: User, password: str) -> None:
    if actor.user_id != user.id:
        _require_user_admin(actor)
    if problem := security.password_problem(password):
        raise InvalidInput("password", problem)
    user.password_hash = security.hash_password(password)
    audit(session, actor=actor, action="user.password", target_type="user", target_id=user.id)


def begin_totp(session: Session, *, actor: Principal, user: User) -> str:
    """Store a new, not yet enabled, TOTP secret; it takes effect once the user proves a code from it."""
    if actor.user_id != user.id:
        raise PermissionDenied("only the user can set up their own second factor")
    user.totp_secret = security.new_totp_secret()
    user.totp_enabled = False
    audit(session, actor=actor, action="user.totp_begin", target_type="user", target_id=user.id)
    return user.totp_secret


def enable_totp(session: Session, *, actor: Principal, user: User, code: str) -> None:
    if actor.user_id != user.id:
        raise PermissionDenied("only the user can set up their own second factor")
    if not user.totp_secret or not security.verify_totp(user.totp_secret, code):
        raise InvalidInput("code", "the code does not match; check the authenticator's clock")
    user.totp_enabled = True
    audit(session, actor=actor, action="user.totp_enable", target_type="user", target_id=user.id)


def disable_totp(session: Session, *, actor: Principal, user: User) -> None:
    if actor.user_id != user.id:
        _require_user_admin(actor)
    user.totp_enabled = False
    user.totp_secret = None
    audit(session, actor=actor, action="user.totp_disable", target_type="user", target_id=user.id)


def create_api_token(
    session: Session, *, actor: Principal, user: User, name: str, days: int | None = 365
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plain token is returned once and only its digest is stored."""
    if actor.user_id != user.id:
        _require_user_admin(actor)
    if days is not None:
        timeinput.TOKEN_DAYS.check(days, "days")
    plain = security.new_token()
    token = ApiToken(
        user_id=user.id,
        name=v.required_text(name, "name", 100),
        token_hash=security.digest(plain),
        prefix=plain[:10],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    session.add(token)
    session.flush()
    audit(
        session,
        actor=actor,
        action="api_token.create",
        target_type="api_token",
        target_id=token.id,
        details={"user": user.username, "name": name, "prefix": token.prefix},
    )
    return token, plain


def revoke_api_token(session: Session, *, actor: Principal, token: ApiToken) -> None:
    if actor.user_id != token.user_id:
        _require_user_admin(actor)
    token.revoked_at = utcnow()
    audit(session, actor=actor, action="api_token.revoke", target_type="api_token", target_id=token.id)


def _refuse_if_locked(session: Session, actor: Principal, user: User, now: datetime) -> None:
    if user.locked_until and user.locked_until > now:
        audit(
            session,
            actor=actor,
            action="login.failed",
            target_type="user",
            target_id=user.id,
            details={"reason": "locked"},
        )
        raise NotAuthenticated("too many failed attempts; try again later")


def _failed_attempt(
    session: Session, actor: Principal, user: User, now: datetime, reason: str, message: str
) -> NotAuthenticated:
    """Count a wrong password or code toward the lockout, audit it, and return the error to raise."""
    user.failed_logins += 1
    if user.failed_logins >= LOCKOUT_AFTER:
        user.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
        user.failed_logins = 0
    audit(
        session, actor=actor, action="login.failed", target_type="user", target_id=user.id, details={"reason": reason}
    )
    return NotAuthenticated(message)


def check_password(session: Session, *, username: str, password: str, ip: str) -> User:
    """Verify a password login, with lockout after repeated failures. Every attempt is audited."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    anon = Principal(None, username[:80], None, None, via="web", ip=ip)
    now = utcnow()
    if user is None or not user.is_active:
        security.verify_password(security.hash_password("x" * 12), password)  # same work either way
        audit(session, actor=anon, action="login.failed", details={"reason": "unknown user"})
        raise NotAuthenticated("wrong username or password")
    _refuse_if_locked(session, anon, user, now)
    if not security.verify_password(user.password_hash, password):
        raise _failed_attempt(session, anon, user, now, "wrong password", "wrong username or password")
    user.failed_logins = 0
    return user


def open_session(
    session: Session, *, user: User, hours: int, ip: str, user_agent: str, second_factor_done: bool
) -> tuple[WebSession, str]:
    plain = secrets.token_urlsafe(32)
    ws = WebSession(
        user_id=user.id,
        token_hash=security.digest(plain),
        csrf_token=secrets.token_urlsafe(24),
        second_factor_done=second_factor_done,
        expires_at=utcnow() + timedelta(hours=hours),
        ip=ip,
        user_agent=user_agent[:300],
    )
    session.add(ws)
    if second_factor_done:
        user.last_login_at = utcnow()
    session.flush()
    actor = Principal(user.id, user.username, user.organisation_id, None, via="web", ip=ip)
    audit(
        session,
        actor=actor,
        action="login.password_ok" if not second_factor_done else "login.success",
        target_type="user",
        target_id=user.id,
    )
    return ws, plain


def pass_second_factor(session: Session, *, web_session: WebSession, code: str, ip: str) -> str:
    """Check the TOTP code of a half-open session; on success rotate the session token (no session fixation)
    and return the new plain token for the cookie. Wrong codes count toward the account lockout like wrong
    passwords, so logging in again does not buy more guesses. The caller must commit even on failure."""
    user = web_session.user
    actor = Principal(user.id, user.username, user.organisation_id, None, via="web", ip=ip)
    now = utcnow()
    _refuse_if_locked(session, actor, user, now)
    if not user.totp_secret or not security.verify_totp(user.totp_secret, code):
        raise _failed_attempt(session, actor, user, now, "wrong second factor", "wrong code")
    plain = secrets.token_urlsafe(32)
    web_session.token_hash = security.digest(plain)
    web_session.csrf_token = secrets.token_urlsafe(24)
    web_session.second_factor_done = True
    user.failed_logins = 0
    user.last_login_at = now
    audit(session, actor=actor, action="login.success", target_type="user", target_id=user.id)
    return plain


def close_session(session: Session, *, web_session: WebSession, actor: Principal) -> None:
    web_session.revoked_at = utcnow()
    audit(session, actor=actor, action="logout", target_type="user", target_id=web_session.user_id)
