from __future__ import annotations

import asyncio
import sys

import pytest

from robeing_sdk import FakeLLM, Message, Reply, Runtime, RuntimeConfig, SkillUnavailable
from robeing_sdk.runtime import BreakerSettings, SkillStatus


def runtime(config: RuntimeConfig | None = None, **kwargs) -> Runtime:
    return Runtime.from_environment(config or RuntimeConfig(), llm=FakeLLM(["scripted"]), **kwargs)


def test_a_message_is_routed_to_the_skill_whose_keyword_it_contains(install_skill) -> None:
    install_skill("weather", keywords=("isobar", "기압골"), examples=("will the isobar drift",))
    install_skill("jokes", keywords=("pun",))
    answer = runtime().ask_sync("where is the isobar now?")
    assert answer.ok and answer.skill == "weather"
    assert answer.reply.text == "weather where is the isobar now?"
    assert answer.reply.locale == "en"
    assert answer.scores[0].keyword == "isobar"


def test_nothing_fitting_goes_to_the_fallback_in_the_users_language(install_skill) -> None:
    install_skill("weather", keywords=("isobar",))
    answer = runtime().ask_sync("zzz qqq", locale="ko")
    assert answer.ok and answer.skill == "fallback"
    assert "스킬" in answer.reply.text


def test_a_skill_that_fails_to_import_is_marked_broken_and_others_keep_working(
        install_skill) -> None:
    install_skill("syntax", keywords=("syntaxorama",), handler="def broken(:\n")
    install_skill("fine", keywords=("fjordling",))
    rt = runtime()
    answer = rt.ask_sync("syntaxorama please")
    assert not answer.ok and answer.error.type == "skill_unavailable"
    assert "SyntaxError" in answer.error.detail
    assert rt.skill("syntax").status is SkillStatus.BROKEN
    assert rt.ask_sync("a fjordling?").skill == "fine"


def test_a_skill_without_the_hook_is_broken(install_skill) -> None:
    install_skill("hookless", handler="x = 1\n")
    answer = runtime().ask_sync("hi", skill="hookless")
    assert answer.error.type == "skill_unavailable"
    assert "does not implement robeing_handle_message" in answer.error.detail


RAISES = """
from robeing_sdk import hookimpl
@hookimpl
def robeing_handle_message(message, context):
    raise RuntimeError("database on fire")
"""

GARBAGE = """
from robeing_sdk import hookimpl
@hookimpl
def robeing_handle_message(message, context):
    return {"text": "not a Reply"}
"""

SPINS = """
import threading
from robeing_sdk import hookimpl
RELEASE = threading.Event()
@hookimpl
def robeing_handle_message(message, context):
    while not RELEASE.is_set():   # an endless loop until the test lets it go
        pass
"""


def test_a_skill_that_raises_gives_a_structured_error(install_skill) -> None:
    install_skill("fire", handler=RAISES)
    answer = runtime().ask_sync("hi", skill="fire")
    assert not answer.ok
    assert answer.error.type == "skill_failed"
    assert "RuntimeError: database on fire" in answer.error.detail
    assert answer.reply.metadata == {"error": "skill_failed"}


def test_a_skill_returning_garbage_gives_bad_reply(install_skill) -> None:
    install_skill("garbage", handler=GARBAGE)
    answer = runtime().ask_sync("hi", skill="garbage")
    assert answer.error.type == "bad_reply"
    assert "returned dict, not a Reply" in answer.error.detail


def test_an_endless_loop_times_out_and_the_runtime_keeps_answering(install_skill) -> None:
    pkg = install_skill("spinner", handler=SPINS, extra="timeout = 0.2")
    install_skill("fine", keywords=("fjordling",))
    rt = runtime()
    try:
        answer = rt.ask_sync("hi", skill="spinner")
        assert answer.error.type == "skill_timeout"
        assert "did not answer within 0.2 s" in answer.error.detail
        assert rt.ask_sync("fjordling").skill == "fine"
    finally:
        sys.modules[f"{pkg.name}.skill"].RELEASE.set()


def test_five_failures_open_the_circuit_then_half_open_trials_close_it(install_skill) -> None:
    install_skill("flaky", handler="""
        from robeing_sdk import Reply, hookimpl
        FAIL = [True]
        @hookimpl
        def robeing_handle_message(message, context):
            if FAIL[0]:
                raise ValueError("flaky")
            return Reply(text="ok")
    """)
    now = [0.0]
    rt = runtime(RuntimeConfig(breaker=BreakerSettings()), clock=lambda: now[0])
    kinds = [rt.ask_sync("x", skill="flaky").error.type for _ in range(6)]
    assert kinds == ["skill_failed"] * 5 + ["skill_unavailable"]
    sys.modules["skill_flaky_pkg.skill"].FAIL[0] = False
    now[0] = 59.0
    assert rt.ask_sync("x", skill="flaky").error.type == "skill_unavailable"
    now[0] = 60.0
    assert [rt.ask_sync("x", skill="flaky").ok for _ in range(4)] == [True] * 4
    assert rt.breaker("flaky").state == "closed"


