"""``robeing marketplace statements | reconcile | payouts run``: the ledger for operators.

Each command reads ``ROBEING_DATABASE_URL`` / ``--data-dir`` like the other marketplace
commands; ``reconcile`` and ``payouts run`` talk to the configured payment provider
(``ROBEING_STRIPE_*``; unset: the offline test-mode provider, whose state lives in the
serving process only, so from a separate CLI process it shows no movements).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from marketplace.cli import AsJson, DataDir, _fail_on_domain_errors, load_settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from marketplace.billing import PaymentProvider
    from marketplace.db import Database

payouts_app = typer.Typer(no_args_is_help=True, help="Pay partners their ledger balances.")
Month = Annotated[str, typer.Option("--month", help="The month, YYYY-MM (UTC).")]
Period = Annotated[str, typer.Option("--period", help="The month paid for, YYYY-MM (UTC).")]


@contextmanager
def _database(data_dir: Path | None) -> Iterator[Database]:
    """The current database, its connections closed afterwards."""
    from marketplace import schema
    from marketplace.db import Database

    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        yield db
    finally:
        db.dispose()


def _partner_id(session: Session, partner: str) -> uuid.UUID:
    """A partner by id or by account name."""
    from marketplace.accounts import service as accounts
    from marketplace.errors import NotFound
    from marketplace.messages import N_

    try:
        found = accounts.find_partner(session, uuid.UUID(partner))
    except ValueError:
        found = None
        try:
            found = accounts.get_partner(session, partner)
        except NotFound:
            found = None
    if found is None or found.is_staff:
        raise NotFound(N_("No partner {partner}."), partner=repr(partner))
    return found.id


def statements(
    partner: Annotated[str, typer.Argument(help="The partner's name or id.")],
    month: Month,
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Print a partner's monthly statement (sales, refunds, share, payouts, balances)."""
    from marketplace.ledger import statements as ledger_statements
    from robeing_sdk.cli.output import console, print_json

    try:
        with _database(data_dir) as db, db.read() as session:
            report = ledger_statements.statement(session, _partner_id(session, partner),
                                                 month)
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    console.print(f"Statement {report.month} for partner {partner} ({report.partner_id})",
                  markup=False)
    if not report.currencies:
        console.print("  no activity", markup=False)
    for row in report.currencies:
        console.print(
            f"  {row.currency}: opening {row.opening_balance}, {row.sales} sales "
            f"{row.gross_sales} (share {row.partner_share}), {row.refunds} refunds "
            f"{row.refunded} (share {row.refunded_share}), paid with charges "
            f"{row.paid_with_charges}, payouts {row.payouts}, closing {row.closing_balance}",
            markup=False)


def _provider() -> PaymentProvider:
    from marketplace.billing import BillingSettings, build_payment_provider

    return build_payment_provider(BillingSettings())


def reconcile(
    since: Annotated[datetime | None, typer.Option(help="Only from this time (UTC).")] = None,
    until: Annotated[datetime | None, typer.Option(help="Only before this time.")] = None,
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Compare the ledger with the provider's balance transactions; exit 1 on differences."""
    from dataclasses import asdict
    from datetime import UTC

    from marketplace.ledger.reconcile import reconcile as run
    from robeing_sdk.cli.output import console, print_json

    bounds = [value.replace(tzinfo=UTC) if value and value.tzinfo is None else value
              for value in (since, until)]
    try:
        provider = _provider()
        try:
            with _database(data_dir) as db, db.read() as session:
                report = run(session, provider, since=bounds[0], until=bounds[1])
        finally:
            provider.close()
    except Exception as exc:  # noqa: BLE001 - domain and provider errors: one sentence
        _fail_on_provider_errors(exc)
    if as_json:
        print_json({"balanced": report.balanced, "ledger_movements": report.ledger_movements,
                    "provider_movements": report.provider_movements,
                    "differences": [asdict(d) for d in report.differences]})
    else:
        console.print(f"Ledger movements {report.ledger_movements}, provider movements "
                      f"{report.provider_movements}, differences {len(report.differences)}",
                      markup=False)
        for item in report.differences:
            console.print(f"  {item.kind}: {item.type} {item.currency} {item.reference}: "
                          f"{item.detail}", markup=False)
    if not report.balanced:
        raise typer.Exit(1)


def _fail_on_provider_errors(exc: Exception) -> None:
    from marketplace.billing import BillingError
    from robeing_sdk.cli.output import fail

    if isinstance(exc, BillingError):
        fail(f"The payment provider failed: {exc}")
    _fail_on_domain_errors(exc)


def seller_accounts(db: Database, provider_name: str) -> Callable[[uuid.UUID], str | None]:
    """The partner's connected account as commerce knows it (None: not onboarded)."""
    from marketplace.commerce.service import connected_account_of

    def lookup(partner_id: uuid.UUID) -> str | None:
        with db.read() as session:
            return connected_account_of(session, partner_id, provider_name)

    return lookup


@payouts_app.command("run")
def payouts_run(period: Period, data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """Pay each partner's balance up to the end of PERIOD (once per partner and currency)."""
    from dataclasses import asdict

    from marketplace.ledger.payouts import run_payouts
    from robeing_sdk.cli.output import console, print_json

    try:
        provider = _provider()
        try:
            with _database(data_dir) as db:
                outcomes = run_payouts(db, provider, period,
                                       seller_accounts(db, provider.name))
        finally:
            provider.close()
    except Exception as exc:  # noqa: BLE001 - domain and provider errors: one sentence
        _fail_on_provider_errors(exc)
    if as_json:
        print_json([asdict(outcome) for outcome in outcomes])
        return
    if not outcomes:
        console.print(f"Nothing to pay for {period}.", markup=False)
    for outcome in outcomes:
        console.print(f"  {outcome.partner_id} {outcome.currency}: {outcome.status} "
                      f"{outcome.amount} {outcome.transfer_id or ''} {outcome.reason}".rstrip(),
                      markup=False)


def register(app: typer.Typer) -> None:
    app.command("statements")(statements)
    app.command("reconcile")(reconcile)
    app.add_typer(payouts_app, name="payouts")


__all__ = ["register"]
