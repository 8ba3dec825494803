"""The in-memory search engine gives the SQL engine's answers, page by page through every
cursor, on SQLite and PostgreSQL; it declines what it cannot answer exactly; and its snapshot
follows the index serial."""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from marketplace.accounts.models import Partner
from marketplace.catalog import search as catalog_search
from marketplace.catalog.models import Skill, SkillText
from marketplace.catalog.search_memory import SearchIndex, answerable
from marketplace.catalog.service import confusable_key
from marketplace.db import Database
from marketplace.index.service import PageCache, bump_serial
from marketplace.review.models import NameReview

WORDS = ["tax", "taxi", "invoice", "in", "voice", "go", "sync", "calendar", "a", "b2", "스킬"]
CATEGORIES = ["finance", "productivity", "social", "finance social"]
SPECIFIERS = [">=0.1,<1", ">=2,<3", None, "", "not a specifier"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def fill(db: Database, count: int = 240) -> list[str]:
    """``count`` skills with shared name prefixes, phrases in names and summaries, tied
    creation times, mixed filters, and a few held for review. Returns the names."""
    rng = random.Random(11)
    names: set[str] = set()
    while len(names) < count:
        parts = rng.sample(WORDS[:8], rng.choice([1, 2, 2, 3]))
        names.add("-".join(parts) + rng.choice(["", "", f"-{rng.randint(0, 40)}"]))
    rows, texts = [], []
    for name in sorted(names):
        skill_id = uuid.uuid4()
        summary = f"Helps with {' '.join(rng.sample(WORDS, 3))}."
        search_text = f"{name}\n{summary}\n{rng.choice(WORDS)}".lower()
        rows.append(dict(id=skill_id, name=name, confusable_key=confusable_key(name),
                         flagged_confusable=False, display_name=name.title(), summary=summary,
                         search_text=search_text, categories=rng.choice(CATEGORIES),
                         locales=rng.choice(["en", "en ko", "ko ja"]), price_kind=rng.choice(
                             ["free", "free", "one_time"]),
                         latest_version="1.0.0", sdk_specifier=rng.choice(SPECIFIERS),
                         downloads=rng.randint(0, 5), deprecated=False,
                         created_at=START + timedelta(minutes=rng.randint(0, 30)),
                         updated_at=START))
        for locale in rng.sample(["en", "ko", "ja"], rng.randint(0, 2)):
            texts.append(dict(skill_id=skill_id, locale=locale, display_name=f"{name} {locale}",
                              description=f"About {name} in {locale}."))
    with db.write() as session:
        partner = Partner(name="owner", email="owner@example.com")
        session.add(partner)
        session.flush()
        session.execute(insert(Skill), rows)
        session.execute(insert(SkillText), texts)
        for row in rng.sample(rows, 6):
            session.add(NameReview(skill=row["name"], confusable_with="tax",
                                   skill_id=row["id"], requested_by=partner.id,
                                   status=rng.choice(["pending", "rejected", "approved"])))
        bump_serial(session)
        session.commit()
    return sorted(names)


@pytest.fixture
def filled(db: Database) -> Database:
    fill(db)
    return db


def walk(page_of: Any, query: catalog_search.Query) -> list[tuple[Any, ...]]:
    """Every page of ``query``, following cursors: (id, sort key) per row and each page's
    texts."""
    seen: list[tuple[Any, ...]] = []
    for _ in range(300):
        page = page_of(query)
        seen += [(row.id, row.score, row.downloads, page.texts.get(row.id)) for row in page.rows]
        seen.append(("cursor", page.next_cursor))
        if page.next_cursor is None:
            return seen
        query = dataclasses.replace(query, cursor=page.next_cursor)
    raise AssertionError("the pages never ended")


def sql_page(db: Database) -> Any:
    def page_of(query: catalog_search.Query) -> catalog_search.Page:
        with db.read() as session:
            return catalog_search.search_page(session, query)
    return page_of


def memory_page(db: Database) -> Any:
    index = SearchIndex(db, background=False)
    pages = PageCache(db)

    def page_of(query: catalog_search.Query) -> catalog_search.Page:
        page = index.page(query, pages.serial())
        assert page is not None, "the snapshot should answer this query"
        return page
    return page_of


phrases = st.lists(st.sampled_from([*WORDS, "tax-in", "calendar sync", "vo", "x", "%", "_"]),
                   max_size=3).map(" ".join)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=phrases, sort=st.sampled_from([catalog_search.Sort.RELEVANCE,
                                           catalog_search.Sort.NEWEST]),
       category=st.sampled_from([None, "finance", "social", "gardening"]),
       locale=st.sampled_from([None, "ko", "en"]),
       price=st.sampled_from([None, "free", "one_time"]),
       sdk=st.sampled_from([None, "0.5", "2.1", "9"]), limit=st.integers(1, 40))
