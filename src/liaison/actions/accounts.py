"""Account writes: organisations, users, role grants, passwords, TOTP, API tokens, web sessions."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from liaison import i18n, security, timeinput
from liaison import validation as v
from liaison.actions.audit import audit
from liaison.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from liaison.i18n import _, lazy_gettext
from liaison.models import ApiToken, Network, Organisation, RoleGrant, User, WebSession, utcnow
from liaison.models.accounts import ORGANISATION_KINDS, ROLES
from liaison.principal import Principal

LOCKOUT_AFTER = 10  # wrong passwords in a row before the account is locked ...
LOCKOUT_MINUTES = 15  # ... for this long; a right password clears the count
CODE_LOCKOUT_AFTER = 5  # wrong second-factor codes in a row (across logins) before the account is locked ...
CODE_LOCKOUT_MAX_MINUTES = 24 * 60  # ... for LOCKOUT_MINUTES, doubled by each further wrong code, up to a day
# also the answer for a locked account: it does not say it exists
WRONG_LOGIN = lazy_gettext("wrong username or password")


def _require_user_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("managing accounts needs a node admin"))


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
        raise InvalidInput("kind", _("must be one of %(choices)s", choices=", ".join(ORGANISATION_KINDS)))
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
        raise Conflict(_("user %(username)s exists already", username=username))
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
        raise InvalidInput("role", _("must be one of %(choices)s", choices=", ".join(ROLES)))
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


def live_api_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that still work (not revoked, not expired): what a password change revokes."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .where((ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > utcnow()))
            .order_by(ApiToken.created_at)
        )
    )


def set_password(
    session: Session, *, actor: Principal, user: User, password: str, keep_session_id: uuid.UUID | None = None
) -> int:
    """Change (or, by an admin, reset) a password. Whoever may have known the old one is shut out: every web
    session but ``keep_session_id`` (the one making the change) is closed and every API token of the user is
    revoked, each audited. An admin's reset also lifts a lockout. Returns the number of tokens revoked; the
    caller must drop its cache of token principals after commit."""
    if actor.user_id != user.id:
        _require_user_admin(actor)
    if problem := security.password_problem(password):
        raise InvalidInput("password", problem)
    user.password_hash = security.hash_password(password)
    tokens = live_api_tokens(session, user)
    for token in tokens:
        revoke_api_token(session, actor=actor, token=token, reason="password changed")
    others = session.scalars(
        select(WebSession).where(
            WebSession.user_id == user.id,
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > utcnow(),
            *([WebSession.id != keep_session_id] if keep_session_id else []),
        )
    )
    for other in list(others):
        close_session(session, web_session=other, actor=actor)
    reset = actor.user_id != user.id
    if reset:
        user.failed_logins, user.failed_codes, user.locked_until = 0, 0, None
    audit(
        session,
        actor=actor,
        action="user.password",
        target_type="user",
        target_id=user.id,
        details={"tokens_revoked": len(tokens), "reset_by_admin": reset},
    )
    return len(tokens)


def unlock_user(session: Session, *, actor: Principal, user: User) -> None:
    """Lift a lockout and clear both failure counts (a node admin, e.g. after checking with the user)."""
    _require_user_admin(actor)
    details = {
        "failed_logins": user.failed_logins,
        "failed_codes": user.failed_codes,
        "was_locked": bool(user.locked_until and user.locked_until > utcnow()),
    }
    user.failed_logins, user.failed_codes, user.locked_until = 0, 0, None
    audit(session, actor=actor, action="user.unlock", target_type="user", target_id=user.id, details=details)


def set_preferences(
    session: Session, *, actor: Principal, user: User, language: str | None, time_zone: str | None
) -> dict[str, dict[str, str | None]]:
    """The user's language and time zone (``None``: the browser's, then the node's default). An unknown language
    code falls back to ``None`` and an unknown zone to UTC, never an error: the page still answers, in English or
    in UTC. Audited when something changed; returns ``{"before": {...}, "after": {...}}`` of what changed."""
    if actor.user_id != user.id:
        _require_user_admin(actor)
    wanted = {
        "language": i18n.normalize(language),
        "time_zone": (i18n.valid_zone(time_zone.strip()) or "UTC") if time_zone and time_zone.strip() else None,
    }
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for field, value in wanted.items():
        if getattr(user, field) != value:
            before[field], after[field] = getattr(user, field), value
            setattr(user, field, value)
    if not after:
        return {}
    changes = {"before": before, "after": after}
    audit(session, actor=actor, action="user.preferences", target_type="user", target_id=user.id, details=changes)
    return changes


def begin_totp(session: Session, *, actor: Principal, user: User) -> str:
    """Store a new, not yet enabled, TOTP secret; it takes effect once the user proves a code from it."""
    if actor.user_id != user.id:
        raise PermissionDenied(_("only the user can set up their own second factor"))
    user.totp_secret = security.new_totp_secret()
    user.totp_enabled = False
    user.last_totp_step = None  # steps of the old secret say nothing about the new one
    audit(session, actor=actor, action="user.totp_begin", target_type="user", target_id=user.id)
    return user.totp_secret


def enable_totp(session: Session, *, actor: Principal, user: User, code: str) -> None:
    """Turn the second factor on once the user proves a code; that code is then used up like a login's."""
    if actor.user_id != user.id:
        raise PermissionDenied(_("only the user can set up their own second factor"))
    step = security.totp_step(user.totp_secret, code) if user.totp_secret else None
    if step is None or not _newer_step(user, step):
        raise InvalidInput("code", _("the code does not match; check the authenticator's clock"))
    user.totp_enabled = True
    user.last_totp_step = step
    user.failed_codes = 0
    audit(session, actor=actor, action="user.totp_enable", target_type="user", target_id=user.id)


