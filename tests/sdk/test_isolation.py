"""Process isolation: faults that would take a thread-mode host down are contained."""

from __future__ import annotations

import pytest

from robeing_sdk import FakeLLM, Runtime, RuntimeConfig
from robeing_sdk.runtime import SkillStatus

SPIN_FOREVER = """
from robeing_sdk import Reply, hookimpl
@hookimpl
def robeing_handle_message(message, context):
    if message.text == "spin":
        while True:
            pass
    return Reply(text="alive " + message.locale)
"""

HARD_EXIT = """
import os
from robeing_sdk import hookimpl
@hookimpl
def robeing_handle_message(message, context):
    os._exit(7)
"""


@pytest.fixture
def process_runtime():
    runtimes: list[Runtime] = []

    def make(**config) -> Runtime:
        rt = Runtime.from_environment(RuntimeConfig(isolation="process", **config),
                                      llm=FakeLLM())
        runtimes.append(rt)
        return rt

    yield make
    for rt in runtimes:
        rt.close()


def test_an_endless_loop_is_killed_and_the_next_call_gets_a_fresh_process(
        install_skill, process_runtime) -> None:
    install_skill("spinner", handler=SPIN_FOREVER, extra="timeout = 60")  # a slow spawn is fine
    rt = process_runtime()
    assert rt.ask_sync("warm", skill="spinner").reply.text == "alive en"
    first = rt._processes["spinner"].process
    rt.skill("spinner").manifest = rt.skill("spinner").manifest.model_copy(
        update={"timeout": 0.5})
    answer = rt.ask_sync("spin", skill="spinner")
    assert answer.error.type == "skill_timeout", answer.error
    assert "its process was stopped" in answer.error.detail
    assert first is not None and not first.is_alive()
    rt.skill("spinner").manifest = rt.skill("spinner").manifest.model_copy(
        update={"timeout": 60})  # a fresh spawn on a loaded machine can take over 0.5 s
    assert rt.ask_sync("again", skill="spinner", locale="ko").reply.text == "alive ko"


def test_a_skill_that_exits_the_process_is_a_failure_not_a_dead_host(
        install_skill, process_runtime) -> None:
    install_skill("quitter", handler=HARD_EXIT)
    answer = process_runtime().ask_sync("x", skill="quitter")
    assert answer.error.type == "skill_failed"
    assert "crashed its process" in answer.error.detail


def test_an_import_error_in_the_child_marks_the_skill_broken(
        install_skill, process_runtime) -> None:
    install_skill("broken", handler="raise ImportError('missing dependency foo')\n")
    rt = process_runtime()
    answer = rt.ask_sync("x", skill="broken")
    assert answer.error.type == "skill_unavailable"
    assert "ImportError: missing dependency foo" in answer.error.detail
    assert rt.skill("broken").status is SkillStatus.BROKEN
