"""Deprecation headers (RFC 9745 Deprecation, RFC 8594 Sunset, Link rel="deprecation") on a
route deliberately deprecated here: an old spelling of the skill detail route."""

from __future__ import annotations

from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from marketplace.catalog.models import SkillPublic
from marketplace.deps import VisibleSkill
from marketplace.versioning import VersionedRoute, add_months, deprecation

GUIDE = "https://robeing.dev/docs/marketplace/api/#versioning"


@pytest.fixture
def old_spelling(app: FastAPI) -> FastAPI:
    router = APIRouter(prefix="/v1/skill", route_class=VersionedRoute)

    @router.get("/{name}", response_model=SkillPublic,
                **deprecation(date(2026, 12, 1), guide=GUIDE))
    def old_detail(skill: VisibleSkill) -> SkillPublic:
        return SkillPublic.from_row(skill)

    @router.get("/{name}/current")
    def current(skill: VisibleSkill) -> dict[str, str]:
        return {"name": skill.name}

    app.include_router(router)
    app.openapi_schema = None
    return app


def test_deprecated_route_carries_the_headers(old_spelling: FastAPI, client: TestClient,
                                              make_partner: Any, wheels: Any,
                                              upload_file: Any) -> None:
    assert upload_file(make_partner(), wheels()).status_code == 200
    for response in (client.get("/v1/skill/hello-skill"), client.get("/v1/skill/nope")):
        assert response.status_code in (200, 404)
        assert response.headers["deprecation"] == "@1796083200"  # 2026-12-01T00:00:00Z
        assert parsedate_to_datetime(response.headers["sunset"]).date() == date(2027, 12, 1)
        assert response.headers["link"] == f'<{GUIDE}>; rel="deprecation"; type="text/html"'
    assert client.get("/v1/skill/hello-skill").json()["name"] == "hello-skill"
    plain = client.get("/v1/skill/hello-skill/current")
    assert plain.status_code == 200 and "deprecation" not in plain.headers
    assert "deprecation" not in client.get("/v1/skills/hello-skill").headers


def test_deprecated_route_in_openapi(old_spelling: FastAPI, client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/skill/{name}"]["get"]
    assert operation["deprecated"] is True
    assert operation["x-deprecation"] == {"since": "2026-12-01", "sunset": "2027-12-01",
                                          "migration_guide": GUIDE}


def test_the_sunset_rule() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    with pytest.raises(ValueError, match="at least 12 months"):
        deprecation(date(2026, 12, 1), guide=GUIDE, sunset=date(2027, 6, 1))
    with pytest.raises(ValueError, match="migration guide"):
        deprecation(date(2026, 12, 1), guide="")
    later = deprecation(date(2026, 12, 1), guide=GUIDE, sunset=date(2028, 1, 1))
    assert later["openapi_extra"]["x-deprecation"]["sunset"] == "2028-01-01"
