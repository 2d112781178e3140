"""Accounts looked up for authentication and the account pages: users, API tokens, web sessions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.errors import NotFound
from liaison.i18n import _
from liaison.models import ApiToken, User, WebSession


def user(session: Session, ident: uuid.UUID | None) -> User:
    """The acting user's row (a principal with a user id names an existing user)."""
    return session.get_one(User, ident)


def api_tokens(session: Session, user_id: uuid.UUID | None, *, newest_first: bool = False) -> list[ApiToken]:
    """A user's API tokens, revoked and expired ones included."""
    q = select(ApiToken).where(ApiToken.user_id == user_id)
    if newest_first:
        q = q.order_by(ApiToken.created_at.desc())
    return list(session.scalars(q))


def own_api_token(session: Session, user_id: uuid.UUID | None, token_id: uuid.UUID) -> ApiToken:
    """One of the user's own tokens, or 404 (another user's is answered like an unknown one)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(_("no token %(id)s of yours", id=token_id))
    return token


def api_token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def web_session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    return session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))


def web_session(session: Session, ident: uuid.UUID | None) -> WebSession:
    return session.get_one(WebSession, ident)
