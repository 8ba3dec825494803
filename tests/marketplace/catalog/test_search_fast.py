"""The search fast path: a cached page served before FastAPI's routing is the route's answer,
byte for byte and header for header, and falls through whenever it cannot be sure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.accounts import service as accounts
from marketplace.accounts.models import PartnerCreate
from marketplace.app import create_app
from marketplace.catalog import search_fast
from marketplace.catalog.search_fast import SearchFastPath
from marketplace.db import Database
from marketplace.settings import Settings


@pytest.fixture
def catalog(make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    for name, summary, category in [("invoice-helper", "Writes invoices.", "finance"),
                                    ("tax-buddy", "Answers tax questions.", "finance"),
                                    ("go", "A two-letter name.", "social")]:
        response = upload_file(partner, wheels(name, summary=summary, category=category))
        assert response.status_code == 200, response.text
    return partner


@pytest.fixture
def plain(settings: Settings) -> Iterator[TestClient]:
    """The same marketplace without the fast path: every search goes through the route."""
    app: FastAPI = create_app(settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not SearchFastPath]
    with TestClient(app) as client:
        yield client


@pytest.fixture
def served_fast(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query strings the fast path answered (rather than passed on)."""
    served: list[str] = []
    answer = search_fast._cached_response

    def spy(scope: Any) -> Any:
        response = answer(scope)
        if response is not None:
            served.append(scope["query_string"].decode())
        return response

    monkeypatch.setattr(search_fast, "_cached_response", spy)
    return served


def same(left: Any, right: Any) -> None:
    assert (left.status_code, left.headers.multi_items(), left.content) == (
        right.status_code, right.headers.multi_items(), right.content)


VALID = {"q": ["invoice", "tax", "go", "in voi", "스킬", "zzz"], "category": ["finance"],
         "locale": ["ko", "en-US"], "price": ["free", "usage"], "tier": ["gold"],
         "sdk": ["0.5"], "sort": ["relevance", "newest", "downloads"], "limit": ["1", "2", "100"]}
ODD = {"q": ["", "a" * 201, "x\x00y", " tax "], "limit": ["020", "2e1", "-1", "0", "", "+2"],
       "sort": ["Newest", ""], "price": ["", "gratis"], "sdk": ["not-a-version", "1" * 65],
       "cursor": ["garbage", ""], "locale": ["xx", " ", "k" * 36], "tier": ["", "t" * 21],
       "unknown": ["1"], "category": ["", "c" * 33]}
pair = st.one_of(
    st.sampled_from(sorted(VALID)).flatmap(lambda k: st.tuples(st.just(k),
                                                                st.sampled_from(VALID[k]))),
    st.sampled_from(sorted(ODD)).flatmap(lambda k: st.tuples(st.just(k),
                                                              st.sampled_from(ODD[k]))))
headers = st.fixed_dictionaries({}, optional={
    "Accept-Language": st.sampled_from(["ko", "ja,en;q=0.5", "fr", "zh-Hant-TW"]),
    "Accept-Encoding": st.sampled_from(["gzip", "identity"]),
    "Authorization": st.just("Bearer nobody")})


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(pair, max_size=4), plus=st.booleans(), sent=headers)
def test_any_query_string_gets_the_routes_answer(client: TestClient, plain: TestClient,
                                                 catalog: Any, served_fast: list[str],
                                                 pairs: list[tuple[str, str]], plus: bool,
                                                 sent: dict[str, str]) -> None:
    query = "&".join(f"{k}={quote(v, safe='') if not plus else v.replace(' ', '+')}"
                     .replace("\x00", "%00") for k, v in pairs)
    url = "/v1/skills" + (f"?{query}" if query else "")
    expected = plain.get(url, headers=sent)
    before = len(served_fast)
    for _ in range(2):  # the first may compute and cache it; the second may be served fast
        same(client.get(url, headers=sent), expected)
    canonical = (len({k for k, _ in pairs}) == len(pairs)
                 and all(v in VALID.get(k, ()) for k, v in pairs))
    if expected.status_code == 200 and canonical and "Authorization" not in sent:
        assert len(served_fast) > before, f"{url} should be served from the cache"
    repeated = len({k for k, _ in pairs}) < len(pairs)
    if repeated or "unknown" in dict(pairs) or expected.status_code != 200:
        assert len(served_fast) == before, f"{url} should have gone to the route"
    if expected.status_code == 200:  # a conditional request gets the route's 304 too
        etag = {"If-None-Match": expected.headers["ETag"]}
        same(client.get(url, headers={**sent, **etag}), plain.get(url, headers={**sent, **etag}))


