"""Plain functions behind the pytest fixtures, usable without pytest too."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from robeing_sdk.llm.base import LLMProvider
from robeing_sdk.manifest import MANIFEST_FILENAME, parse_manifest
from robeing_sdk.models import RobeingProfile
from robeing_sdk.runtime.config import RuntimeConfig
from robeing_sdk.runtime.runtime import Runtime

_SKIP = {".venv", "venv", ".git", "build", "dist", "node_modules", ".tox"}


def find_skill_name(start: Path, stop: Path | None = None) -> str | None:
    """The skill whose project holds ``start`` (a test file or folder).

    Looks in ``start`` and then each parent (up to ``stop``) for a manifest one or two
    folders down, so tests find their own skill from any rootdir, even in a repository
    with many skills.
    """
    folder = start if start.is_dir() else start.parent
    for current in (folder, *folder.parents):
        for pattern in (f"*/{MANIFEST_FILENAME}", f"*/*/{MANIFEST_FILENAME}"):
            for path in sorted(current.glob(pattern)):
                if not _SKIP.intersection(path.relative_to(current).parts):
                    return parse_manifest(path.read_bytes(), source=str(path)).name
        if stop is not None and current == stop:
            break
    return None


def runtime_with(*skills: str, llm: LLMProvider | None = None,
                 config: RuntimeConfig | None = None, profile: RobeingProfile | None = None,
                 clock: Callable[[], float] = time.monotonic) -> Runtime:
    """A runtime that sees only the named installed skills (and nothing else)."""
    base = config or RuntimeConfig()
    return Runtime.from_environment(base.model_copy(update={"only": frozenset(skills)}),
                                    llm=llm, profile=profile, clock=clock)


def translation_problems(package: ModuleType | Path) -> list[str]:
    """Everything ``robeing i18n check`` would refuse in a skill package, as sentences.

    ``assert translation_problems(my_skill) == []`` in a test keeps catalogs complete,
    consistent with the code, and prompt templates present in every locale.
    """
    from robeing_sdk.i18n.checks import check_skill_folder

    folder = package if isinstance(package, Path) else Path(str(package.__file__)).parent
    return [str(problem) for problem in check_skill_folder(folder)]
