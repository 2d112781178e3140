"""Choosing the language and time zone of a text: the pure core (liaison.i18n) and what a browser receives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison import i18n
from liaison.web.ui import fmt


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar-SA,ar;q=0.9,en;q=0.5", ["ar", "en"]),
        ("de-DE, fr;q=0.8, en;q=0.9", ["en", "fr"]),
        ("pt-BR", ["pt"]),
        ("zh-Hans-CN;q=0.7, ru;q=0.8", ["ru", "zh"]),
        ("es;q=0", []),
        ("xx, *;q=0.1, fr;q=bad", []),
        ("", []),
    ],
)
def test_accept_language_is_read_by_quality(header: str, expected: list[str]) -> None:
    assert i18n.parse_accept_language(header) == expected


def test_an_unknown_language_falls_back_without_error() -> None:
    assert i18n.choose("tlh", None, [], default="fr") == "fr"
    assert i18n.choose("ar_JO.UTF-8") == "ar"
    assert i18n.choose(None, default="klingon") == "en"


def test_use_locale_changes_lists_and_language_names_and_restores() -> None:
    with i18n.use_locale("fr"):
        assert fmt.languages(["en", "ar"]) == "anglais et arabe"
        with i18n.use_locale("ar"):
            assert i18n.is_rtl()
        assert i18n.current() == "fr"
    assert i18n.current() == "en"
    assert fmt.languages(["en", "ar", "fr"]) == "English, Arabic, and French"


def test_times_in_the_readers_zone_with_utc_beside() -> None:
    moment = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
    with i18n.use_zone("Asia/Amman"):
        shown = str(fmt.user_time_utc(moment))
    assert "05:30" in shown and "02:30 UTC" in shown and 'datetime="2026-11-24T02:30Z"' in shown
    with i18n.use_zone("Not/AZone"):
        assert i18n.current_zone() == "UTC"
        assert "02:30 UTC" in str(fmt.user_time_utc(moment))
