"""The server's part of a ``pip install`` from the index, timed alone: the project page, the
wheel's ``.metadata`` file and the 1 MB wheel, each fetched N times over one keep-alive
connection (as pip's session does).

    python bench/marketplace/time_download.py                  # starts its own (SQLite)
    python bench/marketplace/time_download.py --postgres       # on ROBEING_TEST_DATABASE_URL
    python bench/marketplace/time_download.py --skills 10000   # seeded like the pip benchmark
    python bench/marketplace/time_download.py --compare ../base   # this tree and another
                          # (say a ``git worktree`` of the previous commit), one server each
                          # on the same data, measured in alternating rounds
    python bench/marketplace/time_download.py --pip 3          # + the requests pip makes
    python bench/marketplace/time_download.py --url http://127.0.0.1:8000 --project NAME

Prints the median and p90 in milliseconds per request kind and server, and the same
against a bare Starlette app returning bodies of the same sizes (the floor on this machine).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from bench_index import build_wheel, free_port, postgres_schema, wait_for  # noqa: E402
from seed import seed  # noqa: E402

from marketplace.settings import Settings  # noqa: E402

JSON = "application/vnd.pypi.simple.v1+json"
PIP_ACCEPT = (f"{JSON}, application/vnd.pypi.simple.v1+html; q=0.1, "
              "text/html; q=0.01")  # what pip sends
KINDS = ("page", "metadata", "wheel")
FLOOR_APP = """
import os
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

SIZES = {"page": 668, "metadata": 131, "wheel": 1024 * 1024}
BODIES = {kind: os.urandom(size) for kind, size in SIZES.items()}


async def send(request):
    return Response(BODIES[request.path_params["kind"]], media_type="application/zip")

app = Starlette(routes=[Route("/floor/{kind}", send)])
"""


def cli(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from robeing_sdk.cli import main; main()",
                           *args], env=env, text=True, **kwargs)  # type: ignore[call-overload]


def publish(url: str, env: dict[str, str], work: Path) -> str:
    """Upload one 1 MB wheel; its project's name."""
    created = cli(env, "marketplace", "partner", "create", f"t{uuid.uuid4().hex[:6]}",
                  "--email", "t@example.com", "--json", capture_output=True, check=True)
    token = json.loads(created.stdout)["token"]
    wheel = build_wheel(work, "time-download", "1.0.0", 1024 * 1024)
    data = wheel.read_bytes()
    response = httpx.post(f"{url}/legacy/", auth=("__token__", token), timeout=60,
                          data={":action": "file_upload", "protocol_version": "1",
                                "filetype": "bdist_wheel",
                                "sha256_digest": hashlib.sha256(data).hexdigest()},
                          files={"content": (wheel.name, data)})
    response.raise_for_status()
    return "time-download"


def targets(client: httpx.Client, url: str, project: str | None) -> dict[str, str]:
    if project is None:  # the floor app
        return {kind: f"{url}/floor/{kind}" for kind in KINDS}
    page_url = f"{url}/simple/{project}/"
    newest = client.get(page_url, headers={"Accept": JSON}).json()["files"][-1]["url"]
    wheel = str(httpx.URL(page_url).join(newest.split("#")[0]))
    return {"page": page_url, "metadata": wheel + ".metadata", "wheel": wheel}


def sample(client: httpx.Client, urls: dict[str, str], count: int,
           into: dict[str, list[float]]) -> None:
    for kind in KINDS:
        for _ in range(3):  # warm
            client.get(urls[kind], headers={"Accept": PIP_ACCEPT}).raise_for_status()
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(urls[kind], headers={"Accept": PIP_ACCEPT})
            response.read()
            into[kind].append((time.perf_counter() - started) * 1000)
            response.raise_for_status()


def summary(times: dict[str, list[float]]) -> dict[str, str]:
    out = {}
    for kind in KINDS:
        ordered = sorted(times[kind])
        out[kind] = (f"median {statistics.median(ordered):.2f} ms, "
                     f"p90 {ordered[int(len(ordered) * 0.9)]:.2f} ms")
    return out


