"""The simple repository API: PEP 503 HTML, PEP 691 JSON, PEP 658/714 metadata, PEP 592."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient

JSON = "application/vnd.pypi.simple.v1+json"
HTML = "application/vnd.pypi.simple.v1+html"


@pytest.fixture
def published(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    for version in ("1.0.0", "1.1.0"):
        response = upload_file(partner, wheels(version=version, requires_python=">=3.11,<4"))
        assert response.status_code == 200, response.text
    return partner


def test_root_lists_projects_in_both_formats(client: TestClient, published: Any) -> None:
    html = client.get("/simple/")
    assert html.headers["content-type"].startswith("text/html")
    assert '<a href="/simple/hello-skill/">hello-skill</a>' in html.text
    data = client.get("/simple/", headers={"Accept": JSON}).json()
    assert data == {"meta": {"api-version": "1.1"}, "projects": [{"name": "hello-skill"}]}


def test_project_json_shape(client: TestClient, published: Any) -> None:
    response = client.get("/simple/hello-skill/", headers={"Accept": JSON})
    assert response.headers["content-type"] == JSON
    data = response.json()
    assert data["meta"]["api-version"] == "1.1"
    assert data["name"] == "hello-skill"
    assert data["versions"] == ["1.0.0", "1.1.0"]
    first = data["files"][0]
    assert set(first) >= {"filename", "url", "hashes", "requires-python", "core-metadata",
                          "dist-info-metadata", "yanked", "size", "upload-time"}
    assert first["filename"] == "hello_skill-1.0.0-py3-none-any.whl"
    assert first["requires-python"] == "<4,>=3.11"
    assert first["yanked"] is False
    assert first["upload-time"].endswith("Z")
    content = client.get(first["url"]).content
    assert hashlib.sha256(content).hexdigest() == first["hashes"]["sha256"]
    assert first["size"] == len(content)


def test_project_html_has_hashes_metadata_and_escaped_requires_python(
        client: TestClient, published: Any) -> None:
    text = client.get("/simple/hello-skill/", headers={"Accept": "text/html"}).text
    assert '<meta name="pypi:repository-version" content="1.1">' in text
    assert "#sha256=" in text
    assert 'data-requires-python="&lt;4,&gt;=3.11"' in text
    assert 'data-core-metadata="sha256=' in text and 'data-dist-info-metadata="sha256=' in text
    assert "data-yanked" not in text


def test_metadata_file_matches_its_hash(client: TestClient, published: Any) -> None:
    file = client.get("/simple/hello-skill/", headers={"Accept": JSON}).json()["files"][0]
    metadata = client.get(file["url"] + ".metadata")
    assert metadata.status_code == 200
    assert hashlib.sha256(metadata.content).hexdigest() == file["core-metadata"]["sha256"]
    assert b"Name: hello-skill" in metadata.content


def test_files_have_content_type_and_count_downloads(client: TestClient,
                                                     published: Any) -> None:
    file = client.get("/simple/hello-skill/", headers={"Accept": JSON}).json()["files"][0]
    response = client.get(file["url"])
    assert response.headers["content-type"] == "application/zip"
    counts = client.get("/v1/skills/hello-skill/downloads").json()
    assert counts["total"] == 1 and counts["files"][file["filename"]] == 1


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/html", "text/html"),
    (HTML, HTML),
    (JSON, JSON),
    (f"{JSON}, {HTML};q=0.1, text/html;q=0.01", JSON),  # what pip sends
    (f"{JSON};q=0.2, {HTML};q=0.9", HTML),
    ("application/vnd.pypi.simple.latest+json", JSON),
])
def test_content_negotiation(client: TestClient, published: Any, accept: str | None,
                             expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/simple/hello-skill/", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize("accept", ["application/xml", "application/vnd.pypi.simple.v2+json",
                                    f"{JSON};q=0", "image/*"])
def test_unsupported_accept_is_406(client: TestClient, published: Any, accept: str) -> None:
    response = client.get("/simple/hello-skill/", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.json()["status"] == 406


@pytest.mark.parametrize("spelling", ["Hello_Skill", "hello.skill", "HELLO-SKILL"])
def test_non_normalized_names_redirect(client: TestClient, published: Any,
                                       spelling: str) -> None:
    response = client.get(f"/simple/{spelling}/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/simple/hello-skill/"


@pytest.mark.parametrize("name", ["A%23%1F", "a%2F..", "hello%20skill", "-x-"])
def test_impossible_names_are_404_not_redirects(client: TestClient, published: Any,
                                                name: str) -> None:
    response = client.get(f"/simple/{name}/", follow_redirects=False)
    assert response.status_code == 404, response.headers


def test_unknown_project_is_404(client: TestClient, published: Any) -> None:
    response = client.get("/simple/no-such-skill/")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_yanked_release_is_marked(client: TestClient, published: Any) -> None:
    response = client.put("/v1/skills/hello-skill/releases/1.1.0/yank",
                          json={"yanked": True, "reason": "broken <b>build</b>"},
                          headers=published.bearer)
    assert response.status_code == 200, response.text
    html = client.get("/simple/hello-skill/").text
    assert 'data-yanked="broken &lt;b&gt;build&lt;/b&gt;"' in html
    files = client.get("/simple/hello-skill/", headers={"Accept": JSON}).json()["files"]
    assert [f["yanked"] for f in files] == [False, "broken <b>build</b>"]
    assert client.get("/v1/skills/hello-skill").json()["latest_version"] == "1.0.0"


def test_etag_and_304(client: TestClient, published: Any) -> None:
    first = client.get("/simple/hello-skill/")
    assert "max-age=" in first.headers["cache-control"]
    again = client.get("/simple/hello-skill/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    json_page = client.get("/simple/hello-skill/",
                           headers={"Accept": JSON, "If-None-Match": first.headers["etag"]})
    assert json_page.status_code == 200  # another representation, another ETag
