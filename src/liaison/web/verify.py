"""Confirming a channel from the code in its test message (a link in the message, or the API)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

from liaison.actions import evidence
from liaison.actions.directory import confirm_channel_verification
from liaison.db import transaction
from liaison.errors import LiaisonError
from liaison.principal import Principal
from liaison.web.deps import client_ip, web_session
from liaison.web.state import AppState

if TYPE_CHECKING:
    from liaison.models import Channel


def confirm_code(st: AppState, code: str, request: Request) -> Channel:
    """The code is the credential here: whoever received the test message proves the channel reaches them.

    A refused code (unknown, replayed, expired) is audited in its own transaction, since the failed
    attempt's transaction is rolled back.
    """
    found = web_session(request)
    actor = found[1] if found else Principal(None, "channel-link", None, None, via="web", ip=client_ip(request))
    try:
        with transaction(st.sessions) as session:
            return confirm_channel_verification(session, actor=actor, code=code)
    except LiaisonError as exc:
        with transaction(st.sessions) as session:
            evidence.verification_refused(session, actor=actor, reason=exc.detail)
        raise
