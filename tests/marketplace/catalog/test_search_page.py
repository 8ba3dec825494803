"""Search pages: the body built straight from the rows is the model's JSON, byte for byte,
and a cached search page never outlives a change to what it shows (publish, yank, delete,
hold and approval, deprecation, a new maintainer)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.catalog import search as catalog_search
from marketplace.catalog import service
from marketplace.catalog.models import SkillPublic
from marketplace.catalog.routes import SkillPage
from marketplace.db import Database
from robeing_sdk.i18n import fallback_chain


@pytest.fixture
def catalog(make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    for name, summary, category, sdk in [
        ("invoice-helper", "Writes invoices.", "finance", ">=0.1,<1"),
        ("calendar-sync", "Keeps your calendar in sync.", "productivity", ">=0.1,<1"),
        ("tax-buddy", "Answers tax questions about invoices.", "finance", ">=2,<3"),
        ("go", "A two-letter name.", "social", ">=0.1,<1"),
    ]:
        response = upload_file(partner, wheels(name, summary=summary, category=category,
                                               sdk=sdk, description=f"{summary} Really."))
        assert response.status_code == 200, response.text
    return partner


def model_body(db: Database, query: catalog_search.Query, shown: str) -> bytes:
    """The page as the API built it before: ORM rows, then validated models."""
    with db.read() as session:
        skills, next_cursor = catalog_search.search(session, query)
        texts = service.texts_of(session, skills)
        chain = fallback_chain(shown)
        page = SkillPage(items=[SkillPublic.from_row(s, texts[s.id], chain) for s in skills],
                         next_cursor=next_cursor)
    return page.model_dump_json().encode()


@pytest.mark.parametrize(("params", "shown"), [
    ({"q": "invoice"}, "en"),
    ({"q": "invoice", "locale": "ko"}, "ko"),
    ({"q": "테스트"}, "ja"),                      # falls back to English
    ({"q": "go"}, "en"),                         # a short word: LIKE, not the index
    ({"q": "in voi"}, "en"),                     # a short and a long word together
    ({"sort": "newest", "limit": 2}, "en"),      # a next_cursor
    ({"sort": "downloads", "category": "finance"}, "en"),
    ({"sdk": "2.5"}, "en"),
    ({"price": "free", "q": "sync"}, "zh"),
])
def test_body_is_the_models_json(client: TestClient, catalog: Any, db: Database,
                                 params: dict[str, Any], shown: str) -> None:
    response = client.get("/v1/skills", params=params, headers={"Accept-Language": shown})
    assert response.status_code == 200, response.text
    query = catalog_search.Query(text=params.get("q", ""), category=params.get("category"),
                                 locale=params.get("locale"), price=params.get("price"),
                                 sdk=params.get("sdk"),
                                 sort=catalog_search.Sort(params.get("sort", "relevance")),
                                 limit=params.get("limit", 20))
    assert response.content == model_body(db, query, shown)
    assert response.json()["items"], "every case should find something"


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(["invoice", "in", "voi", "tax", "go", "sync", "테스트",
                                       "스킬", "really", "a", "%", "_x", "zzz"]),
                      max_size=3),
       sort=st.sampled_from(list(catalog_search.Sort)),
       category=st.sampled_from([None, "finance", "social"]),
       shown=st.sampled_from(["en", "ko", "ja"]), limit=st.integers(1, 5))
def test_any_query_gets_the_models_json(client: TestClient, catalog: Any, db: Database,
                                        words: list[str], sort: catalog_search.Sort,
                                        category: str | None, shown: str,
                                        limit: int) -> None:
    params: dict[str, Any] = {"q": " ".join(words), "sort": sort.value, "limit": limit,
                              **({"category": category} if category else {})}
    response = client.get("/v1/skills", params=params, headers={"Accept-Language": shown})
    assert response.status_code == 200, response.text
    query = catalog_search.Query(text=" ".join(words), category=category, sort=sort,
                                 limit=limit)
    assert response.content == model_body(db, query, shown)


def test_cursor_pages_match_the_model_too(client: TestClient, catalog: Any,
                                         db: Database) -> None:
    cursor = None
    for _ in range(4):
        params: dict[str, Any] = {"sort": "newest", "limit": 1, **({"cursor": cursor}
                                                                   if cursor else {})}
        response = client.get("/v1/skills", params=params)
        query = catalog_search.Query(sort=catalog_search.Sort.NEWEST, limit=1, cursor=cursor)
        assert response.content == model_body(db, query, "en")
        cursor = response.json()["next_cursor"]


def names(client: TestClient, **params: Any) -> list[str]:
    response = client.get("/v1/skills", params=params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def found(client: TestClient, name: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/skills", params=params)
    assert response.status_code == 200, response.text
    [item] = [item for item in response.json()["items"] if item["name"] == name]
    result: dict[str, Any] = item
    return result


def test_publish_yank_and_delete_show_in_the_next_search(client: TestClient, catalog: Any,
                                                        wheels: Any, upload_file: Any) -> None:
    assert names(client, q="crossword") == []  # cached from here on
    assert found(client, "go", q="go")["latest_version"] == "1.0.0"
    new = upload_file(catalog, wheels("go", version="2.0.0", description="Crossword too."))
    assert new.status_code == 200, new.text
    assert names(client, q="crossword") == ["go"]
    assert found(client, "go", q="go")["latest_version"] == "2.0.0"
    yanked = client.put("/v1/skills/go/releases/2.0.0/yank", json={"reason": "bad"},
                        headers=catalog.bearer)
    assert yanked.status_code == 200, yanked.text
    assert names(client, q="crossword") == []
    assert found(client, "go", q="go")["latest_version"] == "1.0.0"
    deleted = client.delete("/v1/skills/go/files/go-1.0.0-py3-none-any.whl",
                            headers=catalog.bearer)
    assert deleted.status_code == 204, deleted.text
    assert found(client, "go", q="go")["latest_version"] is None


def test_a_new_skill_shows_in_a_cached_listing(client: TestClient, catalog: Any,
                                              wheels: Any, upload_file: Any) -> None:
    before = names(client, sort="newest")
    assert upload_file(catalog, wheels("zebra-notes")).status_code == 200
    assert names(client, sort="newest") == ["zebra-notes", *before]


def test_hold_and_approval_show_in_the_next_search(client: TestClient, catalog: Any,
                                                  make_partner: Any, wheels: Any,
                                                  upload_file: Any, db: Database) -> None:
    from marketplace.accounts import service as accounts
    from marketplace.accounts.models import PartnerCreate

    assert names(client, q="calendar") == ["calendar-sync"]
    rival = make_partner("rival")
    held = upload_file(rival, wheels("ca1endar-sync"))  # confusable: held for review
    assert held.status_code == 200, held.text
    assert names(client, q="sync") == ["calendar-sync"]
    with db.write() as session:
        staff = accounts.create_staff(session, PartnerCreate(name="sam",
                                                             email="sam@robeing.dev"))
        token = accounts.issue_token(session, staff.id).token
        session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    [review] = client.get("/v1/staff/name-reviews", headers=bearer).json()
    approved = client.post(f"/v1/staff/name-reviews/{review['id']}/approve", headers=bearer,
                           json={"note": "Different product."})
    assert approved.status_code == 200, approved.text
    assert names(client, q="sync") == ["ca1endar-sync", "calendar-sync"]


def test_deprecation_shows_in_the_next_search(client: TestClient, catalog: Any) -> None:
    assert found(client, "tax-buddy", q="tax")["deprecated"] is False
    response = client.put("/v1/skills/tax-buddy/deprecation", headers=catalog.bearer,
                          json={"reason": "Use invoice-helper.", "successor": "invoice-helper"})
    assert response.status_code == 200, response.text
    shown = found(client, "tax-buddy", q="tax")
    assert (shown["deprecated"], shown["successor"]) == (True, "invoice-helper")


def test_a_new_maintainer_shows_in_the_tier_filter(client: TestClient, catalog: Any,
                                                  make_partner: Any, db: Database) -> None:
    from sqlmodel import select

    from marketplace.accounts.models import Partner

    helper = make_partner("helper")
    with db.write() as session:
        partner = session.exec(select(Partner).where(Partner.id == helper.id)).one()
        partner.tier = "gold"
        session.add(partner)
        session.commit()
    assert names(client, tier="gold") == []
    added = client.post("/v1/skills/tax-buddy/roles", json={"partner": "helper"},
                        headers=catalog.bearer)
    assert added.status_code == 204, added.text
    assert names(client, tier="gold") == ["tax-buddy"]


def test_uncached_searches_compute_a_few_at_a_time(catalog: Any, db: Database) -> None:
    """However many ask at once, at most ``CONCURRENT`` searches are in the database; the
    others wait their turn and get the same answer."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import event

    from marketplace.catalog import search_page

    lock = threading.Lock()
    running = {"now": 0, "most": 0}

    def before(*_: Any) -> None:
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        time.sleep(0.02)  # long enough for the others to pile up

    def after(*_: Any) -> None:
        with lock:
            running["now"] -= 1

    query = catalog_search.Query(text="invoice")
    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        with ThreadPoolExecutor(3 * search_page.CONCURRENT) as pool:
            bodies = set(pool.map(lambda _: search_page.render(db, query, None, "en"),
                                  range(3 * search_page.CONCURRENT)))
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    assert len(bodies) == 1
    assert 1 < running["most"] <= search_page.CONCURRENT
