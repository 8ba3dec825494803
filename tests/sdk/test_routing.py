from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from robeing_sdk import SkillManifest
from robeing_sdk.runtime import Router, RouteScore
from robeing_sdk.runtime.routing import _WORD, analyze, normalize


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


# Keywords from several scripts, some of several words, some sharing first words or bigrams.
_KEYWORDS = ["invoice", "due date", "due", "e-mail", "café", "견적", "견적서 부탁", "잘 가", "雨",
             "会議", "下雨", "olé", "x"]
_WORDS = ["invoice", "invoices", "due", "date", "dates", "e", "mail", "email", "café", "cafe",
          "견적", "견적서", "부탁", "잘", "가요", "今天下雨吗", "会議", "olé", "ole", "x", "xx"]


def _reference_keyword(text: str, keywords: list[str]) -> str | None:
    """The rule the docstring states, checked keyword by keyword: a whole-words match in
    alphabetic (ASCII) text, a substring otherwise; the first listed keyword that matches."""
    normalized = normalize(text)
    for keyword in keywords:
        if keyword.isascii():
            if re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", normalized):
                return keyword
        elif keyword in normalized:
            return keyword
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=6),
       st.sampled_from([" ", "  ", ", ", "-", "!"]))
def test_keyword_lookups_agree_with_matching_every_keyword(words: list[str], glue: str) -> None:
    # One intent per keyword, so each intent's keyword is known and the index shortcuts
    # (first-word anchors, no CJK lookups for ASCII messages) are checked one by one.
    router = Router({f"s{i:02d}": manifest(f"s{i:02d}", keywords={"en": [keyword]})
                     for i, keyword in enumerate(_KEYWORDS)})
    text = glue.join(words) or "-"
    found = {score.skill: score.keyword for score in router.score(text) if score.keyword}
    expected = {f"s{i:02d}": keyword for i, keyword in enumerate(_KEYWORDS)
                if _reference_keyword(text, [keyword])}
    assert found == expected


@given(st.text(alphabet=st.sampled_from("ab 가나雨の-é1"), max_size=30))
def test_analysis_is_the_same_when_its_words_come_from_the_cache(text: str) -> None:
    first, again = analyze(text), analyze(text)
    words = _WORD.findall(text)
    grams = {w[i:i + 2] for w in words for i in range(len(w) - 1)} | {w for w in words
                                                                      if len(w) == 1}
    assert first == again and first[0] == words and first[1] == grams


def test_scores_are_ordinary_frozen_route_scores() -> None:
    best = ROUTER.route("Please send an invoice").scores[0]
    assert best == RouteScore("quotes", "main", best.score, "invoice", best.similarity)
    assert hash(best) == hash(RouteScore("quotes", "main", best.score, "invoice",
                                         best.similarity))
    with pytest.raises(dataclasses.FrozenInstanceError):
        best.score = 1.0  # type: ignore[misc]
