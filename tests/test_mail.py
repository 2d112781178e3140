"""Channel verification by e-mail through a real SMTP server on loopback (aiosmtpd), and SMTP failures."""

from __future__ import annotations

import pytest

from liaison.channels import ChannelError
from liaison.channels.verification import deliver_verification
from liaison.settings import load_settings
from tests.conftest import free_port


def test_email_channel_is_verified_through_a_real_smtp_server(smtp, world_db_url):
    from fastapi.testclient import TestClient

    from liaison.app import create_app
    from tests.conftest import build_world_into  # noqa: F401 - the world is in world_db_url already

    controller, inbox = smtp
    settings = load_settings(
        database_url=world_db_url,
        env="test",
        base_url="https://liaison.example.org",
        smtp_url=f"smtp://127.0.0.1:{controller.port}",
        mail_from="noreply@liaison.example.org",
    )
    with TestClient(create_app(settings)) as client:
        from sqlalchemy import select

        from liaison.actions.accounts import create_api_token
        from liaison.db import make_engine, make_session_factory, transaction
        from liaison.models import Channel, User
        from tests.world import ADMIN

        engine = make_engine(world_db_url)
        with transaction(make_session_factory(engine)) as s:
            user = s.scalars(select(User).where(User.username == "fr.cp")).one()
            _, token = create_api_token(s, actor=ADMIN, user=user, name="mail test", totp_required=False)
            channel = s.scalars(select(Channel).where(Channel.value == "claire@ucl.example.fr")).one()
            channel_id = channel.id
        engine.dispose()
        headers = {"Authorization": f"Bearer {token}"}
        r = client.post(f"/api/v1/channels/{channel_id}/verification", headers=headers)
        assert r.status_code == 202, r.text
        assert r.json()["sent_via"] == "SmtpSender"
        (mail,) = inbox.messages
        assert mail["To"] == "claire@ucl.example.fr"
        assert mail["From"] == "noreply@liaison.example.org"
        body = mail.get_payload(decode=True).decode()
        assert "https://liaison.example.org/verify/" in body
        code = body.split("/verify/")[1].split()[0]
        assert client.post("/api/v1/channel-verifications", json={"code": code}).status_code == 200


def test_smtp_server_down_is_a_temporary_channel_error():
    settings = load_settings(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    with pytest.raises(ChannelError) as err:
        deliver_verification(settings, kind="email", value="desk@x.example", contact_name="Desk", code="abc")
    assert err.value.permanent is False


def test_api_says_clearly_when_the_test_message_cannot_be_sent(world_db_url):
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from liaison.actions.accounts import create_api_token
    from liaison.app import create_app
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.models import Channel, User
    from tests.world import ADMIN

    engine = make_engine(world_db_url)
    with transaction(make_session_factory(engine)) as s:
        user = s.scalars(select(User).where(User.username == "fr.cp")).one()
        _, token = create_api_token(s, actor=ADMIN, user=user, name="mail test", totp_required=False)
        channel_id = s.scalars(select(Channel).where(Channel.value == "claire@ucl.example.fr")).one().id
    engine.dispose()
    settings = load_settings(database_url=world_db_url, env="test", smtp_url=f"smtp://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        r = client.post(f"/api/v1/channels/{channel_id}/verification", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 502
    assert r.json()["code"] == "delivery_failed" and r.json()["permanent"] is False


def test_readiness_digest_is_mailed_to_the_secretariat_desk(smtp, world_db_url):
    import json

    from sqlalchemy import select
    from typer.testing import CliRunner

    from liaison.actions.directory import add_channel
    from liaison.cli import app
    from liaison.db import make_engine, make_session_factory, transaction
    from liaison.models import ContactPoint
    from tests.world import ADMIN

    controller, inbox = smtp
    env = {"LIAISON_DATABASE_URL": world_db_url, "LIAISON_SMTP_URL": f"smtp://127.0.0.1:{controller.port}"}
    runner = CliRunner()
    r = runner.invoke(app, ["readiness", "FTF", "--notify"], env=env)
    assert r.exit_code == 1 and "reached nobody" in r.output  # the desk has no e-mail channel yet
    engine = make_engine(world_db_url)
    with transaction(make_session_factory(engine)) as s:
        desk = s.scalars(select(ContactPoint).where(ContactPoint.name == "FTF Secretariat desk")).one()
        add_channel(s, actor=ADMIN, contact_point=desk, kind="email", value="ftf-desk@secretariat.example")
    engine.dispose()
    r = runner.invoke(app, ["readiness", "FTF", "--notify", "--json"], env=env)
    assert r.exit_code == 1  # Japan's weekend gap is critical
    assert json.loads(r.output)["notified"] == [{"to": "ftf-desk@secretariat.example", "error": None}]
    (mail,) = inbox.messages
    assert mail["To"] == "ftf-desk@secretariat.example"
    assert mail["Subject"].startswith("Liaison readiness for FTF:") and "critical" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "[CRITICAL] Japan (JP)" in body
