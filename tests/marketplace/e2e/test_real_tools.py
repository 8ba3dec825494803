"""End to end with the real tools: uvicorn serving, twine uploading, pip installing.

Slow (real processes, a real server on a free port), so only a few tests, marked ``e2e``;
they run on the embedded SQLite default only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

pytestmark = pytest.mark.e2e


@pytest.fixture
def database_url() -> None:
    """Override: the real-tool walks run on the embedded default only."""
    return None


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def pip_install(url: str, target: Path, requirement: str) -> str:
    run(sys.executable, "-m", "pip", "install", "--isolated", "--no-deps", "-q",
        "--disable-pip-version-check", "--target", str(target),
        "--index-url", f"{url}/simple/", requirement)
    (dist_info,) = target.glob("hello_skill-*.dist-info")
    return dist_info.name.removeprefix("hello_skill-").removesuffix(".dist-info")


def test_twine_upload_pip_install_and_yank(live_url: str, make_partner: Any, wheels: Any,
                                           tmp_path: Path) -> None:
    partner = make_partner()
    files = [str(wheels(version="1.0.0")), str(wheels(version="1.1.0"))]
    twine = [sys.executable, "-m", "twine", "upload", "--non-interactive",
             "--disable-progress-bar", "--repository-url", f"{live_url}/legacy/",
             "-u", "__token__", "-p", partner.token]
    run(*twine, *files)
    run(*twine, *files)  # identical re-upload: harmless
    assert pip_install(live_url, tmp_path / "t1", "hello-skill") == "1.1.0"

    yank = httpx.put(f"{live_url}/v1/skills/hello-skill/releases/1.1.0/yank",
                     json={"reason": "broken"}, headers=partner.bearer)
    assert yank.status_code == 200
    assert pip_install(live_url, tmp_path / "t2", "hello-skill") == "1.0.0"
    assert pip_install(live_url, tmp_path / "t3", "hello-skill==1.1.0") == "1.1.0"  # PEP 592


def test_robeing_publish_install_uninstall(live_url: str, make_partner: Any, wheels: Any,
                                           tmp_path: Path) -> None:
    partner = make_partner()
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = str(venv / "bin" / "python")
    # the fresh environment sees this one's packages (robeing, pip) after its own
    site_packages = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    ours = sysconfig.get_path("purelib")
    Path(site_packages.stdout.strip(), "zz-parent.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n")
    cli = "from robeing_sdk.cli import main; main()"
    env = {"ROBEING_MARKETPLACE_URL": live_url, "ROBEING_TOKEN": partner.token}
    published = run(python, "-c", cli, "publish", str(wheels(version="0.5.0")), env=env)
    assert "uploaded" in published.stdout
    installed = run(python, "-c", cli, "install", "hello-skill", env=env)
    assert "Installed hello-skill 0.5.0" in installed.stdout
    version = run(python, "-c", "import importlib.metadata as m; print(m.version('hello-skill'))")
    assert version.stdout.strip() == "0.5.0"
    run(python, "-c", cli, "uninstall", "hello-skill", env=env)
    probe = "import importlib.metadata as m; m.version('hello-skill')"
    gone = subprocess.run([python, "-c", probe], capture_output=True, check=False)
    assert gone.returncode != 0
