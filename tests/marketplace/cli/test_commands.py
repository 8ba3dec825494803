"""The ``robeing marketplace`` commands: partner create, upgrade, demo seed, outdated schema."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from marketplace import schema
from marketplace.app import create_app
from marketplace.db import Database
from marketplace.demo import seed
from marketplace.errors import SchemaOutdated
from marketplace.settings import Settings
from marketplace.storage import LocalArtifactStore, sha256_of
from robeing_sdk.cli import build_app

runner = CliRunner()


def test_partner_create_prints_the_token_once(tmp_path: Path) -> None:
    app = build_app()
    args = ["marketplace", "partner", "create", "acme", "--email", "a@example.com",
            "--data-dir", str(tmp_path), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["token"].startswith("rbt_") and data["partner"]["name"] == "acme"
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_partner_create_rejects_bad_email(tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["marketplace", "partner", "create", "acme", "--email",
                                         "not-an-email", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "Invalid partner" in result.output


def test_upgrade_then_current(tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["marketplace", "upgrade", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "revision" in result.output
    schema.ensure_current(Database(Settings(data_dir=tmp_path)), create_if_empty=False)


def test_outdated_schema_is_refused_with_one_sentence(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    db = Database(settings)
    schema.upgrade(db)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaOutdated, match="robeing marketplace upgrade"):
        create_app(settings)


def test_demo_seed_is_idempotent(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    project = plugins / "demo-skill"
    package = project / "demo_skill"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "skill.py").write_text("from robeing_sdk import hookimpl\n")
    (package / "robeing-skill.toml").write_text(textwrap.dedent("""\
        name = "demo-skill"
        sdk = ">=0.1,<1"
        [display_name]
        en = "Demo"
        [description]
        en = "A demo skill."
        """))
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=69"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "demo-skill"
        version = "0.3.0"
        dependencies = ["robeing>=0.1"]
        [project.entry-points."robeing.skills"]
        demo-skill = "demo_skill.skill"
        [tool.setuptools]
        packages = ["demo_skill"]
        [tool.setuptools.package-data]
        demo_skill = ["robeing-skill.toml"]
        """))
    settings = Settings(data_dir=tmp_path / "data")
    create_app(settings).state.db.dispose()
    first = seed(settings, plugins)
    assert [(r.project, r.status) for r in first] == [("demo-skill", "published")]
    second = seed(settings, plugins)
    assert [(r.project, r.status) for r in second] == [("demo-skill", "already published")]
    assert not (project / "build").exists()
    shutil.rmtree(project)


def test_sweep_removes_old_orphans_and_says_which(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    create_app(settings).state.db.dispose()
    store = LocalArtifactStore(settings.resolved_artifact_dir)
    digests = []
    for content in (b"left by a crash", b"an upload in flight"):
        blob = tmp_path / "blob"
        blob.write_bytes(content)
        digests.append(sha256_of(blob))
        store.put(digests[-1], blob)
    old, recent = digests
    path = store.local_path(old)
    assert path is not None
    two_hours_ago = time.time() - 2 * 3600
    os.utime(path, (two_hours_ago, two_hours_ago))
    args = ["marketplace", "sweep", "--data-dir", str(settings.data_dir)]
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    assert "Removed 1 orphaned file" in result.output and old in result.output
    assert not store.exists(old) and store.exists(recent)
    again = runner.invoke(build_app(), [*args, "--grace-minutes", "0", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output) == {"removed": [recent]}
    assert list(store.keys()) == []
    assert "No orphaned files." in runner.invoke(build_app(), args).output
