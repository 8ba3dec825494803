"""Shared fixtures: real installed-looking skill distributions made on the fly."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

MANIFEST = """\
name = "{name}"
sdk = "{sdk}"
{extra}
[display_name]
en = "{title}"
ko = "{title} 스킬"

[description]
en = "A test skill."

[[intents]]
name = "main"
keywords = {{ en = [{keywords}] }}
examples = {{ en = [{examples}] }}
"""

HANDLER = """\
from robeing_sdk import Reply, hookimpl

@hookimpl
def robeing_handle_message(message, context):
    return Reply(text="{reply} " + message.text)
"""

SkillFactory = Callable[..., Path]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh folder on sys.path that importlib.metadata scans for distributions."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        del sys.modules[name]
    importlib.invalidate_caches()


@pytest.fixture
def install_skill(site: Path) -> SkillFactory:
    """Write a distribution with one skill into ``site``, the way pip would lay it out."""

    def install(name: str, *, dist: str | None = None, version: str = "1.0",
                sdk: str = ">=0.1", keywords: tuple[str, ...] = (),
                examples: tuple[str, ...] = (), handler: str | None = None,
                manifest: str | None = None, extra: str = "", reply: str | None = None,
                entry_name: str | None = None) -> Path:
        dist = dist or f"skill-{name}"
        package = dist.replace("-", "_") + "_pkg"
        dist_info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
        (dist_info / "entry_points.txt").write_text(
            f"[robeing.skills]\n{entry_name or name} = {package}.skill\n", encoding="utf-8")
        pkg = site / package
        pkg.mkdir()
        (pkg / "__init__.py").write_text("", encoding="utf-8")
        (pkg / "skill.py").write_text(
            textwrap.dedent(handler) if handler else HANDLER.format(reply=reply or name),
            encoding="utf-8")
        if manifest is None:
            manifest = MANIFEST.format(
                name=name, sdk=sdk, title=name.title(), extra=extra,
                keywords=", ".join(f'"{k}"' for k in keywords),
                examples=", ".join(f'"{e}"' for e in examples))
        if manifest:
            (pkg / "robeing-skill.toml").write_text(manifest, encoding="utf-8")
        importlib.invalidate_caches()
        return pkg

    return install
