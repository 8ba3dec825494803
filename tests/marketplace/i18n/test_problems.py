"""Problem details in five languages: ``title``/``detail`` change, ``type``/``status`` never do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace import errors
from marketplace.errors import InvalidLocale
from marketplace.i18n import translations
from marketplace.messages import Message, ngettext
from marketplace.openapi import localized_problem
from robeing_sdk.i18n import SUPPORTED_LOCALES
from robeing_sdk.i18n.checks import check_package_folder

ROOT = Path(__file__).resolve().parents[3]


def error_classes() -> list[type[errors.MarketplaceError]]:
    found: list[type[errors.MarketplaceError]] = []
    todo = [errors.MarketplaceError]
    while todo:
        cls = todo.pop()
        if cls.__module__ in ("marketplace.errors", "marketplace.openapi"):
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: cls.__name__)


def test_every_problem_type_is_covered() -> None:
    slugs = {cls.slug for cls in error_classes()}
    assert {"not-found", "upload-rejected", "file-exists", "invalid-locale", "busy",
            "schema-outdated", "bad-cursor"} <= slugs


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_each_problem_type_in_every_locale(cls: type[errors.MarketplaceError]) -> None:
    message = Message.of("No skill named {name}.", {"name": "'hello'"})
    shown = {locale: localized_problem(cls.status, cls.title, message, cls.slug, locale)
             for locale in SUPPORTED_LOCALES}
    bodies = {locale: _json(response.body) for locale, response in shown.items()}
    assert {(b["type"], b["status"]) for b in bodies.values()} == {
        (f"https://robeing.dev/problems/{cls.slug}", cls.status)}
    for locale, response in shown.items():
        assert response.headers["content-language"] == locale
        if locale != "en":
            assert bodies[locale]["title"] != cls.title, (locale, cls.title)
            assert "'hello'" in bodies[locale]["detail"]
    assert bodies["ko"]["detail"] == "이름이 'hello'인 스킬이 없습니다."
    assert bodies["es"]["detail"] == "No hay ninguna skill llamada 'hello'."


def test_an_untranslated_sentence_falls_back_whole_to_english() -> None:
    message = Message("A sentence no catalog has.")
    body = _json(localized_problem(404, errors.NotFound.title, message, "not-found", "ja").body)
    assert body == {"type": "https://robeing.dev/problems/not-found", "title": "Not found",
                    "status": 404, "detail": "A sentence no catalog has."}


@pytest.mark.parametrize(("locale", "one", "three"), [
    ("en", "The file is larger than the limit of 1 byte.",
     "The file is larger than the limit of 3 bytes."),
    ("es", "El archivo supera el límite de 1 byte.", "El archivo supera el límite de 3 bytes."),
    ("ko", "파일이 제한인 1바이트보다 큽니다.", "파일이 제한인 3바이트보다 큽니다."),
    ("ja", "ファイルが上限の 1 バイトを超えています。",
     "ファイルが上限の 3 バイトを超えています。"),
    ("zh", "文件超过了 1 字节的上限。", "文件超过了 3 字节的上限。"),
])
def test_plurals_follow_each_locale(locale: str, one: str, three: str) -> None:
    def say(n: int) -> str | None:
        message = Message.of(ngettext("The file is larger than the limit of {n} byte.",
                                      "The file is larger than the limit of {n} bytes.", n), {})
        return message.english() if locale == "en" else message.translate(translations(locale))

    assert (say(1), say(3)) == (one, three)


def test_catalogs_are_complete() -> None:
    assert [str(p) for p in check_package_folder(ROOT / "marketplace")] == []


LOCALES = [("en", "en"), ("ko-KR", "ko"), ("ja", "ja"), ("zh-Hant-TW", "zh"), ("es-419", "es")]


@pytest.fixture
def requests(client: TestClient, make_partner: Any, tmp_path: Path) -> list[Any]:
    """Calls that fail in different ways; each one a function of the Accept-Language."""
    partner = make_partner()
    bad = tmp_path / "hello_skill-1.0.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")

    def upload(headers: dict[str, str]) -> Any:
        with bad.open("rb") as handle:
            return client.post("/legacy/", headers={**partner.basic, **headers},
                               data={":action": "file_upload", "protocol_version": "1",
                                     "name": "hello-skill", "version": "1.0.0",
                                     "filetype": "bdist_wheel"},
                               files={"content": (bad.name, handle)})

    return [
        lambda h: client.get("/v1/skills/nothing-here", headers=h),          # 404 domain
        lambda h: client.get("/no/such/route", headers=h),                   # 404 framework
        lambda h: client.delete("/v1/skills", headers=h),                    # 405
        lambda h: client.get("/v1/skills", params={"locale": "xx"}, headers=h),  # 400 locale
        lambda h: client.post("/v1/tokens", json={}, headers=h),             # 401
        lambda h: client.post("/v1/tokens", content=b"{", headers={           # 422 json
            **partner.bearer, "Content-Type": "application/json", **h}),
        upload,                                                              # 400 upload
    ]


def test_real_problems_keep_type_and_status_in_every_locale(requests: list[Any]) -> None:
    for call in requests:
        seen = {}
        for header, locale in LOCALES:
            response = call({"Accept-Language": header})
            body = response.json()
            assert response.status_code == body["status"] >= 400
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["content-language"] == locale, (header, body)
            seen[locale] = body
        assert len({(b["type"], b["status"]) for b in seen.values()}) == 1, seen
        assert len({b["detail"] for b in seen.values()}) == len(LOCALES), seen


def test_invalid_locale_is_named(client: TestClient) -> None:
    response = client.get("/v1/skills", params={"locale": "tlh"},
                          headers={"Accept-Language": "ko"})
    assert response.status_code == 400
    assert response.json()["type"].endswith("/" + InvalidLocale.slug)
    assert "'tlh'" in response.json()["detail"]
    assert response.headers["content-language"] == "ko"


def _json(body: bytes | memoryview) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(bytes(body))
    return data


def test_body_limit_is_said_in_the_request_language(client: TestClient) -> None:
    body = b"[" + b"0," * 600_000 + b"0]"
    response = client.post("/v1/tokens", content=body, headers={
        "Accept-Language": "ja", "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-language"] == "ja"
    assert response.json()["type"] == "https://robeing.dev/problems/too-large"
    assert response.json()["detail"].startswith("リクエスト本文が上限の")
