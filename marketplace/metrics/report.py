"""The monthly business report: configured costs + the month's real data -> figures.

Nothing is invented: a figure the data cannot give is null with the reason. The API and the
CLI both call :func:`build_report`. The ``source``, ``reason`` and ``rounding`` texts are in
the request's language (the ``marketplace`` catalogs); table and setting names inside them
(``download_day``, ``unit_economics.target_price``) stay as they are, being names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlmodel import Session

from marketplace.i18n import translations
from marketplace.messages import N_
from marketplace.metrics import economics, queries
from marketplace.metrics.costs import SHIPPED_PATH, SHIPPED_SOURCE, CostConfig
from marketplace.metrics.schemas import (
    Amount,
    CostCategory,
    CostItem,
    Costs,
    CountFigure,
    CurrencyMetrics,
    MetricsReport,
    MoneyFigure,
    RateFigure,
    UnitEconomics,
)

ROUNDING: Final = N_("Exact integer arithmetic, rounded once: costs, break-even price and "
                      "CAC up to the minor unit; ARPU and LTV down; robeings needed up; rates "
                      "half-even to six places.")
N_SOURCE: Final = N_("distinct buyer e-mails with a licence active at some moment of the "
                     "month (commerce licence table)")
NO_ROBEINGS: Final = N_("no active robeings: no licence was active this month")


def _say(locale: str, text: str, **values: object) -> str:
    """``text`` (an ``N_`` template) in ``locale``, English where the catalog lacks it."""
    said = translations(locale).gettext(text)
    return said.format(**values) if values else said


def build_report(session: Session, window: queries.Window, costs: CostConfig,
                 costs_source: str, locale: str, robeings: int | None = None) -> MetricsReport:
    """The report for ``window``; ``robeings`` replaces the measured N (a what-if)."""
    spans = queries.spans(session, window.as_of)
    previous = window.previous()
    active = queries.active_buyers(spans, window.start, window.as_of)
    measured = robeings is None
    n = len(active) if robeings is None else robeings
    n_source = _say(locale, N_SOURCE if measured
                    else N_("given by the caller (what-if), not measured"))
    at_start = queries.buyers_active_at(spans, window.start)
    still = queries.buyers_active_at(spans, window.as_of)
    churned = at_start - still
    new = queries.new_buyers(spans, window.start, window.as_of)
    first = queries.first_activation(spans)
    history_months = _months_between(first, window.start) + 1 if first else 0
    report_costs = _costs(costs, costs_source, locale)
    churn = _churn(len(churned), len(at_start), locale)
    return MetricsReport(
        month=window.month, as_of=window.as_of, complete=window.complete,
        rounding=_say(locale, ROUNDING),
        costs=report_costs,
        unit_economics=_unit_economics(costs, n, n_source, locale),
        deployments=CountFigure(value=queries.downloads(session, window.start, window.end),
                                source=_say(locale, N_(
                                    "downloads of all skills in the month (download_day); "
                                    "every download counts as a deployment"))),
        new_paying_buyers=CountFigure(value=len(new), source=_say(locale, N_(
            "buyers whose first licence became active in the month (commerce licence "
            "table)"))),
        churn=churn,
        revenue=_revenue(session, window, previous, spans, len(active), len(churned),
                         len(at_start), history_months, churn, locale),
        cac=_cac(costs, window.month, len(new), locale))


def _months_between(earlier: datetime, later: datetime) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _costs(costs: CostConfig, source: str, locale: str) -> Costs:
    if source == SHIPPED_SOURCE.format(path=SHIPPED_PATH):  # the one source with words
        source = _say(locale, SHIPPED_SOURCE, path=SHIPPED_PATH)
    currency = costs.currency
    categories = [CostCategory(
        name=name, items=[CostItem(name=item, cost=Amount.of(amount, currency, locale))
                          for item, amount in items.items()],
        total=Amount.of(sum(items.values()), currency, locale))
        for name, items in costs.categories.items()]
    return Costs(source=source, categories=categories,
                 total=Amount.of(costs.total, currency, locale))


def _unit_economics(costs: CostConfig, n: int, n_source: str, locale: str) -> UnitEconomics:
    currency, total, config = costs.currency, costs.total, costs.unit_economics
    per = _say(locale, N_("total monthly cost (cost data) / active robeings, rounded up"))
    markup = config.break_even_markup_percent
    no_robeings = _say(locale, NO_ROBEINGS)
    if n > 0:
        cost = MoneyFigure(value=Amount.of(economics.cost_per_robeing(total, n), currency,
                                           locale), source=per)
        even = MoneyFigure(value=Amount.of(economics.break_even_price(total, n, markup),
                                           currency, locale),
                           source=_say(locale, N_("cost per robeing x {factor}/100, rounded "
                                                  "up once"), factor=100 + markup))
    else:
        cost = MoneyFigure(value=None, source=per, reason=no_robeings)
        even = MoneyFigure(value=None, source=_say(locale, N_(
            "cost per robeing x {factor}/100"), factor=100 + markup), reason=no_robeings)
    return UnitEconomics(
        active_robeings=CountFigure(value=n, source=n_source),
        cost_per_robeing=cost, break_even_price=even,
        target_price=MoneyFigure(value=Amount.of(config.target_price, currency, locale),
                                 source=_say(locale, N_(
                                     "unit_economics.target_price (cost data)"))),
        margin_per_robeing=MoneyFigure(
            value=Amount.of(config.margin_per_robeing, currency, locale),
            source=_say(locale, N_("unit_economics.margin_per_robeing (cost data)"))),
        robeings_needed_for_profit=CountFigure(
            value=economics.robeings_needed(total, config.margin_per_robeing),
            source=_say(locale, N_("total monthly cost / margin per robeing, rounded up"))))


def _churn(churned: int, at_start: int, locale: str) -> RateFigure:
    source = _say(locale, N_("buyers active at the month's start with no active licence at "
                             "its end (lapsed, cancelled, expired or revoked) / buyers active "
                             "at its start"))
    if at_start == 0:
        return RateFigure(value=None, source=source, reason=_say(locale, N_(
            "no buyer held an active licence at the month's start")))
    return RateFigure(value=economics.rate(churned, at_start), source=source)


def _revenue(session: Session, window: queries.Window, previous: queries.Window,
             spans: list[queries.Span], n: int, churned: int, at_start: int,
             history_months: int, churn: RateFigure, locale: str) -> list[CurrencyMetrics]:
    usage_now = queries.usage_charged(session, previous.month)
    usage_before = queries.usage_charged(session, previous.previous().month)
    subs_now = queries.subscription_prices(spans, window.as_of)
    subs_before = queries.subscription_prices(spans, previous.end)
    ledger = queries.ledger_month(session, window.start, window.end)
    currencies = sorted(set(usage_now) | set(usage_before) | set(subs_now) | set(subs_before)
                        | set(ledger.gross) | set(ledger.refunded))
    mrr_source = N_("monthly prices of the subscriptions active at {at} (licence table) + "
                    "paid usage charges of {period} (usage_charge)")
    rows = []
    for currency in currencies:
        mrr = subs_now.get(currency, 0) + usage_now.get(currency, 0)
        before = subs_before.get(currency, 0) + usage_before.get(currency, 0)
        growth_source = _say(locale, N_("(MRR - previous MRR) / previous MRR"))
        growth = RateFigure(value=economics.growth(mrr, before), source=growth_source) \
            if before > 0 else RateFigure(value=None, source=growth_source, reason=_say(
                locale, N_("no MRR in the previous month")))
        arpu_source = _say(locale, N_("MRR / active robeings, rounded down"))
        arpu = MoneyFigure(value=Amount.of(economics.arpu(mrr, n), currency, locale),
                           source=arpu_source) if n > 0 else \
            MoneyFigure(value=None, source=arpu_source, reason=_say(locale, NO_ROBEINGS))
        rows.append(CurrencyMetrics(
            currency=currency,
            mrr=MoneyFigure(value=Amount.of(mrr, currency, locale), source=_say(
                locale, mrr_source, at=window.as_of.isoformat(), period=previous.month)),
            mrr_previous=MoneyFigure(value=Amount.of(before, currency, locale),
                                     source=_say(locale, mrr_source,
                                                 at=previous.end.isoformat(),
                                                 period=previous.previous().month)),
            growth=growth,
            net_sales=MoneyFigure(value=Amount.of(ledger.gross.get(currency, 0)
                                                  - ledger.refunded.get(currency, 0),
                                                  currency, locale),
                                  source=_say(locale, N_(
                                      "ledger sales (gross) less refunds in the month "
                                      "(ledger_sale, ledger_refund)"))),
            platform_revenue=MoneyFigure(value=Amount.of(ledger.platform.get(currency, 0),
                                                         currency, locale),
                                         source=_say(locale, N_(
                                             "platform share of the month's sales less its "
                                             "part of the month's refunds (ledger)"))),
            arpu=arpu,
            ltv=_ltv(mrr, n, churned, at_start, history_months, churn, currency, locale)))
    return rows


def _ltv(mrr: int, n: int, churned: int, at_start: int, history_months: int,
         churn: RateFigure, currency: str, locale: str) -> MoneyFigure:
    source = _say(locale, N_("ARPU / churn = (MRR / active robeings) / churn, exact, rounded "
                             "down once"))
    reason = None
    if history_months < 2:
        reason = _say(locale, N_("not enough data: less than two months of licences"))
    elif churn.value is None:  # churn.reason is already in this language
        reason = _say(locale, N_("not enough data: {reason}"), reason=churn.reason)
    elif churned == 0:
        reason = _say(locale, N_("not enough data: no churn this month (LTV would be "
                                 "unbounded)"))
    elif n == 0:
        reason = _say(locale, N_("not enough data: {reason}"),
                      reason=_say(locale, NO_ROBEINGS))
    if reason is not None:
        return MoneyFigure(value=None, source=source, reason=reason)
    return MoneyFigure(value=Amount.of(economics.ltv(mrr, n, churned, at_start), currency,
                                       locale), source=source)


def _cac(costs: CostConfig, month: str, new: int, locale: str) -> MoneyFigure:
    spend = costs.acquisition.spend_for(month)
    source = _say(locale, N_("configured acquisition spend of the month / new paying buyers, "
                             "rounded up"))
    if spend is None:
        return MoneyFigure(value=None, source=source, reason=_say(locale, N_(
            "not configured: no acquisition spend in the cost data")))
    if new == 0:
        return MoneyFigure(value=None, source=source, reason=_say(locale, N_(
            "no new paying buyers this month")))
    return MoneyFigure(value=Amount.of(economics.cac(spend, new), costs.currency, locale),
                       source=source)


__all__ = ["build_report"]
