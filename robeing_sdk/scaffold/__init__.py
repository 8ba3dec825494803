"""Create a new skill project from the template beside this module.

Files ending in ``.tmpl`` are rendered with ``<< ... >>`` placeholders (so the template's
own Jinja prompts and Python format strings pass through untouched); others are copied.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Final

import jinja2
from packaging.version import Version

from robeing_sdk._version import __version__
from robeing_sdk.errors import N_, RobeingError
from robeing_sdk.manifest import _normalize_name

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"


def package_name(skill_name: str) -> str:
    package = skill_name.replace("-", "_")
    return package if re.match(r"^[a-z_]", package) else f"skill_{package}"


def create_skill(name: str, destination: Path) -> Path:
    """Write a ready-to-install skill project into ``destination/<name>``; returns it."""
    try:
        normalized = _normalize_name(name)
    except ValueError as exc:
        raise RobeingError(f"{exc}.") from None
    target = destination / normalized
    if target.exists():
        raise RobeingError.localizable(
            N_("{path} already exists; choose another name or folder."), path=target)
    sdk = Version(__version__)
    values = {
        "name": normalized,
        "package": package_name(normalized),
        "display_name": normalized.replace("-", " ").title(),
        "sdk_floor": f"{sdk.major}.{sdk.minor}",
        "sdk_range": f">={sdk.major}.{sdk.minor},<{sdk.major + 1}",
    }
    env = jinja2.Environment(variable_start_string="<<", variable_end_string=">>",
                             block_start_string="<%", block_end_string="%>",
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    source = TEMPLATES / "skill"
    staging = destination / f".{normalized}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = Path(str(path.relative_to(source)).replace("__pkg__", values["package"]))
        out = staging / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".tmpl":
            rendered = env.from_string(path.read_text(encoding="utf-8")).render(**values)
            out.with_suffix("").write_text(rendered, encoding="utf-8")
        else:
            shutil.copyfile(path, out)
    staging.rename(target)  # all or nothing: no half-written project on failure
    return target
