"""Fixtures for skill authors, registered through the ``pytest11`` entry point.

``skill_runtime``: a runtime holding only the skill under test (found from the project's
``robeing-skill.toml``; override ``robeing_skill_name`` to choose another).
``fake_llm``: a :class:`~robeing_sdk.FakeLLM` the runtime uses; script its answers.
``ask(text, locale="en", route=False, at=None)``: send a message to the skill (or through
routing), optionally as received at a given time.
``make_runtime(*names, profile=..., config=...)``: a runtime with any set of installed skills.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from robeing_sdk.llm.fake import FakeLLM
from robeing_sdk.runtime.runtime import Answer, Runtime
from robeing_sdk.testing.helpers import find_skill_name, runtime_with


@pytest.fixture(autouse=True, scope="session")
def _robeing_private_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Test sessions neither read nor write the user's manifest cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROBEING_CACHE_DIR", str(tmp_path_factory.mktemp("robeing-cache")))
        yield


@pytest.fixture
def robeing_skill_name(request: pytest.FixtureRequest) -> str:
    name = find_skill_name(request.path, stop=request.config.rootpath)
    if name is None:
        pytest.fail("No robeing-skill.toml found under the project root; override the "
                    "robeing_skill_name fixture to name the skill to test.")
    return name


@pytest.fixture
def fake_llm() -> FakeLLM:
    return FakeLLM()


@pytest.fixture
def make_runtime(fake_llm: FakeLLM) -> Callable[..., Runtime]:
    def make(*skills: str, **kwargs: Any) -> Runtime:
        kwargs.setdefault("llm", fake_llm)
        return runtime_with(*skills, **kwargs)

    return make


@pytest.fixture
def skill_runtime(make_runtime: Callable[..., Runtime], robeing_skill_name: str) -> Runtime:
    return make_runtime(robeing_skill_name)


@pytest.fixture
def ask(skill_runtime: Runtime, robeing_skill_name: str) -> Callable[..., Answer]:
    def send(text: str, locale: str = "en", route: bool = False, *,
             at: datetime | None = None) -> Answer:
        return skill_runtime.ask_sync(text, locale=locale, at=at,
                                      skill=None if route else robeing_skill_name)

    return send
