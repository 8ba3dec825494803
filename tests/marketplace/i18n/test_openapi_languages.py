"""``/openapi.json`` documents the language of every ``/v1/`` operation (``locale``,
``Accept-Language`` in; ``Content-Language`` out), and the responses keep that promise."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.marketplace.conftest import PartnerHandle

METHODS = {"get", "put", "post", "delete", "patch"}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, operation) for path, item in schema["paths"].items()
            for method, operation in item.items() if method in METHODS]


def test_every_v1_operation_documents_its_language(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    v1 = [entry for entry in _operations(schema) if entry[0].startswith("/v1/")]
    assert len(v1) >= 30
    for path, method, operation in v1:
        where = f"{method.upper()} {path}"
        parameters = {(p["in"], p["name"]): p for p in operation["parameters"]}
        assert ("query", "locale") in parameters, where
        assert ("header", "Accept-Language") in parameters, where
        assert parameters[("query", "locale")].get("required", False) is False, where
        assert "400" in operation["responses"], where  # ?locale= may be refused
        for status, response in operation["responses"].items():
            header = response["headers"]["Content-Language"]
            assert header["schema"]["enum"] == ["en", "ko", "ja", "zh", "es"], (where, status)
    names = [p["name"] for p in schema["paths"]["/v1/partners/me"]["patch"]["parameters"]]
    assert names.count("locale") == 1 and names.count("Accept-Language") == 1
    for path, _, operation in _operations(schema):
        if not path.startswith("/v1/"):  # the index and twine's upload speak no language
            assert ("query", "locale") not in {(p["in"], p["name"])
                                               for p in operation.get("parameters", [])}


def test_v1_responses_say_their_language(client: TestClient,
                                         make_partner: Callable[..., PartnerHandle]) -> None:
    acme = make_partner("acme")
    cases = [
        client.get("/v1/skills", headers={"Accept-Language": "ja"}),
        client.get("/v1/skills/nope", headers={"Accept-Language": "ja"}),
        client.get("/v1/tokens", headers={**acme.bearer, "Accept-Language": "es-419"}),
        client.get("/v1/partners/program", params={"locale": "zh-Hant-TW"}),
    ]
    assert [(r.status_code, r.headers["content-language"]) for r in cases] == [
        (200, "ja"), (404, "ja"), (200, "es"), (200, "zh")]
    assert "content-language" not in client.get("/simple/").headers
