"""What the robeing can do: the installed, enabled skills, read from their manifests only."""

from __future__ import annotations

from dataclasses import dataclass

from robeing_sdk import RobeingError, __version__
from robeing_sdk.runtime.config import RuntimeConfig, load_config
from robeing_sdk.runtime.discovery import SkillStatus, discover_skills


@dataclass(frozen=True, slots=True)
class SkillSummary:
    name: str
    display_name: str
    description: str


def installed_skills(locale_chain: tuple[str, ...],
                     only: frozenset[str] | None = None) -> list[SkillSummary]:
    """Usable skills (never the fallback), with texts in the first language of the chain.

    ``only``: when the robeing's profile lists its skills, just those. Reading manifests
    imports no skill code.
    """
    try:
        config = load_config()
    except RobeingError:
        config = RuntimeConfig()
    summaries = []
    for record in discover_skills(config, __version__):
        manifest = record.manifest
        if record.status is not SkillStatus.OK or manifest is None or manifest.fallback:
            continue
        if only is not None and record.name not in only:
            continue
        summaries.append(SkillSummary(record.name,
                                      manifest.localized("display_name", locale_chain),
                                      manifest.localized("description", locale_chain)))
    return summaries
