"""Rendering pages: one Jinja environment (autoescaped), the request's language, headers.

Every page is ``text/html; charset=utf-8`` with ``<html lang>`` set, and carries headers that
keep it out of frames and caches (pages show tokens and money) and forbid inline scripts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import jinja2
from fastapi.responses import HTMLResponse
from starlette.requests import Request

from marketplace.portal.i18n import LANGUAGE_NAMES, pick_locale, texts_for
from marketplace.portal.sessions import SignedIn
from robeing_sdk import __version__

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def here(request: Request) -> str:
    """The current path and query, for ``next=`` links (always a local path)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def page(request: Request, template: str, user: SignedIn | None, *, status: int = 200,
         **context: Any) -> HTMLResponse:
    texts = texts_for(pick_locale(request))
    context = {"notice": None, "error": None, "error_title": None, "detail": None,
               **context}
    body = environment().get_template(template).render(
        request=request, user=user, t=texts, _=texts.gettext, ngettext=texts.ngettext,
        lang=texts.locale, languages=LANGUAGE_NAMES, here=quote(here(request), safe="/?=&"),
        version=__version__, **context)
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
