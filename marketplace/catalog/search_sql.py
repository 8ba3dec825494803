"""The search statements, built once per shape and reused with bound values.

A shape is what changes the SQL text (the database, the sort order, how many words, which
filters); every value (the words, the filters' values, the cursor, the page's bounds) is a
bound parameter. Building the statement anew for every search cost about as much Python
time as running it, and an uncached search was a third Python. Each statement:

- ranks and pages the matches (``page``: at most ``:limit`` skills after ``:offset``), reading
  only :data:`PAGE_COLUMNS` (not the search text, which the sorter would carry for every
  match), and
- joins that page to ``skill_text``, so the texts in every language arrive in the same round
  trip, ordered by rank, name and language.

On SQLite the page starts at ``skill_fts`` (an FTS5 trigram index, external content over
``skill``, keyed by its rowid) for the words of three characters or more; shorter words are
``LIKE`` conditions among those candidates. On PostgreSQL every word is a ``LIKE`` that the
``pg_trgm`` GIN index serves (see :func:`marketplace.catalog.search._prefer_trigram_index`).
"""

from __future__ import annotations

import functools
from typing import Any, Final, NamedTuple

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    table,
)
from sqlmodel import col, select

from marketplace.catalog.models import Skill, SkillPublic, SkillRole, SkillText
from marketplace.review import service as review

_skill = Skill.__table__  # type: ignore[attr-defined]
_skill_text = SkillText.__table__  # type: ignore[attr-defined]
_skill_fts = table("skill_fts", column("rowid"), column("search_text"))

# What a result shows, and what the SDK filter reads.
PAGE_COLUMNS: Final = tuple(c for c in _skill.c
                            if c.name in SkillPublic.model_fields or c.name == "sdk_specifier")
ESCAPE: Final = "\\"


class Shape(NamedTuple):
    """Everything that changes a search statement's SQL text."""

    sqlite: bool
    sort: str          # a search.Sort value
    fts: bool          # SQLite: at least one word of three characters or more
    likes: int         # words matched with LIKE (SQLite: the short ones; PostgreSQL: all)
    category: bool
    locale: bool
    price: bool
    partners: bool
    cursor: bool


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` taken literally (escaped by :data:`ESCAPE`)."""
    return "%" + escape_like(text) + "%"


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(expression: Any, name: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = expression.like(bindparam(name), escape=ESCAPE)
    return result


def score_of(sort: str) -> Any:
    """The sort key: the relevance tier, the creation time or the download count."""
    if sort == "relevance":
        # Where the whole phrase occurs: the name itself, a name prefix, inside the name,
        # the summary, elsewhere (ties by name, below).
        return case((col(Skill.name) == bindparam("exact"), 100),
                    (_like(col(Skill.name), "prefix"), 60),
                    (_like(col(Skill.name), "phrase"), 40),
                    (_like(func.lower(col(Skill.summary)), "phrase"), 20),
                    else_=10)
    if sort == "newest":
        return col(Skill.created_at)
    return col(Skill.downloads)


@functools.lru_cache(maxsize=1024)
def statement(shape: Shape) -> Any:
    """The statement for ``shape``; values are bound by the names this function uses."""
    score = score_of(shape.sort)
    labelled = score.label("score")
    ranked: Any = select(*PAGE_COLUMNS, labelled)  # type: ignore[call-overload]
    if shape.fts:  # start at the index; each match is one rowid look-up in skill
        ranked = ranked.join(_skill_fts, _skill_fts.c.rowid == literal_column("skill.rowid"))
        ranked = ranked.where(_skill_fts.c.search_text.match(bindparam("fts")))
    for index in range(shape.likes):
        ranked = ranked.where(_like(col(Skill.search_text), f"word{index}"))
    ranked = ranked.where(col(Skill.id).not_in(review.hidden_skill_ids()))
    if shape.category:
        ranked = ranked.where(_like(literal(" ") + col(Skill.categories) + " ", "category"))
    if shape.locale:
        ranked = ranked.where(_like(literal(" ") + col(Skill.locales) + " ", "locale"))
    if shape.price:
        ranked = ranked.where(col(Skill.price_kind) == bindparam("price"))
    if shape.partners:
        owned = select(SkillRole.skill_id).where(
            col(SkillRole.partner_id).in_(bindparam("partners", expanding=True)))
        ranked = ranked.where(col(Skill.id).in_(owned))
    if shape.cursor:
        last_score = bindparam("last_score", type_=score.type)
        ranked = ranked.where(or_(score < last_score,
                                  and_(score == last_score,
                                       col(Skill.name) > bindparam("last_name"))))
    ranked = (ranked.order_by(labelled.desc(), col(Skill.name))
              .limit(bindparam("limit")).offset(bindparam("offset")))
    page = ranked.subquery("page")
    return (select(page, _skill_text.c.locale, _skill_text.c.display_name,
                   _skill_text.c.description)
            .select_from(page.outerjoin(_skill_text, _skill_text.c.skill_id == page.c.id))
            .order_by(page.c.score.desc(), page.c.name, _skill_text.c.locale))


TEXT_COLUMNS: Final = 3  # locale, display_name, description: the last columns of a row
