"""What the robeing can do: its usable skills, as the runtime sees them (``context.skills``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from robeing_sdk import SkillManifest


@dataclass(frozen=True, slots=True)
class SkillSummary:
    name: str
    display_name: str
    description: str


def installed_skills(skills: Mapping[str, SkillManifest], locale_chain: tuple[str, ...],
                     only: frozenset[str] | None = None) -> list[SkillSummary]:
    """The skills (never the fallback), with texts in the first language of the chain.

    ``skills``: the runtime's usable skills by name, ``context.skills``. ``only``: when the
    robeing's profile lists its skills, just those.
    """
    return [SkillSummary(name, manifest.localized("display_name", locale_chain),
                         manifest.localized("description", locale_chain))
            for name, manifest in skills.items()
            if not manifest.fallback and (only is None or name in only)]
