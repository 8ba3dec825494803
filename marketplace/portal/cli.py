"""``robeing marketplace portal set-password``: an operator sets an account's portal password.

The partner then signs in to ``/portal/`` with the account's e-mail address and that
password. The password is read from a hidden prompt (asked twice), or from one line of
standard input with ``--password-stdin`` for scripts; it never appears on the command line.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from marketplace.cli import DataDir, _fail_on_domain_errors, load_settings

portal_app = typer.Typer(no_args_is_help=True, help="Operate the partner portal.")


@portal_app.command("set-password")
def set_password(
    name: Annotated[str, typer.Argument(help="The partner's (or staff account's) name.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from one line of standard input.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Set the portal password of an account; its other password sessions end."""
    from marketplace import schema
    from marketplace.accounts import service as accounts
    from marketplace.db import Database
    from marketplace.portal import passwords, sessions
    from robeing_sdk.cli.output import console, fail

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    weak = passwords.weakness(password)
    if weak is not None:
        fail(weak[0].format(n=weak[1]))
    db = Database(load_settings(data_dir))
    try:
        schema.ensure_current(db, create_if_empty=db.is_sqlite)
        with db.write() as session:
            partner = accounts.get_partner(session, name)
            email = sessions.set_password(session, accounts.operator_principal(partner),
                                          password, sessions.now())
            session.commit()
    except Exception as exc:  # noqa: BLE001 - domain errors become one sentence
        _fail_on_domain_errors(exc)
    finally:
        db.dispose()
    console.print(f"{name} signs in to the portal as {email} with this password.",
                  markup=False)
