"""The demo seed: build the first-party skills in ``plugins/`` and publish them locally.

Idempotent: a project whose version is already published is neither built nor uploaded
again, so running ``robeing marketplace serve --demo`` twice changes nothing the second time.
Wheels are built with ``python -m pip wheel --no-deps`` (the build runs the project's own
build backend, which is first-party code) and go through the same validation and publishing
path as any upload.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from marketplace.accounts import service as accounts
from marketplace.catalog import service as catalog
from marketplace.db import Database
from marketplace.releases import service as releases
from marketplace.settings import Settings
from marketplace.storage import ArtifactStore, store_for
from marketplace.upload import service as upload

DEMO_PARTNER: Final = "robeing"
DEMO_EMAIL: Final = "first-party@robeing.dev"


@dataclass(frozen=True, slots=True)
class SeedResult:
    project: str
    version: str
    status: str  # "published", "already published", or "failed: <reason>"


def _project(path: Path) -> tuple[str, str] | None:
    try:
        data = tomllib.loads((path / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    project = data.get("project", {})
    name, version = project.get("name"), project.get("version")
    return (str(name), str(version)) if name and version else None


def _published(db: Database, name: str, version: str) -> bool:
    with db.read() as session:
        skill = catalog.find_skill(session, name)
        if skill is None:
            return False
        try:
            releases.get_release(session, skill, version)
        except Exception:  # noqa: BLE001 - NotFound or an invalid version: not published
            return False
        return True


def seed(settings: Settings, plugins_dir: Path, *,
         store: ArtifactStore | None = None) -> list[SeedResult]:
    """Build and publish every project under ``plugins_dir`` not yet published."""
    db = Database(settings)
    store = store or store_for(settings)
    results: list[SeedResult] = []
    projects = sorted(p for p in plugins_dir.glob("*") if (p / "pyproject.toml").is_file())
    if not projects:
        return results
    with db.write() as session:
        partner = accounts.ensure_partner(session, DEMO_PARTNER, DEMO_EMAIL)
        principal = accounts.operator_principal(partner)
        session.commit()
    for project in projects:
        meta = _project(project)
        if meta is None:
            continue
        name, version = meta
        if _published(db, name, version):
            results.append(SeedResult(name, version, "already published"))
            continue
        results.append(_build_and_publish(db, store, settings, principal, project, name,
                                          version))
    db.dispose()
    return results


def _build_and_publish(db: Database, store: ArtifactStore, settings: Settings,
                       principal: accounts.Principal, project: Path, name: str,
                       version: str) -> SeedResult:
    from marketplace.errors import MarketplaceError

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "src")  # build a copy: never leave build/ or egg-info in plugins/
        shutil.copytree(project, source, ignore=shutil.ignore_patterns(
            "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))
        out = Path(tmp, "wheels")
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                                "-w", str(out), str(source)], capture_output=True, text=True,
                               check=False)
        wheels = list(out.glob("*.whl"))
        if built.returncode != 0 or len(wheels) != 1:
            reason = (built.stderr.strip().splitlines() or ["no wheel built"])[-1]
            return SeedResult(name, version, f"failed: {reason}")
        wheel = wheels[0]
        try:
            inspected = upload.inspect(wheel, wheel.name, settings, sha256=None, name=None,
                                       version=None)
            outcome = releases.publish(db, store, principal, inspected, wheel)
        except MarketplaceError as exc:
            return SeedResult(name, version, f"failed: {exc.detail}")
    return SeedResult(name, version, "published" if outcome.created else "already published")
