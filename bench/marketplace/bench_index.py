"""Marketplace benchmarks, side by side with devpi-server and pypiserver in the same run.

    python bench/marketplace/bench_index.py                      # ours, SQLite and PostgreSQL
    python bench/marketplace/bench_index.py --peers              # + devpi-server, pypiserver
    python bench/marketplace/bench_index.py --quick              # 1,000 skills, 5 s per load
    python bench/marketplace/bench_index.py --pip-only 25            # pip timings only
    python bench/marketplace/bench_index.py --pip-only 60 --compare ../old   # and from the
                                    # code in another checkout, same data, same rounds
    python bench/marketplace/bench_index.py --search-only --label after
                                    # only the two search loads, merged into results.json and
                                    # added to search_history.json under the label

Search side by side with a baseline revision and a hello world: ``bench_search.py``.

Load comes from wrk (``apt-get install wrk``): 2 threads, 32 connections, 15 s, loopback
only. PostgreSQL is used when ``ROBEING_TEST_DATABASE_URL`` is set (a fresh schema, dropped
afterwards). Peers are installed into ``bench/marketplace/.peers`` (a venv of their own) and
served the same projects as tiny wheels. Results go to ``bench/marketplace/results.json``
and, with a plot, to ``docs/marketplace/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from seed import WORDS, names, seed  # noqa: E402

from marketplace.settings import Settings  # noqa: E402

JSON = "application/vnd.pypi.simple.v1+json"
SEARCH_LUA = """
local words = {@WORDS@}
request = function()
  local a = words[math.random(#words)]
  local b = words[math.random(#words)]
  return wrk.format("GET", "/v1/skills?q=" .. a .. "+" .. b)
end
""".replace("@WORDS@", ",".join(f'"{w}"' for w in WORDS))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, duration: int, *, headers: dict[str, str] | None = None,
        script: str | None = None) -> dict[str, float]:
    args = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for key, value in (headers or {}).items():
        args += ["-H", f"{key}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    if script:
        args += ["-s", lua.name]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    failed = (int(bad.group(1)) if bad else 0) + (
        sum(int(g) for g in errors.groups()) if errors else 0)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "error_rate": failed / max(total, 1)}


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group(0)), text.lstrip("0123456789.")  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


@contextlib.contextmanager
def postgres_schema() -> Iterator[str | None]:
    base = os.environ.get("ROBEING_TEST_DATABASE_URL")
    if not base:
        yield None
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def marketplace(data_dir: Path, database_url: str | None,
                tree: Path | None = None) -> Iterator[tuple[str, int]]:
    """A marketplace process on this data; with ``tree``, running the code in that checkout
    (say a ``git worktree`` of an older commit) instead of this one."""
    port = free_port()
    env = {**os.environ, "ROBEING_DATA_DIR": str(data_dir)}
    if database_url:
        env["ROBEING_DATABASE_URL"] = database_url
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    process = subprocess.Popen([sys.executable, "-c", "from robeing_sdk.cli import main; main()",
                                "marketplace", "serve", "--port", str(port)], env=env,
                               cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def build_wheel(folder: Path, name: str, version: str, size: int) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "marketplace"))
    from conftest import build_wheel as make

    return Path(make(folder, name, version,
                     extra_files={f"{name.replace('-', '_')}/blob.bin": os.urandom(size)}
                     if size else None))


def upload_and_install(url: str, data_dir: Path, database_url: str | None,
                       work: Path, repetitions: int = 5,
                       others: dict[str, str] | None = None) -> dict[str, Any]:
    """Upload timings, then pip from the index (and from ``others``, more indexes by label,
    in the same rounds), from a bare copy of it and from the wheel file."""
    env = {**os.environ, "ROBEING_DATA_DIR": str(data_dir)}
    if database_url:
        env["ROBEING_DATABASE_URL"] = database_url
    created = subprocess.run([sys.executable, "-c", "from robeing_sdk.cli import main; main()",
                              "marketplace", "partner", "create",
                              f"bench{uuid.uuid4().hex[:6]}", "--email", "b@example.com",
                              "--json"], env=env, capture_output=True, text=True, check=True)
    token = json.loads(created.stdout)["token"]
    timings = []
    wheel = None
    with httpx.Client(timeout=60) as client:
        for i in range(15):
            wheel = build_wheel(work / f"w{i}", "bench-upload", f"1.0.{i}", 1024 * 1024)
            data = wheel.read_bytes()
            started = time.perf_counter()
            response = client.post(f"{url}/legacy/", auth=("__token__", token),
                                   data={":action": "file_upload", "protocol_version": "1",
                                         "filetype": "bdist_wheel",
                                         "sha256_digest": __import__("hashlib").sha256(
                                             data).hexdigest()},
                                   files={"content": (wheel.name, data)})
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    assert wheel is not None
    floor_port = free_port()
    floor = subprocess.Popen([sys.executable, str(HERE / "static_index.py"), "--from", url,
                              "--project", "bench-upload", "--port", str(floor_port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{floor_port}/simple/bench-upload/")
        times = pip_installs({"index": f"{url}/simple/",
                              "floor": f"http://127.0.0.1:{floor_port}/simple/",
                              **{label: f"{other}/simple/"
                                 for label, other in (others or {}).items()}},
                             wheel, work, repetitions)
    finally:
        floor.terminate()
        floor.wait(timeout=20)
    index, direct, floor_times = times["index"], times["direct"], times["floor"]
    compared = {}
    for label in others or {}:
        compared[f"pip_{label}_s"] = statistics.median(times[label])
        compared[f"pip_{label}_overhead"] = (statistics.median(times[label])
                                             / statistics.median(direct) - 1)
        compared[f"pip_{label}_overhead_paired"] = _paired(times[label], direct)
    return {**compared, "upload_1mb_median_ms": statistics.median(timings),
            "pip_index_s": statistics.median(index), "pip_direct_s": statistics.median(direct),
            "pip_overhead": statistics.median(index) / statistics.median(direct) - 1,
            # each index install against the direct one next to it: steadier on a busy machine
            "pip_overhead_paired": _paired(index, direct),
            # pip against a bare in-memory index of the same bytes (static_index.py): what
            # pip's own index work costs here, whatever the server
            "pip_floor_s": statistics.median(floor_times),
            "pip_floor_overhead": statistics.median(floor_times) / statistics.median(direct) - 1,
            "pip_floor_overhead_paired": _paired(floor_times, direct),
            # the fastest install of each kind: the least disturbed by other work on the
            # machine (timeit's rule), so the steadiest of the three on a shared machine
            "pip_overhead_best": min(index) / min(direct) - 1,
            "pip_floor_overhead_best": min(floor_times) / min(direct) - 1,
            "pip_repetitions": repetitions,
            # every install's wall time, round by round, for a second look
            "pip_times_ms": {kind: [round(t * 1000) for t in found]
                             for kind, found in times.items()}}


def _paired(times: list[float], direct: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(times, direct, strict=True)) - 1


def pip_installs(indexes: dict[str, str], wheel: Path, work: Path,
                 repetitions: int) -> dict[str, list[float]]:
    """Wall times of ``pip install`` of ``bench-upload==1.0.14`` from each index and of the
    wheel file itself ("direct"), ``repetitions`` rounds, each round in another order (every
    order in turn) so that no kind always runs first or after the same other kind."""
    pip = [sys.executable, "-m", "pip", "install", "--isolated", "--no-deps", "-q",
           "--disable-pip-version-check", "--no-cache-dir"]
    kinds = ["direct", *indexes]
    orders = list(itertools.permutations(kinds))
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for i in range(repetitions):
        for kind in orders[i % len(orders)]:
            target = work / f"t-{kind}-{i}"
            args = [*pip, "--target", str(target)]
            args += (["--index-url", indexes[kind], "bench-upload==1.0.14"]
                     if kind in indexes else [str(wheel)])
            started = time.perf_counter()
            subprocess.run(args, check=True)
            times[kind].append(time.perf_counter() - started)
            shutil.rmtree(target)
    return times


def bench_ours(label: str, skills: int, duration: int, work: Path,
               database_url: str | None, full: bool, search_only: bool = False
               ) -> dict[str, Any]:
    data_dir = work / f"data-{label}"
    settings = Settings(data_dir=data_dir, database_url=database_url)
    seed(settings, skills, 3)
    project = names(skills)[skills // 2]
    result: dict[str, Any] = {"server": f"robeing ({label})", "skills": skills}
    with marketplace(data_dir, database_url) as (url, pid):
        if search_only:
            result["search_one"] = wrk(f"{url}/v1/skills?q=invoice+tax", duration)
            result["search_varied"] = wrk(url, duration, script=SEARCH_LUA)
            result["rss_mb"] = rss_mb(pid)
            print(json.dumps(result), flush=True)
            return result
        for path in ("/simple/", f"/simple/{project}/"):  # warm the page caches
            httpx.get(url + path, timeout=60)
            httpx.get(url + path, headers={"Accept": JSON}, timeout=60)
        result["project_html"] = wrk(f"{url}/simple/{project}/", duration)
        result["project_json"] = wrk(f"{url}/simple/{project}/", duration,
                                     headers={"Accept": JSON})
        result["root"] = wrk(f"{url}/simple/", duration, headers={"Accept-Encoding": "gzip"})
        result["search_one"] = wrk(f"{url}/v1/skills?q=invoice+tax", duration)
        result["search_varied"] = wrk(url, duration, script=SEARCH_LUA)
        result["rss_mb"] = rss_mb(pid)
        if full:
            result.update(upload_and_install(url, data_dir, database_url, work))
    print(json.dumps(result), flush=True)
    return result


def peers_python() -> Path:
    venv = HERE / ".peers"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "devpi-server", "devpi-client",
                        "pypiserver", "twine"], check=True)
    return python


def bench_peers(skills: int, duration: int, work: Path) -> list[dict[str, Any]]:
    python = peers_python()
    bin_dir = python.parent
    files = work / "peer-files"
    files.mkdir()
    project_names = names(skills)
    for name in project_names:
        for r in range(3):
            build_wheel(files, name, f"1.{r}.0", 0)
    project = project_names[skills // 2]
    results = []
    port = free_port()
    pypiserver = subprocess.Popen([str(bin_dir / "pypi-server"), "run", "-p", str(port),
                                   "-i", "127.0.0.1", "--disable-fallback", str(files)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/simple/")
        results.append({"server": "pypiserver", "skills": skills,
                        "project_html": wrk(f"{url}/simple/{project}/", duration),
                        "root": wrk(f"{url}/simple/", duration),
                        "rss_mb": rss_mb(pypiserver.pid)})
    finally:
        pypiserver.terminate()
        pypiserver.wait()
    server_dir, port = work / "devpi", free_port()
    subprocess.run([str(bin_dir / "devpi-init"), "--serverdir", str(server_dir),
                    "--root-passwd", "root"], check=True, capture_output=True)
    devpi = subprocess.Popen([str(bin_dir / "devpi-server"), "--serverdir", str(server_dir),
                              "--port", str(port), "--host", "127.0.0.1",
                              "--offline-mode"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/+api")
        client_dir = work / "devpi-client"
        devpi_cli = [str(bin_dir / "devpi"), "--clientdir", str(client_dir)]
        subprocess.run([*devpi_cli, "use", url], check=True, capture_output=True)
        subprocess.run([*devpi_cli, "login", "root", "--password", "root"], check=True,
                       capture_output=True)
        subprocess.run([*devpi_cli, "index", "-c", "bench", "bases="], check=True,
                       capture_output=True)
        wheels = sorted(str(p) for p in files.glob("*.whl"))
        for start in range(0, len(wheels), 300):
            subprocess.run([str(bin_dir / "twine"), "upload", "--non-interactive",
                            "--disable-progress-bar", "--repository-url",
                            f"{url}/root/bench/", "-u", "root", "-p", "root",
                            *wheels[start:start + 300]], check=True, capture_output=True)
        page = f"{url}/root/bench/+simple/{project}/"
        httpx.get(page, timeout=60)
        results.append({"server": "devpi-server", "skills": skills,
                        "project_html": wrk(page, duration),
                        "root": wrk(f"{url}/root/bench/+simple/", duration),
                        "rss_mb": rss_mb(devpi.pid)})
    finally:
        devpi.terminate()
        devpi.wait()
    for result in results:
        print(json.dumps(result), flush=True)
    return results


def search_only(skills: int, duration: int, label: str) -> None:
    """Re-measure search on both databases, replace those cells in ``results.json`` and
    add the run, labelled, to ``search_history.json``."""
    path = HERE / "results.json"
    results: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    fresh = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fresh.append(bench_ours("sqlite", skills, duration, work, None, False, True))
        with postgres_schema() as pg_url:
            if pg_url:
                fresh.append(bench_ours("postgresql", skills, duration, work, pg_url, False,
                                        True))
    today = time.strftime("%Y-%m-%d", time.gmtime())
    history_path = HERE / "search_history.json"
    history = json.loads(history_path.read_text()) if history_path.exists() else []
    for new in fresh:
        history.append({"label": label, "date": today,
                        "database": new["server"].removeprefix("robeing (").rstrip(")"),
                        **{k: new[k] for k in ("search_one", "search_varied", "rss_mb")}})
        new["search_run"] = today
    history_path.write_text(json.dumps(history, indent=2) + "\n")
    for new in fresh:
        old = next((r for r in results if r["server"] == new["server"]
                    and r["skills"] == new["skills"]), None)
        if old is None:
            results.append(new)
        else:
            old.update(new)
    path.write_text(json.dumps(results, indent=2) + "\n")
    from report import write_report

    write_report(results, ROOT / "docs" / "marketplace")


def pip_only(skills: int, repetitions: int, compare: Path | None = None) -> None:
    """Upload and pip timings on both databases, replacing those cells in ``results.json``;
    with ``compare``, pip from a second marketplace running that checkout's code on the same
    data joins the rounds, and the figures are only printed."""
    path = HERE / "results.json"
    results: list[dict[str, Any]] = json.loads(path.read_text())
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for label in ("sqlite", "postgresql"):
            with contextlib.ExitStack() as stack:
                url = stack.enter_context(postgres_schema()) if label == "postgresql" else None
                if label == "postgresql" and url is None:
                    continue
                data_dir = work / f"data-{label}"
                seed(Settings(data_dir=data_dir, database_url=url), skills, 3)
                with marketplace(data_dir, url) as (base_url, _):
                    others = {}
                    if compare is not None:
                        others["compared"] = stack.enter_context(
                            marketplace(data_dir, url, compare))[0]
                    timings = upload_and_install(base_url, data_dir, url, work, repetitions,
                                                 others)
            if compare is not None:
                print(json.dumps({"server": f"robeing ({label})", "compared": str(compare),
                                  **{k: v for k, v in timings.items() if k != "pip_times_ms"}}),
                      flush=True)
                continue
            run = (f"{stamp}, `python bench/marketplace/bench_index.py --pip-only "
                   f"{repetitions}`, load {Path('/proc/loadavg').read_text().split()[0]}")
            print(json.dumps({"server": f"robeing ({label})", **timings}), flush=True)
            row = next(r for r in results if r["server"] == f"robeing ({label})"
                       and r["skills"] == skills)
            row.update(timings, pip_run=run)
    if compare is not None:
        return
    path.write_text(json.dumps(results, indent=2) + "\n")
    from report import write_report

    write_report(results, ROOT / "docs" / "marketplace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--peer-skills", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--peers", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--search-only", action="store_true",
                        help="measure only search and merge it into the existing results")
    parser.add_argument("--pip-only", type=int, metavar="N", default=0,
                        help="only upload and pip timings, N interleaved installs each; "
                             "merged into results.json")
    parser.add_argument("--compare", type=Path, metavar="TREE",
                        help="with --pip-only: also pip from the same data served by the "
                             "code in TREE (a checkout of another commit); printed only")
    parser.add_argument("--label", default="search-only",
                        help="names a --search-only run in search_history.json")
    args = parser.parse_args()
    if args.quick:
        args.skills, args.peer_skills, args.duration = 1_000, 200, 5
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.search_only:
        search_only(args.skills, args.duration, args.label)
        return
    if args.pip_only:
        pip_only(args.skills, args.pip_only, args.compare)
        return
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.peers:
            results += bench_peers(args.peer_skills, args.duration, work)
            results.append(bench_ours("sqlite, peer data", args.peer_skills, args.duration,
                                      work, None, full=False))
        results.append(bench_ours("sqlite", args.skills, args.duration, work, None, True))
        with postgres_schema() as pg_url:
            if pg_url:
                results.append(bench_ours("postgresql", args.skills, args.duration, work,
                                          pg_url, True))
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    from report import write_report

    write_report(results, ROOT / "docs" / "marketplace")


if __name__ == "__main__":
    main()
