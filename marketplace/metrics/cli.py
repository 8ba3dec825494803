"""``robeing marketplace metrics``: the monthly business report as a table or JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from marketplace.cli import AsJson, DataDir, _fail_on_domain_errors, load_settings
from marketplace.messages import N_

if TYPE_CHECKING:
    from marketplace.metrics.schemas import Figure, MetricsReport


def metrics(
    month: Annotated[str | None, typer.Option(
        "--month", help="The month, YYYY-MM (UTC) [default: the current one].",
        show_default=False)] = None,
    robeings: Annotated[int | None, typer.Option(
        "--robeings", min=1, help="A what-if number of active robeings instead of the "
        "measured one.", show_default=False)] = None,
    costs_file: Annotated[Path | None, typer.Option(
        "--costs-file", help="A TOML cost file [default: $ROBEING_METRICS_COSTS_FILE or the "
        "shipped seed figures].", show_default=False)] = None,
    data_dir: DataDir = None,
    as_json: AsJson = False,
    locale: Annotated[str | None, typer.Option(
        "--locale", "-l", help="The report's language (ko, en-US, ...) [default: "
        "$ROBEING_LOCALE, then the POSIX locale].", show_default=False)] = None,
) -> None:
    """Print a month's business metrics: costs, unit economics, MRR, churn, LTV, CAC."""
    from marketplace import schema
    from marketplace.db import Database
    from marketplace.metrics.costs import CostDataError, load_costs
    from marketplace.metrics.queries import window
    from marketplace.metrics.report import build_report
    from marketplace.partners.service import now
    from robeing_sdk.cli.output import cli_locale, fail, print_json
    from robeing_sdk.errors import LocaleError
    from robeing_sdk.i18n.locales import negotiate

    try:  # typed by a person: a bad value is an error, not a fallback
        chosen = cli_locale() if locale is None else negotiate(locale, strict=True)
    except LocaleError as exc:  # said in the environment's language, as the SDK says it
        from marketplace.i18n import sdk_translations

        fail(exc.localized(sdk_translations(cli_locale()).gettext))
    try:
        costs, source = load_costs(costs_file)
    except CostDataError as exc:
        fail(exc.said(chosen))
    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        with db.read() as session:
            report = build_report(session, window(month, now()), costs, source, chosen, robeings)
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    show(report, chosen)


# The table's own words; the figures' sources, reasons and rounding note come translated
# in the report itself (``build_report`` gets the same locale).
_ROWS: Final = (
    (N_("Active robeings (N)"), "active_robeings"),
    (N_("Cost per robeing"), "cost_per_robeing"),
    (N_("Break-even price"), "break_even_price"),
    (N_("Target price"), "target_price"),
    (N_("Margin per robeing"), "margin_per_robeing"),
    (N_("Robeings needed for profit"), "robeings_needed_for_profit"),
)
_CURRENCY_ROWS: Final = (
    (N_("MRR {currency}"), "mrr"), (N_("Previous MRR {currency}"), "mrr_previous"),
    (N_("Growth {currency}"), "growth"), (N_("Net sales {currency}"), "net_sales"),
    (N_("Platform revenue {currency}"), "platform_revenue"),
    (N_("ARPU {currency}"), "arpu"), (N_("LTV {currency}"), "ltv"),
)


def _value(figure: Figure, say: Callable[..., str], locale: str) -> str:
    from babel.numbers import format_decimal, format_percent

    value = getattr(figure, "value", None)
    if value is None:
        return say(N_("n/a: {reason}"), reason=figure.reason)
    display = getattr(value, "display", None)
    if display is not None:
        return str(display)
    if hasattr(value, "as_tuple"):  # a Decimal rate
        return format_percent(value, "#,##0.00%", locale=locale)
    return format_decimal(value, locale=locale)


def show(report: MetricsReport, locale: str = "en") -> None:
    """Print ``report`` as two tables, their words in ``locale``."""
    from rich.table import Table
    from rich.text import Text

    from marketplace.i18n import translations
    from robeing_sdk.cli.output import console

    gettext = translations(locale).gettext

    def say(text: str, **values: object) -> str:
        said = gettext(text)
        return said.format(**values) if values else said

    state = say(N_("complete")) if report.complete else say(
        N_("so far, as of {moment} UTC"), moment=f"{report.as_of:%Y-%m-%d %H:%M}")
    costs = Table(title=Text(say(N_("Monthly costs ({source})"), source=report.costs.source)),
                  show_lines=False)
    costs.add_column(say(N_("Category")))
    costs.add_column(say(N_("Item")))
    costs.add_column(say(N_("Cost")), justify="right")
    total = say(N_("total"))
    for category in report.costs.categories:
        for item in category.items:
            costs.add_row(Text(category.name), Text(item.name), Text(item.cost.display))
        costs.add_row(Text(category.name, style="bold"), Text(total, style="bold"),
                      Text(category.total.display, style="bold"))
    costs.add_row(Text(say(N_("all")), style="bold"), Text(total, style="bold"),
                  Text(report.costs.total.display, style="bold"))
    console.print(costs)
    table = Table(title=Text(say(N_("Business metrics {month} ({state})"),
                                 month=report.month, state=state)))
    table.add_column(say(N_("Metric")))
    table.add_column(say(N_("Value")), justify="right")
    table.add_column(say(N_("Source")), overflow="fold")
    unit = report.unit_economics
    rows: list[tuple[str, Figure]] = [(say(label), getattr(unit, name)) for label, name in _ROWS]
    rows += [(say(N_("Deployments (downloads)")), report.deployments),
             (say(N_("New paying buyers")), report.new_paying_buyers),
             (say(N_("Churn")), report.churn), (say(N_("CAC")), report.cac)]
    for row in report.revenue:
        rows += [(say(label, currency=row.currency), getattr(row, name))
                 for label, name in _CURRENCY_ROWS]
    for name, figure in rows:
        table.add_row(Text(name), Text(_value(figure, say, locale)), Text(figure.source))
    console.print(table)
    if not report.revenue:
        console.print(say(N_("No revenue in any currency yet (no subscriptions, usage or "
                             "sales).")), markup=False)
    console.print(say(N_("Rounding: {rounding}"), rounding=report.rounding), markup=False)


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)


__all__ = ["register"]
