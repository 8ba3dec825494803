"""Who acts on a partner: its admins and members, or marketplace staff.

The program never trusts a role from a request body; the web layer builds an :class:`Actor`
from the authenticated session and hands it to the transition functions, which refuse what
the role may not do.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from partners.program.errors import invalid
from robeing_sdk.errors import N_


class Role(StrEnum):
    """What an actor may do: partner roles act within their own organization only."""

    PARTNER_ADMIN = "partner_admin"
    PARTNER_MEMBER = "partner_member"
    STAFF = "staff"


class Actor(BaseModel):
    """An authenticated person: a partner's admin or member, or marketplace staff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="Account or staff id.")
    role: Role
    partner_id: uuid.UUID | None = Field(
        None, description="The partner organization; required for partner roles, none for staff.")

    @model_validator(mode="after")
    def _organization_matches_role(self) -> Self:
        if self.role is Role.STAFF and self.partner_id is not None:
            raise invalid(N_("staff act for the marketplace, not for a partner organization"))
        if self.role is not Role.STAFF and self.partner_id is None:
            raise invalid(N_("a {role} belongs to a partner organization"),
                          role=self.role.value)
        return self

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    def speaks_for(self, partner_id: uuid.UUID) -> bool:
        """True for the partner's own admins (members see, admins decide)."""
        return self.role is Role.PARTNER_ADMIN and self.partner_id == partner_id


__all__ = ["Actor", "Role"]
