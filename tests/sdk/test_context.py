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


def test_a_datetime_can_be_shown_in_another_zone_and_percentages_keep_decimals() -> None:
    from decimal import Decimal

    ctx = context("en", "Asia/Seoul")
    noon_utc = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert ctx.format_datetime(noon_utc, "short", zone="Europe/London") == "11/24/26, 12:00\u202fPM"
    assert ctx.format_percent(0.085) == "8.5%"
    assert context("es").format_percent(Decimal("0.1")) == "10\xa0%"
    assert context("ko").format_number(Decimal("1234567.5")) == "1,234,567.5"


def test_a_skill_sees_the_manifests_of_the_robeings_other_skills(install_skill) -> None:
    from robeing_sdk import Runtime, RuntimeConfig

    install_skill("lister", handler="""
        from robeing_sdk import Reply, hookimpl
        @hookimpl
        def robeing_handle_message(message, context):
            return Reply(text=",".join(sorted(context.skills)))
    """)
    install_skill("other")
    config = RuntimeConfig(only=frozenset({"lister", "other"}))
    answer = Runtime.from_environment(config).ask_sync("x", skill="lister")
    assert answer.reply.text == "lister,other"


def test_the_skill_under_test_is_found_from_a_test_file_deep_in_a_repository(
        tmp_path) -> None:
    from robeing_sdk.testing import find_skill_name

    project = tmp_path / "repo" / "plugins" / "alpha"
    (project / "alpha_pkg").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "alpha_pkg" / "robeing-skill.toml").write_text(
        'name = "alpha"\nsdk = ">=0"\n[display_name]\nen = "A"\n[description]\nen = "A"\n',
        encoding="utf-8")
    test_file = project / "tests" / "test_alpha.py"
    test_file.write_text("", encoding="utf-8")
    assert find_skill_name(test_file, stop=tmp_path / "repo") == "alpha"
    assert find_skill_name(tmp_path / "repo", stop=tmp_path / "repo") is None