def disable_totp(session: Session, *, actor: Principal, user: User) -> None:
    if actor.user_id != user.id:
        _require_user_admin(actor)
    user.totp_enabled = False
    user.totp_secret = None
    user.last_totp_step = None
    user.failed_codes = 0
    audit(session, actor=actor, action="user.totp_disable", target_type="user", target_id=user.id)


def create_api_token(
    session: Session, *, actor: Principal, user: User, name: str, totp_required: bool, days: int | None = 365
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plain token is returned once and only its digest is stored.

    ``totp_required`` is the node's setting (``Settings.totp_required``), passed by every caller (web, API,
    CLI) rather than read here: actions know no settings. When it is on, no one (not the user, not an admin,
    not the operator) can issue a token to a user who has not set up a second factor, since such a token would
    let a password alone reach the API; authentication refuses such a user's existing tokens as well."""
    if actor.user_id != user.id:
        _require_user_admin(actor)
    if totp_required and not user.totp_enabled:
        raise PermissionDenied(
            _(
                "this node requires a second factor: %(username)s must set one up (account page) before an API "
                "token can be issued",
                username=user.username,
            )
        )
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


def stamp_token_use(session: Session, *, token_id: uuid.UUID, when: datetime) -> None:
    """Note when a token was last used (shown to its owner). Bookkeeping rather than a change anyone makes, so no
    audit row: authentication calls it at most once an hour per token, in a small transaction of its own."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when))


def revoke_api_token(session: Session, *, actor: Principal, token: ApiToken, reason: str = "") -> None:
    if actor.user_id != token.user_id:
        _require_user_admin(actor)
    token.revoked_at = utcnow()
    audit(
        session,
        actor=actor,
        action="api_token.revoke",
        target_type="api_token",
        target_id=token.id,
        details={"prefix": token.prefix, **({"reason": reason} if reason else {})},
    )


def code_lock_minutes(failed_codes: int) -> int:
    """How long a run of ``failed_codes`` wrong second-factor codes locks the account (0: not at all).

    The fifth wrong code in a row locks for LOCKOUT_MINUTES; each further one (tried once a lock has lapsed)
    locks again for twice as long, up to CODE_LOCKOUT_MAX_MINUTES, so someone who knows the password gets a
    handful of guesses a day at a code, not a few per login."""
    if failed_codes < CODE_LOCKOUT_AFTER:
        return 0
    return int(min(LOCKOUT_MINUTES * 2 ** min(failed_codes - CODE_LOCKOUT_AFTER, 16), CODE_LOCKOUT_MAX_MINUTES))


def _locked(user: User, now: datetime) -> bool:
    return bool(user.locked_until and user.locked_until > now)


def _refused_while_locked(
    session: Session, actor: Principal, user: User, message: str, **details: str
) -> NotAuthenticated:
    audit(
        session,
        actor=actor,
        action="login.failed",
        target_type="user",
        target_id=user.id,
        details={"reason": "locked", **details},
    )
    return NotAuthenticated(message)


def _wrong_password(session: Session, actor: Principal, user: User, now: datetime) -> NotAuthenticated:
    """Count a wrong password toward the lockout, audit it, and return the error to raise."""
    user.failed_logins += 1
    details: dict[str, object] = {"reason": "wrong password"}
    if user.failed_logins >= LOCKOUT_AFTER:
        user.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
        user.failed_logins = 0
        details["locked_minutes"] = LOCKOUT_MINUTES
    audit(session, actor=actor, action="login.failed", target_type="user", target_id=user.id, details=details)
    return NotAuthenticated(str(WRONG_LOGIN))


def _wrong_code(session: Session, actor: Principal, user: User, now: datetime, replayed: bool) -> NotAuthenticated:
    """Count a wrong (or already used) code toward the second-factor lockout, audit it, return the error."""
    user.failed_codes += 1
    details: dict[str, object] = {"reason": "wrong second factor", "failed_codes": user.failed_codes}
    if replayed:
        details["code"] = "already used"
    if minutes := code_lock_minutes(user.failed_codes):
        user.locked_until = now + timedelta(minutes=minutes)
        details["locked_minutes"] = minutes
    audit(session, actor=actor, action="login.failed", target_type="user", target_id=user.id, details=details)
    return NotAuthenticated(_("wrong code"))


def _newer_step(user: User, step: int) -> bool:
    """A code counts only once: its time step must be later than that of the last code accepted."""
    return user.last_totp_step is None or step > user.last_totp_step


def check_password(session: Session, *, username: str, password: str, ip: str) -> User:
    """Verify a password login, with lockout after repeated failures. Every attempt is audited.

    An unknown user, a deactivated one, a wrong password and a locked account get the same answer after the
    same work (one argon2 check), so the answer does not tell whether an account exists; the audit row keeps
    the true reason. A right password clears the count of wrong passwords, never that of wrong codes."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    anon = Principal(None, username[:80], None, None, via="web", ip=ip)
    now = utcnow()
    if user is None or not user.is_active:
        security.verify_decoy(password)
        audit(session, actor=anon, action="login.failed", details={"reason": "unknown user"})
        raise NotAuthenticated(str(WRONG_LOGIN))
    right = security.verify_password(user.password_hash, password)
    if _locked(user, now):
        raise _refused_while_locked(
            session, anon, user, str(WRONG_LOGIN), step="password", password="right" if right else "wrong"
        )
    if not right:
        raise _wrong_password(session, anon, user, now)
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
    and return the new plain token for the cookie. Wrong codes count toward their own lockout, which a right
    password does not clear, so logging in again does not buy more guesses; a code already used (its time
    step is not newer than the last accepted one) counts as wrong. A pending login ends (the session is revoked)
    once the account is locked. The caller must commit even on failure."""
    user = web_session.user
    actor = Principal(user.id, user.username, user.organisation_id, None, via="web", ip=ip)
    now = utcnow()
    if _locked(user, now):
        web_session.revoked_at = now
        raise _refused_while_locked(session, actor, user, "wrong code", step="second factor")
    step = security.totp_step(user.totp_secret, code) if user.totp_secret else None
    if step is None or not _newer_step(user, step):
        error = _wrong_code(session, actor, user, now, replayed=step is not None)
        if _locked(user, now):
            web_session.revoked_at = now
        raise error
    plain = secrets.token_urlsafe(32)
    web_session.token_hash = security.digest(plain)
    web_session.csrf_token = secrets.token_urlsafe(24)
    web_session.second_factor_done = True
    user.failed_logins = 0
    user.failed_codes = 0
    user.last_totp_step = step
    user.last_login_at = now
    audit(session, actor=actor, action="login.success", target_type="user", target_id=user.id)
    return plain


def close_session(session: Session, *, web_session: WebSession, actor: Principal) -> None:
    web_session.revoked_at = utcnow()
    audit(session, actor=actor, action="logout", target_type="user", target_id=web_session.user_id)
