"""Language-specific prompt templates.

A skill ships ``prompts/<lang>/<name>.j2``. A template is complete in one locale or falls
back *whole* to the next locale in the chain (never message by message, which would mix
languages in one prompt); the rendered prompt records which locale and version were used.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    text: str
    template: str
    locale: str
    version: str


@dataclass(frozen=True, slots=True)
class _Compiled:
    template: jinja2.Template
    version: str


class PromptTemplates:
    """The templates in one folder, compiled once and cached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined,
                                       keep_trailing_newline=False)

    @lru_cache(maxsize=128)  # noqa: B019 - one instance per skill, lives as long as it
    def _compiled(self, locale: str, name: str) -> _Compiled | None:
        path = self.folder / locale / f"{name}.j2"
        if not path.is_file():
            return None
        source = path.read_text(encoding="utf-8")
        return _Compiled(self._env.from_string(source),
                         hashlib.sha256(source.encode()).hexdigest()[:12])

    @lru_cache(maxsize=256)  # noqa: B019 - resolved once per name and chain
    def _resolve(self, name: str, chain: tuple[str, ...]) -> tuple[_Compiled, str] | None:
        for locale in chain:
            compiled = self._compiled(locale, name)
            if compiled is None:
                continue
            if locale.split("_")[0] != chain[0].split("_")[0]:
                log.warning("Prompt %r has no %s version; using %s.", name, chain[0], locale)
            return compiled, locale
        return None

    def render(self, name: str, chain: tuple[str, ...], /, **values: Any) -> RenderedPrompt:
        """Render the first locale in ``chain`` that has the whole template."""
        found = self._resolve(name, chain)
        if found is None:
            raise LookupError(f"Prompt template {name!r} exists in none of {', '.join(chain)}.")
        compiled, locale = found
        return RenderedPrompt(compiled.template.render(**values), name, locale, compiled.version)
