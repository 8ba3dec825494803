"""What a tier asks of a partner, as data.

A requirement is either **attested** (marketplace staff confirm it with evidence: trainings,
the certification exam, a dedicated team, ...) or a **metric** (a figure the marketplace
computes from its own data, such as annual revenue or active deployments, and passes in;
this module never fetches anything). Tiers are cumulative: gold also needs everything
certified needs. The requirements themselves live in ``data/program.toml``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from partners.program.errors import invalid
from partners.program.tiers import Tier
from robeing_sdk.errors import N_
from robeing_sdk.models import Money

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
"""A stable id such as ``certification-exam``: lower-case letters, digits and hyphens."""


class RequirementKind(StrEnum):
    ATTESTED = "attested"
    """Confirmed by marketplace staff with evidence (a note or a document reference)."""
    METRIC = "metric"
    """Computed from the marketplace's data and compared with a minimum."""


class Metric(StrEnum):
    """The figures a metric requirement can ask for."""

    ANNUAL_REVENUE = "annual_revenue"
    """Gross sales over the last 365 days, as Money in the requirement's currency."""
    ACTIVE_DEPLOYMENTS = "active_deployments"
    """Installations of the partner's skills that are active today, as a count."""


class Requirement(BaseModel):
    """One requirement of one tier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    tier: Tier
    kind: RequirementKind
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    metric: Metric | None = None
    minimum: Money | int | None = Field(
        None, description="Money for annual_revenue, a count for active_deployments.")

    @model_validator(mode="after")
    def _kind_matches_fields(self) -> Self:
        if self.tier is Tier.REGISTERED:
            raise invalid(N_("the registered tier has no requirements; it is where everyone "
                             "starts"))
        if self.kind is RequirementKind.ATTESTED:
            if self.metric is not None or self.minimum is not None:
                raise invalid(N_("attested requirement {id} takes no metric or minimum"),
                              id=repr(self.id))
            return self
        if self.metric is None or self.minimum is None:
            raise invalid(N_("metric requirement {id} needs both a metric and a minimum"),
                          id=repr(self.id))
        if self.metric is Metric.ANNUAL_REVENUE:
            if not isinstance(self.minimum, Money) or self.minimum.amount <= 0:
                raise invalid(N_("metric requirement {id} needs a positive Money minimum "
                                 "(amount in minor units and currency)"), id=repr(self.id))
        elif isinstance(self.minimum, Money) or self.minimum < 1:
            raise invalid(N_("metric requirement {id} needs a whole-number minimum of 1 or more"),
                          id=repr(self.id))
        return self


__all__ = ["Metric", "Requirement", "RequirementKind", "Slug"]
