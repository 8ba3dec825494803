"""Splitting a sale between partner and platform, and reversing it on refunds, exactly.

The rounding rule (:attr:`RoundingRule.PARTNER_FLOOR`), in the currency's minor units:

* **sale** — ``partner = floor(gross × partner_share_bps / 10,000)`` and
  ``platform = gross − partner``. The platform takes the remainder (less than one minor unit
  of the partner's side), so ``partner + platform == gross`` in every currency: cents for USD
  and EUR, won and yen for KRW and JPY (no minor unit), fils for BHD (three decimals).
* **refund** — after refunds totalling ``R`` of a gross ``G``, the sale stands exactly as a
  sale of ``G − R`` at the same rate would: the partner keeps
  ``floor((G − R) × partner_share_bps / 10,000)`` and the platform the rest. Each refund
  takes back the difference from before to after it. So every refund's two parts add up to
  the refund, neither part is ever negative, neither side ever returns more than it got, the
  order and sizes of partial refunds do not matter, and a full refund (in one go or after any
  partials) returns exactly the original partner and platform amounts.

Every :class:`Split` carries the :class:`~partners.program.revenue_share.AppliedRate` and the
rounding rule that produced it; a split that does not follow its rule cannot be built.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from partners.program.errors import (
    CurrencyMismatchError,
    InvalidAmountError,
    RefundExceedsPaymentError,
    invalid,
)
from partners.program.revenue_share import WHOLE, AppliedRate
from robeing_sdk.errors import N_
from robeing_sdk.models import Money


class RoundingRule(StrEnum):
    PARTNER_FLOOR = "partner-floor"
    """Partner share rounded down to a whole minor unit; the remainder goes to the platform."""


def _partner_part(amount: int, partner_share_bps: int, rule: RoundingRule) -> int:
    """The partner's minor units of a sale of ``amount`` under ``rule``."""
    if rule is RoundingRule.PARTNER_FLOOR:
        return amount * partner_share_bps // WHOLE
    raise AssertionError(f"unhandled rounding rule {rule}")  # pragma: no cover


class Split(BaseModel):
    """A sale's gross divided between partner and platform; the two always sum to the gross."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner: Money
    platform: Money
    rate: AppliedRate
    rounding: RoundingRule = RoundingRule.PARTNER_FLOOR

    @model_validator(mode="after")
    def _follows_its_rule(self) -> Self:
        if self.partner.currency != self.platform.currency:
            raise invalid(N_("partner and platform amounts must share a currency"))
        gross = self.partner.amount + self.platform.amount
        if gross <= 0 or self.partner.amount < 0 or self.platform.amount < 0:
            raise invalid(N_("a split divides a positive gross into two non-negative parts"))
        if self.partner.amount != _partner_part(gross, self.rate.partner_share_bps, self.rounding):
            raise invalid(N_("the partner amount does not follow the {rule} rule"),
                          rule=str(self.rounding))
        return self

    @property
    def gross(self) -> Money:
        return Money(amount=self.partner.amount + self.platform.amount,
                     currency=self.partner.currency)


class RefundSplit(BaseModel):
    """What one refund takes back from each side (both amounts are positive or zero)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner: Money
    platform: Money
    refunded_total: Money
    """All refunds of the sale including this one."""
    rounding: RoundingRule

    @property
    def refund(self) -> Money:
        return Money(amount=self.partner.amount + self.platform.amount,
                     currency=self.partner.currency)


def split_sale(gross: Money, rate: AppliedRate,
               rounding: RoundingRule = RoundingRule.PARTNER_FLOOR) -> Split:
    """Divide ``gross`` by ``rate``; raises :class:`InvalidAmountError` unless it is positive."""
    if gross.amount <= 0:
        raise InvalidAmountError.localizable(
            N_("A sale needs a positive gross amount; got {amount} {currency}."),
            context={"amount": gross}, amount=gross.amount, currency=gross.currency)
    partner = _partner_part(gross.amount, rate.partner_share_bps, rounding)
    return Split(partner=Money(amount=partner, currency=gross.currency),
                 platform=Money(amount=gross.amount - partner, currency=gross.currency),
                 rate=rate, rounding=rounding)


def refund_split(original: Split, refund: Money, already_refunded: Money) -> RefundSplit:
    """Reverse ``refund`` of ``original`` proportionally, given what was refunded before.

    Raises :class:`CurrencyMismatchError` for another currency, :class:`InvalidAmountError`
    for a refund that is not positive (or a negative ``already_refunded``) and
    :class:`RefundExceedsPaymentError` when the refunds would exceed the gross.
    """
    gross = original.gross
    currencies = {gross.currency, refund.currency, already_refunded.currency}
    if len(currencies) > 1:
        raise CurrencyMismatchError.localizable(
            N_("A refund must be in the sale's currency {currency}; got {refund} (already "
               "refunded in {refunded})."), context={"currencies": sorted(currencies)},
            currency=gross.currency, refund=refund.currency, refunded=already_refunded.currency)
    if refund.amount <= 0:
        raise InvalidAmountError.localizable(
            N_("A refund needs a positive amount; got {amount} {currency}."),
            context={"amount": refund}, amount=refund.amount, currency=refund.currency)
    if already_refunded.amount < 0:
        raise InvalidAmountError.localizable(
            N_("Refunds so far cannot be negative; got {amount}."),
            context={"amount": already_refunded}, amount=already_refunded.amount)
    refundable = gross.amount - already_refunded.amount
    if refund.amount > refundable:
        raise RefundExceedsPaymentError.localizable(
            N_("Only {refundable} {currency} of this sale can still be refunded; {asked} was "
               "asked."),
            context={"refundable": Money(amount=max(refundable, 0), currency=gross.currency)},
            refundable=max(refundable, 0), currency=gross.currency, asked=refund.amount)
    bps = original.rate.partner_share_bps
    kept_before = _partner_part(refundable, bps, original.rounding)
    kept_after = _partner_part(refundable - refund.amount, bps, original.rounding)
    partner = kept_before - kept_after
    return RefundSplit(
        partner=Money(amount=partner, currency=gross.currency),
        platform=Money(amount=refund.amount - partner, currency=gross.currency),
        refunded_total=Money(amount=already_refunded.amount + refund.amount,
                             currency=gross.currency),
        rounding=original.rounding)


__all__ = ["RefundSplit", "RoundingRule", "Split", "refund_split", "split_sale"]
