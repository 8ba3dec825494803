"""Cold catalog searches without HTTP: the statement's time and the whole ``search()`` call,
for every two-word query of the wrk benchmark's 20 words (400 queries, each run once).

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
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from bench_index import postgres_schema  # noqa: E402
from seed import WORDS, seed  # noqa: E402
from sqlalchemy import event  # noqa: E402

from marketplace.catalog.search import Query, search  # noqa: E402
from marketplace.db import Database  # noqa: E402
from marketplace.settings import Settings  # noqa: E402


def measure(settings: Settings, skills: int) -> dict[str, float]:
    seed(settings, skills, 3)
    db = Database(settings)
    clock = time.process_time if db.is_sqlite else time.perf_counter
    statement_ms: list[float] = []
    started: dict[str, float] = {}

    @event.listens_for(db.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started["t"] = clock()

    @event.listens_for(db.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT skill."):
            statement_ms.append((clock() - started["t"]) * 1000)

    total_ms = []
    for first in WORDS:
        for second in WORDS:
            begin = clock()
            with db.read() as session:
                search(session, Query(text=f"{first} {second}"))
            total_ms.append((clock() - begin) * 1000)
    db.dispose()

    def p99(values: list[float]) -> float:
        return sorted(values)[int(len(values) * 0.99)]

    return {"statement_p50_ms": statistics.median(statement_ms),
            "statement_p99_ms": p99(statement_ms),
            "search_p50_ms": statistics.median(total_ms), "search_p99_ms": p99(total_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--label", help="record the run in statements.json under this label")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            if not os.environ.get("ROBEING_TEST_DATABASE_URL"):
                raise SystemExit("--postgres needs ROBEING_TEST_DATABASE_URL")
            with postgres_schema() as url:
                result = measure(Settings(data_dir=Path(tmp), database_url=url), args.skills)
        else:
            result = measure(Settings(data_dir=Path(tmp)), args.skills)
    print(" ".join(f"{key} {value:.2f}" for key, value in result.items()))
    if args.label:
        path = HERE / "statements.json"
        runs = json.loads(path.read_text()) if path.exists() else []
        runs.append({"label": args.label, "date": time.strftime("%Y-%m-%d", time.gmtime()),
                     "database": "postgresql" if args.postgres else "sqlite", **result})
        path.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
