"""Catalog and prompt-template checks for a skill (or the SDK itself).

Fails on what gettext would silently paper over: untranslated or fuzzy entries (a Korean
user reading English), placeholders missing or added in a translation (a KeyError at run
time), plural entries without every form, and prompt templates that are missing in a
locale or do not compile.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import PoFileError, read_po

from robeing_sdk.i18n.locales import SUPPORTED_LOCALES


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<malformed braces>"}


def _check_message(path: str, message: Message, plurals: int) -> list[Problem]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    label = f"{msgid[:40]!r}"
    if message.fuzzy:
        return [Problem(path, f"{label} is marked fuzzy")]
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    if isinstance(message.id, tuple | list) and len(strings) != plurals:
        return [Problem(path, f"{label} has {len(strings)} plural forms, the locale needs "
                              f"{plurals}")]
    if not all(strings):
        return [Problem(path, f"{label} is not translated")]
    sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
    expected = set().union(*(_fields(text or "") for text in sources))
    problems = []
    for text in strings:
        found = _fields(text or "")
        if found - expected or (expected - found - {"n"}):
            problems.append(Problem(path, f"{label} has placeholders {sorted(found)}, the "
                                          f"source has {sorted(expected)}"))
    return problems


def _with_extra_locales(folder: Path, locales: tuple[str, ...]) -> tuple[str, ...]:
    """The platform's locales plus any more a skill ships (a sixth language, say)."""
    extra = sorted(p.name for p in folder.glob("*") if p.is_dir() and p.name not in locales)
    return (*locales, *extra)


def packages_with_own_catalogs(package: Path) -> list[Path]:
    """Folders below ``package`` that ship a ``locales`` folder of their own: another
    domain (the marketplace's portal inside the marketplace), checked on its own."""
    return [path.parent for path in package.rglob("locales")
            if path.is_dir() and path.parent != package]


def used_messages(package: Path) -> set[str]:
    """The English texts the code in ``package`` passes to gettext, _, N_ and ngettext,
    in Python files and in the Jinja templates under its ``templates`` folders (leaving out
    sub-packages with catalogs of their own)."""
    from jinja2.ext import babel_extract

    found: set[str] = set()
    keywords: dict[str, Any] = {"gettext": None, "_": None, "N_": None, "ngettext": (1, 2)}
    others = packages_with_own_catalogs(package)

    def ours(paths: Any) -> list[Path]:
        return sorted(path for path in paths
                      if not any(other in path.parents for other in others))

    templates = ours(path for path in package.rglob("*.html") if "templates" in path.parts)
    sources: list[tuple[Any, list[Path]]] = [("python", ours(package.rglob("*.py"))),
                                              (babel_extract, templates)]
    for method, paths in sources:
        for path in paths:
            for _, message, _, _ in extract_from_file(method, str(path), keywords=keywords):
                found.add(message if isinstance(message, str) else message[0])
    return found


def check_catalogs(folder: Path, locales: tuple[str, ...] = SUPPORTED_LOCALES,
                   used: set[str] | None = None, domain: str = "messages") -> list[Problem]:
    """Check ``folder/<lang>/LC_MESSAGES/<domain>.po`` for every non-English locale, and,
    given the texts the code ``used``, that catalog and code agree."""
    problems: list[Problem] = []
    for locale in _with_extra_locales(folder, locales):
        if locale == "en":
            continue
        path = folder / locale / "LC_MESSAGES" / f"{domain}.po"
        if not path.is_file():
            problems.append(Problem(str(path), "is missing"))
            continue
        try:
            with path.open("rb") as fp:
                catalog = read_po(fp, locale=locale, abort_invalid=True)
        except (PoFileError, ValueError) as exc:
            problems.append(Problem(str(path), f"cannot be read: {exc}"))
            continue
        if catalog.fuzzy:
            problems.append(Problem(str(path), "the header is marked fuzzy (it carries "
                                               "Plural-Forms)"))
        entries = set()
        for message in catalog:
            if message.id:
                entries.add(message.id if isinstance(message.id, str) else message.id[0])
                problems.extend(_check_message(str(path), message, catalog.num_plurals))
        if used is not None:
            problems.extend(Problem(str(path), f"{text[:40]!r} is used in the code but "
                                               "missing here") for text in sorted(used - entries))
            problems.extend(Problem(str(path), f"{text[:40]!r} is not used in the code")
                            for text in sorted(entries - used))
    return problems


def check_prompts(folder: Path, locales: tuple[str, ...] = SUPPORTED_LOCALES) -> list[Problem]:
    """Every template exists in every locale and compiles."""
    if not folder.is_dir():
        return []
    names = {path.stem for path in folder.glob("*/*.j2")}
    env = jinja2.Environment()
    problems = []
    for locale in _with_extra_locales(folder, locales):
        for name in sorted(names):
            path = folder / locale / f"{name}.j2"
            if not path.is_file():
                problems.append(Problem(str(path), "is missing"))
                continue
            try:
                env.parse(path.read_text(encoding="utf-8"))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(Problem(str(path), f"does not compile: {exc}"))
    return problems


def catalog_domain(package: Path) -> str | None:
    """The gettext domain of the catalogs under ``package/locales`` (one name), else None."""
    names = {path.stem for path in (package / "locales").glob("*/LC_MESSAGES/*.po")}
    return names.pop() if len(names) == 1 else None


def check_package_folder(package: Path) -> list[Problem]:
    """Checks for an application package that is not a skill but ships its own catalogs
    (``package/locales/<lang>/LC_MESSAGES/<domain>.po``), such as the marketplace portal."""
    domain = catalog_domain(package)
    if domain is None:
        return [Problem(str(package / "locales"), "holds no catalogs, or catalogs of more "
                                                  "than one domain")]
    return check_catalogs(package / "locales", used=used_messages(package), domain=domain)


def check_skill_folder(folder: Path) -> list[Problem]:
    """All checks for the folder holding a skill's manifest (its package)."""
    return (check_catalogs(folder / "locales", used=used_messages(folder))
            + check_prompts(folder / "prompts"))
