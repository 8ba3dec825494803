"""``robeing marketplace metrics``: the monthly business report as a table or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from marketplace.cli import AsJson, DataDir, _fail_on_domain_errors, load_settings

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
) -> None:
    """Print a month's business metrics: costs, unit economics, MRR, churn, LTV, CAC."""
    from marketplace import schema
    from marketplace.db import Database
    from marketplace.metrics.costs import CostDataError, load_costs
    from marketplace.metrics.queries import window
    from marketplace.metrics.report import build_report
    from marketplace.partners.service import now
    from robeing_sdk.cli.output import cli_locale, fail, print_json

    try:
        costs, source = load_costs(costs_file)
    except CostDataError as exc:
        fail(str(exc))
    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        with db.read() as session:
            report = build_report(session, window(month, now()), costs, source, cli_locale(),
                                  robeings)
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    show(report)


def _value(figure: Figure) -> str:
    value = getattr(figure, "value", None)
    if value is None:
        return f"n/a: {figure.reason}"
    display = getattr(value, "display", None)
    if display is not None:
        return str(display)
    if hasattr(value, "as_tuple"):  # a Decimal rate
        return f"{value * 100:.2f} %"
    return f"{value:,}"


def show(report: MetricsReport) -> None:
    from rich.table import Table
    from rich.text import Text

    from robeing_sdk.cli.output import console

    state = "complete" if report.complete else f"so far, as of {report.as_of:%Y-%m-%d %H:%M} UTC"
    costs = Table(title=Text(f"Monthly costs ({report.costs.source})"), show_lines=False)
    for column in ("Category", "Item", "Cost"):
        costs.add_column(column, justify="right" if column == "Cost" else "left")
    for category in report.costs.categories:
        for item in category.items:
            costs.add_row(Text(category.name), Text(item.name), Text(item.cost.display))
        costs.add_row(Text(category.name, style="bold"), Text("total", style="bold"),
                      Text(category.total.display, style="bold"))
    costs.add_row(Text("all", style="bold"), Text("total", style="bold"),
                  Text(report.costs.total.display, style="bold"))
    console.print(costs)
    table = Table(title=Text(f"Business metrics {report.month} ({state})"))
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    table.add_column("Source", overflow="fold")
    unit = report.unit_economics
    rows: list[tuple[str, Figure]] = [
        ("Active robeings (N)", unit.active_robeings),
        ("Cost per robeing", unit.cost_per_robeing),
        ("Break-even price", unit.break_even_price),
        ("Target price", unit.target_price),
        ("Margin per robeing", unit.margin_per_robeing),
        ("Robeings needed for profit", unit.robeings_needed_for_profit),
        ("Deployments (downloads)", report.deployments),
        ("New paying buyers", report.new_paying_buyers),
        ("Churn", report.churn),
        ("CAC", report.cac),
    ]
    for row in report.revenue:
        rows += [(f"MRR {row.currency}", row.mrr), (f"Previous MRR {row.currency}",
                                                      row.mrr_previous),
                 (f"Growth {row.currency}", row.growth),
                 (f"Net sales {row.currency}", row.net_sales),
                 (f"Platform revenue {row.currency}", row.platform_revenue),
                 (f"ARPU {row.currency}", row.arpu), (f"LTV {row.currency}", row.ltv)]
    for name, figure in rows:
        table.add_row(Text(name), Text(_value(figure)), Text(figure.source))
    console.print(table)
    if not report.revenue:
        console.print("No revenue in any currency yet (no subscriptions, usage or sales).",
                      markup=False)
    console.print(f"Rounding: {report.rounding}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)


__all__ = ["register"]
