"""Skill names and descriptions per locale: stored on publish, shown in the request's language."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.app import create_app
from marketplace.demo import seed
from marketplace.settings import Settings

ROOT = Path(__file__).resolve().parents[3]

MANIFEST = """\
name = "{name}"
sdk = ">=0.1,<1"

[display_name]
{names}

[description]
{descriptions}
"""


def manifest_files(name: str, names: dict[str, str], descriptions: dict[str, str]
                   ) -> dict[str, bytes]:
    module = name.replace("-", "_")

    def table(texts: dict[str, str]) -> str:
        return "\n".join(f'{lang} = "{text}"' for lang, text in texts.items())

    text = MANIFEST.format(name=name, names=table(names), descriptions=table(descriptions))
    return {f"{module}/robeing-skill.toml": text.encode()}


NAMES = {"en": "Invoice Helper", "ko": "청구서 도우미", "ja": "請求書ヘルパー",
         "es": "Asistente de facturas"}
DESCRIPTIONS = {"en": "Writes invoices.", "ko": "청구서를 씁니다.", "ja": "請求書を作ります。",
                "es": "Escribe facturas.", "zh": "开发票。"}


@pytest.fixture
def published(make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    response = upload_file(partner, wheels(
        "invoice-helper", extra_files=manifest_files("invoice-helper", NAMES, DESCRIPTIONS)))
    assert response.status_code == 200, response.text
    return partner


@pytest.mark.parametrize(("header", "locale", "name", "description"), [
    (None, "en", "Invoice Helper", "Writes invoices."),
    ("ko-KR,ko;q=0.9", "ko", "청구서 도우미", "청구서를 씁니다."),
    ("ja", "ja", "請求書ヘルパー", "請求書を作ります。"),
    ("es-419", "es", "Asistente de facturas", "Escribe facturas."),
    # zh has a description but no name: both fall back together, never half and half
    ("zh-Hant-TW", "en", "Invoice Helper", "Writes invoices."),
    ("fr-FR", "en", "Invoice Helper", "Writes invoices."),
])
def test_detail_and_list_in_the_negotiated_locale(client: TestClient, published: Any,
                                                  header: str | None, locale: str, name: str,
                                                  description: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    detail = client.get("/v1/skills/invoice-helper", headers=headers)
    listed = client.get("/v1/skills", headers=headers)
    assert detail.status_code == listed.status_code == 200
    assert "Accept-Language" in detail.headers["vary"]
    assert "Accept-Language" in listed.headers["vary"]
    for item in (detail.json(), listed.json()["items"][0]):
        assert (item["locale"], item["display_name"], item["description"]) == (
            locale, name, description)
        assert item["display_names"] == NAMES
        assert item["descriptions"] == DESCRIPTIONS


def test_locale_parameter_overrides_the_header_and_filters(client: TestClient, published: Any,
                                                           make_partner: Any, wheels: Any,
                                                           upload_file: Any) -> None:
    other = make_partner("other")
    assert upload_file(other, wheels("plain-skill")).status_code == 200  # en and ko only
    response = client.get("/v1/skills", params={"locale": "ja-JP"},
                          headers={"Accept-Language": "ko"})
    assert [(i["name"], i["display_name"]) for i in response.json()["items"]] == [
        ("invoice-helper", "請求書ヘルパー")]
    response = client.get("/v1/skills/plain-skill", params={"locale": "ko"})
    assert response.json()["display_name"] == "Plain-Skill 스킬"
    assert response.json()["locale"] == "ko"


def test_the_newest_release_wins(client: TestClient, published: Any, wheels: Any,
                                 upload_file: Any) -> None:
    names = {"en": "Invoice Helper 2", "es": "Facturas 2"}
    descriptions = {"en": "Writes better invoices.", "es": "Escribe mejores facturas."}
    response = upload_file(published, wheels(
        "invoice-helper", "2.0.0",
        extra_files=manifest_files("invoice-helper", names, descriptions)))
    assert response.status_code == 200, response.text
    item = client.get("/v1/skills/invoice-helper", headers={"Accept-Language": "ko"}).json()
    assert item["display_names"] == names  # Korean and Japanese were dropped by 2.0.0
    assert (item["locale"], item["display_name"]) == ("en", "Invoice Helper 2")
    item = client.get("/v1/skills/invoice-helper", headers={"Accept-Language": "es"}).json()
    assert item["description"] == "Escribe mejores facturas."


def test_search_matches_any_locale(client: TestClient, published: Any) -> None:
    for words in ("청구서", "請求書", "facturas", "开发票"):
        found = client.get("/v1/skills", params={"q": words}).json()["items"]
        assert [item["name"] for item in found] == ["invoice-helper"], words


def test_cached_pages_differ_per_locale(client: TestClient, published: Any) -> None:
    ko = client.get("/v1/skills", headers={"Accept-Language": "ko"})
    ja = client.get("/v1/skills", headers={"Accept-Language": "ja"})
    assert ko.headers["etag"] != ja.headers["etag"]
    again = client.get("/v1/skills", headers={"Accept-Language": "ko",
                                              "If-None-Match": ko.headers["etag"]})
    assert again.status_code == 304


def test_demo_seed_shows_korean_names(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    shutil.copytree(ROOT / "plugins" / "greetings", plugins / "greetings",
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    assert [r.status for r in seed(settings, plugins)] == ["published"]
    with TestClient(app) as client:
        item = client.get("/v1/skills/greetings", headers={"Accept-Language": "ko"}).json()
        assert (item["locale"], item["display_name"]) == ("ko", "인사")
        assert item["description"].startswith("시간대에 맞춰 인사하고")
        assert client.get("/v1/skills", headers={"Accept-Language": "zh-Hant-TW"}
                          ).json()["items"][0]["display_name"] == "问候"
    app.state.db.dispose()
