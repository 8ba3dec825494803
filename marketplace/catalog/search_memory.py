"""Catalog search answered from memory: each process keeps a snapshot of what search reads of
every shown skill, built again (in the background) when the index serial moves.

Why: a search the page cache had not seen cost about 5-6 ms of CPU as one SQL statement (the
FTS5 trigram match, ranking several hundred matches, reading the page), and a burst of such
first computations held every connection for a second (``docs/marketplace/benchmarks.md``).
Here each query word's matches are computed once per snapshot as a bit set over the skills (a
substring test of every search text, about a millisecond), so a query is a few ``&`` of those
sets and its matches ranked in Python; the rows and texts of the skills on a page are read
from the database the first time a snapshot shows them (so download counts shown, like the
page cache's, are those of that moment until the next index change).

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
from typing import Any, Final

from sqlalchemy import Row, bindparam, select
from sqlalchemy import text as sql_text
from sqlmodel import col

from marketplace.catalog import search as catalog_search
from marketplace.catalog import search_sql
from marketplace.catalog.models import Skill, SkillText, SkillTexts
from marketplace.db import Database
from marketplace.review import service as review

logger = logging.getLogger(__name__)

Serial = tuple[int, int]  # (database serial, local generation), as PageCache.serial() gives
Shown = tuple[Any, SkillTexts]  # a skill's page row and its texts

MAX_CACHED_SETS: Final = 4096  # per snapshot: words, filter values and SDK versions
MAX_CACHED_ROWS: Final = 4096  # per snapshot: skills shown on a page, with their texts
MAX_CACHED_ITEMS: Final = 8192  # per snapshot: those skills as JSON, per language chain
_PLAIN: Final = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")  # category and locale values served here
_DIGIT_VALUES: Final = bytes.maketrans(b"01", b"\x00\x01")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_LAST_CHAR: Final = "\U0010ffff"

_skill = Skill.__table__  # type: ignore[attr-defined]
_text = SkillText.__table__  # type: ignore[attr-defined]
_SNAPSHOT_COLUMNS: Final = (col(Skill.name), col(Skill.summary),
                            col(Skill.search_text), col(Skill.created_at),
                            col(Skill.categories), col(Skill.locales), col(Skill.price_kind),
                            col(Skill.sdk_specifier))
_PAGE = (select(*search_sql.PAGE_COLUMNS, _text.c.locale, _text.c.display_name,
                _text.c.description)
         .select_from(_skill.outerjoin(_text, _text.c.skill_id == _skill.c.id))
         .where(_skill.c.name.in_(bindparam("names", expanding=True)))
         .order_by(_skill.c.name, _text.c.locale))


_MICROSECOND: Final = timedelta(microseconds=1)


def _microseconds(moment: datetime) -> int:
    """An exact integer sort key for a timestamp (naive ones are UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


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

    def __init__(self, serial: Serial, rows: Iterable[Any]) -> None:
        ordered = sorted(rows, key=lambda row: row.name)
        self.serial = serial
        self.names: list[str] = [row.name for row in ordered]
        self.summaries = [row.summary.lower() for row in ordered]
        self.created: list[datetime] = [row.created_at for row in ordered]
        self.position = {name: index for index, name in enumerate(self.names)}
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
        self._sets: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._shown: OrderedDict[str, Shown] = OrderedDict()
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def shown(self, names: list[str], fetch: Callable[[list[str]], dict[str, Shown]]
              ) -> dict[str, Shown]:
        """The rows and texts of skills on a page, read once per snapshot (``fetch`` reads
        those not yet read), at most :data:`MAX_CACHED_ROWS` kept."""
        found: dict[str, Shown] = {}
        with self._lock:
            for name in names:
                entry = self._shown.get(name)
                if entry is not None:
                    self._shown.move_to_end(name)
                    found[name] = entry
        missing = [name for name in names if name not in found]
        if missing:
            fetched = fetch(missing)
            found.update(fetched)
            with self._lock:
                self._shown.update(fetched)
                while len(self._shown) > MAX_CACHED_ROWS:
                    self._shown.popitem(last=False)
        return found

    def remember(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """A rendered search result kept for this snapshot (at most
        :data:`MAX_CACHED_ITEMS`): its row and texts do not change within it."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._items[key] = made
            while len(self._items) > MAX_CACHED_ITEMS:
                self._items.popitem(last=False)
        return made

    def covers(self, serial: Serial) -> bool:
        return self.serial[0] >= serial[0] and self.serial[1] >= serial[1]

    def _cached(self, key: tuple[str, str], make: Callable[[], int]) -> int:
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._sets[key] = made
            while len(self._sets) > MAX_CACHED_SETS:
                self._sets.popitem(last=False)
        return made

    def word(self, word: str) -> int:
        """The skills whose search text contains ``word``."""
        return self._cached(("word", word), lambda: _bits(
            ["1" if word in text else "0" for text in self._texts_backwards]))

    def having(self, kind: str, value: str) -> int:
        """The skills whose ``kind`` (category, locale: one of its tokens; price: equal) is
        ``value``."""
        values = self._backwards[kind]
        if kind == "price":
            return self._cached((kind, value), lambda: _bits(
                ["1" if each == value else "0" for each in values]))
        padded = f" {value} "
        return self._cached((kind, value), lambda: _bits(
            ["1" if padded in each else "0" for each in values]))

    def supporting(self, sdk: str, version: Any) -> int:
        """The skills whose newest release supports SDK ``version``."""
        def make() -> int:
            specifiers = self._backwards["sdk"]
            verdicts = {specifier: catalog_search.supports(specifier, version)
                        for specifier in set(specifiers)}
            return _bits(["1" if verdicts[specifier] else "0" for specifier in specifiers])
        return self._cached(("sdk", sdk), make)

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
            # The serial first: the rows read after it are at least that new.
            serial = session.execute(sql_text(
                "SELECT serial FROM index_state WHERE id = 1")).scalar()
            rows = session.connection().execute(select(*_SNAPSHOT_COLUMNS).where(
                col(Skill.id).not_in(review.hidden_skill_ids()))).all()
        return Snapshot((int(serial or 0), generation), rows)

    def page(self, query: catalog_search.Query, serial: Serial) -> catalog_search.Page | None:
        """One page as the SQL engine would give it, or None when a snapshot cannot answer."""
        parsed = catalog_search.parse(query)
        if not answerable(query, parsed):
            return None
        snapshot = self.snapshot(serial)
        if snapshot is None:
            return None
        ranked = snapshot.rank(query, parsed)
        limit = catalog_search.clamp_limit(query.limit)
        shown = snapshot.shown([snapshot.names[position] for position, _ in ranked[:limit]],
                               self._fetch)
        rows: list[RankedRow] = []
        texts: dict[Any, SkillTexts] = {}
        for position, score in ranked[:limit]:
            entry = shown.get(snapshot.names[position])
            if entry is not None:  # else gone since the snapshot was taken
                rows.append(RankedRow(entry[0], score))
                texts[rows[-1].id] = entry[1]
        after = None
        if len(ranked) > limit and rows:
            after = catalog_search.next_cursor(parsed.sort, rows[-1].score, rows[-1].name)
        return catalog_search.Page(rows, texts, after, snapshot.remember)

    def _fetch(self, names: list[str]) -> dict[str, Shown]:
        """These skills' rows and their texts in every language, by name."""
        found: dict[str, Shown] = {}
        with self.db.read() as session:
            for row in session.connection().execute(_PAGE, {"names": names}):
                entry = found.get(row.name)
                if entry is None:
                    entry = found[row.name] = (row, SkillTexts({}, {}))
                locale, display_name, description = tuple(row)[-search_sql.TEXT_COLUMNS:]
                if locale is None:
                    continue
                if display_name:
                    entry[1].display_names[locale] = display_name
                if description:
                    entry[1].descriptions[locale] = description
        return found


def answerable(query: catalog_search.Query, parsed: catalog_search.Parsed) -> bool:
    """Whether a snapshot answers ``query`` exactly as the SQL engine would."""
    return (parsed.sort is not catalog_search.Sort.DOWNLOADS and query.partner_ids is None
            and all(value is None or _PLAIN.match(value)
                    for value in (query.category, query.locale)))
