from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robeing_sdk import LocaleError
from robeing_sdk.i18n import SUPPORTED_LOCALES, fallback_chain, negotiate


@pytest.mark.parametrize(("tag", "chain"), [
    ("zh-Hant-TW", ("zh_Hant_TW", "zh_Hant", "zh_TW", "zh", "en")),
    ("ko-KR", ("ko_KR", "ko", "en")),
    ("es-419", ("es_419", "es", "en")),
    ("en", ("en",)),
    ("ja_JP", ("ja_JP", "ja", "en")),
])
def test_fallback_chains_drop_one_subtag_at_a_time(tag: str, chain: tuple[str, ...]) -> None:
    assert fallback_chain(tag) == chain


@pytest.mark.parametrize(("tag", "expected"), [
    ("zh-Hant-TW", "zh"), ("ko-KR", "ko"), ("es-419", "es"), ("EN-us", "en"), ("ja", "ja"),
])
def test_negotiation_maps_tags_to_the_supported_set(tag: str, expected: str) -> None:
    assert negotiate(tag) == expected


def test_typed_by_a_user_unsupported_or_malformed_is_an_error() -> None:
    with pytest.raises(LocaleError, match="'fr' is not supported"):
        negotiate("fr")
    with pytest.raises(LocaleError, match="not a locale tag"):
        negotiate("../etc")


def test_sent_by_a_browser_it_is_a_logged_fallback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert negotiate("fr-FR", strict=False) == "en"
        assert negotiate("???", strict=False) == "en"
    assert "not supported" in caplog.text and "malformed" in caplog.text


@given(st.text(max_size=20))
def test_any_input_negotiates_to_a_supported_locale_or_a_locale_error(value: str) -> None:
    assert negotiate(value, strict=False) in SUPPORTED_LOCALES
    try:
        assert negotiate(value) in SUPPORTED_LOCALES
    except LocaleError as exc:
        assert exc.value == value


@pytest.mark.parametrize(("header", "expected"), [
    ("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"),
    ("fr-FR,fr;q=0.9,ja;q=0.5", "ja"),
    ("zh-TW", "zh"),
    ("en;q=0.1, es-MX;q=0.8", "es"),
    ("de, *;q=0.5", "en"),
    ("ko;q=0, ja", "ja"),
    ("", "en"),
    (";;;,q=abc", "en"),
])
def test_a_browsers_accept_language_picks_the_best_supported_locale(header: str,
                                                                   expected: str) -> None:
    from robeing_sdk.i18n import negotiate_header

    assert negotiate_header(header) == expected


@given(st.text(max_size=80))
def test_any_accept_language_header_negotiates_without_error(header: str) -> None:
    from robeing_sdk.i18n import negotiate_header

    assert negotiate_header(header) in SUPPORTED_LOCALES
