"""``robeing marketplace usage bill`` and ``robeing marketplace purchases reconcile``."""

from __future__ import annotations

from typing import Annotated

import typer

from marketplace.cli import AsJson, DataDir, _fail_on_domain_errors, load_settings

usage_app = typer.Typer(no_args_is_help=True, help="Usage-priced skills (operators only).")
purchases_app = typer.Typer(no_args_is_help=True, help="Purchases (operators only).")


@usage_app.command("bill")
def usage_bill(
    period: Annotated[str, typer.Option("--period", help="The month to bill, YYYY-MM.")],
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Charge every usage licence for a past month's calls (safe to run again)."""
    from marketplace import schema
    from marketplace.commerce import build_provider
    from marketplace.commerce.usage import bill_period
    from marketplace.db import Database
    from robeing_sdk.cli.output import console, print_json

    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        provider = build_provider(db)
        rows = bill_period(db, provider, period)
        provider.close()
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    if as_json:
        print_json({"period": period, "charges": [
            {"licence_id": str(r.licence_id), "skill": r.skill, "calls": r.calls,
             "amount": r.amount, "currency": r.currency, "status": r.status,
             "payment_id": r.payment_id} for r in rows]})
        return
    if not rows:
        console.print(f"No usage licences to bill for {period}.", markup=False)
    for r in rows:
        console.print(f"{r.skill} {r.licence_id}: {r.calls} calls, {r.amount} {r.currency} "
                      f"({r.status})", markup=False)


@purchases_app.command("reconcile")
def purchases_reconcile(data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """Ask the payment provider about pending purchases and usage charges and apply what it
    reports; list refunds still waiting for their sale."""
    from marketplace import schema
    from marketplace.commerce import build_provider
    from marketplace.commerce.recovery import reconcile, waiting_refunds
    from marketplace.db import Database
    from robeing_sdk.cli.output import console, print_json

    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        provider = build_provider(db)
        repaired = reconcile(db, provider)
        waiting = waiting_refunds(db)
        provider.close()
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    if as_json:
        print_json({"repaired": repaired, "waiting_refunds": [
            {"charge_id": row.charge_id, "payment_id": row.payment_id,
             "amount_refunded": row.amount_refunded, "currency": row.currency,
             "received_at": row.received_at.isoformat()} for row in waiting]})
        return
    console.print(f"{len(repaired)} payment(s) repaired.", markup=False)
    for row in waiting:
        console.print(f"Refund of charge {row.charge_id} ({row.amount_refunded} "
                      f"{row.currency}, since {row.received_at.isoformat()}) waits for its "
                      "sale.", markup=False)
