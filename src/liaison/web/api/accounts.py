"""Account API: who am I, my language and time zone, API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from liaison.actions import accounts as act
from liaison.db import transaction
from liaison.queries import accounts as q
from liaison.queries.visibility import visible_token
from liaison.timeinput import TOKEN_DAYS
from liaison.web.api.common import ApiModel
from liaison.web.deps import Actor, Snap, State

router = APIRouter(tags=["accounts"])


@router.get("/me", summary="The authenticated user, organisation and roles")
def me(actor: Actor, st: State) -> dict[str, Any]:
    with st.sessions() as session:
        user = q.user(session, actor.user_id)
        return {
            "username": user.username,
            "display_name": user.display_name,
            "organisation": user.organisation.name,
            "member": user.organisation.member.code if user.organisation.member else None,
            "totp_enabled": user.totp_enabled,
            "roles": [{"role": g.role, "network_id": str(g.network_id) if g.network_id else None} for g in user.grants],
            "language": user.language,
            "time_zone": user.time_zone,
        }


class PreferencesIn(ApiModel):
    language: str | None = Field(
        None, max_length=35, description="ar, en, es, fr, pt, ru or zh; null: the browser's (an unknown code: null)"
    )
    time_zone: str | None = Field(
        None, max_length=64, description="an IANA zone, e.g. Asia/Amman; null: the browser's (an unknown zone: UTC)"
    )


@router.patch("/me", summary="Set your language and time zone (fields left out stay as they are)")
def set_preferences(body: PreferencesIn, actor: Actor, st: State) -> dict[str, Any]:
    given = body.model_fields_set
    with transaction(st.sessions) as session:
        user = q.user(session, actor.user_id)
        act.set_preferences(
            session,
            actor=actor,
            user=user,
            language=body.language if "language" in given else user.language,
            time_zone=body.time_zone if "time_zone" in given else user.time_zone,
        )
        return {"language": user.language, "time_zone": user.time_zone}


class TokenIn(ApiModel):
    name: str
    days: int | None = Field(365, ge=TOKEN_DAYS.least, le=TOKEN_DAYS.most)


@router.post("/tokens", status_code=201, summary="Create an API token for yourself; shown once")
def create_token(body: TokenIn, actor: Actor, st: State) -> dict[str, Any]:
    with transaction(st.sessions) as session:
        user = q.user(session, actor.user_id)
        token, plain = act.create_api_token(
            session, actor=actor, user=user, name=body.name, totp_required=st.settings.totp_required, days=body.days
        )
        return {
            "id": str(token.id),
            "token": plain,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        }


@router.get("/tokens", summary="Your API tokens (never the secret)")
def list_tokens(actor: Actor, st: State) -> list[dict[str, Any]]:
    with st.sessions() as session:
        rows = q.api_tokens(session, actor.user_id)
        return [
            {
                "id": str(t.id),
                "name": t.name,
                "prefix": t.prefix,
                "revoked": t.revoked_at is not None,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in rows
        ]


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(token_id: uuid.UUID, actor: Actor, st: State, snap: Snap) -> Response:
    with transaction(st.sessions) as session:
        token = visible_token(session, snap, actor, token_id)
        act.revoke_api_token(session, actor=actor, token=token)
    st.principals.clear()
    return Response(status_code=204)
