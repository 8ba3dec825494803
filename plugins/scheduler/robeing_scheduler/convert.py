"""Time zone maths with :mod:`zoneinfo`: a wall-clock time in one zone, seen from others.

Daylight saving time is handled by zoneinfo; what this module adds is refusing wall-clock
times that do not exist (the hour skipped when clocks go forward) and flagging those that
happen twice (the hour repeated when clocks go back; the first one is used, PEP 495 fold=0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class NonexistentTime(ValueError):
    """The wall-clock time falls in a DST gap; ``after`` is the same instant's real time."""

    def __init__(self, local: datetime, zone: str, after: datetime) -> None:
        super().__init__(f"{local:%Y-%m-%d %H:%M} does not exist in {zone}")
        self.local = local
        self.zone = zone
        self.after = after


@dataclass(frozen=True, slots=True)
class ZoneTime:
    zone: str
    moment: datetime  # aware, in ``zone``

    @property
    def is_dst(self) -> bool:
        return bool(self.moment.dst())

    @property
    def offset(self) -> timedelta:
        offset = self.moment.utcoffset()
        assert offset is not None
        return offset


@dataclass(frozen=True, slots=True)
class Meeting:
    source: ZoneTime
    others: tuple[ZoneTime, ...]
    ambiguous: bool  # the wall-clock time happens twice in the source zone

    @property
    def all(self) -> tuple[ZoneTime, ...]:
        return (self.source, *self.others)


def exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall-clock time ``local`` really occurs in ``zone``."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    return first.utcoffset() != second.utcoffset()


def localize(local: datetime, zone_name: str) -> datetime:
    """``local`` as an aware time in the zone; refuses times skipped by a DST change."""
    zone = ZoneInfo(zone_name)
    if not exists(local, zone):
        # fold=0 reads the skipped time with the offset from before the change, which lands
        # just after the gap: 02:30 on a spring-forward night is 03:30.
        after = local.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
        raise NonexistentTime(local, zone_name, after)
    return local.replace(tzinfo=zone, fold=0)


def convert(day: date, at: time, source: str, others: list[str]) -> Meeting:
    local = datetime.combine(day, at)
    start = localize(local, source)
    return Meeting(
        source=ZoneTime(source, start),
        others=tuple(ZoneTime(zone, start.astimezone(ZoneInfo(zone))) for zone in others),
        ambiguous=is_ambiguous(local, ZoneInfo(source)),
    )


def within_hours(moment: datetime, first_hour: int = 9, last_hour: int = 18) -> bool:
    """Whether the meeting starts within working hours (09:00 to 18:00, weekdays)."""
    minutes = moment.hour * 60 + moment.minute
    return moment.weekday() < 5 and first_hour * 60 <= minutes < last_hour * 60


def convert_now(now: datetime, source: str, others: list[str]) -> Meeting:
    """The current moment in every zone (``now`` is aware), to the minute."""
    instant = now.replace(second=0, microsecond=0)
    return Meeting(
        source=ZoneTime(source, instant.astimezone(ZoneInfo(source))),
        others=tuple(ZoneTime(zone, instant.astimezone(ZoneInfo(zone))) for zone in others),
        ambiguous=False,
    )