def test_async_skills_are_awaited(install_skill) -> None:
    install_skill("asyncy", handler="""
        import asyncio
        from robeing_sdk import Reply, hookimpl
        @hookimpl
        async def robeing_handle_message(message, context):
            await asyncio.sleep(0)
            return Reply(text="async " + message.locale)
    """)
    assert runtime().ask_sync("hi", skill="asyncy", locale="ja-JP").reply.text == "async ja"


def test_sync_skills_run_concurrently_off_the_event_loop(install_skill) -> None:
    # Each call waits for the other: this only finishes if both run at the same time.
    install_skill("meet", handler="""
        import threading
        from robeing_sdk import Reply, hookimpl
        BARRIER = threading.Barrier(2, timeout=5)
        @hookimpl
        def robeing_handle_message(message, context):
            BARRIER.wait()
            return Reply(text="met")
    """)
    rt = runtime()

    async def both() -> list[Reply]:
        message = Message(text="hi")
        return list(await asyncio.gather(rt.call("meet", message), rt.call("meet", message)))

    assert [r.text for r in asyncio.run(both())] == ["met", "met"]


def test_calling_a_disabled_skill_is_refused_with_the_reason(install_skill) -> None:
    install_skill("quiet")
    rt = runtime(RuntimeConfig(disabled=frozenset({"quiet"})))
    with pytest.raises(SkillUnavailable, match="disabled by configuration"):
        asyncio.run(rt.call("quiet", Message(text="hi")))


def test_skills_use_the_llm_translations_and_prompts_through_their_context(
        install_skill) -> None:
    pkg = install_skill("talker", handler="""
        from robeing_sdk import Reply, hookimpl
        @hookimpl
        def robeing_handle_message(message, context):
            prompt = context.render_prompt("ask", text=message.text)
            answer = context.llm.complete(prompt.text).text
            return Reply(text=context.gettext("Answer: {a}", a=answer),
                         metadata={"prompt": prompt.locale})
    """)
    (pkg / "prompts" / "en").mkdir(parents=True)
    (pkg / "prompts" / "en" / "ask.j2").write_text("Q: {{ text }}", encoding="utf-8")
    po = pkg / "locales" / "ko" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text('msgid "Answer: {a}"\nmsgstr "답: {a}"\n', encoding="utf-8")
    fake = FakeLLM(["맑음"])
    rt = Runtime.from_environment(RuntimeConfig(), llm=fake)
    answer = rt.ask_sync("날씨?", skill="talker", locale="ko-KR")
    assert answer.reply.text == "답: 맑음"
    assert answer.reply.metadata == {"prompt": "en"}  # no Korean template: falls back whole
    assert fake.prompts == ["Q: 날씨?"]


def test_a_locale_typed_by_the_user_must_be_valid(install_skill) -> None:
    from robeing_sdk import LocaleError

    with pytest.raises(LocaleError, match="not supported"):
        runtime().ask_sync("hi", locale="de")
    with pytest.raises(LocaleError, match="not a locale tag"):
        runtime().ask_sync("hi", locale="k!")


def test_a_failing_llm_provider_is_guarded_by_its_own_circuit_breaker(install_skill) -> None:
    install_skill("asker", handler="""
        from robeing_sdk import Reply, hookimpl
        @hookimpl
        def robeing_handle_message(message, context):
            return Reply(text=context.llm.complete("hi").text)
    """)

    class Down:
        name = "down"
        calls = 0

        def complete(self, prompt, *, model=None, max_tokens=512):
            Down.calls += 1
            raise ConnectionError("no route to host")

    config = RuntimeConfig(llm_breaker=BreakerSettings(failure_threshold=2))
    rt = Runtime.from_environment(config, llm=Down())
    details = [rt.ask_sync("x", skill="asker").error.detail for _ in range(3)]
    assert "LLMError: The LLM provider 'down' failed: no route to host" in details[0]
    assert "is paused" in details[2]
    assert Down.calls == 2


def test_an_operator_can_allow_a_sixth_locale_that_a_skill_ships(install_skill) -> None:
    pkg = install_skill("bonjour", handler="""
        from robeing_sdk import Reply, hookimpl
        @hookimpl
        def robeing_handle_message(message, context):
            return Reply(text=context.gettext("Hello"))
    """)
    po = pkg / "locales" / "fr" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "messages.po").write_text('msgid "Hello"\nmsgstr "Bonjour"\n', encoding="utf-8")
    config = RuntimeConfig(locales=("en", "ko", "ja", "zh", "es", "fr"))
    answer = runtime(config).ask_sync("hi", skill="bonjour", locale="fr-CA")
    assert answer.reply.text == "Bonjour" and answer.reply.locale == "fr"


def test_the_robeings_name_and_time_zone_come_from_configuration(tmp_path) -> None:
    from robeing_sdk import RobeingError
    from robeing_sdk.runtime.config import load_config

    config = load_config(tmp_path / "none.toml",
                         {"ROBEING_NAME": "Mina", "ROBEING_TIMEZONE": "Asia/Seoul"})
    profile = Runtime([], config).profile
    assert (profile.name, profile.timezone) == ("Mina", "Asia/Seoul")
    with pytest.raises(RobeingError, match="'Mars/Base' is not an IANA time zone"):
        load_config(tmp_path / "none.toml", {"ROBEING_TIMEZONE": "Mars/Base"})
