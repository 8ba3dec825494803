"""``robeing i18n``: extract, update, compile and check a skill's catalogs with Babel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from robeing_sdk.cli.output import console, fail
from robeing_sdk.i18n.locales import SUPPORTED_LOCALES
from robeing_sdk.manifest import MANIFEST_FILENAME

app = typer.Typer(no_args_is_help=True, help="Manage a skill's translations (Babel).")
ProjectArg = Annotated[Path, typer.Argument(help="The skill project (default: here).")]
KEYWORDS = ["-k", "gettext", "-k", "_", "-k", "N_", "-k", "ngettext:1,2"]


def skill_folders(project: Path) -> list[Path]:
    """The folders under ``project`` that hold a skill manifest (skipping virtualenvs)."""
    skip = {".venv", "venv", "build", "dist", ".git", "site-packages"}
    return sorted(p.parent for p in project.rglob(MANIFEST_FILENAME)
                  if not skip.intersection(p.relative_to(project).parts))


def _one_folder(project: Path) -> Path:
    folders = skill_folders(project)
    if len(folders) != 1:
        fail(f"Expected one {MANIFEST_FILENAME} under {project}, found {len(folders)}.")
    return folders[0]


def _target(project: Path) -> tuple[Path, str, list[str]]:
    """(folder, gettext domain, extra pybabel extract options) for a skill project, or for
    an application package with its own ``locales/<domain>.pot`` (such as ``marketplace``),
    whose sub-packages with catalogs of their own (its portal) are left out."""
    from robeing_sdk.i18n.checks import packages_with_own_catalogs

    if skill_folders(project) or not (project / "locales").is_dir():
        return _one_folder(project), "messages", []
    domains = {path.stem for path in (project / "locales").glob("*.pot")}
    if len(domains) != 1:
        fail(f"Expected one .pot file in {project / 'locales'}, found {len(domains)}.")
    others = sorted({path.name for path in packages_with_own_catalogs(project)})
    skip = " ".join([".*", "_*", *others])
    return project, domains.pop(), ["--ignore-dirs", skip]


def _babel(*argv: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *argv])  # type: ignore[no-untyped-call]


@app.command("extract")
def extract(project: ProjectArg = Path(".")) -> None:
    """Collect the English texts of the skill's code into locales/messages.pot (an
    application package: into its own locales/<domain>.pot)."""
    folder, domain, options = _target(project)
    pot = folder / "locales" / f"{domain}.pot"
    pot.parent.mkdir(exist_ok=True)
    _babel("extract", *KEYWORDS, *options, "--no-location", "-o", str(pot), str(folder))
    console.print(f"Wrote {pot}.")


@app.command("update")
def update(project: ProjectArg = Path("."),
           locale: Annotated[list[str] | None, typer.Option("--locale", "-l")] = None) -> None:
    """Create or update every locale's messages.po from messages.pot."""
    folder, domain, _ = _target(project)
    pot = folder / "locales" / f"{domain}.pot"
    if not pot.is_file():
        fail(f"{pot} does not exist; run `robeing i18n extract` first.")
    for language in locale or [code for code in SUPPORTED_LOCALES if code != "en"]:
        po = folder / "locales" / language / "LC_MESSAGES" / f"{domain}.po"
        command = "update" if po.is_file() else "init"
        _babel(command, "-i", str(pot), "-d", str(folder / "locales"), "-D", domain,
               "-l", language)
        console.print(f"{command}: {po}")


@app.command("compile")
def compile_catalogs(project: ProjectArg = Path(".")) -> None:
    """Compile messages.po to messages.mo (optional: the runtime reads .po files too)."""
    folder, domain, _ = _target(project)
    _babel("compile", "-d", str(folder / "locales"), "-D", domain, "--statistics")


@app.command("check")
def check(projects: Annotated[list[Path] | None, typer.Argument()] = None) -> None:
    """Fail on untranslated or fuzzy entries, placeholder mismatches, missing plural forms,
    and prompt templates missing in a locale or not compiling.

    A given folder with no skill manifest but a ``locales`` folder (an application's own
    catalogs, such as the marketplace portal's) is checked as one package."""
    from robeing_sdk.i18n.checks import check_package_folder, check_skill_folder

    paths = projects or [Path(".")]
    folders = [f for p in paths for f in skill_folders(p)]
    packages = [p for p in paths if not skill_folders(p) and (p / "locales").is_dir()]
    if not folders and not packages:
        fail(f"No {MANIFEST_FILENAME} found.")
    problems = [problem for folder in folders for problem in check_skill_folder(folder)]
    problems += [problem for package in packages for problem in check_package_folder(package)]
    for problem in problems:
        console.print(f"[red]✗[/red] {escape(str(problem))}", markup=True, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    console.print(f"{len(folders)} skill(s) and {len(packages)} package(s): every catalog "
                  f"and prompt complete in {', '.join(SUPPORTED_LOCALES)}.")
