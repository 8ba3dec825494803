"""Metrics fixtures: commerce's certified seller with a paid skill, and staff."""

from __future__ import annotations

from tests.marketplace.commerce.conftest import certified, seller  # noqa: F401
from tests.marketplace.partners.conftest import make_staff, staff  # noqa: F401
