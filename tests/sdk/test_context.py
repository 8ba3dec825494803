"""Locale-aware values a skill puts in its replies, checked against hand-written text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from robeing_sdk import FakeLLM, Money, RobeingProfile, SkillContext, SkillManifest
from robeing_sdk.i18n import fallback_chain

MANIFEST = SkillManifest(name="x", sdk=">=0", display_name={"en": "x"}, description={"en": "x"})


def context(locale: str, timezone: str = "Asia/Seoul") -> SkillContext:
    return SkillContext(skill="x", manifest=MANIFEST, profile=RobeingProfile(timezone=timezone),
                        locale=locale, locale_chain=fallback_chain(locale), llm=FakeLLM(),
                        folder=None)


@pytest.mark.parametrize(("locale", "money", "in_three_days", "items"), [
    ("ko", "₩300,000", "3일 후", "A, B 및 C"),
    ("en", "₩300,000", "in 3 days", "A, B, and C"),
    ("ja", "₩300,000", "3 日後", "A、B、C"),
    ("zh", "₩300,000", "3天后", "A、B和C"),
    ("es", "300.000\xa0KRW", "dentro de 3 días", "A, B y C"),
])
def test_values_format_for_the_users_locale(locale: str, money: str, in_three_days: str,
                                             items: str) -> None:
    ctx = context(locale)
    assert ctx.format_money(Money(amount=300000, currency="KRW")) == money
    assert ctx.format_timedelta(timedelta(days=3)) == in_three_days
    assert ctx.format_list(["A", "B", "C"]) == items


def test_datetimes_are_shown_in_the_profiles_time_zone() -> None:
    noon_utc = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    in_seoul = context("en", "Asia/Seoul").format_datetime(noon_utc, "short")
    assert in_seoul == "11/24/26, 9:00\u202fPM"
    in_new_york = context("ko", "America/New_York").format_datetime(noon_utc, "short")
    assert in_new_york == "26. 11. 24. AM 7:00"
