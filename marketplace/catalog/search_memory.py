"""Catalog search answered from memory: each process keeps a snapshot of every listed skill
(what search reads and what a result shows: its row and its texts in every language), built
again (in the background) when the index serial moves.

Why: a search the page cache had not seen cost about 5-6 ms of CPU as one SQL statement (the
FTS5 trigram match, ranking several hundred matches, reading the page), and a burst of such
first computations held every connection for a second (``docs/marketplace/benchmarks.md``).
Here each query word's matches are computed once per snapshot as a bit set over the skills (a
substring test of every search text, about a millisecond), so a query is a few ``&`` of those
sets and its matches ranked in Python, with no database read at all (so a search runs on
the event loop, see ``search_fast.render``; download counts shown, like the page cache's,
are those of the snapshot's moment until the next index change).

Skills sit in name order, so a skill's position is its rank by name and ascending positions
are ascending names: the tie-break of every sort order. Answers are those of
:func:`marketplace.catalog.search.search_page` (the SQL engine, kept as the reference; a
hypothesis test holds the two equal on SQLite and PostgreSQL). The SQL engine still answers
what a snapshot cannot: ``sort=downloads`` (counts change without an index change), the
partner-tier filter, category or locale values that are not plain lower-case tokens, and
every search while a snapshot is being built.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import Row, select
from sqlalchemy import text as sql_text
from sqlmodel import col

from marketplace.catalog import search as catalog_search
from marketplace.catalog import search_sql
from marketplace.catalog.models import Skill, SkillText, SkillTexts
from marketplace.db import Database
from marketplace.review import service as review

logger = logging.getLogger(__name__)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Serial = tuple[int, int]  # (database serial, local generation), as PageCache.serial() gives

MAX_CACHED_SETS: Final = 4096  # per snapshot: words, filter values and SDK versions
MAX_CACHED_ITEMS: Final = 8192  # per snapshot: results as JSON, per language chain
_PLAIN: Final = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")  # category and locale values served here
_DIGIT_VALUES: Final = bytes.maketrans(b"01", b"\x00\x01")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_LAST_CHAR: Final = "\U0010ffff"

_skill = Skill.__table__  # type: ignore[attr-defined]
_text = SkillText.__table__  # type: ignore[attr-defined]
# What a result shows (the SQL engine's page columns) and what search reads.
_SNAPSHOT_COLUMNS: Final = (*search_sql.PAGE_COLUMNS, col(Skill.search_text))
_TEXT_COLUMNS: Final = (_text.c.skill_id, _text.c.locale, _text.c.display_name,
                        _text.c.description)


_MICROSECOND: Final = timedelta(microseconds=1)


def _microseconds(moment: datetime) -> int:
    """An exact integer sort key for a timestamp (naive ones are UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


class Memo(Generic[K, V]):
    """Values made on demand and kept, the least recently used dropped past ``size``;
    safe across threads (two threads may make the same value; either is kept)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def __call__(self, key: K, make: Callable[[], V]) -> V:
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value


class RankedRow:
    """A page row and its sort key, read by attribute like the SQL engine's rows."""

    __slots__ = ("_row", "id", "name", "score")

    def __init__(self, row: Row[Any], score: Any) -> None:
        self._row = row
        self.id, self.name, self.score = row.id, row.name, score

    @property
    def _mapping(self) -> Any:
        return self._row._mapping

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


class Snapshot:
    """What search reads of every shown skill at one index serial, in name order."""

    def __init__(self, serial: Serial, rows: Iterable[Any],
                 texts: Iterable[Any] = ()) -> None:
        ordered = sorted(rows, key=lambda row: row.name)
        self.serial = serial
        self.rows: list[Any] = ordered
        self.names: list[str] = [row.name for row in ordered]
        self.summaries = [row.summary.lower() for row in ordered]
        self.created: list[datetime] = [row.created_at for row in ordered]
        self.position = {name: index for index, name in enumerate(self.names)}
        # Every language's texts per skill, in locale order (as the SQL engine reads them).
        self.texts: dict[Any, SkillTexts] = {}
        for skill_id, locale, display_name, description in texts:
            entry = self.texts.setdefault(skill_id, SkillTexts({}, {}))
            if display_name:
                entry.display_names[locale] = display_name
            if description:
                entry.descriptions[locale] = description
        # Newest first, ties by name: (-created, position) ascending.
        self.newest = sorted((-_microseconds(moment), index)
                             for index, moment in enumerate(self.created))
        # Bit p of a set is position p; building one reads the values from the last
        # position to the first (the binary string's first digit is its highest bit).
        # Categories and locales padded with spaces, so " ko " finds the token "ko".
        backwards = ordered[::-1]
        self._texts_backwards: list[str] = [row.search_text for row in backwards]
        self._backwards: dict[str, list[Any]] = {
            "category": [f" {row.categories} " for row in backwards],
            "locale": [f" {row.locales} " for row in backwards],
            "price": [row.price_kind for row in backwards],
            "sdk": [row.sdk_specifier for row in backwards]}
        self.everything = (1 << len(ordered)) - 1
        self._sets: Memo[tuple[str, str], int] = Memo(MAX_CACHED_SETS)
        # Each result's JSON per language chain: its row and texts do not change within
        # a snapshot (search_page.body joins them into the page).
        self.remember: Memo[Hashable, bytes] = Memo(MAX_CACHED_ITEMS)

    def covers(self, serial: Serial) -> bool:
        return self.serial[0] >= serial[0] and self.serial[1] >= serial[1]

    def word(self, word: str) -> int:
        """The skills whose search text contains ``word``."""
        return self._sets(("word", word), lambda: _bits(
            ["1" if word in text else "0" for text in self._texts_backwards]))

    def having(self, kind: str, value: str) -> int:
        """The skills whose ``kind`` (category, locale: one of its tokens; price: equal) is
        ``value``."""
        values = self._backwards[kind]
        if kind == "price":
            return self._sets((kind, value), lambda: _bits(
                ["1" if each == value else "0" for each in values]))
        padded = f" {value} "
        return self._sets((kind, value), lambda: _bits(
            ["1" if padded in each else "0" for each in values]))

    def supporting(self, sdk: str, version: Any) -> int:
        """The skills whose newest release supports SDK ``version``."""
        def make() -> int:
            specifiers = self._backwards["sdk"]
            verdicts = {specifier: catalog_search.supports(specifier, version)
                        for specifier in set(specifiers)}
            return _bits(["1" if verdicts[specifier] else "0" for specifier in specifiers])
        return self._sets(("sdk", sdk), make)

    def rank(self, query: catalog_search.Query, parsed: catalog_search.Parsed
             ) -> list[tuple[int, Any]]:
        """Up to ``limit + 1`` (position, sort key) pairs after the query's cursor."""
        found = self.everything
        for term in dict.fromkeys(parsed.terms):
            found &= self.word(term)
        for kind, value in (("category", query.category), ("locale", query.locale),
                            ("price", query.price)):
            if value:
                found &= self.having(kind, value)
        if parsed.sdk is not None and query.sdk is not None:
            found &= self.supporting(query.sdk, parsed.sdk)
        wanted = catalog_search.clamp_limit(query.limit) + 1
        if not found:
            return []
        cursor = (catalog_search.cursor_key(query.cursor, parsed.sort)
                  if query.cursor else None)
        if parsed.sort is catalog_search.Sort.NEWEST:
            return self._newest(found, cursor, wanted)
        return self._relevant(found, " ".join(parsed.terms), cursor, wanted)

    def _relevant(self, found: int, phrase: str, cursor: tuple[Any, str] | None,
                  wanted: int) -> list[tuple[int, Any]]:
        # The SQL engine's tiers: the name itself (100), a name prefix (60), inside the name
        # (40), the summary (20), elsewhere (10); ties by name, i.e. by position.
        positions = _positions(found)
        names, summaries = self.names, self.summaries
        exact = self.position.get(phrase.replace(" ", "-"), -1)
        top = [exact] if exact >= 0 and (found >> exact) & 1 else []
        in_name = ([] if " " in phrase  # a name has no spaces
                   else [p for p in positions if phrase in names[p] and p != exact])
        named = set(in_name).union(top)
        low = bisect.bisect_left(self.names, phrase)
        high = bisect.bisect_left(self.names, phrase + _LAST_CHAR, low)
        tiers = {100: top,
                 60: [p for p in in_name if low <= p < high],
                 40: [p for p in in_name if not low <= p < high],
                 20: [p for p in positions if p not in named and phrase in summaries[p]]}
        last_score, after = self._after(cursor)
        ranked: list[tuple[int, Any]] = []
        for tier, chosen in tiers.items():
            if last_score is not None and tier > last_score:
                continue
            if last_score is not None and tier == last_score:
                chosen = chosen[bisect.bisect_left(chosen, after):]
            ranked += ((position, tier) for position in chosen[:wanted - len(ranked)])
            if len(ranked) == wanted:
                return ranked
        if last_score is not None and last_score < 10:
            return ranked
        higher = named.union(tiers[20])
        start = bisect.bisect_left(positions, after) if last_score == 10 else 0
        for position in positions[start:]:
            if position not in higher:
                ranked.append((position, 10))
                if len(ranked) == wanted:
                    break
        return ranked

    def _newest(self, found: int, cursor: tuple[Any, str] | None, wanted: int
                ) -> list[tuple[int, Any]]:
        if found == self.everything:
            order = self.newest
        else:
            order = sorted((self.newest_key(position), position)
                           for position in _positions(found))
        start = 0
        if cursor is not None:
            last_moment, after = self._after(cursor)
            start = bisect.bisect_left(order, (-_microseconds(last_moment), after))
        return [(position, self.created[position]) for _, position in order[start:start + wanted]]

    def newest_key(self, position: int) -> int:
        return -_microseconds(self.created[position])

    def _after(self, cursor: tuple[Any, str] | None) -> tuple[Any, int]:
        """The cursor's sort key and the first position whose name sorts after its name."""
        if cursor is None:
            return None, 0
        return cursor[0], bisect.bisect_right(self.names, cursor[1])


def _bits(digits: list[str]) -> int:
    """A bit set from '0'/'1' digits listed from the highest position to position 0."""
    return int("".join(digits) or "0", 2)


def _positions(found: int) -> list[int]:
    """The positions in a bit set, ascending."""
    flags = format(found, "b")[::-1].encode().translate(_DIGIT_VALUES)  # b"\x00" / b"\x01"
    return list(itertools.compress(range(len(flags)), flags))


class SearchIndex:
    """The process's snapshot. When a search finds it older than the index serial, a
    background thread builds the next one (about 0.2 s of CPU at 10,000 skills) and the SQL
    engine answers until it is ready, so no search waits for a build."""

    def __init__(self, db: Database, *, background: bool = True) -> None:
        self.db = db
        self.background = background
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._builder: threading.Thread | None = None

    def snapshot(self, serial: Serial) -> Snapshot | None:
        """A snapshot at least as new as ``serial``, or None while one is being built."""
        current = self._snapshot
        if current is not None and current.covers(serial):
            return current
        if not self.background:
            self._build(serial)
            return self._snapshot
        with self._lock:
            if self._builder is None or not self._builder.is_alive():
                self._builder = threading.Thread(target=self._build, args=(serial,),
                                                 name="search-snapshot", daemon=True)
                self._builder.start()
        return None

    def close(self, timeout: float = 30.0) -> None:
        """Wait for a build in progress (so its database connection is returned before the
        engine is disposed)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def warm(self, serial: Serial) -> None:
        """Build the snapshot now (at start-up), unless one covers ``serial``."""
        self._build(serial)

    def _build(self, serial: Serial) -> None:
        with self._building:  # one build at a time
            current = self._snapshot
            if current is not None and current.covers(serial):
                return
            started = time.perf_counter()
            try:
                self._snapshot = snapshot = self._load(serial[1])
            except Exception:  # searches go on with the SQL engine
                if not self.background:
                    raise
                logger.warning("Could not build the search snapshot; searching with SQL.",
                               exc_info=True)
                return
            logger.info("Search snapshot of %d skills at index serial %d built in %.0f ms.",
                        len(snapshot.names), snapshot.serial[0],
                        (time.perf_counter() - started) * 1000)

    def _load(self, generation: int) -> Snapshot:
        with self.db.read() as session:
            connection = session.connection()
            # The serial first: the rows read after it are at least that new.
            serial = connection.execute(sql_text(
                "SELECT serial FROM index_state WHERE id = 1")).scalar()
            rows = connection.execute(select(*_SNAPSHOT_COLUMNS).where(
                col(Skill.id).not_in(review.hidden_skill_ids()))).all()
            texts = connection.execute(select(*_TEXT_COLUMNS).where(
                _text.c.skill_id.not_in(review.hidden_skill_ids()))
                .order_by(_text.c.skill_id, _text.c.locale)).all()
        return Snapshot((int(serial or 0), generation), rows, texts)

    def page(self, query: catalog_search.Query, serial: Serial) -> catalog_search.Page | None:
        """One page as the SQL engine would give it, or None when a snapshot cannot answer.
        Pure CPU, no database read: the snapshot holds every row and text it shows."""
        parsed = catalog_search.parse(query)
        if not answerable(query, parsed):
            return None
        snapshot = self.snapshot(serial)
        if snapshot is None:
            return None
        ranked = snapshot.rank(query, parsed)
        limit = catalog_search.clamp_limit(query.limit)
        rows = [RankedRow(snapshot.rows[position], score) for position, score in ranked[:limit]]
        texts = {row.id: snapshot.texts.get(row.id) or SkillTexts({}, {}) for row in rows}
        after = None
        if len(ranked) > limit and rows:
            after = catalog_search.next_cursor(parsed.sort, rows[-1].score, rows[-1].name)
        return catalog_search.Page(rows, texts, after, snapshot.remember)


def answerable(query: catalog_search.Query, parsed: catalog_search.Parsed) -> bool:
    """Whether a snapshot answers ``query`` exactly as the SQL engine would."""
    return (parsed.sort is not catalog_search.Sort.DOWNLOADS and query.partner_ids is None
            and all(value is None or _PLAIN.match(value)
                    for value in (query.category, query.locale)))
