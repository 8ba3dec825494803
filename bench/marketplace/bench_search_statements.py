"""Cold catalog searches without HTTP: the statement's time and the whole uncached page (the
search, its texts and the JSON body: what ``GET /v1/skills`` computes on a cache miss), for
every two-word query of the wrk benchmark's 20 words (400 queries, each run once), by the
SQL engine and, right after it, by the in-memory engine (``search_memory``: its snapshot's
build timed apart, each word's matches computed on its first use; same bodies checked).

    python bench/marketplace/bench_search_statements.py            # SQLite, 10,000 skills
    python bench/marketplace/bench_search_statements.py --postgres # ROBEING_TEST_DATABASE_URL

SQLite runs in this process, so its times are CPU time (steady on a busy machine);
PostgreSQL's work happens in the server, so its times are wall-clock. Prints medians and
p99 in milliseconds; with ``--label`` also adds them to ``statements.json`` for the report.
The database is seeded like ``bench_index.py``'s (``seed.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from bench_index import postgres_schema  # noqa: E402
from seed import WORDS, seed  # noqa: E402
from sqlalchemy import event  # noqa: E402

from marketplace.catalog import search_page  # noqa: E402
from marketplace.catalog.search import Query  # noqa: E402
from marketplace.catalog.search_memory import SearchIndex  # noqa: E402
from marketplace.db import Database  # noqa: E402
from marketplace.index.service import PageCache  # noqa: E402
from marketplace.settings import Settings  # noqa: E402


def old_page(rev: str) -> Callable[[Database, str], bytes]:
    """The uncached page as ``rev`` made it: its ``catalog/search.py`` (ORM rows), then
    ``texts_of`` and validated ``SkillPublic`` models (for revisions before c12c424)."""
    from marketplace.catalog import service
    from marketplace.catalog.models import SkillPublic
    from marketplace.catalog.routes import SkillPage
    from robeing_sdk.i18n import fallback_chain

    source = subprocess.run(["git", "-C", str(HERE.parents[1]), "show",
                             f"{rev}:marketplace/catalog/search.py"], check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType("old_search")
    sys.modules["old_search"] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:search.py", "exec"), module.__dict__)

    def page(db: Database, text: str) -> bytes:
        with db.read() as session:
            skills, next_cursor = module.search(session, module.Query(text=text))
            texts = service.texts_of(session, skills)
            chain = fallback_chain("en")
            return SkillPage(items=[SkillPublic.from_row(s, texts[s.id], chain)
                                    for s in skills],
                             next_cursor=next_cursor).model_dump_json().encode()

    return page


def measure(settings: Settings, skills: int, compare: str | None = None) -> dict[str, Any]:
    seed(settings, skills, 3)
    db = Database(settings)
    clock = time.process_time if db.is_sqlite else time.perf_counter
    statement_ms: list[float] = []
    started: dict[str, float] = {}
    executed = [0]  # every statement, BEGIN included: the round trips
    counting = [True]  # only the current code's statements (not --compare's)

    @event.listens_for(db.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started["t"] = clock()
        executed[0] += counting[0]

    @event.listens_for(db.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if counting[0] and ("skill.search_text" in statement or "skill_fts" in statement):
            statement_ms.append((clock() - started["t"]) * 1000)

    total_ms: list[float] = []
    old_ms: list[float] = []
    memory_ms: list[float] = []
    old = old_page(compare) if compare else None
    index, serial = SearchIndex(db, background=False), PageCache(db).serial()
    begin = clock()
    index.warm(serial)
    build_ms = (clock() - begin) * 1000
    for text in (f"{a} {b}" for a in WORDS for b in WORDS):
        begin = clock()
        body = search_page.render(db, Query(text=text), None, "en")
        total_ms.append((clock() - begin) * 1000)
        counting[0] = False  # the in-memory engine: first ask of each query (and word)
        begin = clock()
        memory_body = search_page.render(db, Query(text=text), None, "en", index, serial)
        memory_ms.append((clock() - begin) * 1000)
        counting[0] = True
        assert memory_body == body, f"the engines differ for {text!r}"
        if old is not None:  # the same query, cold for the old code too (no cache here)
            counting[0] = False
            begin = clock()
            old_body = old(db, text)
            old_ms.append((clock() - begin) * 1000)
            counting[0] = True
            assert old_body == body, f"different answers for {text!r}"
    db.dispose()

    def p99(values: list[float]) -> float:
        return sorted(values)[int(len(values) * 0.99)]

    return {"statement_p50_ms": statistics.median(statement_ms),
            "statement_p99_ms": p99(statement_ms),
            "search_p50_ms": statistics.median(total_ms), "search_p99_ms": p99(total_ms),
            "statements_per_search": executed[0] / len(total_ms),
            "snapshot_build_ms": build_ms, "memory_p50_ms": statistics.median(memory_ms),
            "memory_p99_ms": p99(memory_ms),
            "memory_ratio_p50": statistics.median(memory_ms) / statistics.median(total_ms),
            **({"compare": compare, "old_search_p50_ms": statistics.median(old_ms),
                "ratio_p50": statistics.median(total_ms) / statistics.median(old_ms)}
               if old_ms else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--label", help="record the run in statements.json under this label")
    parser.add_argument("--compare", metavar="REV",
                        help="also time REV's uncached page, query by query, same answers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            if not os.environ.get("ROBEING_TEST_DATABASE_URL"):
                raise SystemExit("--postgres needs ROBEING_TEST_DATABASE_URL")
            with postgres_schema() as url:
                result = measure(Settings(data_dir=Path(tmp), database_url=url), args.skills,
                                 args.compare)
        else:
            result = measure(Settings(data_dir=Path(tmp)), args.skills, args.compare)
    print(" ".join(f"{key} {value:.2f}" if isinstance(value, float) else f"{key} {value}"
                   for key, value in result.items()))
    if args.label:
        path = HERE / "statements.json"
        runs = json.loads(path.read_text()) if path.exists() else []
        runs.append({"label": args.label,
                     "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                     "load": float(Path("/proc/loadavg").read_text().split()[0]),
                     "database": "postgresql" if args.postgres else "sqlite", **result})
        path.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