def measure(servers: dict[str, tuple[str, str | None]], count: int,
            rounds: int) -> dict[str, dict[str, str]]:
    """Each server (label: (base URL, project or None for the floor)) in turn, ``rounds``
    times, ``count / rounds`` requests of each kind per turn."""
    times = {label: {kind: [] for kind in KINDS} for label in servers}
    clients = {label: httpx.Client(timeout=60) for label in servers}
    try:
        urls = {label: targets(clients[label], *where) for label, where in servers.items()}
        for _ in range(rounds):
            for label in servers:
                sample(clients[label], urls[label], max(1, count // rounds), times[label])
    finally:
        for client in clients.values():
            client.close()
    return {label: summary(found) for label, found in times.items()}


@contextlib.contextmanager
def serve(args: list[str], env: dict[str, str], log: Path, health: str,
          cwd: Path | None = None) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen([*args, "--port", str(port)], env=env, cwd=cwd,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + health)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def marketplace_from(tree: Path, env: dict[str, str],
                     log: Path) -> contextlib.AbstractContextManager[str]:
    """``robeing marketplace serve`` running the code in ``tree``."""
    return serve([sys.executable, "-c", "from robeing_sdk.cli import main; main()",
                  "marketplace", "serve"], {**env, "PYTHONPATH": str(tree)}, log, "/healthz",
                 cwd=tree)


def pip_requests(url: str, project: str, log: Path, rounds: int, work: Path) -> None:
    """Install from the index ``rounds`` times and print what pip asked for (access log)."""
    before = log.read_text().count("\n")
    for i in range(rounds):
        subprocess.run([sys.executable, "-m", "pip", "install", "--isolated", "--no-deps", "-q",
                        "--disable-pip-version-check", "--no-cache-dir", "--target",
                        str(work / f"pip-{i}"), "--index-url", f"{url}/simple/", project],
                       check=True)
    time.sleep(0.5)
    lines = log.read_text().splitlines()[before:]
    print("\n".join(line for line in lines if '"GET' in line or '"HEAD' in line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running marketplace (with --project)")
    parser.add_argument("--project")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("-n", type=int, default=200, help="requests of each kind per server")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--skills", type=int, default=0,
                        help="seed this many skills first (the pip benchmark uses 10,000)")
    parser.add_argument("--compare", type=Path, metavar="TREE",
                        help="also serve the same data with the code in TREE")
    parser.add_argument("--pip", type=int, default=0, metavar="N",
                        help="also install N times with pip and print its requests")
    args = parser.parse_args()
    if args.url:
        print(json.dumps(measure({"given": (args.url, args.project)}, args.n, args.rounds),
                         indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        (work / "floor.py").write_text(FLOOR_APP)
        database_url = stack.enter_context(postgres_schema()) if args.postgres else None
        if args.postgres and database_url is None:
            raise SystemExit("ROBEING_TEST_DATABASE_URL is not set")
        env = {**os.environ, "ROBEING_DATA_DIR": str(work / "data")}
        if database_url:
            env["ROBEING_DATABASE_URL"] = database_url
        if args.skills:
            seed(Settings(data_dir=work / "data", database_url=database_url), args.skills, 3)
        elif database_url:
            cli(env, "marketplace", "upgrade", check=True, capture_output=True)
        log = work / "server.log"
        url = stack.enter_context(marketplace_from(ROOT, env, log))
        project = publish(url, env, work)
        servers: dict[str, tuple[str, str | None]] = {"this tree": (url, project)}
        if args.compare:
            other = stack.enter_context(marketplace_from(args.compare.resolve(), env,
                                                         work / "other.log"))
            servers[str(args.compare)] = (other, project)
        floor = stack.enter_context(serve(
            [sys.executable, "-m", "uvicorn", "floor:app", "--log-level", "warning"],
            env, work / "floor.log", "/floor/page", cwd=work))
        servers["bare Starlette"] = (floor, None)
        print(f"load {Path('/proc/loadavg').read_text().split()[0]}, "
              f"{'PostgreSQL' if database_url else 'SQLite'}", flush=True)
        print(json.dumps(measure(servers, args.n, args.rounds), indent=2))
        if args.pip:
            pip_requests(url, project, log, args.pip, work)


if __name__ == "__main__":
    main()
