"""Factories for partner-program tests: a program, actors, partner states, evidence."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from partners import (
    Actor,
    Evidence,
    PartnerMetrics,
    PartnerState,
    PartnerType,
    Program,
    Role,
    default_program,
)
from robeing_sdk.models import Money

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
"""A moment after the default schedule took effect (2026-01-01)."""

CERTIFIED_IDS = ("technical-training", "sales-training", "certification-exam")
GOLD_ATTESTED = ("dedicated-team",)
STRATEGIC_IDS = ("global-presence", "enterprise-clients", "co-innovation")

StateFactory = Callable[..., PartnerState]


@pytest.fixture
def program() -> Program:
    return default_program()


@pytest.fixture
def staff() -> Actor:
    return Actor(id="staff-ana", role=Role.STAFF)


@pytest.fixture
def partner_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def admin(partner_id: uuid.UUID) -> Actor:
    return Actor(id="admin-bo", role=Role.PARTNER_ADMIN, partner_id=partner_id)


@pytest.fixture
def member(partner_id: uuid.UUID) -> Actor:
    return Actor(id="member-cy", role=Role.PARTNER_MEMBER, partner_id=partner_id)


def evidence_for(*ids: str, at: datetime = T0 - timedelta(days=1),
                 expires_at: datetime | None = None) -> tuple[Evidence, ...]:
    return tuple(Evidence(requirement_id=i, confirmed_by="staff-ana", confirmed_at=at,
                          note=f"{i} checked", expires_at=expires_at) for i in ids)


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


@pytest.fixture
def make_state(partner_id: uuid.UUID) -> StateFactory:
    """A partner with the given evidence ids and figures, no history."""

    def make(*attested: str, revenue: Money | None = None, deployments: int | None = None,
             expires_at: datetime | None = None) -> PartnerState:
        metrics = None
        if revenue is not None or deployments is not None:
            metrics = PartnerMetrics(measured_at=T0 - timedelta(hours=1),
                                     annual_revenue=revenue, active_deployments=deployments)
        return PartnerState(partner_id=partner_id, partner_type=PartnerType.INTEGRATION,
                            joined_at=T0 - timedelta(days=90),
                            evidence=evidence_for(*attested, expires_at=expires_at),
                            metrics=metrics)

    return make
