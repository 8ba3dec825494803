"""The quotes skill through the runtime, with replies written out by hand in every language."""

import pytest


def test_the_runtime_loads_the_skill(skill_runtime):
    record = skill_runtime.skill("quotes")
    assert record.status == "ok", record.reason
    assert record.manifest.permissions == ()
    assert record.manifest.price.kind == "free"


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("quote 3 hours of design at 50,000 KRW per hour", "en",
     "Quote draft\n"
     "• Design: 3 hours × ₩50,000 = ₩150,000\n"
     "Total: ₩150,000 (VAT not included)"),
    ("견적 디자인 3시간 시간당 50,000원 부가세 포함", "ko",
     "견적서 초안\n"
     "• 디자인: 3시간 × ₩50,000 = ₩150,000\n"
     "소계: ₩150,000\n"
     "부가세 10%: ₩15,000\n"
     "합계: ₩165,000"),
    ("見積もり デザイン 3時間 1時間あたり5,000円 税込", "ja",
     "見積書（案）\n"
     "・デザイン：3時間 × ￥5,000 = ￥15,000\n"
     "小計：￥15,000\n"
     "消費税 10%：￥1,500\n"
     "合計：￥16,500"),
    ("报价 设计 3小时 每小时500元", "zh",
     "报价单草稿\n"
     "• 设计：3小时 × ¥500.00 = ¥1,500.00\n"
     "合计：¥1,500.00（不含税）"),
    ("presupuesto de 2,5 horas de diseño a 40 € la hora con IVA", "es",
     "Borrador de presupuesto\n"
     "• Diseño: 2,5 horas × 40,00\u00a0€ = 100,00\u00a0€\n"
     "Subtotal: 100,00\u00a0€\n"
     "IVA 21\u00a0%: 21,00\u00a0€\n"
     "Total: 121,00\u00a0€"),
])
def test_a_quote_in_every_language(ask, text, locale, expected):
    answer = ask(text, locale=locale)
    assert answer.ok, answer.error
    assert answer.reply.text == expected


def test_the_reply_carries_exact_minor_units(ask):
    answer = ask("quote 2 logos at $100 each and 3 hours consulting at $80/hour plus VAT 8.5%")
    assert answer.reply.text == (
        "Quote draft\n"
        "• Logos: 2 items × $100.00 = $200.00\n"
        "• Consulting: 3 hours × $80.00 = $240.00\n"
        "Subtotal: $440.00\n"
        "VAT 8.5%: $37.40\n"
        "Total: $477.40")
    meta = answer.reply.metadata
    assert (meta["currency"], meta["subtotal"], meta["vat"], meta["total"]) == (
        "USD", 44_000, 3_740, 47_740)
    assert [line["amount"] for line in meta["lines"]] == [20_000, 24_000]


def test_plural_forms(ask):
    assert "1 hour × $90.00" in ask("quote 1 hour of review at $90 per hour").reply.text
    assert "• Revisión: 1 hora × 90,00\u00a0US$" in ask(
        "presupuesto 1 hora de revisión a 90 USD por hora", locale="es").reply.text
    assert "・検収：1時間 × $90.00" in ask("見積もり 検収 1時間 1時間あたり90ドル",
                                          locale="ja").reply.text


def test_the_currency_is_assumed_from_the_language_and_said_so(ask):
    answer = ask("견적 디자인 3시간 시간당 50000", locale="ko")
    assert answer.reply.text == (
        "견적서 초안\n"
        "• 디자인: 3시간 × ₩50,000 = ₩150,000\n"
        "합계: ₩150,000 (부가세 별도)\n"
        "통화를 지정하지 않아 대한민국 원 (KRW) 기준으로 계산했어요.")
    assert answer.reply.metadata["currency_assumed"] is True


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("견적 로고 50.5원", "ko",
     "대한민국 원 (KRW)에는 더 작은 단위가 없어서 50.5원처럼 소수가 있는 금액은 정확히 청구할 수 "
     "없어요. 정수 금액으로 적어 주세요."),
    ("quote logo at $10.505", "en",
     "US Dollar (USD) amounts have at most 2 decimal places, so $10.505 cannot be charged "
     "exactly."),
    ("見積もり ロゴ 0.5円", "ja",
     "日本円 (JPY)には補助単位がないため、0.5円は正確に請求できません。"
     "整数の金額で指定してください。"),
    ("quote 2 logos at 100 USD and 3 hours at 50 EUR", "es",
     "Todas las partidas de un presupuesto deben estar en la misma moneda; encontré EUR y USD."),
    ("quote 3 hours at $40 per hour with VAT", "en",
     "Which VAT rate should I add for US Dollar (USD)? Say, for example, “with VAT 8%”."),
    ("报价 设计", "zh", "没有找到价格。例如：“报价 设计 3小时 每小时500元”。"),
    ("quote 0 hours at $5 per hour", "en", "Quantities and prices must be more than zero."),
])
def test_impossible_requests_get_a_clear_answer(ask, text, locale, expected):
    answer = ask(text, locale=locale)
    assert answer.ok  # a refusal is an answer, not a failure of the skill
    assert answer.reply.text == expected
    assert "error" in answer.reply.metadata


@pytest.mark.parametrize("text", [
    "quote 3 hours of design at 50,000 KRW per hour", "견적 디자인 3시간 시간당 50,000원",
    "見積もり デザイン 3時間 1時間あたり5,000円", "报价 设计 3小时 每小时500元",
    "presupuesto de 3 horas de diseño a 40 € la hora", "invoice 2 logos at $100 each",
])
def test_routing_picks_quotes(skill_runtime, text):
    decision = skill_runtime.router.route(text)
    assert decision.skill == "quotes", decision.scores


def test_it_never_calls_the_llm(ask, fake_llm):
    assert ask("quote 3 hours of design at 50,000 KRW per hour").ok
    assert ask("견적 로고 50.5원", locale="ko").ok
    assert fake_llm.prompts == []  # an unscripted FakeLLM would have raised if asked
