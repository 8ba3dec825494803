"""The catalogs are complete and agree with the code; prompts exist in every locale."""

import robeing_scheduler

from robeing_sdk.testing import translation_problems


def test_translations_are_complete_and_match_the_code():
    assert translation_problems(robeing_scheduler) == []
