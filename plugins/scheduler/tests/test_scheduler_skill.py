"""The scheduler skill through the runtime, with replies written out by hand in every language."""

from datetime import UTC, datetime

import pytest

from robeing_sdk import RobeingProfile

NOW = datetime(2026, 7, 14, 3, 0, tzinfo=UTC)  # Tuesday 14 July 2026, noon in Seoul


@pytest.fixture
def reply(make_runtime):
    """The skill's reply to ``text`` received at NOW, for an owner in the zone ``home``."""
    def send(text: str, locale: str = "en", *, home: str = "UTC"):
        runtime = make_runtime("scheduler", profile=RobeingProfile(timezone=home))
        answer = runtime.ask_sync(text, locale=locale, skill="scheduler", at=NOW)
        assert answer.ok, answer.error
        return answer.reply

    return send


def test_the_runtime_loads_the_skill(skill_runtime):
    record = skill_runtime.skill("scheduler")
    assert record.status == "ok", record.reason
    assert record.manifest.permissions == ()


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("meeting tomorrow 3pm Seoul with New York", "en",
     "The meeting in 2 time zones:\n"
     "• Seoul: Wed, Jul 15, 2026, 3:00\u202fPM (GMT+09:00)\n"
     "• New York: Wed, Jul 15, 2026, 2:00\u202fAM (GMT-04:00, daylight saving time)\n"
     "Outside working hours (weekdays 9:00–18:00) in New York."),
    ("내일 오후 3시 서울 뉴욕 회의", "ko",
     "2개 시간대의 회의 시간:\n"
     "• 서울: 2026년 7월 15일 (수) 오후 3:00 (GMT+09:00)\n"
     "• 뉴욕: 2026년 7월 15일 (수) 오전 2:00 (GMT-04:00, 서머타임)\n"
     "근무 시간(평일 9:00–18:00) 밖인 곳: 뉴욕."),
    ("明日 午後3時 東京とロンドンで会議", "ja",
     "2つのタイムゾーンでの会議時刻：\n"
     "・東京：2026年7月15日(水) 15:00（GMT+09:00）\n"
     "・ロンドン：2026年7月15日(水) 7:00（GMT+01:00、夏時間）\n"
     "勤務時間外（平日9:00～18:00）の場所：ロンドン。"),
    ("明天下午3点 北京 和 纽约 开会", "zh",
     "2个时区的会议时间：\n"
     "• 上海：2026年7月15日周三 15:00（GMT+08:00）\n"
     "• 纽约：2026年7月15日周三 03:00（GMT-04:00，夏令时）\n"
     "不在工作时间（工作日9:00–18:00）内的地点：纽约。"),
    ("reunión mañana a las 3 de la tarde en Madrid con Ciudad de México", "es",
     "La reunión en 2 zonas horarias:\n"
     "• Madrid: mié, 15 jul 2026, 15:00 (GMT+02:00, horario de verano)\n"
     "• Ciudad de México: mié, 15 jul 2026, 7:00 (GMT-06:00)\n"
     "Fuera del horario laboral (días laborables, 9:00–18:00) en Ciudad de México."),
])
def test_a_meeting_in_every_language(reply, text, locale, expected):
    answer = reply(text, locale)
    assert answer.text == expected


def test_three_zones_inside_working_hours_and_the_metadata(reply):
    answer = reply("call 2026-07-16 16:00 London with Madrid and New York")
    assert answer.text == (
        "The meeting in 3 time zones:\n"
        "• London: Thu, Jul 16, 2026, 4:00\u202fPM (GMT+01:00, daylight saving time)\n"
        "• Madrid: Thu, Jul 16, 2026, 5:00\u202fPM (GMT+02:00, daylight saving time)\n"
        "• New York: Thu, Jul 16, 2026, 11:00\u202fAM (GMT-04:00, daylight saving time)")
    assert answer.metadata["times"] == {
        "Europe/London": "2026-07-16T16:00:00+01:00",
        "Europe/Madrid": "2026-07-16T17:00:00+02:00",
        "America/New_York": "2026-07-16T11:00:00-04:00",
    }


