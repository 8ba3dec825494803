"""``robeing install`` and ``robeing uninstall``: pip, against the marketplace, made safe.

Install asks the marketplace which release supports this SDK (``/v1/skills/{name}/compatible``)
and pip-installs exactly that, with a constraint ``robeing==<this version>`` so pip can never
upgrade or downgrade the host to satisfy a skill: if it would have to, we refuse and explain.
What the install added is recorded, so uninstall removes the skill and the distributions that
only it brought in, never something another installed distribution still needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

import typer
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from robeing_sdk._version import __version__
from robeing_sdk.cli.output import console, fail

Url = Annotated[str | None, typer.Option(
    "--url", envvar="ROBEING_MARKETPLACE_URL",
    help="The marketplace [default: the runtime config's marketplace_url].", show_default=False)]


def _record_path() -> Path:
    return Path(sys.prefix) / "share" / "robeing" / "installed-skills.json"


def _load_records() -> dict[str, list[str]]:
    try:
        data = json.loads(_record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): [str(v) for v in vs] for k, vs in data.items()} if isinstance(data, dict) \
        else {}


def _save_records(records: dict[str, list[str]]) -> None:
    path = _record_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=2, sort_keys=True), encoding="utf-8")


def _installed() -> dict[str, metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist)
    return found


def _requires(dist: metadata.Distribution) -> set[str]:
    needed: set[str] = set()
    for line in dist.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            needed.add(canonicalize_name(requirement.name))
    return needed


def _resolve(base: str, name: str, version: str | None, pre: bool) -> str:
    import httpx

    try:
        with httpx.Client(timeout=15.0) as client:
            if version is None:
                response = client.get(f"{base}/v1/skills/{name}/compatible",
                                      params={"sdk": __version__, "pre": pre})
            else:
                response = client.get(f"{base}/v1/skills/{name}/releases/{version}")
    except httpx.HTTPError as exc:
        fail(f"Cannot reach the marketplace at {base}: {exc}.")
    if response.status_code == 404:
        detail = _detail(response)
        fail(f"{detail} (robeing {__version__} is installed here)."
             if "supports SDK" in detail else detail)
    if response.status_code != 200:
        fail(f"The marketplace answered {response.status_code}: {_detail(response)}")
    release: dict[str, Any] = response.json()
    if version is not None:
        from packaging.specifiers import SpecifierSet

        if not SpecifierSet(release["sdk_specifier"]).contains(__version__, prereleases=True):
            fail(f"{name} {version} needs robeing {release['sdk_specifier']}, but robeing "
                 f"{__version__} is installed; installing it would change the host. Ask for "
                 "a compatible version with `robeing install " + name + "`.")
        if release.get("yanked"):
            console.print(f"Warning: {name} {version} is yanked: "
                          f"{release.get('yanked_reason') or 'no reason given'}.", markup=False)
    return str(release["version"])


def _detail(response: Any) -> str:
    try:
        return str(response.json().get("detail") or response.text[:200])
    except ValueError:
        return response.text[:200] or str(response.status_code)


def _pip(args: list[str], label: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", *args]
    with console.status(label):
        return subprocess.run(command, capture_output=True, text=True, check=False)


def install(
    skill: Annotated[str, typer.Argument(help="SKILL or SKILL==VERSION.")],
    url: Url = None,
    pre: Annotated[bool, typer.Option("--pre", help="Allow pre-releases.")] = False,
    extra_index_url: Annotated[list[str] | None, typer.Option(
        "--extra-index-url", help="Also look here for the skill's dependencies "
        "(see the index docs for the dependency-confusion risk).")] = None,
) -> None:
    """Install a skill from the marketplace, never changing the installed robeing."""
    from robeing_sdk.runtime.config import load_config

    try:
        requirement = Requirement(skill)
    except InvalidRequirement as exc:
        fail(f"{skill!r} is not SKILL or SKILL==VERSION: {exc}.")
    pins = [s.version for s in requirement.specifier if s.operator in ("==", "===")]
    if len(requirement.specifier) and (len(pins) != 1 or len(requirement.specifier) != 1):
        fail("Give an exact version (SKILL==VERSION) or none.")
    name = canonicalize_name(requirement.name)
    if name == "robeing":
        fail("robeing itself is not a skill; upgrade it with pip.")
    base = (url or load_config().marketplace_url).rstrip("/")
    version = _resolve(base, name, pins[0] if pins else None, pre)
    before = set(_installed())
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp, "constraints.txt")
        constraints.write_text(f"robeing=={__version__}\n", encoding="utf-8")
        args = ["install", "--index-url", f"{base}/simple/", "-c", str(constraints),
                f"{name}=={version}"]
        for extra in extra_index_url or ():
            args[1:1] = ["--extra-index-url", extra]
        result = _pip(args, f"Installing {name} {version} from {base} …")
    if result.returncode != 0:
        output = result.stdout + result.stderr
        if "robeing" in output and ("conflict" in output.lower() or
                                    "ResolutionImpossible" in output):
            fail(f"{name} {version} needs a different robeing than the installed "
                 f"{__version__}; installing it would change the host, so nothing was "
                 "installed.")
        tail = " ".join(output.strip().splitlines()[-3:])
        fail(f"pip could not install {name} {version}: {tail}")
    added = sorted(set(_installed()) - before)
    records = _load_records()
    records[name] = sorted(set(records.get(name, [])) | set(added) | {name})
    _save_records(records)
    console.print(f"Installed {name} {version}"
                  + (f" (with {', '.join(a for a in added if a != name)})"
                     if len(added) > 1 else "") + ".", markup=False)


def removable(name: str, records: dict[str, list[str]],
              installed: dict[str, metadata.Distribution]) -> list[str]:
    """The skill plus what only it brought in and nothing else installed still needs."""
    candidates = ({name} | set(records.get(name, []))) & set(installed)
    candidates.discard("robeing")
    for other, brought in records.items():  # shared with another recorded skill: keep
        if other != name:
            candidates -= set(brought)
    changed = True
    while changed:
        changed = False
        for dist_name, dist in installed.items():
            if dist_name in candidates:
                continue
            needed = _requires(dist) & candidates
            if needed:
                candidates -= needed
                changed = True
    if name in installed:
        candidates.add(name)
    return sorted(candidates)


def uninstall(
    skill: Annotated[str, typer.Argument(help="The skill's name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = True,
) -> None:
    """Remove a skill and what only it brought in."""
    name = canonicalize_name(skill)
    if name == "robeing":
        fail("robeing itself is not a skill.")
    installed = _installed()
    if name not in installed:
        fail(f"{name} is not installed.")
    records = _load_records()
    targets = removable(name, records, installed)
    result = _pip(["uninstall", "-y", *targets], f"Removing {', '.join(targets)} …")
    if result.returncode != 0:
        fail(f"pip could not uninstall {name}: {result.stderr.strip()[-300:]}")
    records.pop(name, None)
    _save_records(records)
    console.print(f"Removed {', '.join(targets)}.", markup=False)


def register(app: typer.Typer) -> None:
    app.command("install")(install)
    app.command("uninstall")(uninstall)
