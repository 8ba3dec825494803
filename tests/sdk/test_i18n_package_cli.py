"""``robeing i18n extract|update|compile|check`` on an application package with its own domain."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from typer.testing import CliRunner

from robeing_sdk.cli import build_app

runner = CliRunner()


def test_a_package_domain_leaves_out_sub_packages_with_their_own(tmp_path: Path) -> None:
    package = tmp_path / "shop"
    (package / "locales").mkdir(parents=True)
    (package / "locales" / "shop.pot").write_text("")
    (package / "errors.py").write_text('N_("No such basket.")\n'
                                       'ngettext("{n} item.", "{n} items.", 2)\n')
    (package / "pages" / "locales").mkdir(parents=True)
    (package / "pages" / "views.py").write_text('N_("Welcome.")\n')

    for command in ("extract", "update", "compile"):
        result = runner.invoke(build_app(), ["i18n", command, str(package)])
        assert result.exit_code == 0, result.output

    with (package / "locales" / "shop.pot").open("rb") as fp:
        assert {m.id for m in read_po(fp) if m.id} == {"No such basket.", ("{n} item.",
                                                                             "{n} items.")}
    for language in ("ko", "ja", "zh", "es"):
        assert (package / "locales" / language / "LC_MESSAGES" / "shop.po").is_file()
    check = runner.invoke(build_app(), ["i18n", "check", str(package)])
    assert check.exit_code == 1  # nothing is translated yet
    assert "'No such basket.' is not translated" in check.output
    assert "Welcome." not in check.output
