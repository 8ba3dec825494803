"""Export and restore an installed skill set as a pip requirements file."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from robeing_sdk._version import __version__
from robeing_sdk.runtime.discovery import SkillRecord

PEP691 = "application/vnd.pypi.simple.v1+json"


def _hashes(client: httpx.Client, index: str, name: str, version: str) -> list[str]:
    try:
        response = client.get(f"{index}/simple/{name}/", headers={"Accept": PEP691})
    except httpx.HTTPError:
        return []
    if response.status_code != 200:
        return []
    found = []
    for file in response.json().get("files", []):
        try:
            _, file_version, _, _ = parse_wheel_filename(file["filename"])
        except (InvalidWheelFilename, KeyError):
            continue
        if str(file_version) == version and "sha256" in file.get("hashes", {}):
            found.append(file["hashes"]["sha256"])
    return sorted(found)


def render_requirements(records: list[SkillRecord], marketplace_url: str) -> tuple[str, bool]:
    """The requirements text, and whether every line carries its hashes."""
    index = marketplace_url.rstrip("/")
    lines = [f"# robeing skills, exported with robeing {__version__}",
             f"# restore with: robeing skills sync FILE   (index: {index}/simple/)"]
    skills = sorted({(r.distribution, r.version) for r in records if r.distribution != "robeing"})
    pinned = []
    with httpx.Client(timeout=5.0) as client:
        for name, version in skills:
            pinned.append((name, version, _hashes(client, index, name, version)))
    with_hashes = all(hashes for _, _, hashes in pinned)
    if pinned and not with_hashes:
        lines.append("# hashes omitted: the marketplace did not list every file")
    for name, version, hashes in pinned:
        line = f"{name}=={version}"
        if with_hashes:
            line += "".join(f" \\\n    --hash=sha256:{h}" for h in hashes)
        lines.append(line)
    return "\n".join(lines) + "\n", with_hashes


def sync_requirements(requirements: Path, marketplace_url: str) -> int:
    """pip-install the file against the marketplace, never changing the robeing host itself."""
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp, "constraints.txt")
        constraints.write_text(f"robeing=={__version__}\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "install", "--index-url",
                   f"{marketplace_url.rstrip('/')}/simple/", "-r", str(requirements),
                   "-c", str(constraints)]
        return subprocess.call(command)
