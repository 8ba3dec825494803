"""Free text that cannot be stored (NUL: PostgreSQL refuses it, which was a 500 there) is a
422 naming the field, in every language, and changes nothing; an absurd version in a path
is a 404 or 422, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BAD = "ok\x00then"


@pytest.fixture
def owner(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    assert upload_file(partner, wheels()).status_code == 200
    make_partner("helper")
    return partner


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("PUT", "/v1/skills/hello-skill/releases/1.0.0/yank", {"reason": BAD}, "reason"),
    ("PUT", "/v1/skills/hello-skill/deprecation", {"reason": BAD}, "reason"),
    ("POST", "/v1/skills/hello-skill/roles", {"partner": BAD}, "partner"),
])
def test_nul_in_text_is_a_422_naming_the_field(client: TestClient, owner: Any, method: str,
                                               path: str, body: dict[str, str],
                                               field: str) -> None:
    before = client.get("/v1/skills/hello-skill/releases").json()
    answer = client.request(method, path, json=body, headers=owner.bearer)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == (f"Field '{field}': contains a NUL character, which "
                                       "cannot be stored.")
    korean = client.request(method, path, json=body,
                            headers={**owner.bearer, "Accept-Language": "ko"})
    assert korean.status_code == 422 and "NUL 문자" in korean.json()["detail"]
    assert client.get("/v1/skills/hello-skill/releases").json() == before
    assert client.get("/v1/skills/hello-skill").json()["deprecated"] is False


@pytest.mark.parametrize(("version", "status"), [
    ("9" * 64, 404), ("9" * 5000, 422), ("1.0%00", 404), ("%2e%2e", 404), ("1.0+local", 404),
])
def test_absurd_versions(client: TestClient, owner: Any, version: str, status: int) -> None:
    assert client.get(f"/v1/skills/hello-skill/releases/{version}").status_code == status
    answer = client.put(f"/v1/skills/hello-skill/releases/{version}/yank", json={},
                        headers=owner.bearer)
    assert answer.status_code == status, answer.text


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(max_size=500))
def test_any_reason_is_stored_as_sent_or_refused_for_nul(client: TestClient, owner: Any,
                                                        reason: str) -> None:
    answer = client.put("/v1/skills/hello-skill/releases/1.0.0/yank",
                        json={"reason": reason}, headers=owner.bearer)
    if "\x00" in reason:
        assert answer.status_code == 422, answer.text
        return
    assert answer.status_code == 200, answer.text
    [release] = client.get("/v1/skills/hello-skill/releases").json()
    assert release["yanked_reason"] == reason
