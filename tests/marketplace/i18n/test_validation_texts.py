"""422 problem details in the request's language: pydantic's phrases (English only) are
said through our catalogs by error type; ``type`` stays ``invalid-request``. Expected texts
are written by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from marketplace.i18n import catalogs
from marketplace.messages import from_validation
from robeing_sdk.i18n import SUPPORTED_LOCALES
from tests.marketplace.conftest import PartnerHandle

INVALID = "https://robeing.dev/problems/invalid-request"
TITLES = {"en": "Invalid request", "ko": "잘못된 요청", "ja": "不正なリクエスト"}


@pytest.mark.parametrize(("body", "expected"), [
    ({"tier": "gold"}, {
        "en": "Field 'tier': is not a field you may set.",
        "ko": "필드 'tier': 설정할 수 있는 필드가 아닙니다.",
        "ja": "フィールド 'tier': 設定できるフィールドではありません。"}),
    ({"partner_type": "mega"}, {
        "en": "Field 'partner_type': must be one of 'technology', 'integration', 'channel'.",
        "ko": "필드 'partner_type': 'technology', 'integration', 'channel' 중 하나여야 합니다.",
        "ja": "フィールド 'partner_type': 'technology', 'integration', 'channel' のいずれかで"
              "ある必要があります。"}),
    ({"locale": 5}, {
        "en": "Field 'locale': must be a string.",
        "ko": "필드 'locale': 문자열이어야 합니다.",
        "ja": "フィールド 'locale': 文字列である必要があります。"}),
    ({}, {
        "en": "The request: give partner_type, locale or both.",
        "ko": "요청: partner_type이나 locale, 또는 둘 다 주세요.",
        "ja": "リクエスト: partner_type か locale、またはその両方を指定してください。"}),
])
def test_profile_bodies_are_refused_in_the_requests_language(
        client: TestClient, make_partner: Callable[..., PartnerHandle],
        body: dict[str, Any], expected: dict[str, str]) -> None:
    acme = make_partner("acme")
    for lang, detail in expected.items():
        answer = client.patch("/v1/partners/me", headers={**acme.bearer,
                                                          "Accept-Language": lang}, json=body)
        assert answer.status_code == 422
        assert answer.headers["content-language"] == lang
        assert answer.json() == {"type": INVALID, "title": TITLES[lang], "status": 422,
                                 "detail": detail}


def test_lengths_use_the_plural_rules(client: TestClient,
                                      make_partner: Callable[..., PartnerHandle]) -> None:
    acme = make_partner("acme")
    said = {lang: client.post("/v1/tokens", params={"locale": lang}, headers=acme.bearer,
                              json={"description": "x" * 201}).json()["detail"]
            for lang in ("en", "ko", "ja", "es")}
    assert said == {
        "en": "Field 'description': must have at most 200 characters.",
        "ko": "필드 'description': 200자 이하여야 합니다.",
        "ja": "フィールド 'description': 200 文字以下である必要があります。",
        "es": "Campo 'description': debe tener como máximo 200 caracteres.",
    }


def test_a_query_bound_is_localized(client: TestClient) -> None:
    answer = client.get("/v1/revenue-share/schedules", params={"from_version": 0},
                        headers={"Accept-Language": "ja"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        "フィールド 'query.from_version': 1 以上である必要があります。")


@pytest.mark.parametrize(("n", "es", "ko"), [
    (1, "Campo 'name': debe tener al menos 1 carácter.", "필드 'name': 1자 이상이어야 합니다."),
    (3, "Campo 'name': debe tener al menos 3 caracteres.", "필드 'name': 3자 이상이어야 합니다."),
])
def test_plural_forms_in_one_and_two_form_languages(n: int, es: str, ko: str) -> None:
    message = from_validation([{"type": "string_too_short", "loc": ("body", "name"),
                                "msg": "String should have at least …",
                                "ctx": {"min_length": n}}])
    assert message.say(catalogs("es")) == es
    assert message.say(catalogs("ko")) == ko


def test_an_unknown_error_type_stays_whole_in_english() -> None:
    message = from_validation([{"type": "url_parsing", "loc": ("body", "homepage"),
                                "msg": "Input should be a valid URL"}])
    assert message.english() == "Field 'homepage': Input should be a valid URL."
    assert message.say(catalogs("ko")) is None  # shown whole in English, never half


@given(kind=st.sampled_from(["missing", "extra_forbidden", "string_type", "int_parsing",
                             "greater_than_equal", "less_than_equal", "enum", "uuid_parsing",
                             "datetime_parsing", "string_too_long", "too_short", "list_type",
                             "timezone_aware", "string_pattern_mismatch"]),
       field=st.from_regex(r"[a-z_]{1,12}", fullmatch=True), number=st.integers(0, 10_000),
       locale=st.sampled_from(SUPPORTED_LOCALES))
def test_every_known_type_is_said_in_every_language_with_its_field(
        kind: str, field: str, number: int, locale: str) -> None:
    ctx = {"ge": number, "le": number, "expected": "'a', 'b' or 'c'", "max_length": number,
           "min_length": number, "pattern": "^x$"}
    message = from_validation([{"type": kind, "loc": ("body", field), "msg": "…",
                                "ctx": ctx}])
    said = message.english() if locale == "en" else message.say(catalogs(locale))
    assert said is not None and repr(field) in said
    assert "{" not in said and "}" not in said  # every placeholder filled
