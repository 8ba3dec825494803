"""The handler: read the request, convert it, and show it in each zone in the user's locale."""

from __future__ import annotations

from datetime import time

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_gmt

from robeing_scheduler.convert import (
    Meeting,
    NonexistentTime,
    ZoneTime,
    convert,
    convert_now,
    within_hours,
)
from robeing_scheduler.parsing import Problem, ScheduleParseError, parse_meeting
from robeing_scheduler.places import city_name
from robeing_sdk import Message, Reply, SkillContext, hookimpl


def meeting_pattern(locale: str) -> str:
    """Weekday, date and short time in the locale's own order: ``Wed, Nov 25, 2026, 3:00 PM``."""
    data = Locale.parse(locale)
    date_part = data.datetime_skeletons["yMMMEd"].pattern
    time_part = time_pattern(locale)
    return str(data.datetime_formats["medium"]).replace("{1}", date_part).replace("{0}",
                                                                                    time_part)


def time_pattern(locale: str) -> str:
    """The locale's short time; Korean gets 오전/오후 (CLDR's abbreviated form is AM/PM)."""
    pattern = str(Locale.parse(locale).time_formats["short"].pattern)
    return pattern.replace("a", "aaaa") if locale.split("_")[0] == "ko" else pattern


def short_time(value: time, locale: str) -> str:
    return str(format_time(value, time_pattern(locale), locale=locale))


def zone_line(context: SkillContext, item: ZoneTime) -> str:
    when = context.format_datetime(item.moment, meeting_pattern(context.locale),
                                   zone=item.zone)
    offset = str(get_timezone_gmt(item.moment, width="long", locale=context.locale))
    place = city_name(item.zone, context.locale)
    if item.is_dst:
        return context.gettext("• {place}: {when} ({offset}, daylight saving time)",
                               place=place, when=when, offset=offset)
    return context.gettext("• {place}: {when} ({offset})", place=place, when=when,
                           offset=offset)


def render(context: SkillContext, meeting: Meeting, *, now: bool = False) -> str:
    zones = meeting.all
    if now:
        lines = [context.ngettext("Right now in {n} time zone:", "Right now in {n} time zones:",
                                  len(zones))]
    else:
        lines = [context.ngettext("The meeting in {n} time zone:",
                                  "The meeting in {n} time zones:", len(zones))]
    lines.extend(zone_line(context, item) for item in zones)
    if meeting.ambiguous:
        lines.append(context.gettext(
            "{time} happens twice in {place} that day (the clocks go back); I used the first.",
            time=short_time(meeting.source.moment.time(), context.locale),
            place=city_name(meeting.source.zone, context.locale)))
    outside = [city_name(item.zone, context.locale) for item in zones
               if not within_hours(item.moment)]
    if outside:
        lines.append(context.gettext("Outside working hours (weekdays 9:00–18:00) in {places}.",
                                     places=context.format_list(outside)))
    return "\n".join(lines)


def parse_problem(context: SkillContext, error: ScheduleParseError) -> str:
    if error.problem is Problem.INVALID_TIME:
        return context.gettext("{hour}:{minute:02d} is not a time of day. Use, for example, "
                               "“3pm” or “15:00”.", hour=error.details["hour"],
                               minute=error.details["minute"])
    if error.problem is Problem.INVALID_DATE:
        return context.gettext("{month}/{day} is not a date in {year}.",
                               month=error.details["month"], day=error.details["day"],
                               year=error.details["year"])
    if error.problem is Problem.YEAR_OUT_OF_RANGE:
        return context.gettext("I can plan meetings between the years {low} and {high}.",
                               low=error.details["low"], high=error.details["high"])
    if error.problem is Problem.NO_PLACES:
        return context.gettext("Which cities should I compare? For example: "
                               "“meeting tomorrow 3pm Seoul with New York”.")
    return context.gettext("What time should the meeting be? For example: "
                           "“meeting tomorrow 3pm Seoul with New York”.")


def gap_problem(context: SkillContext, error: NonexistentTime) -> str:
    return context.gettext(
        "{time} does not exist in {place} on {date}: the clocks jump forward for daylight "
        "saving time. Did you mean {after}?",
        time=short_time(error.local.time(), context.locale),
        place=city_name(error.zone, context.locale),
        date=format_date(error.local.date(), "long", locale=context.locale),
        after=short_time(error.after.time(), context.locale))


@hookimpl
def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
    try:
        request = parse_meeting(message.text, message.received_at, context.profile.timezone,
                                message.language)
        source, others = request.zones[0], list(request.zones[1:])
        meeting = (convert(request.day, request.at, source, others) if request.at is not None
                   else convert_now(message.received_at, source, others))
    except ScheduleParseError as error:
        return Reply(text=parse_problem(context, error), confidence=0.3,
                     metadata={"error": str(error.problem)})
    except NonexistentTime as error:
        return Reply(text=gap_problem(context, error), confidence=0.3,
                     metadata={"error": "nonexistent_time", "suggestion": error.after.isoformat()})
    return Reply(text=render(context, meeting, now=request.at is None), confidence=0.9, metadata={
        "times": {item.zone: item.moment.isoformat() for item in meeting.all},
        "ambiguous": meeting.ambiguous,
    })
