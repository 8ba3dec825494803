"""The search index (SQLite FTS5 trigram, PostgreSQL pg_trgm): same answers as a substring scan,
for CJK text and short words too, and kept current when a skill's listing changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from marketplace.catalog.search import Query, search_page
from marketplace.db import Database


def names(client: TestClient, q: str) -> list[str]:
    response = client.get("/v1/skills", params={"q": q})
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
def published(make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    for name, summary, description in [
        ("invoice-helper", "Writes invoices.", "請求書を作成します。"),
        ("tax-buddy", "Answers tax questions.", "报税助手，回答问题。"),
        ("go-fish", "A card game.", "Plays go fish with you."),
    ]:
        response = upload_file(partner, wheels(name, summary=summary, description=description))
        assert response.status_code == 200, response.text
    return partner


@pytest.mark.parametrize(("q", "expected"), [
    ("請求書", ["invoice-helper"]),            # Japanese, no word boundaries
    ("作成", ["invoice-helper"]),              # two characters: below the trigram length
    ("报税助手", ["tax-buddy"]),                # Chinese
    ("스킬", ["go-fish", "invoice-helper", "tax-buddy"]),  # Korean display names
    ("테스트 스킬", ["go-fish", "invoice-helper", "tax-buddy"]),
    ("nvoic", ["invoice-helper"]),             # any substring
    ("INVOICE", ["invoice-helper"]),           # case-insensitive
    ("go", ["go-fish"]),                       # short word, name prefix
    ("go fish", ["go-fish"]),
    ("tax invoice", []),                       # every word must match
    ('"in', []), ("in%", []), ("_x_", []), ("in*", []), ("a OR b", []),  # literal text
])
def test_search_matches_substrings(client: TestClient, published: Any, q: str,
                                   expected: list[str]) -> None:
    assert names(client, q) == expected


def test_index_follows_new_releases_and_yanks(client: TestClient, published: Any,
                                             wheels: Any, upload_file: Any,
                                             db: Database) -> None:
    assert names(client, "crossword") == []
    upload_file(published, wheels("go-fish", version="2.0.0", description="Now crossword too."))
    assert names(client, "crossword") == ["go-fish"]
    assert names(client, "go fish") == ["go-fish"]
    yanked = client.put("/v1/skills/go-fish/releases/2.0.0/yank", json={"reason": "bad"},
                        headers=published.bearer)
    assert yanked.status_code == 200, yanked.text
    assert names(client, "crossword") == []
    assert names(client, "plays") == ["go-fish"]
    if db.is_sqlite:  # the triggers kept the external-content index exact
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO skill_fts (skill_fts, rank) "
                                    "VALUES ('integrity-check', 1)"))


def test_the_index_exists(db: Database, published: Any) -> None:
    with db.engine.connect() as connection:
        if db.is_sqlite:
            # The external-content index agrees with the skill table, row for row.
            connection.execute(text("INSERT INTO skill_fts (skill_fts, rank) "
                                    "VALUES ('integrity-check', 1)"))
            skills = connection.execute(text("SELECT count(*) FROM skill")).scalar()
            assert skills == 3
        else:
            index = connection.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_skill_search_trgm' "
                "AND schemaname = current_schema()")).scalar()
            assert index is not None and "gin_trgm_ops" in index


def test_search_is_driven_by_the_index(db: Database, published: Any) -> None:
    """The statement search runs starts at the index: SQLite's FTS5 table, reaching skills by
    rowid; PostgreSQL's trigram GIN index (steered to it for the transaction)."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.read() as session:
            page = search_page(session, Query(text="invoice writes"))
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert [row.name for row in page.rows] == ["invoice-helper"]
    statement, parameters = statements[-1]
    with db.engine.begin() as connection:
        if db.is_sqlite:
            plan = [row[3] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters).all()]
            # The page (a co-routine) starts at the index; its texts join by primary key.
            assert plan[0] == "CO-ROUTINE page" and plan[1].startswith(
                "SCAN skill_fts VIRTUAL TABLE INDEX"), plan
            assert "SEARCH skill USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
            assert not any(step.startswith("SCAN skill ") or step == "SCAN skill"
                           or step.startswith("SCAN skill_text") for step in plan), plan
        else:
            steer = statements[-2][0]
            assert "set_config('enable_seqscan', 'off', true)" in steer
            connection.exec_driver_sql(steer)
            plan = [row[0] for row in connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT TEXT) " + statement, parameters).all()]
            assert any("ix_skill_search_trgm" in step for step in plan), plan
            assert not any(step.startswith("JIT:") for step in plan), plan


@pytest.mark.parametrize("parameter", ["q", "category", "locale", "tier", "sdk"])
def test_nul_characters_are_400(client: TestClient, published: Any, parameter: str) -> None:
    response = client.get("/v1/skills", params={parameter: "in\x00voice"})
    assert response.status_code == 400, response.text
    assert "NUL" in response.json()["detail"]
