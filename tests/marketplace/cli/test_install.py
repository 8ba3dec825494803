"""``robeing install`` / ``uninstall`` / ``publish`` decisions, without touching this venv."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from robeing_sdk import __version__
from robeing_sdk.cli import build_app
from robeing_sdk.cli import install as install_cli

runner = CliRunner()


class FakeDist:
    def __init__(self, *requires: str) -> None:
        self.requires = list(requires)


def test_uninstall_removes_only_what_the_skill_alone_brought_in() -> None:
    installed: Any = {
        "robeing": FakeDist("httpx"),
        "httpx": FakeDist(),
        "skill-a": FakeDist("robeing", "lib-only-a", "lib-shared"),
        "skill-b": FakeDist("robeing", "lib-shared"),
        "lib-only-a": FakeDist("lib-deep"),
        "lib-deep": FakeDist(),
        "lib-shared": FakeDist(),
        "lib-user-also-needs": FakeDist(),
        "user-app": FakeDist("lib-user-also-needs"),
    }
    records = {"skill-a": ["skill-a", "lib-only-a", "lib-deep", "lib-shared",
                           "lib-user-also-needs"],
               "skill-b": ["skill-b"]}
    assert install_cli.removable("skill-a", records, installed) == [
        "lib-deep", "lib-only-a", "skill-a"]


def test_uninstall_without_a_record_removes_just_the_skill() -> None:
    installed: Any = {"skill-a": FakeDist("httpx"), "httpx": FakeDist()}
    assert install_cli.removable("skill-a", {}, installed) == ["skill-a"]


def _mock_marketplace(monkeypatch: pytest.MonkeyPatch, handler: Any) -> None:
    real = httpx.Client

    def client(*args: Any, **kwargs: Any) -> httpx.Client:
        return real(transport=httpx.MockTransport(handler))

    monkeypatch.setattr(httpx, "Client", client)


def test_install_refuses_a_skill_no_release_of_which_supports_this_sdk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["sdk"] == __version__
        return httpx.Response(404, json={"detail": "No release of x supports SDK version "
                                                   f"{__version__}."})

    _mock_marketplace(monkeypatch, handler)
    result = runner.invoke(build_app(), ["install", "x", "--url", "http://mp"])
    assert result.exit_code == 1
    assert "supports SDK" in result.output and "installed here" in result.output


def test_install_refuses_a_pinned_version_needing_another_sdk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"version": "2.0", "sdk_specifier": ">=99",
                                         "yanked": False})

    _mock_marketplace(monkeypatch, handler)
    result = runner.invoke(build_app(), ["install", "x==2.0", "--url", "http://mp"])
    assert result.exit_code == 1
    assert "would change the host" in result.output


@pytest.mark.parametrize("spec", ["x>=1", "x==1,<2", "robeing", "not a name!"])
def test_install_argument_errors(spec: str) -> None:
    result = runner.invoke(build_app(), ["install", spec, "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1


def test_publish_needs_a_token(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROBEING_TOKEN", raising=False)
    result = runner.invoke(build_app(), ["publish", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "token" in result.output.lower()
