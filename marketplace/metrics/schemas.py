"""The metrics report's shape: every figure carries its source, or null and the reason."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from robeing_sdk.models import Money


class Amount(BaseModel):
    amount: int = Field(description="Integer minor units (won for KRW).")
    currency: str = Field(description="ISO 4217.")
    display: str = Field(description="Formatted by Babel in the request's locale.")

    @classmethod
    def of(cls, amount: int, currency: str, locale: str) -> Amount:
        return cls(amount=amount, currency=currency,
                   display=Money(amount=amount, currency=currency).format(locale))


class Figure(BaseModel):
    source: str = Field(description="Where the number comes from (table, setting or rule).")
    reason: str | None = Field(None, description="Why the value is null; null when it is set.")


class CountFigure(Figure):
    value: int | None


class MoneyFigure(Figure):
    value: Amount | None


class RateFigure(Figure):
    value: Decimal | None = Field(description="A fraction (0.02 is 2 %), six places.")


class CostItem(BaseModel):
    name: str
    cost: Amount


class CostCategory(BaseModel):
    name: str
    items: list[CostItem]
    total: Amount


class Costs(BaseModel):
    source: str
    categories: list[CostCategory]
    total: Amount


class UnitEconomics(BaseModel):
    active_robeings: CountFigure
    cost_per_robeing: MoneyFigure
    break_even_price: MoneyFigure
    target_price: MoneyFigure
    margin_per_robeing: MoneyFigure
    robeings_needed_for_profit: CountFigure


class CurrencyMetrics(BaseModel):
    """Revenue figures in one currency (currencies are never converted)."""

    currency: str
    mrr: MoneyFigure
    mrr_previous: MoneyFigure
    growth: RateFigure
    net_sales: MoneyFigure
    platform_revenue: MoneyFigure
    arpu: MoneyFigure
    ltv: MoneyFigure


class MetricsReport(BaseModel):
    month: str = Field(description="YYYY-MM (UTC).")
    as_of: datetime = Field(description="The month's end, or now while it runs.")
    complete: bool
    rounding: str
    costs: Costs
    unit_economics: UnitEconomics
    deployments: CountFigure
    new_paying_buyers: CountFigure
    churn: RateFigure
    revenue: list[CurrencyMetrics]
    cac: MoneyFigure


__all__ = ["Amount", "CostCategory", "CostItem", "Costs", "CountFigure", "CurrencyMetrics",
           "Figure", "MetricsReport", "MoneyFigure", "RateFigure", "UnitEconomics"]
