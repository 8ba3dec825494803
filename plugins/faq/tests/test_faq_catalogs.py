"""The translation catalogs are complete and every placeholder survives translation."""

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent / "robeing_faq"
LANGUAGES = ("ko", "ja", "zh", "es")
PLURAL_FORMS = {"ko": 1, "ja": 1, "zh": 1, "es": 2}


def used_messages() -> dict[str, tuple[str, ...]]:
    """msgid → (singular,) or (singular, plural), as the code asks for them."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for _, message, _, _ in extract_from_file(
                "python", str(path), keywords={"gettext": None, "_": None, "ngettext": (1, 2)}):
            forms = (message,) if isinstance(message, str) else tuple(message)
            found[forms[0]] = forms
    return found


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def load(language: str):
    with (PACKAGE / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=language)


def test_the_code_uses_translatable_texts():
    assert len(used_messages()) >= 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_consistent(language):
    catalog = load(language)
    assert not catalog.fuzzy, "the header must not be fuzzy (it carries Plural-Forms)"
    assert catalog.num_plurals == PLURAL_FORMS[language]
    used = used_messages()
    entries = {message.id if isinstance(message.id, str) else message.id[0]: message
               for message in catalog if message.id}
    assert set(entries) == set(used), "catalog and code disagree about the texts"
    for key, forms in used.items():
        message = entries[key]
        assert not message.fuzzy, key
        expected = set().union(*(placeholders(form) for form in forms))
        if len(forms) == 1:
            assert isinstance(message.string, str) and message.string, key
            assert placeholders(message.string) == expected, key
            assert "python-brace-format" in message.flags or not expected, key
        else:
            assert isinstance(message.string, tuple), key
            assert len(message.string) == catalog.num_plurals, key
            for translated in message.string:
                assert translated and placeholders(translated) == expected, key
