"""Place names → IANA time zones, in five languages.

City names come from CLDR (via Babel: ``서울``, ``ニューヨーク``, ``纽约``, ``Nueva York``) for a
curated list of business cities, plus countries and nicknames CLDR does not list. A typed
IANA name (``Europe/Berlin``) works for any zone.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from babel.dates import get_timezone_location

LANGUAGES: Final = ("en", "ko", "ja", "zh", "es")

ZONES: Final = (
    "Asia/Seoul", "Asia/Tokyo", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei",
    "Asia/Singapore", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Manila",
    "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dubai", "Asia/Jerusalem", "Asia/Riyadh",
    "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Perth",
    "Pacific/Auckland", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
    "America/Vancouver", "America/Denver", "America/Phoenix", "America/Chicago",
    "America/Mexico_City", "America/New_York", "America/Toronto", "America/Bogota",
    "America/Lima", "America/Santiago", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris",
    "Europe/Berlin", "Europe/Amsterdam", "Europe/Brussels", "Europe/Zurich", "Europe/Rome",
    "Europe/Vienna", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Helsinki",
    "Europe/Istanbul", "Europe/Moscow", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos",
    "Africa/Nairobi",
)

EXTRA_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "Asia/Seoul": ("korea", "south korea", "한국", "대한민국", "韓国", "韩国", "corea",
                   "corea del sur", "busan", "부산"),
    "Asia/Tokyo": ("japan", "일본", "日本", "japón", "japon", "osaka", "오사카", "大阪"),
    "Asia/Shanghai": ("china", "중국", "中国", "beijing", "베이징", "北京", "pekín", "pekin",
                      "shenzhen", "深圳", "선전"),
    "Asia/Kolkata": ("india", "인도", "インド", "印度", "mumbai", "delhi", "new delhi",
                     "bangalore", "bengaluru", "뭄바이", "ムンバイ", "孟买"),
    "America/Los_Angeles": ("san francisco", "seattle", "silicon valley", "샌프란시스코",
                            "시애틀", "サンフランシスコ", "シアトル", "旧金山", "西雅图",
                            "pacific time"),
    "America/New_York": ("boston", "washington", "washington dc", "miami", "보스턴", "워싱턴",
                         "ボストン", "ワシントン", "波士顿", "华盛顿", "eastern time"),
    "America/Chicago": ("central time", "dallas", "houston", "댈러스", "휴스턴"),
    "America/Denver": ("mountain time",),
    "Europe/London": ("england", "britain", "영국", "イギリス", "英国", "reino unido",
                      "inglaterra"),
    "Europe/Madrid": ("spain", "스페인", "スペイン", "西班牙", "españa", "espana", "barcelona",
                      "바르셀로나", "バルセロナ", "巴塞罗那"),
    "Europe/Paris": ("france", "프랑스", "フランス", "法国", "francia"),
    "Europe/Berlin": ("germany", "독일", "ドイツ", "德国", "alemania", "munich", "frankfurt",
                      "뮌헨", "프랑크푸르트", "フランクフルト", "法兰克福", "fráncfort"),
    "America/Mexico_City": ("mexico", "méxico", "멕시코", "メキシコ", "墨西哥"),
    "America/Sao_Paulo": ("brazil", "brasil", "브라질", "ブラジル", "巴西"),
    "America/Argentina/Buenos_Aires": ("argentina", "아르헨티나", "アルゼンチン", "阿根廷"),
    "Asia/Singapore": ("싱가포르", "シンガポール", "新加坡", "singapur"),
    "Asia/Taipei": ("taiwan", "대만", "台湾", "臺灣"),
    "Australia/Sydney": ("australia", "호주", "オーストラリア", "澳大利亚"),
    "Pacific/Auckland": ("new zealand", "뉴질랜드", "ニュージーランド", "新西兰",
                         "nueva zelanda"),
    "Pacific/Honolulu": ("hawaii", "하와이", "ハワイ", "夏威夷", "hawái"),
    "UTC": ("협정 세계시", "協定世界時", "协调世界时"),
}
# Abbreviations count only as typed in capitals: "LA" is Los Angeles, "la" is Spanish.
ABBREVIATIONS: Final[dict[str, str]] = {
    "LA": "America/Los_Angeles", "SF": "America/Los_Angeles", "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles", "NY": "America/New_York", "NYC": "America/New_York",
    "DC": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "KST": "Asia/Seoul",
    "JST": "Asia/Tokyo", "UK": "Europe/London", "CDMX": "America/Mexico_City", "UTC": "UTC",
    "GMT": "UTC",
}
# CLDR (as Babel ships it) has no translated city for these zones.
CITY_NAMES: Final[dict[str, dict[str, str]]] = {
    "Asia/Kolkata": {"en": "Kolkata", "ko": "콜카타", "ja": "コルカタ", "zh": "加尔各答",
                     "es": "Calcuta"},
    "Asia/Ho_Chi_Minh": {"en": "Ho Chi Minh City", "ko": "호찌민", "ja": "ホーチミン",
                         "zh": "胡志明市", "es": "Ciudad Ho Chi Minh"},
    "Asia/Kathmandu": {"en": "Kathmandu", "ko": "카트만두", "ja": "カトマンズ", "zh": "加德满都",
                       "es": "Katmandú"},
    "America/Argentina/Buenos_Aires": {"en": "Buenos Aires", "ko": "부에노스아이레스",
                                       "ja": "ブエノスアイレス", "zh": "布宜诺斯艾利斯",
                                       "es": "Buenos Aires"},
}


@dataclass(frozen=True, slots=True)
class Place:
    zone: str
    start: int
    end: int
    text: str


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=1)
def names() -> dict[str, str]:
    """Every known place name (normalized) → IANA zone; built once, on first use."""
    table: dict[str, str] = {}
    for zone in ZONES:
        for language in LANGUAGES:
            table.setdefault(normalize(city_name(zone, language)), zone)
        table.setdefault(normalize(zone.rsplit("/", 1)[-1].replace("_", " ")), zone)
    for zone, extra in EXTRA_NAMES.items():
        for name in extra:
            table.setdefault(normalize(name), zone)
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    alternatives = []
    for name in sorted(names(), key=len, reverse=True):
        escaped = re.escape(name)
        alternatives.append(rf"(?<![\w/]){escaped}(?![\w/])" if name.isascii() else escaped)
    return re.compile("|".join(alternatives))


_IANA: Final = re.compile(r"\b(?:[A-Z][A-Za-z_]+/)+[A-Z][A-Za-z_\-]+\b")
_ABBREVIATION: Final = re.compile(
    r"(?<![\w/])(?:" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w/])")


def find_places(text: str) -> list[Place]:
    """Places named in ``text``, in order, each zone once."""
    found: list[Place] = []
    for match in _IANA.finditer(text):
        if match.group(0) in zoneinfo.available_timezones():
            found.append(Place(match.group(0), match.start(), match.end(), match.group(0)))
    for match in _ABBREVIATION.finditer(text):
        if not any(p.start <= match.start() < p.end for p in found):
            found.append(Place(ABBREVIATIONS[match.group(0)], match.start(), match.end(),
                               match.group(0)))
    normalized = normalize(text)
    # NFKC keeps lengths for the text we care about; positions are approximate otherwise.
    taken = [(p.start, p.end) for p in found]
    for match in _pattern().finditer(normalized):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        found.append(Place(names()[match.group(0)], match.start(), match.end(), match.group(0)))
    found.sort(key=lambda p: p.start)
    unique: list[Place] = []
    for place in found:
        if place.zone not in {p.zone for p in unique}:
            unique.append(place)
    return unique


def city_name(zone: str, language: str) -> str:
    """The zone's city in the user's language: ``Asia/Seoul`` → ``서울`` in ko."""
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    if zone in CITY_NAMES:
        return CITY_NAMES[zone].get(language, CITY_NAMES[zone]["en"])
    return str(get_timezone_location(zone, locale=language, return_city=True))
