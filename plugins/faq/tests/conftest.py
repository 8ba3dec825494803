"""Name the skill under test, so the SDK fixtures work from the repository root too."""

import pytest


@pytest.fixture
def robeing_skill_name() -> str:
    return "faq"
