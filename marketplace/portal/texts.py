"""Names the partner program keeps as data (tiers, requirements, benefits, history kinds),
as gettext source texts keyed by their stable ids.

The program's own English titles stay the fallback: an id added to ``program.toml`` later
shows its English title until this table and the catalogs learn it.
"""

from __future__ import annotations

from typing import Final

from marketplace.portal.i18n import N_, Texts

TIERS: Final = {"registered": N_("Registered"), "certified": N_("Certified"),
                "gold": N_("Gold"), "strategic": N_("Strategic")}

PARTNER_TYPES: Final = {"technology": N_("Technology"), "integration": N_("Integration"),
                        "channel": N_("Channel")}

REQUIREMENTS: Final = {
    "technical-training": N_("Technical training"),
    "sales-training": N_("Sales training"),
    "certification-exam": N_("Certification exam"),
    "annual-revenue": N_("USD 1M annual revenue"),
    "deployments": N_("10+ deployments"),
    "dedicated-team": N_("Dedicated team"),
    "global-presence": N_("Global presence"),
    "enterprise-clients": N_("Enterprise clients"),
    "co-innovation": N_("Co-innovation"),
}

BENEFITS: Final = {
    "free-skills": N_("Publish free skills"),
    "paid-skills": N_("Publish paid skills"),
    "lead-sharing": N_("Lead sharing"),
    "co-marketing": N_("Co-marketing"),
    "technical-support": N_("Technical support"),
    "priority-support": N_("Priority support"),
    "roadmap-input": N_("Roadmap input"),
    "exclusive-features": N_("Exclusive features"),
    "joint-development": N_("Joint development"),
    "white-label": N_("White-label options"),
    "board-seat": N_("Board seat"),
}

CHANGES: Final = {
    "promotion_requested": N_("Promotion requested"),
    "promotion_approved": N_("Promotion approved"),
    "promotion_rejected": N_("Promotion rejected"),
    "demotion_noticed": N_("Demotion notice"),
    "demotion_withdrawn": N_("Demotion notice withdrawn"),
}


def named(texts: Texts, table: dict[str, str], key: str, fallback: str = "") -> str:
    """The localized name for ``key``, or ``fallback`` (the program's English) if unknown."""
    source = table.get(str(key))
    return texts.gettext(source) if source else (fallback or str(key))
