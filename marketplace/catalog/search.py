"""Catalog search: full text over names, summaries and localized descriptions, filters,
three sort orders and keyset (cursor) pagination with opaque cursors.

Every query word must occur in the skill's search text (a substring match, so Korean,
Japanese and Chinese words need no segmentation). One statement finds the matches through an
index, ranks them and returns only the requested page with its texts in every language
(:mod:`marketplace.catalog.search_sql`, which builds it once per shape):

- SQLite: ``skill_fts`` is an FTS5 trigram table over ``skill`` (external content, keyed by
  ``skill.rowid``, kept current by triggers; migration ``aa000000namereview``). The
  statement starts at the index and reaches each match by rowid, so it reads only the index
  and the matching rows. Words shorter than three characters cannot use trigrams and are
  matched with ``LIKE`` among the candidates (or over all skills if no word is longer).
- PostgreSQL: a ``pg_trgm`` GIN index serves the ``LIKE`` conditions; the read transaction
  steers the planner to it (see :func:`_prefer_trigram_index`).

Relevance is a tier for where the whole phrase occurs (the name itself 100, a name prefix
60, inside the name 40, the summary 20, elsewhere 10), ties by name: computed on the matches
only, in the same statement. FTS5's ``bm25()`` and ``pg_trgm``'s ``similarity()`` were
measured as the score too and cost more than finding the matches (see
``docs/marketplace/benchmarks.md``).

A cursor is base64url JSON of the sort order and the last row's sort key; one that does not
decode, or was made for another sort order, is a :class:`~marketplace.errors.BadCursor` (400).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from sqlalchemy import Row
from sqlalchemy import text as sql_text
from sqlmodel import Session, col, select

from marketplace.catalog import search_sql as sql
from marketplace.catalog.models import Skill, SkillTexts
from marketplace.errors import BadCursor, BadRequest
from marketplace.messages import N_

MAX_QUERY_CHARS: Final = 200
MAX_TERMS: Final = 8
MAX_PAGE: Final = 100
TRIGRAM: Final = 3  # shortest word the trigram index can find

class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    DOWNLOADS = "downloads"


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""
    category: str | None = None
    locale: str | None = None
    price: str | None = None
    sdk: str | None = None
    partner_ids: tuple[Any, ...] | None = None  # from the accounts service (tier filter)
    sort: Sort = Sort.RELEVANCE
    cursor: str | None = None
    limit: int = 20


def clamp_limit(limit: int) -> int:
    return max(1, min(MAX_PAGE, limit))


def check_no_nul(parameter: str, value: str | None) -> None:
    """Stored text never holds NUL (PostgreSQL cannot; FTS5 ends a string at one)."""
    if value is not None and "\x00" in value:
        raise BadRequest(N_("The parameter {parameter} contains a NUL character."),
                         parameter=repr(parameter))


def _fts_phrase(term: str) -> str:
    """An FTS5 string literal: matched as a substring by the trigram tokenizer."""
    return '"' + term.replace('"', '""') + '"'


def _prefer_trigram_index(session: Session) -> None:
    """For this transaction only, steer PostgreSQL to the ``pg_trgm`` GIN index.

    For words found in a large share of the skills its planner costs the bitmap scan above
    a sequential scan of every search text, which measured about twice as slow (10,000
    skills, two words each in about a quarter of them). Every word here has a trigram, so
    the index always applies. Turning sequential scans off makes the planner add a huge
    penalty to any that remain (the small ``name_review`` subquery), which would push the
    plan's cost past ``jit_above_cost`` and spend hundreds of milliseconds compiling it, so
    JIT goes off too. Both settings end with the read transaction (``is_local``).
    """
    session.execute(sql_text("SELECT set_config('enable_seqscan', 'off', true), "
                             "set_config('jit', 'off', true)"))


def _encode(sort: Sort, key: list[Any]) -> str:
    raw = json.dumps({"s": sort.value, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: Sort) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict) or data.get("s") != sort.value:
            raise ValueError("cursor for another sort order")
        key = data["k"]
        if not isinstance(key, list) or len(key) != 2 or not isinstance(key[1], str):
            raise ValueError("bad key")
        if not isinstance(key[0], (int, str)) or isinstance(key[0], bool):
            raise ValueError("bad key")
        return key
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(N_("Invalid pagination cursor; start again without 'cursor'.")) from None


class Page(NamedTuple):
    """One page of search results: skills as rows of
    :data:`~marketplace.catalog.search_sql.PAGE_COLUMNS` and ``score`` (read by attribute,
    like a :class:`Skill`), their texts in every language, and the cursor of the next page
    (None on the last page)."""

    rows: list[Any]  # Row, or search_memory.RankedRow: both read by attribute
    texts: dict[uuid.UUID, SkillTexts]
    next_cursor: str | None
    # Where a rendered item may be kept: (key, make) -> the item's JSON (a snapshot's memo).
    remember: Callable[[Hashable, Callable[[], bytes]], bytes] | None = None


def search(session: Session, query: Query) -> tuple[list[Skill], str | None]:
    """One page of skills as ORM objects, and the next page's cursor (for callers that
    change or walk them; the search API itself reads :func:`search_page`'s rows)."""
    page = search_page(session, query)
    ids = [row.id for row in page.rows]
    found = {skill.id: skill for skill in session.exec(
        select(Skill).where(col(Skill.id).in_(ids)))} if ids else {}
    return [found[skill_id] for skill_id in ids], page.next_cursor


