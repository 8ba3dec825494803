"""The processing fee schedule of the offline test-mode provider.

Stripe takes a processing fee from every charge (the ``fee`` of its balance transaction);
the offline provider does the same, by a schedule of its own, so the ledger, statements and
reconciliation show fees on a fresh machine too. It is an illustration modelled on card
pricing, not anyone's real price list::

    fee = round_half_up(amount × percent_bps / 10 000) + fixed[currency]   (at most amount)

- Everything is integer minor units of the charge's currency, so the arithmetic is exact
  for every currency: KRW and JPY (no minor unit) get whole won and yen, BHD thousandths.
- The percentage is rounded half up to one minor unit (5,000 / 10,000 rounds up), then the
  fixed part of the currency is added (0 for a currency not listed); a fee never exceeds
  the charge.
- Configured with ``ROBEING_OFFLINE_FEE_PERCENT_BPS`` (default 290, i.e. 2.9 %) and
  ``ROBEING_OFFLINE_FEE_FIXED`` (JSON, minor units per currency; default
  :data:`DEFAULT_FIXED`). ``ROBEING_OFFLINE_FEE_PERCENT_BPS=0`` with
  ``ROBEING_OFFLINE_FEE_FIXED={}`` charges nothing.
- Like Stripe's, the fee is the platform's cost, taken from the platform's balance with the
  charge and never returned on a refund; the partner's share does not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from marketplace.billing.money import MAX_AMOUNT, normalize_currency

DEFAULT_PERCENT_BPS: Final = 290
DEFAULT_FIXED: Final[Mapping[str, int]] = MappingProxyType({
    "USD": 30, "EUR": 25, "GBP": 20, "CAD": 30, "AUD": 30, "KRW": 400, "JPY": 40})
"""Fixed part per charge, in each currency's minor unit (30 cents, 400 won, 40 yen)."""


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """``percent_bps`` of the amount (half up) plus ``fixed[currency]``, at most the amount.

    Callable as the simulator's ``ProcessingFee`` (``amount, currency`` in either case).
    """

    percent_bps: int = DEFAULT_PERCENT_BPS
    fixed: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_FIXED))

    def __post_init__(self) -> None:
        if isinstance(self.percent_bps, bool) or not isinstance(self.percent_bps, int) \
                or not 0 <= self.percent_bps <= 10_000:
            raise ValueError("percent_bps must be an integer from 0 to 10000 (100 %)")
        fixed: dict[str, int] = {}
        for currency, amount in self.fixed.items():
            if isinstance(amount, bool) or not isinstance(amount, int) \
                    or not 0 <= amount <= MAX_AMOUNT:
                raise ValueError(f"the fixed fee for {currency} must be 0 to {MAX_AMOUNT} "
                                 "minor units")
            fixed[normalize_currency(currency)] = amount
        object.__setattr__(self, "fixed", MappingProxyType(fixed))

    def __call__(self, amount: int, currency: str) -> int:
        percent = (amount * self.percent_bps + 5_000) // 10_000
        return min(percent + self.fixed.get(currency.upper(), 0), amount)


NO_FEES: Final = FeeSchedule(0, {})

__all__ = ["DEFAULT_FIXED", "DEFAULT_PERCENT_BPS", "NO_FEES", "FeeSchedule"]