def test_memory_answers_equal_sql_answers(filled: Database, text: str, sort: Any,
                                          category: str | None, locale: str | None,
                                          price: str | None, sdk: str | None,
                                          limit: int) -> None:
    query = catalog_search.Query(text=text, sort=sort, category=category, locale=locale,
                                 price=price, sdk=sdk, limit=limit)
    if not text.split() and sort is catalog_search.Sort.RELEVANCE:
        return  # by downloads: the SQL engine's (see test_declines_what_it_cannot_answer)
    assert walk(memory_page(filled), query) == walk(sql_page(filled), query)


def test_finds_and_ranks_like_sql(filled: Database) -> None:
    """A fixed case of each tier, so a broken comparison cannot pass by finding nothing."""
    query = catalog_search.Query(text="tax", limit=100)
    rows = memory_page(filled)(query).rows
    assert {row.score for row in rows} >= {100, 60, 40}
    assert [row.id for row in rows] == [row.id for row in sql_page(filled)(query).rows]


@pytest.mark.parametrize("query", [
    catalog_search.Query(text="tax", sort=catalog_search.Sort.DOWNLOADS),
    catalog_search.Query(text=""),  # relevance without words is by downloads
    catalog_search.Query(text="tax", partner_ids=(uuid.uuid4(),)),
    catalog_search.Query(text="tax", category="Finance"),
    catalog_search.Query(text="tax", locale="k%"),
])
def test_declines_what_it_cannot_answer(query: catalog_search.Query) -> None:
    assert not answerable(query, catalog_search.parse(query))


def test_snapshot_follows_the_index_serial(filled: Database) -> None:
    index, pages = SearchIndex(filled, background=False), PageCache(filled)
    query = catalog_search.Query(text="zebra")
    assert index.page(query, pages.serial()).rows == []  # type: ignore[union-attr]
    with filled.write() as session:
        session.execute(insert(Skill), [dict(
            id=uuid.uuid4(), name="zebra-tax", confusable_key=confusable_key("zebra-tax"),
            search_text="zebra-tax\nstripes", created_at=START, updated_at=START)])
        bump_serial(session)
        session.commit()
    [row] = index.page(query, pages.serial()).rows  # type: ignore[union-attr]
    assert row.name == "zebra-tax" and row.score == 60


@pytest.mark.parametrize("cursor", ["eyJzIjoicmVsZXZhbmNlIiwiayI6WyJ4IiwiYSJdfQ",  # key "x"
                                    "eyJzIjoibmV3ZXN0IiwiayI6WzEsImEiXX0"])  # newest key 1
def test_a_cursor_with_the_wrong_kind_of_key_is_a_400(filled: Database, cursor: str) -> None:
    sort = catalog_search.Sort.NEWEST if "bmV3ZXN0" in cursor else catalog_search.Sort.RELEVANCE
    query = catalog_search.Query(text="tax", sort=sort, cursor=cursor)
    with pytest.raises(catalog_search.BadCursor):
        memory_page(filled)(query)
    with pytest.raises(catalog_search.BadCursor):
        sql_page(filled)(query)


def test_a_stale_snapshot_is_built_in_the_background(filled: Database) -> None:
    index, pages = SearchIndex(filled), PageCache(filled)
    query = catalog_search.Query(text="tax")
    assert index.page(query, pages.serial()) is None  # the SQL engine answers meanwhile
    builder = index._builder
    assert builder is not None
    builder.join(timeout=30)
    page = index.page(query, pages.serial())
    assert page is not None
    with filled.read() as session:
        expected = catalog_search.search_page(session, query)
    assert [row.id for row in page.rows] == [row.id for row in expected.rows]
