"""A search answered before FastAPI routes and validates it.

A cached search page cost about twice a FastAPI hello world, most of it FastAPI reading and
validating the nine query parameters (about 0.5 ms of CPU a request on the benchmark
machine). :class:`SearchFastPath` sits in front of the router: for ``GET /v1/skills`` whose
query string it can read with certainty, it builds the same search and cache key the route
builds (:func:`query_of`, :func:`page_key`) and answers with :func:`respond`, the route's own
response: the cached page for the current index serial, or one it renders and caches as the
route would (:func:`render`). Everything else falls through to the route unchanged: an
unknown or repeated parameter, an empty or unusual value (one FastAPI might reject or read
differently), ``Authorization`` or a cookie, and any search the marketplace refuses (a bad
cursor, an invalid SDK version: the route answers with its problem details). So validation,
errors and the OpenAPI schema stay the route's.

It runs inside :class:`~marketplace.i18n.LocaleNegotiation`, which has already picked the
language shown (and rejected a bad ``?locale=``) and adds ``Content-Language`` to both paths.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final, NamedTuple
from urllib.parse import parse_qsl

from fastapi import Request, Response
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from marketplace.caching import cached
from marketplace.catalog import search as catalog_search
from marketplace.catalog import search_page
from marketplace.errors import MarketplaceError
from marketplace.i18n import request_locale
from marketplace.index.service import Page, PageCache
from robeing_sdk.manifest import PriceKind

PATH: Final = "/v1/skills"
VARY: Final = "Accept, Accept-Language"
# The route's declared maximum lengths (``routes.list_skills``); a test holds them equal.
MAX_CHARS: Final = {"q": catalog_search.MAX_QUERY_CHARS, "category": 32, "locale": 35,
                    "tier": 20, "sdk": 64, "cursor": 512}
_PRICES: Final = frozenset(kind.value for kind in PriceKind)
_SORTS: Final = frozenset(sort.value for sort in catalog_search.Sort)
_KNOWN: Final = frozenset({*MAX_CHARS, "price", "sort", "limit"})
_LIMIT: Final = re.compile(r"[1-9][0-9]{0,2}")  # plainly an int; "020" or "2e1" fall through
# Headers that could make the answer differ from the cached one for someone else.
_PERSONAL: Final = frozenset({b"authorization", b"cookie"})
KEYS_REMEMBERED: Final = 4096
# Longer query strings are not remembered (at most about 4096 x 3 KB with their keys).
MAX_QUERY_BYTES: Final = 2048


def query_of(*, q: str, category: str | None, locale: str | None, price: str | None,
             sdk: str | None, sort: catalog_search.Sort, cursor: str | None, limit: int,
             shown: str) -> catalog_search.Query:
    """The search the route runs for these (validated) parameters, in language ``shown``."""
    return catalog_search.Query(text=q, category=category,
                                locale=shown.split("_")[0] if locale else None,
                                price=price, sdk=sdk, sort=sort, cursor=cursor, limit=limit)


def page_key(query: catalog_search.Query, tier: str | None, shown: str) -> tuple[str, ...]:
    """The page cache's key for one search page."""
    return ("search", repr(query), tier or "", shown)


class Ask(NamedTuple):
    """A search as the route would run it: its page cache key, query and tier filter."""

    key: tuple[str, ...]
    query: catalog_search.Query
    tier: str | None
    shown: str


async def render(state: Any, ask: Ask) -> Page:
    """The page for ``ask``: cached for the current index serial, else rendered and cached.

    Rendered here, on the event loop, when the search snapshot has everything (pure CPU,
    about a millisecond: a worker thread would add a hand-off and, holding the GIL, keep the
    loop from answering others for up to the switch interval); else in a worker thread,
    once however many ask at once (the database is read)."""
    pages: PageCache = state.pages
    serial = pages.serial()
    page = pages.get(ask.key, serial)
    if page is not None:
        return page
    body = search_page.render_from_memory(state.search_index, ask.query, ask.tier,
                                          ask.shown, serial)
    if body is not None:
        return pages.put(ask.key, serial, body)
    return await pages.page(ask.key, lambda: search_page.render(
        state.db, ask.query, ask.tier, ask.shown, state.search_index, serial))


def respond(request: Request, page: Page, max_age: int) -> Response:
    """The search response for a rendered page (ETag, Cache-Control, Vary, 304, gzip)."""
    return cached(request, page.body, "application/json", max_age, vary=VARY,
                  etag=page.etag, gzipped=page.gzipped)


@functools.lru_cache(maxsize=KEYS_REMEMBERED)
def ask_for(query_string: bytes, shown: str) -> Ask | None:
    """The search for a query string read as the route reads it, or None if it may be read
    otherwise (then the route decides). A pure function, hence remembered."""
    # Starlette's own reading of the query string (``QueryParams``).
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    values = dict(pairs)
    if len(values) != len(pairs) or not values.keys() <= _KNOWN:
        return None
    for name, value in values.items():
        if not value or "\x00" in value or len(value) > MAX_CHARS.get(name, 16):
            return None
    price, sort, limit = values.get("price"), values.get("sort", "relevance"), values.get("limit")
    if (price is not None and price not in _PRICES) or sort not in _SORTS or (
            limit is not None and not _LIMIT.fullmatch(limit)):
        return None
    query = query_of(q=values.get("q", ""), category=values.get("category"),
                     locale=values.get("locale"), price=price, sdk=values.get("sdk"),
                     sort=catalog_search.Sort(sort), cursor=values.get("cursor"),
                     limit=int(limit) if limit is not None else 20, shown=shown)
    tier = values.get("tier")
    return Ask(page_key(query, tier, shown), query, tier, shown)


def key_for(query_string: bytes, shown: str) -> tuple[str, ...] | None:
    """The page cache key for a query string, or None where the route decides."""
    ask = ask_for(query_string, shown)
    return ask.key if ask is not None else None


class SearchFastPath:
    """Answer ``GET /v1/skills`` here when certain; otherwise pass it on to the route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "GET":
            response = _cached_response(scope) or await _rendered_response(scope)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _ask(scope: Scope) -> Ask | None:
    query_string: bytes = scope["query_string"]
    if len(query_string) > MAX_QUERY_BYTES or any(
            name in _PERSONAL for name, _ in scope["headers"]):
        return None
    return ask_for(query_string, request_locale(HTTPConnection(scope)))


def _cached_response(scope: Scope) -> Response | None:
    ask = _ask(scope)
    if ask is None:
        return None
    state: Any = scope["app"].state
    pages: PageCache = state.pages
    page = pages.get(ask.key, pages.serial())
    if page is None:
        return None
    return respond(Request(scope), page, state.settings.index_cache_seconds)


async def _rendered_response(scope: Scope) -> Response | None:
    ask = _ask(scope)
    if ask is None:
        return None
    state: Any = scope["app"].state
    try:
        page = await render(state, ask)
    except MarketplaceError:  # refused: the route says why, in its own words
        return None
    return respond(Request(scope), page, state.settings.index_cache_seconds)