@pytest.mark.parametrize("query", ["q=tax&q=go", "limit=020", "limit=2e1", "other=1",
                                   "price=", "sort=Relevance", "q=", "cursor=" + "c" * 513])
def test_anything_unusual_falls_through(query: str) -> None:
    assert search_fast.key_for(query.encode(), "en") is None


def test_long_query_strings_are_not_remembered(client: TestClient) -> None:
    search_fast.ask_for.cache_clear()
    long = "q=" + "%ED%85%8C" * 200 + "&cursor=" + "c" * 400  # a valid length, 2.2 KB
    assert client.get(f"/v1/skills?{long}").status_code in (200, 400)
    assert client.get("/v1/skills?q=tax").status_code == 200
    assert search_fast.ask_for.cache_info().currsize == 1  # only the short one


def test_the_routes_limits_are_the_fast_paths(app: FastAPI) -> None:
    parameters = app.openapi()["paths"]["/v1/skills"]["get"]["parameters"]
    declared = {p["name"]: max(s.get("maxLength", 0) for s in p["schema"].get("anyOf",
                                                                             [p["schema"]]))
                for p in parameters if p["name"] in search_fast.MAX_CHARS}
    assert declared == search_fast.MAX_CHARS


def names(client: TestClient, served_fast: list[str], query: str) -> list[str]:
    """The names found, from a request the fast path answered."""
    before = len(served_fast)
    response = client.get(f"/v1/skills?{query}")
    assert response.status_code == 200, response.text
    assert len(served_fast) == before + 1, "expected a cached page"
    return [item["name"] for item in response.json()["items"]]


def test_publish_yank_and_hold_show_through_the_fast_path(
        client: TestClient, catalog: Any, served_fast: list[str], make_partner: Any,
        wheels: Any, upload_file: Any, db: Database) -> None:
    for query in ("q=crossword", "q=sync"):
        client.get(f"/v1/skills?{query}")  # computed and cached by the route
    assert names(client, served_fast, "q=crossword") == []
    new = upload_file(catalog, wheels("go", version="2.0.0", description="Crossword too."))
    assert new.status_code == 200, new.text
    client.get("/v1/skills?q=crossword")  # the publish made the cached page stale: recomputed
    assert names(client, served_fast, "q=crossword") == ["go"]
    yanked = client.put("/v1/skills/go/releases/2.0.0/yank", json={"reason": "bad"},
                        headers=catalog.bearer)
    assert yanked.status_code == 200, yanked.text
    before = len(served_fast)
    assert client.get("/v1/skills?q=crossword").json()["items"] == []
    assert len(served_fast) == before, "a stale page was served after the yank"
    assert names(client, served_fast, "q=crossword") == []
    assert upload_file(catalog, wheels("calendar-sync")).status_code == 200
    client.get("/v1/skills?q=sync")
    assert names(client, served_fast, "q=sync") == ["calendar-sync"]
    rival = make_partner("rival")
    held = upload_file(rival, wheels("ca1endar-sync"))  # confusable: held for name review
    assert held.status_code == 200, held.text
    before = len(served_fast)
    assert [i["name"] for i in client.get("/v1/skills?q=sync").json()["items"]] == [
        "calendar-sync"]
    assert names(client, served_fast, "q=sync") == ["calendar-sync"]
    assert len(served_fast) == before + 1
    with db.write() as session:
        staff = accounts.create_staff(session, PartnerCreate(name="sam",
                                                             email="sam@robeing.dev"))
        bearer = {"Authorization": f"Bearer {accounts.issue_token(session, staff.id).token}"}
        session.commit()
    [review] = client.get("/v1/staff/name-reviews", headers=bearer).json()
    approved = client.post(f"/v1/staff/name-reviews/{review['id']}/approve", headers=bearer,
                           json={"note": "Different product."})
    assert approved.status_code == 200, approved.text
    client.get("/v1/skills?q=sync")
    assert names(client, served_fast, "q=sync") == ["ca1endar-sync", "calendar-sync"]


def test_a_first_search_is_rendered_here_and_a_refused_one_goes_to_the_route(
        client: TestClient, catalog: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[bool] = []
    render = search_fast._rendered_response

    async def spy(scope: Any) -> Any:
        response = await render(scope)
        rendered.append(response is not None)
        return response

    monkeypatch.setattr(search_fast, "_rendered_response", spy)
    first = client.get("/v1/skills?q=crossword&limit=3")
    assert first.status_code == 200 and rendered == [True]
    refused = client.get("/v1/skills?q=crossword&sdk=not-a-version")
    assert refused.status_code == 400 and rendered == [True, False]
    assert refused.headers["content-type"] == "application/problem+json"
    assert "not-a-version" in refused.json()["detail"]