def test_one_place_is_compared_with_the_owners_time_zone(reply):
    answer = reply("meeting 2026-12-01 10am Tokyo", home="Europe/Madrid")
    assert answer.text == (
        "The meeting in 2 time zones:\n"
        "• Tokyo: Tue, Dec 1, 2026, 10:00\u202fAM (GMT+09:00)\n"
        "• Madrid: Tue, Dec 1, 2026, 2:00\u202fAM (GMT+01:00)\n"
        "Outside working hours (weekdays 9:00–18:00) in Madrid.")


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("meeting 2026-03-08 2:30am New York with Seoul", "en",
     "2:30\u202fAM does not exist in New York on March 8, 2026: the clocks jump forward for "
     "daylight saving time. Did you mean 3:30\u202fAM?"),
    ("2026년 3월 8일 오전 2시 30분 뉴욕 서울 회의", "ko",
     "2026년 3월 8일 뉴욕에는 오전 2:30이 없어요. 서머타임으로 시계가 앞으로 건너뛰어요. "
     "혹시 오전 3:30 말씀인가요?"),
    ("reunión el 29 de marzo de 2026 a las 2:30 Madrid y Londres", "es",
     "Las 2:30 no existen en Madrid el 29 de marzo de 2026: los relojes se adelantan por el "
     "horario de verano. ¿Querías decir las 3:30?"),
    ("meeting 25:00 Seoul NY", "en",
     "25:00 is not a time of day. Use, for example, “3pm” or “15:00”."),
    ("2월 30일 오후 3시 서울 뉴욕", "ko", "2026년에는 2월 30일이 없어요."),
    ("reunión el 31/12/9999 a las 23:00 Madrid y Tokio", "es",
     "Solo puedo planificar reuniones entre los años 1900 y 2200."),
    ("meeting 9999-12-31 11pm New York with Seoul", "en",
     "I can plan meetings between the years 1900 and 2200."),
    ("会議 東京 ロンドン", "ja", "会議は何時にしますか？例：「明日 午後3時 東京とロンドンで会議」"),
    ("开会 下午3点", "zh", "要比较哪些城市？例如：“明天下午3点 北京 和 纽约 开会”。"),
])
def test_impossible_requests_are_refused_clearly(reply, text, locale, expected):
    answer = reply(text, locale)
    assert answer.text == expected
    assert "error" in answer.metadata


def test_a_repeated_hour_is_flagged(reply):
    answer = reply("meeting 2026-11-01 1:30am New York with Seoul")
    assert ("1:30\u202fAM happens twice in New York that day (the clocks go back); "
            "I used the first.") in answer.text
    assert answer.metadata["times"]["Asia/Seoul"] == "2026-11-01T14:30:00+09:00"


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("what time is it in Tokyo?", "en",
     "Right now in 2 time zones:\n"
     "• Tokyo: Tue, Jul 14, 2026, 12:00\u202fPM (GMT+09:00)\n"
     "• UTC: Tue, Jul 14, 2026, 3:00\u202fAM (GMT+00:00)\n"
     "Outside working hours (weekdays 9:00–18:00) in UTC."),
    ("지금 뉴욕 몇 시야?", "ko",
     "지금 2개 시간대의 시각:\n"
     "• 뉴욕: 2026년 7월 13일 (월) 오후 11:00 (GMT-04:00, 서머타임)\n"
     "• UTC: 2026년 7월 14일 (화) 오전 3:00 (GMT+00:00)\n"
     "근무 시간(평일 9:00–18:00) 밖인 곳: 뉴욕 및 UTC."),
])
def test_what_time_is_it_now(reply, text, locale, expected):
    assert reply(text, locale).text == expected


def test_ask_fixture_and_offline_determinism(ask):
    first = ask("meeting 2026-07-15 3pm Seoul with New York")
    second = ask("meeting 2026-07-15 3pm Seoul with New York")
    assert first.ok, first.error
    assert first.reply.text == second.reply.text
    assert "• New York: Wed, Jul 15, 2026, 2:00\u202fAM" in first.reply.text


@pytest.mark.parametrize("text", [
    "meeting tomorrow 3pm Seoul with New York", "내일 오후 3시 서울 뉴욕 회의",
    "明日 午後3時 東京とロンドンで会議", "明天下午3点 北京 和 纽约 开会",
    "reunión mañana a las 3 de la tarde en Madrid con Ciudad de México",
    "what time is a 10am London call in Tokyo",
])
def test_routing_picks_scheduler(skill_runtime, text):
    decision = skill_runtime.router.route(text)
    assert decision.skill == "scheduler", decision.scores


def test_it_never_calls_the_llm(ask, fake_llm):
    assert ask("meeting tomorrow 3pm Seoul with New York").ok
    assert ask("meeting 25:00 Seoul NY").ok
    assert fake_llm.prompts == []  # an unscripted FakeLLM would have raised if asked
