"""What stands behind a requirement: staff-confirmed evidence and computed figures.

:class:`Evidence` records that marketplace staff confirmed an attested requirement (who,
when, a note or a document reference, optionally until when). :class:`PartnerMetrics` carries
the figures the marketplace computed from its own data (sales, active installs) at one moment;
the program compares them with the requirements and never fetches them itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from partners.program.errors import invalid, require_aware
from partners.program.requirements import Metric, Slug
from robeing_sdk.errors import N_
from robeing_sdk.models import Money


class Evidence(BaseModel):
    """Staff confirmed one attested requirement for one partner."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    requirement_id: Slug
    confirmed_by: str = Field(min_length=1, max_length=200, description="Staff account id.")
    confirmed_at: AwareDatetime
    note: str = Field("", max_length=2000)
    document_ref: str | None = Field(
        None, min_length=1, max_length=500,
        description="Where the proof is kept: an artifact key, a certificate number, a URL.")
    expires_at: AwareDatetime | None = Field(
        None, description="When the proof stops counting (a certificate's expiry), if ever.")

    @model_validator(mode="after")
    def _has_substance(self) -> Self:
        if not self.note.strip() and self.document_ref is None:
            raise invalid(N_("evidence needs a note or a document reference"))
        if self.expires_at is not None and self.expires_at <= self.confirmed_at:
            raise invalid(N_("evidence cannot expire before it was confirmed"))
        return self

    def valid_at(self, at: datetime) -> bool:
        """Confirmed by ``at`` and not yet expired at ``at``."""
        require_aware(at, "at")
        return self.confirmed_at <= at and (self.expires_at is None or at < self.expires_at)


class PartnerMetrics(BaseModel):
    """Figures the marketplace computed for one partner at ``measured_at``.

    ``None`` means "not computed"; a metric requirement with no figure is simply not met.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    measured_at: AwareDatetime
    annual_revenue: Money | None = None
    active_deployments: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _revenue_not_negative(self) -> Self:
        if self.annual_revenue is not None and self.annual_revenue.amount < 0:
            raise invalid(N_("annual revenue cannot be negative"))
        return self

    def value(self, metric: Metric) -> Money | int | None:
        """The figure for ``metric``, or ``None`` when it was not computed."""
        if metric is Metric.ANNUAL_REVENUE:
            return self.annual_revenue
        return self.active_deployments


__all__ = ["Evidence", "PartnerMetrics"]
