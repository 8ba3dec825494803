"""With every first-party skill installed, each message goes to the skill meant for it."""

from importlib.metadata import entry_points

import pytest

FIRST_PARTY = ("greetings", "quotes", "scheduler", "faq")
installed = {ep.name for ep in entry_points(group="robeing.skills")}
pytestmark = pytest.mark.skipif(not set(FIRST_PARTY) <= installed,
                                reason="needs all first-party skills installed")


@pytest.mark.parametrize(("text", "skill"), [
    ("hello", "greetings"), ("안녕하세요", "greetings"), ("こんにちは", "greetings"),
    ("你好", "greetings"), ("hola", "greetings"), ("thanks for the quote", "greetings"),
    ("what can you do?", "greetings"), ("잘 가요", "greetings"), ("잘지내요?", "greetings"),
    ("quote 3 hours design at 50000 KRW per hour", "quotes"),
    ("견적 디자인 3시간 시간당 50,000원", "quotes"),
    ("見積もり デザイン 3時間 1時間あたり5,000円", "quotes"),
    ("报价 设计 3小时 每小时500元", "quotes"),
    ("presupuesto de 3 horas de diseño a 40 € la hora", "quotes"),
    ("invoice for the meeting 2 hours at $100 per hour", "quotes"),
    ("meeting tomorrow 3pm Seoul with New York", "scheduler"),
    ("내일 오후 3시 서울 뉴욕 회의", "scheduler"),
    ("明日 午後3時 東京とロンドンで会議", "scheduler"),
    ("明天下午3点 北京 和 纽约 开会", "scheduler"),
    ("reunión mañana a las 3 de la tarde en Madrid con Ciudad de México", "scheduler"),
    ("good morning, can we meet at 3pm Seoul with London?", "scheduler"),
    ("what time is it in Tokyo", "scheduler"),
    ("how do I install a new skill?", "faq"), ("API 키가 필요한가요?", "faq"),
    ("何語を話せますか？", "faq"), ("技能坏了怎么办", "faq"),
    ("¿cómo desactivo una habilidad?", "faq"),
])
def test_each_message_reaches_its_skill(make_runtime, text, skill):
    runtime = make_runtime(*FIRST_PARTY)
    decision = runtime.router.route(text)
    assert decision.skill == skill, decision.scores


def test_the_fallback_answers_what_no_skill_knows(make_runtime):
    runtime = make_runtime(*FIRST_PARTY, "fallback")
    answer = runtime.ask_sync("what is the weather in Paris", locale="en")
    assert answer.skill == "fallback"
