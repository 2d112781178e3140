"""Roles, escalation policies and fallback steps in plain words (liaison.web.ui.words)."""

from __future__ import annotations

from datetime import timedelta

from liaison.escalation.rules import parse_policy
from liaison.i18n import use_locale
from liaison.web.ui import words


def test_a_flash_policy_reads_as_sentences() -> None:
    said = words.policy_sentences("on-duty@0s,deputy@5m,desk@10m,secretariat@15m,repeat")
    assert said == [
        "At once: the contact point on duty.",
        "After 5 minutes without an acknowledgement: the deputy.",
        "After 10 minutes without an acknowledgement: the agency's 24/7 desk.",
        "After 15 minutes without an acknowledgement: the network secretariat's 24/7 desk.",
        "Then the whole chain starts again every 30 minutes until someone acknowledges.",
    ]
    assert not any("@" in s or "on-duty" in s for s in said)


def test_rounds_delays_and_an_unreadable_policy() -> None:
    said = words.policy_sentences(parse_policy("on-duty@0s,deputy@1h30m,repeat@30m:3"))
    assert said[1] == "After 1 hour and 30 minutes without an acknowledgement: the deputy."
    assert said[2] == "Then the whole chain starts again every 2 hours, 3 rounds in all, until someone acknowledges."
    assert words.policy_sentences("on-duty@0s,deputy@4h")[-1] == "The chain stops there, acknowledged or not."
    assert words.policy_sentences("nobody@5m") == ["This escalation policy cannot be read: nobody@5m"]


def test_roles_in_plain_words() -> None:
    assert words.role_text("network_admin", "FTF").startswith("Secretariat of FTF:")
    assert "network_admin" not in " ".join(words.roles_text([("network_admin", "FTF"), ("auditor", None)]))
    assert words.roles_text([("auditor", None), ("admin", None)])[0].startswith("Node administrator")
    assert words.role_text("future_role") == "future_role"  # unknown: shown as stored, not hidden


def test_durations_follow_the_language() -> None:
    with use_locale("fr"):
        assert words.duration_words(timedelta(hours=1, minutes=30)) .replace("\xa0", " ") == "1 heure et 30 minutes"
    assert words.duration_words(timedelta(days=2)) == "2 days"
    assert words.fallback_words("desk").startswith("The designated agency's 24/7 desk")
