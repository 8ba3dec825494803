"""Which language a request gets: ?locale= over Accept-Language over configuration over English."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from marketplace.app import create_app
from marketplace.i18n import from_header, negotiate_request
from marketplace.settings import Settings
from robeing_sdk.errors import LocaleError


@pytest.mark.parametrize(("header", "expected"), [
    ("ko-KR", "ko"), ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"), ("zh-Hant-TW", "zh"),
    ("zh-TW", "zh"), ("zh_Hans_CN", "zh"), ("es-419", "es"), ("es-MX,es;q=0.9", "es"),
    ("ja-JP", "ja"), ("en-GB", "en"), ("fr-FR, ja;q=0.5", "ja"), ("*", "en"),
    ("de, fr;q=0.5", "en"), ("ko;q=0, es", "es"), ("ko;q=0.2, ja;q=0.8", "ja"),
    ("", "en"), (None, "en"),
])
def test_accept_language(header: str | None, expected: str) -> None:
    assert from_header(header) == expected


@pytest.mark.parametrize("header", ["!!!", "ko;q=abc", "k", "12-34", ";;;,,,", "x" * 5000,
                                    "ko-KR-" + "a" * 40, "zh-Hant-TW;q=1.5.5", "\t,ko"])
def test_malformed_accept_language_falls_back(header: str, caplog: Any) -> None:
    with caplog.at_level(logging.INFO):
        assert from_header(header) in ("en", "ko")
    assert from_header("!!!, ko-KR") == "ko"  # a bad entry is skipped, not the header


def test_a_bad_entry_is_logged(caplog: Any) -> None:
    with caplog.at_level(logging.INFO):
        assert from_header("@@, es") == "es"
    assert "Ignoring malformed Accept-Language entry '@@'" in caplog.text


def test_explicit_locale_wins_and_is_strict() -> None:
    assert negotiate_request(QueryParams("locale=es-419"), "ko-KR") == "es"
    assert negotiate_request(QueryParams("locale="), "ko-KR") == "ko"
    assert negotiate_request(QueryParams(""), None, default="ja") == "ja"
    for bad in ("xx", "fr", "en_!!", "k", "\x00"):
        with pytest.raises(LocaleError):
            negotiate_request(QueryParams({"locale": bad}), "ko")


def test_configured_default_comes_after_the_header(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, default_locale="ja-JP"))
    with TestClient(app) as client:
        assert client.get("/nope").headers["content-language"] == "ja"
        assert client.get("/nope", headers={"Accept-Language": "es"}
                          ).headers["content-language"] == "es"
        assert client.get("/nope?locale=ko", headers={"Accept-Language": "es"}
                          ).headers["content-language"] == "ko"
    app.state.db.dispose()


def test_an_unsupported_default_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not supported"):
        Settings(data_dir=tmp_path, default_locale="fr")


@pytest.mark.parametrize("value", ["xx", "fr", "en-", "ko KR", "a" * 40, "zh-Hant-TW-x-y-" * 3])
def test_bad_locale_parameter_is_a_400_sentence(client: TestClient, value: str) -> None:
    response = client.get("/v1/skills", params={"locale": value},
                          headers={"Accept-Language": "es"})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "https://robeing.dev/problems/invalid-locale"
    assert body["detail"].count(".") >= 1 and "\n" not in body["detail"]
    assert response.headers["content-language"] == "es"


def test_the_portal_keeps_its_own_choice(client: TestClient) -> None:
    response = client.get("/portal/sign-in", params={"locale": "xx"}, follow_redirects=False)
    assert response.status_code != 400


header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=200)
weighted = st.lists(st.tuples(
    st.sampled_from(["ko", "ko-KR", "zh-Hant-TW", "es-419", "ja", "en", "*", "fr", "", "q",
                     "zh_Hans", "x-klingon", "i-default", "-", "ko-"]),
    st.one_of(st.none(), st.floats(allow_nan=True),
              st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=4))),
    max_size=6).map(lambda items: ", ".join(
        tag if q is None else f"{tag};q={q}" for tag, q in items))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.one_of(header_text, weighted),
       locale=st.one_of(st.none(), header_text,
                        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                max_size=40)))
def test_any_accept_language_or_locale_never_500(client: TestClient, header: str,
                                                 locale: str | None) -> None:
    params = {} if locale is None else {"locale": locale}
    for path in ("/v1/skills", "/v1/skills/nothing", "/nowhere"):
        response = client.get(path, params=params, headers={"Accept-Language": header})
        assert response.status_code < 500, (header, locale, response.text)
        assert response.headers.get("content-language") in (None, "en", "ko", "ja", "zh", "es")
