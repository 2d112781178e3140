"""The webhook signing secret is shown to the agency's editors only, and reading it is audited."""

from __future__ import annotations

from sqlalchemy import select
from tests.world import ADMIN

from liaison.actions import directory
from liaison.channels.signing import channel_secret
from liaison.db import transaction
from liaison.models import AuditEvent, ContactPoint


def _webhook(api) -> str:
    with transaction(api.sessions) as s:
        cp = s.get(ContactPoint, api.world.ids["claire"])
        ch = directory.add_channel(
            s, actor=ADMIN, contact_point=cp, kind="webhook", value="https://hooks.ucl.example.fr/x"
        )
        return str(ch.id)


def test_editors_read_the_secret_and_the_read_is_audited(api):
    import uuid

    channel_id = _webhook(api)
    r = api.as_("fr.cp").get(f"/api/v1/channels/{channel_id}/webhook-secret")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] == channel_secret(api.client.app.state.liaison.settings.secret_key, uuid.UUID(channel_id))
    with api.sessions() as s:
        assert (
            s.scalar(select(AuditEvent.actor_name).where(AuditEvent.action == "channel.webhook_secret_read")) == "fr.cp"
        )


def test_others_are_refused(api):
    channel_id = _webhook(api)
    for user in ("jp.cp", "auditor"):  # they see the channel in the directory, but its secret is not theirs
        assert api.as_(user).get(f"/api/v1/channels/{channel_id}/webhook-secret").status_code == 403, user
    # the outsider cannot see the channel at all: it answers like an unknown id (issue 10, finding 7)
    assert api.as_("outsider").get(f"/api/v1/channels/{channel_id}/webhook-secret").status_code == 404
