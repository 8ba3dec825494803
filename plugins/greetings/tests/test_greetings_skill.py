"""The greetings skill through the runtime, with hand-written replies in every language."""

from datetime import UTC, datetime

import pytest

from robeing_sdk import RobeingProfile

# 2026-11-24 00:30 UTC is 09:30 in Seoul and 19:30 the evening before in New York.
MORNING_IN_SEOUL = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)


@pytest.fixture
def reply(make_runtime):
    """The reply text of the skill to ``text``, for an owner called ``name`` in ``zone``."""
    def send(text: str, locale: str, *, at: datetime = MORNING_IN_SEOUL,
             zone: str = "Asia/Seoul", name: str = "Robeing") -> str:
        runtime = make_runtime("greetings", profile=RobeingProfile(name=name, timezone=zone))
        answer = runtime.ask_sync(text, locale=locale, skill="greetings", at=at)
        assert answer.ok, answer.error
        return answer.reply.text

    return send


def test_the_runtime_loads_the_skill(skill_runtime):
    record = skill_runtime.skill("greetings")
    assert record.status == "ok", record.reason
    assert record.manifest.permissions == ()


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("hello", "en", "Good morning! I'm Mirae. How can I help you today?"),
    ("안녕하세요", "ko", "좋은 아침이에요! 저는 Mirae입니다. 오늘 무엇을 도와드릴까요?"),
    ("こんにちは", "ja", "おはようございます！Miraeです。今日は何をお手伝いしましょうか？"),
    ("你好", "zh", "早上好！我是Mirae。今天有什么可以帮你的吗？"),
    ("hola", "es", "¡Buenos días! Soy Mirae. ¿En qué puedo ayudarte hoy?"),
])
def test_morning_hello_in_every_language(reply, text, locale, expected):
    assert reply(text, locale, name="Mirae") == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "Good evening! I'm Robeing. How can I help you tonight?"),
    ("ko", "좋은 저녁이에요! 저는 Robeing입니다. 오늘 저녁 무엇을 도와드릴까요?"),
    ("ja", "こんばんは！Robeingです。今夜は何をお手伝いしましょうか？"),
    ("zh", "晚上好！我是Robeing。今晚有什么可以帮你的吗？"),
    ("es", "¡Buenas noches! Soy Robeing. ¿En qué puedo ayudarte esta noche?"),
])
def test_the_same_moment_is_evening_in_new_york(reply, locale, expected):
    assert reply("hi", locale, zone="America/New_York") == expected


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("thanks!", "en", "You're welcome! Happy to help anytime."),
    ("고마워요", "ko", "천만에요! 언제든 기꺼이 도와드릴게요."),
    ("ありがとう", "ja", "どういたしまして！いつでもお手伝いします。"),
    ("谢谢", "zh", "不客气！随时乐意帮忙。"),
    ("gracias", "es", "¡De nada! Encantado de ayudarte cuando quieras."),
])
def test_thanks_in_every_language(ask, text, locale, expected):
    answer = ask(text, locale=locale)
    assert answer.ok, answer.error
    assert answer.reply.text == expected
    assert answer.reply.metadata["kind"] == "thanks"


def test_goodbye_depends_on_the_time_of_day(reply):
    assert reply("bye", "en") == "Goodbye! Have a great rest of your day."
    late = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 23:00 in Seoul
    assert reply("잘 가", "ko", at=late) == "안녕히 주무세요! 내일 또 이야기해요."
    assert reply("안녕", "ko", at=late) == (
        "안녕하세요! 저는 Robeing입니다. 늦은 시간에도 여기 있어요. 무엇을 도와드릴까요?")


def test_how_are_you(reply):
    assert reply("¿cómo estás?", "es") == (
        "¡Estoy muy bien, gracias por preguntar! ¿Qué tal va tu día?")
    assert reply("お元気ですか", "ja", zone="America/New_York") == (
        "元気です、聞いてくれてありがとうございます！今日はどんな一日でしたか？")


def test_what_can_you_do_lists_the_installed_skills_in_the_users_language(reply):
    text = reply("뭘 할 수 있어?", "ko")
    assert text.startswith("저는 Robeing이고, 스킬이 ")
    assert "• 인사: 시간대에 맞춰 인사하고" in text
    assert "기본 응답" not in text  # the fallback skill is not a capability


def test_what_can_you_do_uses_plural_forms(reply, monkeypatch):
    from robeing_greetings import skill

    monkeypatch.setattr(skill, "installed_skills", lambda skills, chain, only: [
        skill.SkillSummary("greetings", "Saludos", "Saluda."),
    ])
    assert reply("¿qué puedes hacer?", "es") == (
        "Soy Robeing y tengo 1 habilidad:\n• Saludos: Saluda.")
    monkeypatch.setattr(skill, "installed_skills", lambda skills, chain, only: [
        skill.SkillSummary("greetings", "Greetings", "Says hello."),
        skill.SkillSummary("quotes", "Quotes", "Drafts quotes."),
    ])
    assert reply("what can you do", "en") == (
        "I'm Robeing, and I have 2 skills:\n• Greetings: Says hello.\n• Quotes: Drafts quotes.")
    assert reply("你能做什么", "zh").startswith("我是Robeing，我有2项技能：")
    monkeypatch.setattr(skill, "installed_skills", lambda skills, chain, only: [])
    assert reply("何ができますか", "ja") == (
        "Robeingです。まだあいさつ以外のスキルはインストールされていません。")


def test_what_can_you_do_lists_only_the_skills_the_runtime_has(reply):
    assert reply("what can you do", "en").startswith(
        "I'm Robeing, and I have 1 skill:\n• Greetings: ")


def test_the_profile_can_limit_the_listed_skills(make_runtime):
    runtime = make_runtime("greetings", "quotes", "scheduler", "faq",
                           profile=RobeingProfile(skills=["greetings"]))
    answer = runtime.ask_sync("what can you do", skill="greetings")
    assert answer.reply.text.startswith("I'm Robeing, and I have 1 skill:\n• Greetings: ")


@pytest.mark.parametrize("text", ["hello", "안녕하세요", "おはようございます", "谢谢", "adiós",
                                  "how are you?", "what can you do?", "잘 자요"])
def test_routing_picks_greetings(skill_runtime, text):
    decision = skill_runtime.router.route(text)
    assert decision.skill == "greetings", decision.scores


def test_the_reply_is_deterministic_with_the_offline_llm(ask):
    first, second = ask("thank you", locale="en"), ask("thank you", locale="en")
    assert first.reply.text == second.reply.text


def test_it_never_calls_the_llm(ask, fake_llm):
    for text, locale in [("hello", "en"), ("감사합니다", "ko"), ("何ができますか", "ja")]:
        assert ask(text, locale=locale).ok
    assert fake_llm.prompts == []  # an unscripted FakeLLM would have raised if asked
