"""``robeing marketplace portal set-password``: an operator gives an account a password."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from marketplace.app import create_app
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.conftest import TestClient
from tests.marketplace.portal.conftest import sign_in_password

runner = CliRunner()


def test_operator_sets_a_password_and_the_partner_signs_in(tmp_path: Path) -> None:
    made = runner.invoke(build_app(), ["marketplace", "partner", "create", "acme", "--email",
                                       "acme@example.com", "--data-dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    args = ["marketplace", "portal", "set-password", "acme", "--password-stdin",
            "--data-dir", str(tmp_path)]
    short = runner.invoke(build_app(), args, input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown = runner.invoke(build_app(), [*args[:3], "nobody", *args[4:]],
                            input="long enough password\n")
    assert unknown.exit_code == 1 and "No partner named 'nobody'" in unknown.output
    done = runner.invoke(build_app(), args, input="long enough password\n")
    assert done.exit_code == 0, done.output
    assert "acme@example.com" in done.output
    app = create_app(Settings(data_dir=tmp_path))
    try:
        with TestClient(app) as client:
            signed = sign_in_password(client, "acme@example.com", "long enough password")
            assert signed.status_code == 303
            assert client.get("/portal/account").status_code == 200
    finally:
        app.state.db.dispose()
