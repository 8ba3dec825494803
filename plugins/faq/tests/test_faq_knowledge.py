"""The knowledge files and the matching, as plain unit tests."""

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from robeing_faq.knowledge import KNOWLEDGE, KnowledgeError, for_locale, load_all, load_file
from robeing_faq.matching import THRESHOLD, best_match, bigrams, has_keyword, jaccard

LANGUAGES = ("en", "ko", "ja", "zh", "es")


def test_every_language_has_the_same_entries_in_the_same_order():
    knowledge = load_all()
    assert set(knowledge) == set(LANGUAGES)
    ids = [entry.id for entry in knowledge["en"]]
    assert len(ids) == len(set(ids)) >= 8
    for language in LANGUAGES:
        assert [entry.id for entry in knowledge[language]] == ids, language


def test_commands_in_answers_are_the_same_in_every_language():
    """Translations must not change what the user types."""
    knowledge = load_all()
    for position, english in enumerate(knowledge["en"]):
        commands = {part.split()[0] for part in english.answer.split("`")[1::2]}
        for language in LANGUAGES:
            translated = knowledge[language][position].answer
            found = {part.split()[0] for part in translated.split("`")[1::2]}
            assert found == commands, (language, english.id)


def test_knowledge_files_are_package_data():
    assert KNOWLEDGE.name == "knowledge" and (KNOWLEDGE / "en.toml").is_file()


def test_a_bad_file_is_one_clear_error(tmp_path: Path):
    bad = tmp_path / "en.toml"
    bad.write_text('[[entry]]\nid = "x"\nquestion = "q"\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="answer"):
        load_file(bad)


def test_for_locale_falls_back_to_english():
    knowledge = load_all()
    assert for_locale(knowledge, ("ko", "en"))[0].question == "새 스킬은 어떻게 설치하나요?"
    assert for_locale(knowledge, ("zh_Hant_TW", "zh_Hant", "zh", "en")) == knowledge["zh"]
    assert for_locale({"en": knowledge["en"]}, ("fr",)) == knowledge["en"]


@pytest.mark.parametrize(("question", "entry_id"), [
    ("how can I install skills?", "install"),
    ("Do I need an OpenAI API key?", "offline_llm"),
    ("스킬 설치는 어떻게 해요?", "install"),
    ("한국어로 대답할 수 있어?", "languages"),
    ("スキルを無効にしたい", "disable"),
    ("你能用中文回答吗", "languages"),
    ("¿funciona sin conexión?", "offline_llm"),
    ("my skill is broken", "broken"),
    ("what permissions does the quotes skill have", "permissions"),
    ("API 키 없이 써도 돼?", "offline_llm"),  # Korean question, matched in any language
])
def test_best_match(question, entry_id):
    match = best_match(question, load_all())
    assert match is not None and match.entry_id == entry_id


@pytest.mark.parametrize("question", ["what is the weather in Paris", "점심 뭐 먹지", "hello"])
def test_unrelated_questions_match_nothing(question):
    assert best_match(question, load_all()) is None


def test_keywords():
    assert has_keyword("API key", "do i need an api key?")
    assert not has_keyword("install", "reinstallation")  # whole words in Latin scripts
    assert has_keyword("api 키", "api키가 필요해")  # spaces do not matter in Korean


@given(st.text(alphabet=string.ascii_letters + "가나다라마바사あいうえお你好世界 ", max_size=40))
def test_similarity_is_a_proper_score(text):
    grams = bigrams(text)
    assert jaccard(grams, grams) == (1.0 if grams else 0.0)
    match = best_match(text, load_all()) if text.strip() else None
    assert match is None or THRESHOLD <= match.score <= 1.0
