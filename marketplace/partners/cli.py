"""``robeing marketplace staff``: make a staff account and its token (``create``), and apply
partner tier changes that have come into force (``sync-tiers``, run daily).

Staff accounts are accounts flagged ``is_staff``; their tokens act for the marketplace
(approve promotions, record evidence, publish schedules), never for a partner.
"""

from __future__ import annotations

from typing import Annotated

import typer

from marketplace.cli import AsJson, DataDir, _fail_on_domain_errors, load_settings

staff_app = typer.Typer(no_args_is_help=True, help="Manage marketplace staff and the partner "
                        "program's scheduled work (operators only).")


@staff_app.command("create")
def staff_create(
    name: Annotated[str, typer.Argument(help="The staff member's unique account name.")],
    email: Annotated[str, typer.Option(help="Contact e-mail.")],
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Create a staff account and print its first API token (shown only this once)."""
    from marketplace import schema
    from marketplace.accounts import service
    from marketplace.accounts.models import PartnerCreate
    from marketplace.db import Database
    from robeing_sdk.cli.output import console, print_json

    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        with db.write() as session:
            staff = service.create_staff(session, PartnerCreate.model_construct(
                name=name, email=email))
            token = service.issue_token(session, staff.id)
            staff_id, staff_name = staff.id, staff.name
            session.commit()
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    if as_json:
        print_json({"staff": {"id": str(staff_id), "name": staff_name}, "token": token.token,
                    "token_id": str(token.id)})
        return
    console.print(f"Staff account {staff_name} created ({staff_id}).\n"
                  f"API token (shown once, keep it secret):\n  {token.token}", markup=False)


@staff_app.command("sync-tiers")
def staff_sync_tiers(data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """Apply partner tier changes now in force (approvals dated later, demotions at the end
    of their notice) to the catalog's tier filter. Run it daily, and once after upgrading."""
    from marketplace import schema
    from marketplace.db import Database
    from marketplace.partners import service
    from robeing_sdk.cli.output import console, print_json

    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        changed = service.sync_tiers(db)
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    if as_json:
        print_json({"changed": changed})
        return
    console.print(f"{changed} partner tier(s) changed.", markup=False)
