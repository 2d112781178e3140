"""One channel interface and one registry: the directory's own messages (a channel's test message, the
readiness digest, review reminders) go through the same senders as the exchange's notifications, so an SMS
gateway configured for notifications also carries the test message of a mobile number."""

from __future__ import annotations

from typing import ClassVar

import liaison.channels
from liaison.channels.registry import LogSender, Outgoing, SmtpSender, sender_for, senders
from liaison.channels.verification import deliver_verification
from liaison.settings import load_settings


class RecordingGateway:
    """A test SMS gateway (``LIAISON_SMS_TRANSPORT=tests.channels.test_registry:RecordingGateway``)."""

    sent: ClassVar[list[Outgoing]] = []

    def send(self, item: Outgoing) -> None:
        RecordingGateway.sent.append(item)


GATEWAY = "tests.channels.test_registry:RecordingGateway"


def test_a_mobile_test_message_goes_through_the_configured_sms_gateway() -> None:
    LogSender.outbox.clear()
    settings = load_settings(env="test", sms_transport=GATEWAY, base_url="https://liaison.example.org")
    gateway = type(sender_for(settings, "mobile"))  # the class as the registry loads it, by its dotted name
    gateway.sent.clear()
    via = deliver_verification(settings, kind="mobile", value="+33612345678", contact_name="Claire", code="c0de")
    assert via == "RecordingGateway"
    (item,) = gateway.sent
    assert item.to == "+33612345678" and "https://liaison.example.org/verify/c0de" in item.body
    assert LogSender.outbox == []


def test_a_webhook_or_inbox_test_message_is_logged_not_posted() -> None:
    LogSender.outbox.clear()
    settings = load_settings(env="test")
    for kind, value in (("webhook", "https://hooks.example/x"), ("inbox", "inbox")):
        assert deliver_verification(settings, kind=kind, value=value, contact_name="Desk", code="c") == "LogSender"
    assert [(i.kind, i.to) for i in LogSender.outbox] == [("webhook", "https://hooks.example/x"), ("inbox", "inbox")]


def test_one_interface_and_one_registry() -> None:
    assert not hasattr(liaison.channels, "Transport") and not hasattr(liaison.channels, "transport_for")
    settings = load_settings(env="test", smtp_url="smtp://127.0.0.1:2525", sms_transport=GATEWAY)
    by_kind = senders(settings)
    assert isinstance(by_kind["email"], SmtpSender) and isinstance(sender_for(settings, "email"), SmtpSender)
    assert type(by_kind["mobile"]).__name__ == type(sender_for(settings, "phone")).__name__ == "RecordingGateway"
    assert all(callable(getattr(s, "send", None)) for s in by_kind.values())
