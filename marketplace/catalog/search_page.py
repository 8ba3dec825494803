"""The JSON body of one search page (``GET /v1/skills``), built straight from the search rows.

The body is byte for byte what :class:`~marketplace.catalog.routes.SkillPage` (a list of
:class:`~marketplace.catalog.models.SkillPublic`) serializes to; only the way there is
cheaper: plain dicts in the model's field order, serialized by pydantic-core's encoder (the
one ``model_dump_json`` uses, so dates, UUIDs and text come out the same). Validating twenty
models per page was a fifth of an uncached search. A test holds the two equal.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
from typing import Any, Final

import pydantic_core
from sqlalchemy import Row

from marketplace.accounts import service as accounts
from marketplace.catalog import search as catalog_search
from marketplace.catalog import search_sql
from marketplace.catalog.models import SkillPublic, SkillTexts
from marketplace.catalog.search_memory import SearchIndex, Serial
from marketplace.db import Database
from robeing_sdk.i18n import fallback_chain

# The fields built from the texts and the space-separated lists; every other field is a
# column of the search row or, failing that, the model's default.
_DERIVED: Final = frozenset({"display_name", "description", "locale", "display_names",
                             "descriptions", "categories", "locales"})
_COLUMNS: Final = frozenset(column.name for column in search_sql.PAGE_COLUMNS)
_FIELDS: Final = tuple(SkillPublic.model_fields)
_DEFAULTS: Final = {name: field.get_default(call_default_factory=True)
                    for name, field in SkillPublic.model_fields.items()
                    if name not in _DERIVED and name not in _COLUMNS}

# Uncached searches computing at once in this process; the rest wait their turn, blocked
# rather than runnable. Every runnable worker thread competes for the GIL with the event
# loop that serves cached pages, so a burst of 32 uncached searches (one per connection)
# also held up the cached answers queued behind them (wrk, 400 queries, 10,000 skills,
# SQLite: 4 at once against no limit, 430-550 against 46-263 requests/s in paired runs).
# Two per core: the statement runs without the GIL (SQLite) or in the database server.
CONCURRENT: Final = 2 * (os.cpu_count() or 1)
_computing = threading.BoundedSemaphore(CONCURRENT)


def render(db: Database, query: catalog_search.Query, tier: str | None, shown: str,
           index: SearchIndex | None = None, serial: Serial = (0, 0)) -> bytes:
    """One page as JSON (``tier`` filters by the owners' partner tier), its texts in the
    first language of ``shown``'s fallback chain that each skill has. ``index`` answers
    from its snapshot at ``serial`` (the page cache's) what it can; the SQL engine the rest."""
    with _computing:
        page = index.page(query, serial) if index is not None and not tier else None
        if page is None:
            with db.read() as session:
                if tier:
                    ids = tuple(accounts.partner_ids_with_tier(session, tier))
                    query = dataclasses.replace(query, partner_ids=ids)
                page = catalog_search.search_page(session, query)
    return body(page, shown)


def render_from_memory(index: SearchIndex, query: catalog_search.Query, tier: str | None,
                       shown: str, serial: Serial) -> bytes | None:
    """The page from the search snapshot (no database read, no waiting: a millisecond or
    so of CPU, run on the event loop), or None where the snapshot cannot answer."""
    page = None if tier else index.page(query, serial)
    return body(page, shown) if page is not None else None


def body(page: catalog_search.Page, shown: str) -> bytes:
    """The page's JSON: what ``pydantic_core.to_json`` gives for ``{"items": [...],
    "next_cursor": ...}``, joined from each item's JSON (kept by the snapshot that found
    the page, if any: rows do not change within a snapshot)."""
    chain = fallback_chain(shown)

    def encoded(row: Any) -> bytes:
        return pydantic_core.to_json(item(row, page.texts.get(row.id), chain))

    remember = page.remember
    items = [encoded(row) if remember is None
             else remember((row.name, chain), functools.partial(encoded, row))
             for row in page.rows]
    return b'{"items":[%s],"next_cursor":%s}' % (b",".join(items),
                                                 pydantic_core.to_json(page.next_cursor))


def item(row: Row[Any], texts: SkillTexts | None, chain: tuple[str, ...]) -> dict[str, Any]:
    """One result, as :meth:`SkillPublic.from_row` would make it, as a plain dict."""
    texts = texts or SkillTexts({}, {})
    locale, name, description = texts.pick(chain, row.display_name)
    values = row._mapping
    derived = {"display_name": name, "description": description, "locale": locale,
               "display_names": texts.display_names, "descriptions": texts.descriptions,
               "categories": row.categories.split(), "locales": row.locales.split()}
    return {field: derived[field] if field in _DERIVED
            else values[field] if field in _COLUMNS else _DEFAULTS[field]
            for field in _FIELDS}
