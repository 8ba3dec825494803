"""Search under load, side by side with a baseline in the same run (the machine is shared, so
only figures measured together compare).

    python bench/marketplace/bench_search.py --baseline 8259038 --label "one statement"
    python bench/marketplace/bench_search.py --rev HEAD --baseline 8259038 --rounds 2

For each database (SQLite; PostgreSQL too when ``ROBEING_TEST_DATABASE_URL`` is set, in a
fresh schema dropped afterwards) and each code tree (``--baseline`` and ``--rev``, each a git
revision exported with ``git archive``; ``--rev`` defaults to the working tree), it seeds
10,000 skills x 3 releases with that tree's ``seed.py``, starts that tree's
``robeing marketplace serve`` and runs wrk (2 threads, 32 connections) over:

- *one query*: ``q=invoice+tax`` again and again (served from the page cache);
- *400 queries*: two of 20 words at random (the first ask of each is computed);
- *uncached*: three of 20 words at random (8,000 combinations, so nearly every request is
  computed: what an uncached search costs under load).

A bare FastAPI hello world (an ``async def`` route, uvicorn at the same log level) runs in
the same run as the ceiling. Trees alternate within a round, ``--rounds`` repeats the whole
set; medians over rounds are reported with the 1-minute load average at each load. Results
are appended to ``search_history.json``; ``report.py`` writes them into the docs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from bench_index import SEARCH_LUA, free_port, postgres_schema, rss_mb, wait_for, wrk  # noqa: E402
from seed import WORDS  # noqa: E402

COLD_LUA = """
local words = {@WORDS@}
request = function()
  local a = words[math.random(#words)]
  local b = words[math.random(#words)]
  local c = words[math.random(#words)]
  return wrk.format("GET", "/v1/skills?q=" .. a .. "+" .. b .. "+" .. c)
end
""".replace("@WORDS@", ",".join(f'"{w}"' for w in WORDS))
HELLO = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}
"""
LOADS = ("search_one", "search_varied", "search_cold")


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def export(rev: str | None, work: Path) -> Path:
    """The code of ``rev`` in a folder of its own (None: the working tree)."""
    if rev is None:
        return ROOT
    folder = work / f"tree-{rev.replace('/', '_')}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _env(tree: Path, data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "ROBEING_DATA_DIR": str(data_dir), "PYTHONPATH": str(tree)}
    env.pop("ROBEING_DATABASE_URL", None)
    if database_url:
        env["ROBEING_DATABASE_URL"] = database_url
    return env


def seed_tree(tree: Path, data_dir: Path, database_url: str | None, skills: int) -> None:
    code = ("import sys; sys.path[:0] = ['bench/marketplace', '.']\n"
            "from pathlib import Path\nfrom seed import seed\n"
            "from marketplace.settings import Settings\n"
            "seed(Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2] or None), "
            "int(sys.argv[3]), 3)")
    subprocess.run([sys.executable, "-c", code, str(data_dir), database_url or "", str(skills)],
                   cwd=tree, env=_env(tree, data_dir, database_url), check=True,
                   capture_output=True)


@contextlib.contextmanager
def serve(tree: Path, data_dir: Path, database_url: str | None) -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from robeing_sdk.cli import main; main()", "marketplace",
         "serve", "--port", str(port)], cwd=tree, env=_env(tree, data_dir, database_url),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def measure(url: str, duration: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, target, script in (("search_one", f"{url}/v1/skills?q=invoice+tax", None),
                                ("search_varied", url, SEARCH_LUA),
                                ("search_cold", url, COLD_LUA)):
        load = load_average()
        result[key] = {**wrk(target, duration, script=script), "load": load}
    return result


def hello_world(work: Path, duration: int) -> dict[str, Any]:
    (work / "hello.py").write_text(HELLO)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "hello:app", "--port",
                                str(port), "--log-level", "info"], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        load = load_average()
        return {**wrk(f"http://127.0.0.1:{port}/", duration), "load": load}
    finally:
        process.terminate()
        process.wait(timeout=20)


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median over rounds (wrk's p99 of each round, then their median)."""
    keys = runs[0].keys()
    return {key: round(statistics.median(run[key] for run in runs), 3) for key in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="git revision to measure (default: the working tree)")
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--label", required=True, help="names the run in search_history.json")
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rev = args.rev or "working tree"
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    rss: dict[tuple[str, str], float] = {}
    hello: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trees = {"baseline": export(args.baseline, work), "new": export(args.rev, work)}
        databases: list[str] = ["sqlite"]
        if os.environ.get("ROBEING_TEST_DATABASE_URL") and not args.no_postgres:
            databases.append("postgresql")
        with contextlib.ExitStack() as stack:
            urls: dict[tuple[str, str], str | None] = {}
            for database in databases:
                for which, tree in trees.items():
                    url = (stack.enter_context(postgres_schema()) if database == "postgresql"
                           else None)
                    data_dir = work / f"data-{database}-{which}"
                    seed_tree(tree, data_dir, url, args.skills)
                    urls[(database, which)] = url
            for round_number in range(args.rounds):
                hello.append(hello_world(work, args.duration))
                print(json.dumps({"hello": hello[-1]}), flush=True)
                for database in databases:
                    order = list(trees) if round_number % 2 == 0 else list(reversed(trees))
                    for which in order:
                        data_dir = work / f"data-{database}-{which}"
                        with serve(trees[which], data_dir, urls[(database, which)]) as (
                                base_url, pid):
                            result = measure(base_url, args.duration)
                            rss[(database, which)] = rss_mb(pid)
                        runs.setdefault((database, which), []).append(result)
                        print(json.dumps({"database": database, "tree": which, **result}),
                              flush=True)
    hello_median = _median(hello)
    history_path = HERE / "search_history.json"
    history = json.loads(history_path.read_text()) if history_path.exists() else []
    for database in databases:
        entry: dict[str, Any] = {
            "label": args.label, "date": started, "database": database,
            "command": shlex.join(["python", "bench/marketplace/bench_search.py", *sys.argv[1:]]),
            "rev": rev, "baseline_rev": args.baseline, "rounds": args.rounds,
            "hello_world": hello_median}
        for which in trees:
            entry[which] = {load: _median([run[load] for run in runs[(database, which)]])
                            for load in LOADS}
            entry[which]["rss_mb"] = round(rss[(database, which)], 1)
        history.append(entry)
        print(json.dumps(entry), flush=True)
    history_path.write_text(json.dumps(history, indent=2) + "\n")


if __name__ == "__main__":
    main()
