from __future__ import annotations

from robeing_sdk import SkillManifest
from robeing_sdk.runtime import Router


def manifest(name: str, **intent: dict[str, list[str]]) -> SkillManifest:
    return SkillManifest(name=name, sdk=">=0", display_name={"en": name},
                         description={"en": name}, intents=[{"name": "main", **intent}])


ROUTER = Router({
    "quotes": manifest("quotes", keywords={"en": ["quote", "invoice"], "ko": ["견적"]},
                       examples={"en": ["draft a quote for design work"]}),
    "scheduler": manifest("scheduler", keywords={"en": ["meeting"], "ja": ["会議"]},
                          examples={"en": ["set up a meeting tomorrow"]}),
}, fallbacks=["fallback"])


def test_keywords_match_whole_words_in_alphabetic_scripts() -> None:
    assert ROUTER.route("Please send an invoice").skill == "quotes"
    assert ROUTER.route("invoices?").skill != "quotes" or ROUTER.route("invoices?").fallback


def test_keywords_match_inside_words_in_korean_and_japanese() -> None:
    assert ROUTER.route("디자인 견적서 부탁해요").skill == "quotes"
    assert ROUTER.route("明日の会議を設定して").skill == "scheduler"


def test_example_similarity_routes_without_a_keyword() -> None:
    decision = ROUTER.route("set up something tomorrow")
    assert decision.skill == "scheduler"
    assert decision.scores[0].keyword is None and decision.confidence >= 0.35


def test_unrelated_text_falls_back_and_explains_the_scores() -> None:
    decision = ROUTER.route("what is the capital of Peru")
    assert decision.fallback and decision.skill == "fallback"
    assert all(score.score < 0.35 for score in decision.scores)


def test_case_and_width_do_not_matter() -> None:
    assert ROUTER.route("ＭＥＥＴＩＮＧ at noon").skill == "scheduler"


def test_a_keyword_of_one_letter_words_matches_inside_longer_words() -> None:
    router = Router({"bye": manifest("bye", keywords={"ko": ["잘 가"], "zh": ["雨"]})})
    assert router.route("잘 가요!").skill == "bye"
    assert router.route("今天下雨吗").skill == "bye"
    assert router.route("가요").fallback
