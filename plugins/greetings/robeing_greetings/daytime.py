"""Which part of the day it is for the robeing's owner."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class PartOfDay(StrEnum):
    MORNING = "morning"  # 05:00-11:59
    AFTERNOON = "afternoon"  # 12:00-17:59
    EVENING = "evening"  # 18:00-21:59
    NIGHT = "night"  # 22:00-04:59


def local_time(moment: datetime, zone: str) -> datetime:
    """``moment`` (timezone-aware) in the IANA zone ``zone``; UTC if the zone is unknown."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return moment.astimezone(tz)


def part_of_day(moment: datetime, zone: str) -> PartOfDay:
    hour = local_time(moment, zone).hour
    if 5 <= hour < 12:
        return PartOfDay.MORNING
    if 12 <= hour < 18:
        return PartOfDay.AFTERNOON
    if 18 <= hour < 22:
        return PartOfDay.EVENING
    return PartOfDay.NIGHT
