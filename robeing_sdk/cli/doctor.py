"""``robeing doctor``: check the installation and explain every skill that is not ok."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from robeing_sdk.cli.output import _, console, print_json, status_text


def doctor(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check the installation and explain every broken, disabled or incompatible skill.

    Reads manifests only, so it works with any number of broken skills installed.
    """
    from robeing_sdk._version import __version__
    from robeing_sdk.runtime.config import config_path, load_config
    from robeing_sdk.runtime.discovery import SkillStatus, discover_skills
    from robeing_sdk.runtime.plugins import PluginHost

    config = load_config()
    records = discover_skills(config, __version__)
    host = PluginHost()
    host.load_host_plugins()
    problems = [r for r in records if r.status is not SkillStatus.OK]
    report: dict[str, Any] = {
        "sdk_version": __version__,
        "python": sys.version.split()[0],
        "config_file": str(config_path()),
        "skills": len(records),
        "ok": len(records) - len(problems),
        "problems": [{"skill": r.name, "distribution": r.distribution, "status": str(r.status),
                      "reason": r.reason} for r in problems],
        "host_plugin_failures": host.failures,
    }
    if as_json:
        print_json(report)
    else:
        console.print(f"robeing SDK {__version__} on Python {report['python']}")
        console.print(_("config: {path}", path=report["config_file"]), markup=False)
        console.print(_("{ok} of {total} skills ok", ok=report["ok"], total=len(records)))
        for problem in report["problems"]:
            console.print(f"  [red]{status_text(problem['status'])}[/red] {problem['skill']} "
                          f"({problem['distribution']}): {escape(problem['reason'])}", markup=True)
        for name, reason in host.failures.items():
            console.print(f"  [red]host plugin[/red] {name}: {escape(reason)}")
    broken = [r for r in problems if r.status in (SkillStatus.BROKEN, SkillStatus.INCOMPATIBLE)]
    if broken or host.failures:
        raise typer.Exit(1)
