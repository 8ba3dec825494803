"""The simple repository API's two representations: PEP 503 HTML and PEP 691 JSON.

Pure functions from plain data to bytes, so the pages are easy to test and fast to make.
Version 1.1 of the API (PEP 700) adds ``versions``, ``size`` and ``upload-time``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any, Final

API_VERSION: Final = "1.1"
JSON_V1: Final = "application/vnd.pypi.simple.v1+json"
HTML_V1: Final = "application/vnd.pypi.simple.v1+html"
HTML_LEGACY: Final = "text/html"


@dataclass(frozen=True, slots=True)
class IndexFile:
    filename: str
    url: str
    sha256: str
    size: int
    version: str
    requires_python: str | None
    core_metadata_sha256: str | None
    yanked: bool
    yanked_reason: str | None
    uploaded_at: datetime


def _upload_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _html_page(title: str, links: Iterable[str]) -> bytes:
    body = "\n".join(f"    {link}<br/>" for link in links)
    return (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        f'    <meta name="pypi:repository-version" content="{API_VERSION}">\n'
        f"    <title>{escape(title)}</title>\n  </head>\n  <body>\n"
        f"    <h1>{escape(title)}</h1>\n{body}\n  </body>\n</html>\n"
    ).encode()


def root_html(names: Sequence[str]) -> bytes:
    return _html_page("Simple index",
                      (f'<a href="/simple/{escape(n)}/">{escape(n)}</a>' for n in names))


def root_json(names: Sequence[str]) -> bytes:
    return json.dumps({"meta": {"api-version": API_VERSION},
                       "projects": [{"name": n} for n in names]}).encode()


def _file_link(file: IndexFile) -> str:
    attrs = [f'href="{escape(file.url)}#sha256={file.sha256}"']
    if file.requires_python:
        attrs.append(f'data-requires-python="{escape(file.requires_python, quote=True)}"')
    if file.core_metadata_sha256:
        value = f"sha256={file.core_metadata_sha256}"
        attrs.append(f'data-dist-info-metadata="{value}"')
        attrs.append(f'data-core-metadata="{value}"')
    if file.yanked:
        attrs.append(f'data-yanked="{escape(file.yanked_reason or "", quote=True)}"')
    return f"<a {' '.join(attrs)}>{escape(file.filename)}</a>"


def project_html(name: str, files: Sequence[IndexFile]) -> bytes:
    return _html_page(f"Links for {name}", (_file_link(f) for f in files))


def project_json(name: str, files: Sequence[IndexFile], versions: Sequence[str]) -> bytes:
    entries: list[dict[str, Any]] = []
    for file in files:
        metadata: dict[str, str] | bool = (
            {"sha256": file.core_metadata_sha256} if file.core_metadata_sha256 else False)
        entry: dict[str, Any] = {
            "filename": file.filename,
            "url": file.url,
            "hashes": {"sha256": file.sha256},
            "requires-python": file.requires_python,
            "core-metadata": metadata,
            "dist-info-metadata": metadata,
            "yanked": (file.yanked_reason or True) if file.yanked else False,
            "size": file.size,
            "upload-time": _upload_time(file.uploaded_at),
        }
        entries.append(entry)
    return json.dumps({"meta": {"api-version": API_VERSION}, "name": name,
                       "versions": list(versions), "files": entries}).encode()


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with for an ``Accept`` header, or None (→ 406).

    Highest quality wins; on a tie, JSON, then the versioned HTML, then ``text/html``.
    No header, or ``*/*``, gets ``text/html`` as PEP 691 recommends for compatibility.
    """
    if not accept or not accept.strip():
        return HTML_LEGACY
    preference = (JSON_V1, HTML_V1, HTML_LEGACY)
    aliases = {"application/vnd.pypi.simple.latest+json": JSON_V1,
               "application/vnd.pypi.simple.latest+html": HTML_V1}
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0 or quality > 1:
            continue
        if media in ("*/*", "text/*"):
            candidates = [HTML_LEGACY]
        elif media == "application/*":
            candidates = [JSON_V1]
        else:
            media = aliases.get(media, media)
            candidates = [media] if media in preference else []
        for candidate in candidates:
            rank = (quality, -preference.index(candidate), candidate)
            if best is None or rank > best:
                best = rank
    return best[2] if best else None
