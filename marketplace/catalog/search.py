"""Catalog search: full text over names, summaries and localized descriptions, filters,
three sort orders and keyset (cursor) pagination with opaque cursors.

Every query word must occur in the skill's search text (a substring match, so Korean,
Japanese and Chinese words need no segmentation). One statement finds the matches through an
index, ranks them and returns only the requested page:

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
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    table,
)
from sqlalchemy import text as sql_text
from sqlmodel import Session, col, select

from marketplace.catalog.models import Skill, SkillRole
from marketplace.errors import BadCursor, BadRequest
from marketplace.messages import N_
from marketplace.review import service as review

MAX_QUERY_CHARS: Final = 200
MAX_TERMS: Final = 8
MAX_PAGE: Final = 100
TRIGRAM: Final = 3  # shortest word the trigram index can find

_skill_fts = table("skill_fts", column("rowid"), column("search_text"))


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


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, term: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.like(f"%{_escape_like(term)}%", escape="\\")
    return result


def _fts_phrase(term: str) -> str:
    """An FTS5 string literal: matched as a substring by the trigram tokenizer."""
    return '"' + term.replace('"', '""') + '"'


def _word_filters(session: Session, terms: list[str]) -> tuple[bool, list[ColumnElement[bool]]]:
    """Conditions that every term occurs in the search text, index-backed where possible;
    the flag says whether the statement must join the SQLite FTS5 index (see ``_join_fts``)."""
    if session.get_bind().dialect.name != "sqlite":
        if terms and min(map(len, terms)) >= TRIGRAM:
            _prefer_trigram_index(session)
        return False, [_contains(col(Skill.search_text), term) for term in terms]  # pg_trgm GIN
    indexed = [term for term in terms if len(term) >= TRIGRAM]
    filters = [_contains(col(Skill.search_text), term) for term in terms
               if len(term) < TRIGRAM]
    if indexed:
        expression = " ".join(_fts_phrase(term) for term in indexed)  # implicit AND
        filters.insert(0, _skill_fts.c.search_text.match(expression))
    return bool(indexed), filters


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


def _join_fts(statement: Any) -> Any:
    """Skills by the FTS5 matches' rowids: only the index is read, and each match is one
    rowid look-up (``skill_fts`` is an external-content table over ``skill``)."""
    return statement.join(_skill_fts, _skill_fts.c.rowid == literal_column("skill.rowid"))


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


def search(session: Session, query: Query) -> tuple[list[Skill], str | None]:
    """One page of skills and the cursor of the next page (None on the last page)."""
    for label, value in (("q", query.text), ("category", query.category),
                         ("locale", query.locale), ("sdk", query.sdk)):
        check_no_nul(label, value)
    text = query.text.strip().lower()
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(N_("The search text is longer than {limit} characters."),
                         limit=MAX_QUERY_CHARS)
    terms = text.split()[:MAX_TERMS]
    sdk_version: Version | None = None
    if query.sdk is not None:
        try:
            sdk_version = Version(query.sdk)
        except InvalidVersion:
            raise BadRequest(N_("{sdk} is not a valid SDK version."), sdk=repr(query.sdk)) from None
    sort = query.sort
    if sort is Sort.RELEVANCE and not terms:
        sort = Sort.DOWNLOADS
    if sort is Sort.RELEVANCE:
        phrase = " ".join(terms)
        tier: Any = case(
            (col(Skill.name) == phrase.replace(" ", "-"), 100),
            (col(Skill.name).like(f"{_escape_like(phrase)}%", escape="\\"), 60),
            (_contains(col(Skill.name), phrase), 40),
            (_contains(func.lower(col(Skill.summary)), phrase), 20),
            else_=10)
        score: Any = tier
    elif sort is Sort.NEWEST:
        score = col(Skill.created_at)
    else:
        score = col(Skill.downloads)
    labelled = score.label("score")
    statement = select(Skill, labelled)
    uses_fts, filters = _word_filters(session, terms)
    if uses_fts:
        statement = _join_fts(statement)
    for condition in filters:
        statement = statement.where(condition)
    statement = statement.where(col(Skill.id).not_in(review.hidden_skill_ids()))
    if query.category:
        statement = statement.where(_contains(literal(" ") + col(Skill.categories) + " ",
                                              f" {query.category} "))
    if query.locale:
        statement = statement.where(_contains(literal(" ") + col(Skill.locales) + " ",
                                              f" {query.locale} "))
    if query.price:
        statement = statement.where(col(Skill.price_kind) == query.price)
    if query.partner_ids is not None:
        owned = select(SkillRole.skill_id).where(col(SkillRole.partner_id).in_(query.partner_ids))
        statement = statement.where(col(Skill.id).in_(owned))
    if query.cursor:
        last_score, last_name = _decode(query.cursor, sort)
        if sort is Sort.NEWEST:
            from datetime import datetime

            try:
                last_score = datetime.fromisoformat(str(last_score))
            except ValueError:
                raise BadCursor(N_("Invalid pagination cursor; start again without "
                                   "'cursor'.")) from None
        statement = statement.where(or_(score < last_score,
                                        and_(score == last_score,
                                             col(Skill.name) > last_name)))
    statement = statement.order_by(labelled.desc(), col(Skill.name))
    limit = clamp_limit(query.limit)
    page: list[tuple[Skill, Any]] = []
    offset = 0
    batch = limit + 1 if sdk_version is None else max(50, limit * 4)
    while len(page) <= limit:
        rows = session.exec(statement.offset(offset).limit(batch)).all()
        for skill, value in rows:
            if sdk_version is None or _supports(skill.sdk_specifier, sdk_version):
                page.append((skill, value))
        if len(rows) < batch:
            break
        offset += batch
    has_more = len(page) > limit
    page = page[:limit]
    next_cursor = None
    if has_more and page:
        skill, value = page[-1]
        key_value = value.isoformat() if sort is Sort.NEWEST else int(value)
        next_cursor = _encode(sort, [key_value, skill.name])
    return [skill for skill, _ in page], next_cursor


def _supports(specifier: str | None, version: Version) -> bool:
    if not specifier:
        return False
    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return False
