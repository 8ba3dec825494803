"""Plain functions behind the pytest fixtures, usable without pytest too."""

from __future__ import annotations

from pathlib import Path

from robeing_sdk.llm.base import LLMProvider
from robeing_sdk.manifest import MANIFEST_FILENAME, parse_manifest
from robeing_sdk.runtime.config import RuntimeConfig
from robeing_sdk.runtime.runtime import Runtime

_SKIP = {".venv", "venv", ".git", "build", "dist", "node_modules", ".tox"}


def find_skill_name(root: Path) -> str | None:
    """The name in the skill manifest of the project at ``root`` (two levels deep at most)."""
    for pattern in (f"*/{MANIFEST_FILENAME}", f"*/*/{MANIFEST_FILENAME}"):
        for path in sorted(root.glob(pattern)):
            if not _SKIP.intersection(path.relative_to(root).parts):
                return parse_manifest(path.read_bytes(), source=str(path)).name
    return None


def runtime_with(*skills: str, llm: LLMProvider | None = None,
                 config: RuntimeConfig | None = None) -> Runtime:
    """A runtime that sees only the named installed skills (and nothing else)."""
    base = config or RuntimeConfig()
    return Runtime.from_environment(base.model_copy(update={"only": frozenset(skills)}), llm=llm)
