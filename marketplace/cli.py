"""The ``robeing marketplace`` commands, added to the CLI through the host-plugin hook.

Every command takes ``--data-dir`` (default ``$ROBEING_DATA_DIR`` or
``./.robeing-marketplace``) and honours ``ROBEING_DATABASE_URL``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from robeing_sdk import hookimpl

if TYPE_CHECKING:
    from marketplace.settings import Settings

DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder for the SQLite file and artifacts "
    "[default: $ROBEING_DATA_DIR or ./.robeing-marketplace].", show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def load_settings(data_dir: Path | None) -> Settings:
    from marketplace.settings import Settings

    overrides: dict[str, Any] = {"data_dir": data_dir} if data_dir is not None else {}
    return Settings(**overrides)


def _fail_on_domain_errors(exc: Exception) -> None:
    from marketplace.errors import MarketplaceError
    from robeing_sdk.cli.output import fail

    if isinstance(exc, MarketplaceError):
        fail(exc.detail)
    raise exc


def serve(host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
          data_dir: DataDir = None,
          demo: Annotated[bool, typer.Option(
              "--demo", help="First build and publish the skills in ./plugins.")] = False,
          workers: Annotated[int, typer.Option(help="Worker processes.")] = 1) -> None:
    """Run the marketplace (SQLite file and artifact folder by default)."""
    import uvicorn

    from marketplace.app import create_app
    from robeing_sdk.cli.output import console

    settings = load_settings(data_dir)
    try:
        app = create_app(settings)
        if demo:
            _seed(settings)
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    _settle(app)
    where = (settings.database_url and "PostgreSQL") or str(settings.data_dir)
    console.print(f"Marketplace on http://{host}:{port}/ (data: {where}); "
                  f"index http://{host}:{port}/simple/", markup=False)
    # asyncio's own event loop, not uvloop even where installed: searches answered from
    # memory run on the loop, and under uvloop the slowest 1 % waited 4-6x longer (p99 of
    # the first 2 s of 400 varied searches at 32 connections: 360-600 ms against 63-98 ms;
    # steady 47-98 ms against 18 ms) for about the same requests per second.
    uvicorn.run(app, host=host, port=port, log_level="info", workers=workers, loop="asyncio")


def _settle(app: Any) -> None:
    """Load the search snapshot, then move everything alive at start-up (modules, routes,
    schemas, the snapshot: hundreds of thousands of objects that live as long as the
    process) out of the cyclic garbage collector's reach. Otherwise each full collection
    walks them all (about 0.2 s here), stalling every request in flight."""
    import gc

    app.state.search_index.warm(app.state.pages.serial())
    gc.collect()
    gc.freeze()


def _seed(settings: Settings) -> None:
    from marketplace.demo import seed
    from robeing_sdk.cli.output import console

    plugins = Path("plugins")
    if not plugins.is_dir():
        console.print("No ./plugins folder here; nothing to seed.", markup=False)
        return
    with console.status("Building and publishing the skills in ./plugins …"):
        results = seed(settings, plugins)
    for result in results:
        console.print(f"  {result.project} {result.version}: {result.status}", markup=False)


def demo(host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
         port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
         data_dir: DataDir = None) -> None:
    """Publish the first-party skills from ./plugins (once), then serve."""
    serve(host=host, port=port, data_dir=data_dir, demo=True, workers=1)


def upgrade(data_dir: DataDir = None) -> None:
    """Run the database migrations up to this version's schema."""
    from marketplace import schema
    from marketplace.db import Database
    from robeing_sdk.cli.output import console

    db = Database(load_settings(data_dir))
    before, after = schema.upgrade(db)
    console.print(f"Schema at revision {after} (was {before or 'empty'}).", markup=False)


def sweep(data_dir: DataDir = None,
          grace_minutes: Annotated[int, typer.Option(
              "--grace-minutes", min=0,
              help="Leave files stored more recently than this (uploads in flight).")] = 60,
          as_json: AsJson = False) -> None:
    """Remove stored files that no release refers to (left by crashes), and list them."""
    from datetime import timedelta

    from marketplace import schema
    from marketplace.db import Database
    from marketplace.releases.service import sweep_orphans
    from marketplace.storage import store_for
    from robeing_sdk.cli.output import console, print_json

    settings = load_settings(data_dir)
    db = Database(settings)
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        store = store_for(settings)
        removed = sweep_orphans(db, store, older_than=timedelta(minutes=grace_minutes))
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    if as_json:
        print_json({"removed": removed})
        return
    if not removed:
        console.print("No orphaned files.", markup=False)
        return
    console.print(f"Removed {len(removed)} orphaned file(s):", markup=False)
    for digest in removed:
        console.print(f"  {digest}", markup=False)


partner_app = typer.Typer(no_args_is_help=True, help="Manage partners (operators only).")


@partner_app.command("create")
def partner_create(
    name: Annotated[str, typer.Argument(help="The partner's unique name.")],
    email: Annotated[str, typer.Option(help="Contact e-mail.")],
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Create a partner and print its first API token (shown only this once)."""
    from marketplace import schema
    from marketplace.accounts import service
    from marketplace.accounts.models import PartnerCreate, PartnerPublic
    from marketplace.db import Database
    from robeing_sdk.cli.output import console, print_json

    settings = load_settings(data_dir)
    db = Database(settings)
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        with db.write() as session:
            partner = service.create_partner(session, PartnerCreate.model_construct(
                name=name, email=email))
            token = service.issue_token(session, partner.id)
            public = PartnerPublic.model_validate(partner)
            session.commit()
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    if as_json:
        print_json({"partner": public.model_dump(mode="json"), "token": token.token,
                    "token_id": str(token.id)})
        return
    console.print(f"Partner {public.name} created ({public.id}).\n"
                  f"API token (shown once, keep it secret):\n  {token.token}", markup=False)


@hookimpl
def robeing_register_commands(cli: typer.Typer) -> None:
    app = typer.Typer(no_args_is_help=True, help="Run and operate the skill marketplace.")
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.command("upgrade")(upgrade)
    app.command("sweep")(sweep)
    app.add_typer(partner_app, name="partner")
    from marketplace.partners.cli import staff_app

    app.add_typer(staff_app, name="staff")
    from marketplace.ledger.cli import register as register_ledger

    register_ledger(app)
    from marketplace.commerce.cli import purchases_app, usage_app

    app.add_typer(usage_app, name="usage")
    app.add_typer(purchases_app, name="purchases")
    from marketplace.metrics.cli import register as register_metrics

    register_metrics(app)
    from marketplace.portal.cli import portal_app

    app.add_typer(portal_app, name="portal")
    cli.add_typer(app, name="marketplace")
