"""The faq skill through the runtime, with replies written out by hand in every language."""

import pytest


def test_the_runtime_loads_the_skill(skill_runtime):
    record = skill_runtime.skill("faq")
    assert record.status == "ok", record.reason
    assert record.manifest.permissions == ()


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("Do I need an API key?", "en",
     "No. Out of the box the robeing uses an offline, deterministic language model, so it "
     "works with no keys and no network. Another provider can be chosen with `llm_provider` "
     "in the config file (or ROBEING_LLM) once it is installed."),
    ("API 키가 필요한가요?", "ko",
     "아니요. 기본 설정에서는 오프라인에서 동작하는 결정적 언어 모델을 쓰기 때문에 키도 "
     "네트워크도 필요 없어요. 다른 제공자를 설치했다면 설정 파일의 `llm_provider`(또는 "
     "ROBEING_LLM)로 고를 수 있어요."),
    ("APIキーは必要ですか？", "ja",
     "いいえ。標準ではオフラインで動く決定的な言語モデルを使うので、キーもネットワークも不要です。"
     "別のプロバイダーをインストールしたら、設定ファイルの `llm_provider`（または ROBEING_LLM）"
     "で選べます。"),
    ("需要API密钥吗？", "zh",
     "不需要。默认使用离线、确定性的语言模型，无需密钥也无需联网。安装了其他提供方后，"
     "可以在配置文件中用 `llm_provider`（或 ROBEING_LLM）选择。"),
    ("¿Necesito una clave de API?", "es",
     "No. De serie el robeing usa un modelo de lenguaje determinista que funciona sin conexión, "
     "así que no necesita claves ni red. Cuando instales otro proveedor, puedes elegirlo con "
     "`llm_provider` en el archivo de configuración (o ROBEING_LLM)."),
])
def test_an_answer_in_every_language(ask, text, locale, expected):
    answer = ask(text, locale=locale)
    assert answer.ok, answer.error
    assert answer.reply.text == expected
    assert answer.reply.metadata["faq"] == "offline_llm"


def test_a_question_in_another_language_is_answered_in_the_users(ask):
    answer = ask("how do I install a new skill?", locale="ja")
    assert answer.reply.text.startswith("`robeing install 名前` を実行してください。")


def test_asking_for_the_list(ask):
    text = ask("faq").reply.text
    assert text.startswith("Here are the 8 questions I can answer:\n• How do I install")
    assert ask("자주 묻는 질문", locale="ko").reply.text.startswith(
        "제가 답할 수 있는 질문 8개예요:\n• 새 스킬은 어떻게 설치하나요?")


def test_an_unknown_question_lists_what_it_knows(ask):
    answer = ask("¿qué tiempo hace en Madrid?", locale="es")
    assert answer.reply.text.startswith(
        "Todavía no tengo respuesta para eso. Estas son las 8 preguntas que sé responder:\n"
        "• ¿Cómo instalo una habilidad nueva?")
    assert answer.reply.metadata["faq"] is None


@pytest.mark.parametrize("text", [
    "how do I install a new skill?", "API 키가 필요한가요?", "何語を話せますか？",
    "技能坏了怎么办", "¿cómo desactivo una habilidad?", "faq",
])
def test_routing_picks_faq(skill_runtime, text):
    decision = skill_runtime.router.route(text)
    assert decision.skill == "faq", decision.scores


def test_it_never_calls_the_llm(ask, fake_llm):
    assert ask("do I need an API key?").ok
    assert ask("¿qué tiempo hace?", locale="es").ok
    assert fake_llm.prompts == []  # an unscripted FakeLLM would have raised if asked
