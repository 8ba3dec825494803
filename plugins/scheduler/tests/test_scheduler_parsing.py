"""Plain unit tests for reading places, days and times of day."""

from datetime import UTC, date, datetime, time

import pytest
from robeing_scheduler.parsing import (
    Problem,
    ScheduleParseError,
    parse_day,
    parse_meeting,
    parse_time,
)
from robeing_scheduler.places import city_name, find_places

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(("text", "zones"), [
    ("meeting tomorrow 3pm Seoul with New York", ["Asia/Seoul", "America/New_York"]),
    ("내일 오후 3시 서울 뉴욕 회의", ["Asia/Seoul", "America/New_York"]),
    ("明日 午後3時 東京とロンドンで会議", ["Asia/Tokyo", "Europe/London"]),
    ("明天下午3点 北京 和 纽约 开会", ["Asia/Shanghai", "America/New_York"]),
    ("reunión mañana a las 3 de la tarde en Madrid con Ciudad de México",
     ["Europe/Madrid", "America/Mexico_City"]),
    ("call 9am Europe/Berlin and LA", ["Europe/Berlin", "America/Los_Angeles"]),
    ("10am KST / 8pm EST", ["Asia/Seoul", "America/New_York"]),
    ("Seoul, seoul and 서울 are one place", ["Asia/Seoul"]),
    ("nos vemos a las 3 de la tarde", []),  # "la" is not LA
    ("meeting with Davis about Christmas", []),
])
def test_find_places(text, zones):
    assert [place.zone for place in find_places(text)] == zones


def test_city_names_are_localized():
    assert [city_name("America/New_York", lang) for lang in ("en", "ko", "ja", "zh", "es")] == [
        "New York", "뉴욕", "ニューヨーク", "纽约", "Nueva York"]
    assert city_name("Asia/Kolkata", "ko") == "콜카타"
    assert city_name("UTC", "ja") == "UTC"


@pytest.mark.parametrize(("text", "day", "offset"), [
    ("tomorrow", None, 1), ("내일", None, 1), ("明日", None, 1), ("明天", None, 1),
    ("mañana", None, 1), ("pasado mañana", None, 2), ("明後日", None, 2), ("모레", None, 2),
    ("today", None, 0), ("a las 9 de la mañana", None, None),
    ("2026-03-10", date(2026, 3, 10), None), ("2027/1/5", date(2027, 1, 5), None),
    ("3월 10일", date(2027, 3, 10), None), ("2026年12月1日", date(2026, 12, 1), None),
    ("March 10", date(2027, 3, 10), None), ("Dec 24th", date(2026, 12, 24), None),
    ("10 de marzo", date(2027, 3, 10), None), ("24 de noviembre", date(2026, 11, 24), None),
    ("friday", None, 3), ("금요일", None, 3), ("金曜日", None, 3), ("星期五", None, 3),
    ("viernes", None, 3), ("tuesday", None, 0), ("周一", None, 6),
])
def test_parse_day(text, day, offset):
    found_day, found_offset, _ = parse_day(text, TODAY)
    assert (found_day, found_offset) == (day, offset)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899年1月1日"])
def test_years_out_of_range(text):
    with pytest.raises(ScheduleParseError) as caught:
        parse_day(text, TODAY)
    assert caught.value.problem is Problem.YEAR_OUT_OF_RANGE


@pytest.mark.parametrize(("text", "language", "day"), [
    ("3/10", "en", date(2027, 3, 10)), ("10/3", "es", date(2027, 3, 10)),
    ("12/31/2026", "en", date(2026, 12, 31)), ("31/12/2026", "es", date(2026, 12, 31)),
    ("31/12", "en", date(2026, 12, 31)),  # no month 31: read day first
])
def test_slash_dates_follow_the_language(text, language, day):
    assert parse_day(text, TODAY, language)[0] == day


def test_leap_day_without_a_year_is_the_next_leap_year():
    assert parse_day("2월 29일", TODAY)[0] == date(2028, 2, 29)


@pytest.mark.parametrize("text", ["2026-02-30", "Feb 30", "4월 31일", "31 de abril"])
def test_impossible_dates(text):
    with pytest.raises(ScheduleParseError) as caught:
        parse_day(text, TODAY)
    assert caught.value.problem is Problem.INVALID_DATE


@pytest.mark.parametrize(("text", "at"), [
    ("3pm", time(15)), ("3 p.m.", time(15)), ("11:30am", time(11, 30)), ("12am", time(0)),
    ("12pm", time(12)), ("15:00", time(15)), ("오후 3시", time(15)), ("오전 9시 30분", time(9, 30)),
    ("저녁 7시 반", time(19, 30)), ("15시", time(15)), ("午後3時", time(15)),
    ("午前10時半", time(10, 30)), ("15時", time(15)), ("下午3点", time(15)),
    ("晚上8点15分", time(20, 15)), ("中午12点", time(12)), ("a las 3 de la tarde", time(15)),
    ("a las 10 de la mañana", time(10)), ("a las 15:30", time(15, 30)), ("15h", time(15)),
    ("noon", time(12)), ("medianoche", time(0)), ("정오", time(12)),
])
def test_parse_time(text, at):
    assert parse_time(text) == at


@pytest.mark.parametrize("text", ["25:00", "13pm", "0am", "10:75", "오후 13시", "午後13時"])
def test_impossible_times(text):
    with pytest.raises(ScheduleParseError) as caught:
        parse_time(text)
    assert caught.value.problem is Problem.INVALID_TIME


def test_durations_are_not_times():
    with pytest.raises(ScheduleParseError) as caught:
        parse_time("3시간 회의, 2時間")
    assert caught.value.problem is Problem.NO_TIME


def test_tomorrow_is_counted_in_the_first_zone():
    # 16:00 UTC on the 24th is already the 25th in Seoul, still the 24th in New York.
    now = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert parse_meeting("tomorrow 3pm Seoul NY", now, "UTC").day == date(2026, 11, 26)
    assert parse_meeting("tomorrow 3pm NY Seoul", now, "UTC").day == date(2026, 11, 25)


def test_one_place_is_compared_with_the_owners_zone():
    now = datetime(2026, 11, 24, tzinfo=UTC)
    request = parse_meeting("meeting 3pm Tokyo", now, "Europe/Madrid")
    assert request.zones == ("Asia/Tokyo", "Europe/Madrid")
    with pytest.raises(ScheduleParseError) as caught:
        parse_meeting("meeting 3pm", now, "UTC")
    assert caught.value.problem is Problem.NO_PLACES
