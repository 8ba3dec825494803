"""Time zone conversion with zoneinfo, DST included; hypothesis checks the invariants."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from robeing_scheduler.convert import (
    NonexistentTime,
    convert,
    exists,
    is_ambiguous,
    localize,
    within_hours,
)

ZONES = ["Asia/Seoul", "America/New_York", "Europe/London", "Europe/Madrid",
         "America/Los_Angeles", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kathmandu",
         "America/Sao_Paulo", "Pacific/Chatham", "America/Mexico_City", "UTC"]


def test_dst_changes_the_offset_from_seoul():
    summer = convert(date(2026, 7, 15), time(15), "Asia/Seoul", ["America/New_York"])
    winter = convert(date(2026, 1, 15), time(15), "Asia/Seoul", ["America/New_York"])
    assert summer.others[0].moment.replace(tzinfo=None) == datetime(2026, 7, 15, 2, 0)
    assert winter.others[0].moment.replace(tzinfo=None) == datetime(2026, 1, 15, 1, 0)
    assert summer.others[0].is_dst and not winter.others[0].is_dst
    assert not summer.source.is_dst  # Korea has no DST


def test_the_day_can_change():
    meeting = convert(date(2026, 3, 2), time(9), "Asia/Tokyo", ["America/Los_Angeles"])
    assert meeting.others[0].moment.date() == date(2026, 3, 1)
    assert meeting.others[0].moment.hour == 16


def test_half_and_quarter_hour_zones():
    meeting = convert(date(2026, 6, 1), time(12), "UTC", ["Asia/Kathmandu", "Asia/Kolkata"])
    assert [z.moment.strftime("%H:%M") for z in meeting.others] == ["17:45", "17:30"]


def test_a_time_skipped_by_spring_forward_is_refused_with_a_suggestion():
    with pytest.raises(NonexistentTime) as caught:
        localize(datetime(2026, 3, 8, 2, 30), "America/New_York")
    assert caught.value.after.replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    with pytest.raises(NonexistentTime):
        localize(datetime(2026, 3, 29, 2, 15), "Europe/Madrid")


def test_a_repeated_time_uses_the_first_occurrence():
    meeting = convert(date(2026, 11, 1), time(1, 30), "America/New_York", ["UTC"])
    assert meeting.ambiguous
    assert meeting.others[0].moment.hour == 5  # 01:30 EDT (UTC-4), not 01:30 EST
    assert not convert(date(2026, 11, 2), time(1, 30), "America/New_York", ["UTC"]).ambiguous


def test_working_hours():
    seoul = ZoneInfo("Asia/Seoul")
    assert within_hours(datetime(2026, 11, 25, 9, 0, tzinfo=seoul))
    assert not within_hours(datetime(2026, 11, 25, 18, 0, tzinfo=seoul))
    assert not within_hours(datetime(2026, 11, 28, 10, 0, tzinfo=seoul))  # Saturday


local_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31))


@given(local_times, st.sampled_from(ZONES), st.lists(st.sampled_from(ZONES), min_size=1,
                                                      max_size=4, unique=True))
@example(datetime(2024, 10, 27, 2, 0), "Europe/Madrid", ["Asia/Seoul"])  # clocks fall back
def test_every_zone_shows_the_same_instant(local, source, others):
    try:
        meeting = convert(local.date(), local.time(), source, others)
    except NonexistentTime as gap:
        assert not exists(local, ZoneInfo(source))
        assert exists(gap.after.replace(tzinfo=None), ZoneInfo(source))
        assert gap.after.replace(tzinfo=None) > local
        assert gap.after.replace(tzinfo=None) - local <= timedelta(hours=1)
        return
    start = meeting.source.moment
    assert start.replace(tzinfo=None) == local  # the wall clock the user asked for
    for item in meeting.others:
        # the same instant (compared as timestamps: PEP 495 makes == between zones False
        # whenever one side is an ambiguous wall time, such as 02:00 when clocks fall back) ...
        assert item.moment.timestamp() == start.timestamp()
        assert item.moment.utcoffset() == ZoneInfo(item.zone).utcoffset(
            item.moment.replace(tzinfo=None, fold=item.moment.fold))
        # ... and converting back gives the requested wall clock again.
        back = item.moment.astimezone(ZoneInfo(source))
        assert back.replace(tzinfo=None) == local
    assert meeting.ambiguous == is_ambiguous(local, ZoneInfo(source))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31),
                    timezones=st.just(UTC)), st.sampled_from(ZONES))
def test_every_real_instant_is_a_time_that_exists(instant, zone):
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    assert exists(local, ZoneInfo(zone))
    if not is_ambiguous(local, ZoneInfo(zone)):
        assert localize(local, zone) == instant