class Parsed(NamedTuple):
    """A query's words (lower-cased, at most :data:`MAX_TERMS`), SDK version and the sort
    order in effect (relevance without words is by downloads)."""

    terms: list[str]
    sdk: Version | None
    sort: Sort


def parse(query: Query) -> Parsed:
    """Check a query's values; each problem is a :class:`BadRequest` naming it."""
    for label, value in (("q", query.text), ("category", query.category),
                         ("locale", query.locale), ("sdk", query.sdk)):
        check_no_nul(label, value)
    text = query.text.strip().lower()
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(N_("The search text is longer than {limit} characters."),
                         limit=MAX_QUERY_CHARS)
    sdk_version: Version | None = None
    if query.sdk is not None:
        try:
            sdk_version = Version(query.sdk)
        except InvalidVersion:
            raise BadRequest(N_("{sdk} is not a valid SDK version."), sdk=repr(query.sdk)) from None
    terms = text.split()[:MAX_TERMS]
    sort = Sort.DOWNLOADS if query.sort is Sort.RELEVANCE and not terms else query.sort
    return Parsed(terms, sdk_version, sort)


def cursor_key(cursor: str, sort: Sort) -> tuple[Any, str]:
    """The last row's sort key and name from ``cursor`` (the key a datetime for ``newest``)."""
    last_score, last_name = _decode(cursor, sort)
    try:
        if sort is Sort.NEWEST:
            return datetime.fromisoformat(str(last_score)), last_name
        if isinstance(last_score, int):
            return last_score, last_name
    except ValueError:
        pass
    raise BadCursor(N_("Invalid pagination cursor; start again without 'cursor'."))


def next_cursor(sort: Sort, score: Any, name: str) -> str:
    """The cursor of the page after a row with this sort key and name."""
    return _encode(sort, [score.isoformat() if sort is Sort.NEWEST else int(score), name])


def search_page(session: Session, query: Query) -> Page:
    """One page, its skills' texts read in the same statement (one round trip)."""
    terms, sdk_version, sort = parse(query)
    sqlite = session.get_bind().dialect.name == "sqlite"
    values: dict[str, Any] = {}
    if sqlite:
        indexed = [term for term in terms if len(term) >= TRIGRAM]
        likes = [term for term in terms if len(term) < TRIGRAM]
        if indexed:  # FTS5 phrases, implicitly ANDed
            values["fts"] = " ".join(_fts_phrase(term) for term in indexed)
    else:
        indexed, likes = [], terms
        if terms and min(map(len, terms)) >= TRIGRAM:
            _prefer_trigram_index(session)
    values.update((f"word{index}", sql.like_pattern(term)) for index, term in enumerate(likes))
    if sort is Sort.RELEVANCE:
        phrase = " ".join(terms)
        values.update(exact=phrase.replace(" ", "-"), prefix=sql.escape_like(phrase) + "%",
                      phrase=sql.like_pattern(phrase))
    if query.category:
        values["category"] = sql.like_pattern(f" {query.category} ")
    if query.locale:
        values["locale"] = sql.like_pattern(f" {query.locale} ")
    if query.price:
        values["price"] = query.price
    if query.partner_ids is not None:
        values["partners"] = list(query.partner_ids)
    if query.cursor:
        values["last_score"], values["last_name"] = cursor_key(query.cursor, sort)
    statement = sql.statement(sql.Shape(
        sqlite=sqlite, sort=sort.value, fts=bool(indexed), likes=len(likes),
        category=bool(query.category), locale=bool(query.locale), price=bool(query.price),
        partners=query.partner_ids is not None, cursor=bool(query.cursor)))
    limit = clamp_limit(query.limit)
    rows: list[Row[Any]] = []
    texts: dict[uuid.UUID, SkillTexts] = {}
    offset = 0
    batch = limit + 1 if sdk_version is None else max(50, limit * 4)
    connection = session.connection()  # Core rows, without the ORM's per-statement work
    while len(rows) <= limit:
        found = _with_texts(connection.execute(statement, {**values, "limit": batch,
                                                           "offset": offset}), texts)
        rows += [row for row in found
                 if sdk_version is None or supports(row.sdk_specifier, sdk_version)]
        if len(found) < batch:
            break
        offset += batch
    has_more = len(rows) > limit
    rows = rows[:limit]
    after = next_cursor(sort, rows[-1].score, rows[-1].name) if has_more and rows else None
    return Page(rows, texts, after)


def _with_texts(result: Iterable[Row[Any]], texts: dict[uuid.UUID, SkillTexts]
                ) -> list[Row[Any]]:
    """The page's skills in order, each once (a row per language, or one without texts),
    their texts added to ``texts``."""
    rows: list[Row[Any]] = []
    for row in result:
        skill_id = row.id
        if not rows or rows[-1].id != skill_id:
            rows.append(row)
        entry = texts.get(skill_id)
        if entry is None:
            entry = texts[skill_id] = SkillTexts({}, {})
        locale, display_name, description = tuple(row)[-sql.TEXT_COLUMNS:]
        if locale is None:  # no texts at all: the outer join's empty side
            continue
        if display_name:
            entry.display_names[locale] = display_name
        if description:
            entry.descriptions[locale] = description
    return rows


def supports(specifier: str | None, version: Version) -> bool:
    if not specifier:
        return False
    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return False
