"""``robeing marketplace staff create``: a staff account whose token acts for the marketplace."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from marketplace.app import create_app
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.conftest import TestClient

runner = CliRunner()


def test_staff_create_prints_a_staff_token_once(tmp_path: Path) -> None:
    args = ["marketplace", "staff", "create", "sam", "--email", "sam@robeing.dev",
            "--data-dir", str(tmp_path), "--json"]
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    token = json.loads(result.output)["token"]
    again = runner.invoke(build_app(), args)
    assert again.exit_code == 1 and "already exists" in again.output
    app = create_app(Settings(data_dir=tmp_path))
    try:
        with TestClient(app) as client:
            me = client.get("/v1/partners/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200 and me.json()["staff"] is True
            queue = client.get("/v1/partners/promotion-requests",
                               headers={"Authorization": f"Bearer {token}"})
            assert queue.status_code == 200 and queue.json() == []
    finally:
        app.state.db.dispose()
