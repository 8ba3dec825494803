"""Read a meeting request: the day, the time of day, and the places, in five languages.

``meeting tomorrow 3pm Seoul with New York``, ``내일 오후 3시 서울 뉴욕``,
``明日 午後3時 東京とロンドン``, ``明天下午3点 北京 纽约``,
``reunión mañana a las 3 de la tarde en Madrid con Ciudad de México``.
The first place is where the time is meant; the others are converted. No time zone
maths here: see :mod:`robeing_scheduler.convert`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from babel.dates import get_day_names, get_month_names

from robeing_scheduler.places import Place, find_places


class Problem(StrEnum):
    NO_TIME = "no_time"
    INVALID_TIME = "invalid_time"
    INVALID_DATE = "invalid_date"
    YEAR_OUT_OF_RANGE = "year_out_of_range"
    NO_PLACES = "no_places"


class ScheduleParseError(ValueError):
    def __init__(self, problem: Problem, **details: object) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.details = details


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    day: date  # in the first zone
    at: time | None  # wall-clock time in the first zone; None: right now
    zones: tuple[str, ...]  # IANA names, the first is where the time is meant; at least two
    places: tuple[Place, ...]  # what the message named


# -- days ------------------------------------------------------------------------------

_RELATIVE: Final[tuple[tuple[str, int], ...]] = (
    # longest first: "pasado mañana" before "mañana", "明後日" before "明日"
    ("day after tomorrow", 2), ("pasado mañana", 2), ("pasado manana", 2), ("明後日", 2),
    ("あさって", 2), ("后天", 2), ("後天", 2), ("모레", 2),
    ("tomorrow", 1), ("내일", 1), ("明日", 1), ("あした", 1), ("あす", 1), ("明天", 1),
    ("mañana", 1), ("manana", 1),
    ("today", 0), ("tonight", 0), ("오늘", 0), ("今日", 0), ("きょう", 0), ("今天", 0),
    ("今晚", 0), ("hoy", 0), ("esta noche", 0), ("esta tarde", 0),
)
# "de la mañana" is "in the morning", not "tomorrow".
_MORNING_ES: Final = re.compile(r"\b(?:de|por)\s+la\s+ma[ñn]ana\b")
_ISO: Final = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_SLASH_DATE: Final = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")
_DAY_FIRST: Final = frozenset({"es"})  # 31/12 in Spanish; 12/31 in English, Korean ...
_CJK_DATE: Final = re.compile(
    r"(?:(\d{4})\s*[년年]\s*)?(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日号號]")
_WEEKDAYS_CJK: Final[dict[str, int]] = {
    **{f"{d}요일": i for i, d in enumerate("월화수목금토일")},
    **{f"{d}曜": i for i, d in enumerate("月火水木金土日")},
    **{f"{prefix}{d}": i for prefix in ("周", "星期", "礼拜", "禮拜")
       for i, d in enumerate("一二三四五六日")},
    "星期天": 6, "周天": 6,
}


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and decomposed[0].isascii():
        char = decomposed[0]  # "á" → "a"; Hangul and kana stay whole
    folded = char.casefold()
    return folded if len(folded) == 1 else char


def _fold(text: str) -> str:
    """Case- and accent-insensitive text of the same length, so positions carry over."""
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=1)
def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for language in ("en", "es"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=language).items():
                table[_fold(str(name)).rstrip(".")] = int(number)
    table.pop("may", None)  # as an abbreviation it is the full name; kept below
    table["may"] = 5
    return table


@lru_cache(maxsize=1)
def _weekday_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for language in ("en", "es"):
        for number, name in get_day_names("wide", locale=language).items():
            table[_fold(str(name))] = int(number)
    return table


MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2200  # time zone rules are guesses that far out; datetime ends at 9999


@lru_cache(maxsize=1)
def _word_date() -> re.Pattern[str]:
    """``March 10``, ``Mar 10th, 2027``, ``10 de marzo de 2027`` (English and Spanish names)."""
    names = "|".join(sorted((re.escape(m) for m in _month_table()), key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?P<m1>{names})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:de\s+)?(?P<m2>{names})\b)"
        rf"(?:,?\s+(?:de\s+)?(?P<y>\d{{4}}))?")


def _make_date(year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ScheduleParseError(Problem.YEAR_OUT_OF_RANGE, low=MIN_YEAR, high=MAX_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        raise ScheduleParseError(Problem.INVALID_DATE, year=year, month=month,
                                 day=day) from None


def _with_year(month: int, day: int, today: date) -> date:
    """The next such date: this year, or next year if it has passed."""
    candidate = _make_date(today.year, month, day) if (month, day) != (2, 29) else None
    if candidate is None:  # 29 February: the next leap year that has it
        year = today.year
        while True:
            try:
                candidate = date(year, 2, 29)
            except ValueError:
                year += 1
                continue
            if candidate >= today:
                return candidate
            year += 1
    return candidate if candidate >= today else _make_date(today.year + 1, month, day)


def parse_day(text: str, today: date,
              language: str = "en") -> tuple[date | None, int | None, str]:
    """(a fixed date, or an offset from today, or neither) and the text without it."""
    folded = _fold(text)
    if match := _ISO.search(folded):
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day), None, _cut(text, match)
    if match := _SLASH_DATE.search(folded):
        first, second = int(match.group(1)), int(match.group(2))
        month, day = (second, first) if language in _DAY_FIRST else (first, second)
        if month > 12 >= day:  # 31/12 written by an English speaker is still clear
            month, day = day, month
        found = (_make_date(int(match.group(3)), month, day) if match.group(3)
                 else _with_year(month, day, today) if 1 <= month <= 12
                 else _make_date(today.year, month, day))
        return found, None, _cut(text, match)
    if match := _CJK_DATE.search(folded):
        year_text, month_text, day_text = match.groups()
        month, day = int(month_text), int(day_text)
        found = (_make_date(int(year_text), month, day) if year_text
                 else _with_year(month, day, today) if 1 <= month <= 12
                 else _make_date(today.year, month, day))
        return found, None, _cut(text, match)
    months = _month_table()
    if match := _word_date().search(folded):
        month = months[(match.group("m1") or match.group("m2")).rstrip(".")]
        day = int(match.group("d1") or match.group("d2"))
        found = (_make_date(int(match.group("y")), month, day) if match.group("y")
                 else _with_year(month, day, today))
        return found, None, _cut(text, match)
    without_morning = _MORNING_ES.sub(lambda m: " " * len(m.group(0)), folded)
    for word, offset in _RELATIVE:
        position = _find_word(without_morning, _fold(word))
        if position >= 0:
            end = position + len(_fold(word))
            return None, offset, text[:position] + " " + text[end:]
    for word, weekday in {**_WEEKDAYS_CJK, **_weekday_table()}.items():
        position = _find_word(folded, word)
        if position >= 0:
            ahead = (weekday - today.weekday()) % 7
            return None, ahead, text[:position] + " " + text[position + len(word):]
    return None, None, text


def _find_word(text: str, word: str) -> int:
    if word.isascii():
        match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
        return match.start() if match else -1
    return text.find(word)


def _cut(text: str, match: re.Match[str]) -> str:
    return text[:match.start()] + " " + text[match.end():]


# -- times of day ----------------------------------------------------------------------

_AM: Final = r"오전|아침|새벽|午前|朝|上午|早上|凌晨|早晨"
_PM: Final = r"오후|저녁|밤|낮|午後|夜|夕方|下午|晚上|傍晚"
_CJK_TIME: Final = re.compile(
    rf"(?P<period>{_AM}|{_PM}|中午|正午)?\s*(?P<h>\d{{1,2}})\s*(?:시(?!간)|時(?!間)|[点點])"
    r"\s*(?:(?P<half>반|半)|(?P<m>\d{1,2})\s*(?:분|分)?)?")
_EN_TIME: Final = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>a\.?\s?m\.?|p\.?\s?m\.?)(?!\w)",
    re.IGNORECASE)
_ES_TIME: Final = re.compile(
    r"(?:\ba\s+la?s?\s+)?(?<![\d:])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?:h\b|horas\b)?\s*"
    r"(?:de\s+la\s+(?P<part>mañana|manana|madrugada|tarde|noche))", re.IGNORECASE)
_CLOCK: Final = re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])|"
                           r"\ba\s+las?\s+(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?\b|(?<!\d)(?P<h3>\d{1,2})\s*h\b")
_WORDS: Final[dict[str, tuple[int, int]]] = {
    "noon": (12, 0), "midday": (12, 0), "midnight": (0, 0), "정오": (12, 0), "자정": (0, 0),
    "正午": (12, 0), "中午": (12, 0), "mediodía": (12, 0), "mediodia": (12, 0),
    "medianoche": (0, 0), "午夜": (0, 0), "深夜0時": (0, 0),
}


_NOW: Final = re.compile(
    r"\bnow\b|what time is it|\bright now\b|지금|몇 시야|몇시야|今何時|いま何時|今は何時|现在|現在"
    r"|几点了|\bahora\b|que hora es")


def _clock(hour: int, minute: int, *, pm: bool | None, twelve_hour: bool) -> time:
    if twelve_hour and not 1 <= hour <= 12:
        raise ScheduleParseError(Problem.INVALID_TIME, hour=hour, minute=minute)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ScheduleParseError(Problem.INVALID_TIME, hour=hour, minute=minute)
    if pm is True and hour < 12:
        hour += 12
    elif pm is False and hour == 12 and twelve_hour:
        hour = 0
    return time(hour, minute)


def parse_time(text: str) -> time:
    """The time of day in ``text``; raises ScheduleParseError when there is none or it is wrong."""
    if match := _EN_TIME.search(text):
        pm = match.group("ampm").lower().startswith("p")
        return _clock(int(match.group("h")), int(match.group("m") or 0), pm=pm,
                      twelve_hour=True)
    if match := _ES_TIME.search(text):
        part = _fold(match.group("part"))
        pm = part in ("tarde", "noche")
        hour = int(match.group("h"))
        if part == "noche" and hour == 12:
            return _clock(0, int(match.group("m") or 0), pm=None, twelve_hour=False)
        return _clock(hour, int(match.group("m") or 0), pm=pm, twelve_hour=hour <= 12)
    if match := _CJK_TIME.search(text):
        period = match.group("period")
        hour = int(match.group("h"))
        minute = 30 if match.group("half") else int(match.group("m") or 0)
        if period in ("中午", "正午"):  # around noon: 12点 is 12:00, 1点 is 13:00
            return _clock(hour + 12 if hour < 11 else hour, minute, pm=None, twelve_hour=False)
        pm = None if period is None else bool(re.fullmatch(_PM, period))
        return _clock(hour, minute, pm=pm, twelve_hour=period is not None)
    if match := _CLOCK.search(text):
        hour = int(match.group("h") or match.group("h2") or match.group("h3"))
        minute = int(match.group("m") or match.group("m2") or 0)
        return _clock(hour, minute, pm=None, twelve_hour=False)
    folded = _fold(text)
    for word, (hour, minute) in _WORDS.items():
        if _find_word(folded, _fold(word)) >= 0:
            return time(hour, minute)
    raise ScheduleParseError(Problem.NO_TIME)


def parse_meeting(text: str, now: datetime, home_zone: str,
                  language: str = "en") -> MeetingRequest:
    """Everything but the time zone maths.

    ``now`` (aware) resolves "tomorrow" and dates without a year, in the first zone named.
    With one place named, the other is ``home_zone`` (the robeing owner's).
    """
    cleaned = unicodedata.normalize("NFKC", text)
    places = tuple(find_places(cleaned))
    zones = list(dict.fromkeys(place.zone for place in places))
    if len(zones) == 1 and home_zone not in zones:
        zones.append(home_zone)
    # Place names must not be read as times or dates ("10 Downing" is not 10 o'clock).
    blanked = cleaned
    for place in places:
        blanked = blanked[:place.start] + " " * (place.end - place.start) + blanked[place.end:]
    today = now.astimezone(ZoneInfo(zones[0] if zones else home_zone)).date()
    day, offset, rest = parse_day(blanked, today, language)
    at: time | None
    try:
        at = parse_time(rest)
    except ScheduleParseError as error:
        if error.problem is not Problem.NO_TIME or not places or not _NOW.search(_fold(rest)):
            raise
        at = None  # "what time is it in Tokyo?": now
    if len(zones) < 2:
        raise ScheduleParseError(Problem.NO_PLACES)
    return MeetingRequest(day or today + timedelta(days=offset or 0), at, tuple(zones), places)
