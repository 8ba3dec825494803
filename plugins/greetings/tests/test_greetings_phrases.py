"""Plain unit tests for recognizing small talk and the part of the day."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from robeing_greetings.daytime import PartOfDay, local_time, part_of_day
from robeing_greetings.phrases import Kind, classify, fold


@pytest.mark.parametrize(("text", "kind"), [
    ("hello", Kind.HELLO),
    ("Hi there!", Kind.HELLO),
    ("good morning", Kind.HELLO),
    ("안녕하세요", Kind.HELLO),
    ("こんにちは", Kind.HELLO),
    ("你好", Kind.HELLO),
    ("¡Hola!", Kind.HELLO),
    ("Buenos días", Kind.HELLO),
    ("how are you?", Kind.HOW_ARE_YOU),
    ("Hi, how's it going?", Kind.HOW_ARE_YOU),
    ("잘지내요?", Kind.HOW_ARE_YOU),
    ("お元気ですか", Kind.HOW_ARE_YOU),
    ("你好吗？", Kind.HOW_ARE_YOU),
    ("¿Qué tal?", Kind.HOW_ARE_YOU),
    ("thanks!", Kind.THANKS),
    ("감사합니다", Kind.THANKS),
    ("ありがとうございます", Kind.THANKS),
    ("谢谢", Kind.THANKS),
    ("Muchas gracias", Kind.THANKS),
    ("bye", Kind.GOODBYE),
    ("안녕히 가세요", Kind.GOODBYE),
    ("おやすみなさい", Kind.GOODBYE),
    ("再见", Kind.GOODBYE),
    ("Adiós", Kind.GOODBYE),
    ("what can you do?", Kind.CAPABILITIES),
    ("뭘 할 수 있어?", Kind.CAPABILITIES),
    ("何ができますか", Kind.CAPABILITIES),
    ("你能做什么", Kind.CAPABILITIES),
    ("¿Qué puedes hacer?", Kind.CAPABILITIES),
])
def test_classify(text: str, kind: Kind) -> None:
    assert classify(text) is kind


@pytest.mark.parametrize("text", ["quote 3 hours of design", "this is high", "they"])
def test_classify_ignores_other_text_and_parts_of_words(text: str) -> None:
    assert classify(text) is None


def test_fold_drops_latin_accents_but_keeps_cjk() -> None:
    assert fold("Adiós ¿CÓMO estás?") == "adios ¿como estas?"
    assert fold("がんばって 감사") == "がんばって 감사"


@pytest.mark.parametrize(("hour", "part"), [
    (4, PartOfDay.NIGHT), (5, PartOfDay.MORNING), (11, PartOfDay.MORNING),
    (12, PartOfDay.AFTERNOON), (17, PartOfDay.AFTERNOON), (18, PartOfDay.EVENING),
    (21, PartOfDay.EVENING), (22, PartOfDay.NIGHT), (0, PartOfDay.NIGHT),
])
def test_part_of_day_boundaries(hour: int, part: PartOfDay) -> None:
    assert part_of_day(datetime(2026, 6, 1, hour, 30, tzinfo=UTC), "UTC") is part


def test_part_of_day_uses_the_owners_time_zone() -> None:
    moment = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # 08:00 the next day in Seoul
    assert part_of_day(moment, "UTC") is PartOfDay.NIGHT
    assert part_of_day(moment, "Asia/Seoul") is PartOfDay.MORNING
    assert part_of_day(moment, "America/New_York") is PartOfDay.EVENING  # 18:00 EST


def test_an_unknown_zone_counts_as_utc() -> None:
    moment = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert local_time(moment, "Mars/Olympus_Mons") == moment
    assert part_of_day(moment, "Not a zone") is PartOfDay.MORNING


ZONES = ["UTC", "Asia/Seoul", "Asia/Tokyo", "America/New_York", "Europe/Madrid",
         "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)), st.sampled_from(ZONES))
def test_part_of_day_follows_the_local_hour_everywhere(moment: datetime, zone: str) -> None:
    local = moment.astimezone(ZoneInfo(zone))
    part = part_of_day(moment, zone)
    expected = {range(5, 12): PartOfDay.MORNING, range(12, 18): PartOfDay.AFTERNOON,
                range(18, 22): PartOfDay.EVENING}
    assert part is next((p for hours, p in expected.items() if local.hour in hours),
                        PartOfDay.NIGHT)
    assert local_time(moment, zone) - moment == timedelta(0)  # the same instant
