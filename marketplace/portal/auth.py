"""Who is looking at a page, and the guards in front of pages and forms.

* :data:`Viewer` — the live session behind the cookie, or None;
* :data:`SignedInUser` — a session, or a redirect to the sign-in page (303, ``next=`` kept);
* :data:`StaffUser` — a staff session; partners get a 403 page;
* :func:`check_csrf` — every POST form carries its session's CSRF token; a missing or wrong
  one is a 403 page and nothing is done. The sign-in form, made before any session exists,
  uses a double-submit cookie instead.

Cookies are ``HttpOnly``, ``SameSite=Lax``, ``Path=/portal`` and ``Secure`` whenever the
request came over https.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Final

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.responses import HTMLResponse

from marketplace.deps import DatabaseDep
from marketplace.portal import sessions
from marketplace.portal.calls import Refused
from marketplace.portal.i18n import pick_locale, remember_profile
from marketplace.portal.render import here, page
from marketplace.portal.sessions import SignedIn

SESSION_COOKIE: Final = "robeing_portal"
SIGN_IN_CSRF_COOKIE: Final = "robeing_portal_csrf"
PREFIX: Final = "/portal"


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbidden(Exception):
    """A 403 page: signed in, but not allowed here (or a form without its CSRF token)."""

    def __init__(self, user: SignedIn | None = None) -> None:
        super().__init__("forbidden")
        self.user = user


def viewer(request: Request, db: DatabaseDep) -> SignedIn | None:
    with db.read() as session:
        user = sessions.current(session, request.cookies.get(SESSION_COOKIE), sessions.now())
    remember_profile(request, user.principal.locale if user else None)
    return user


Viewer = Annotated[SignedIn | None, Depends(viewer)]


def signed_in(request: Request, user: Viewer) -> SignedIn:
    if user is None:
        raise SignInRequired(here(request))
    return user


SignedInUser = Annotated[SignedIn, Depends(signed_in)]


def staff_only(user: SignedInUser) -> SignedIn:
    if not user.principal.is_staff:
        raise PageForbidden(user)
    return user


StaffUser = Annotated[SignedIn, Depends(staff_only)]


def check_csrf(user: SignedIn, sent: str) -> None:
    if not sent or not hmac.compare_digest(sent.encode(), user.csrf_token.encode()):
        raise PageForbidden(user)


def sign_in_csrf(request: Request) -> str:
    """The double-submit value for the sign-in form (the cookie's, or a new one)."""
    return request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def check_sign_in_csrf(request: Request, sent: str) -> None:
    cookie = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    if not sent or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise PageForbidden()


def set_cookie(request: Request, response: Response, name: str, value: str,
               max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path inside the portal, never another site."""
    if value and value.startswith(PREFIX + "/") and "//" not in value and "\\" not in value:
        return value
    return PREFIX + "/"


def install_handlers(app: FastAPI) -> None:
    async def to_sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        from urllib.parse import quote

        return RedirectResponse(f"{PREFIX}/sign-in?next={quote(exc.next_path)}",
                                status_code=303)

    async def forbidden(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, PageForbidden)
        return page(request, "error.html", exc.user, status=403, code=403)

    async def refused(request: Request, exc: Exception) -> HTMLResponse:
        """A page whose service said no (a skill that is not the viewer's, say)."""
        assert isinstance(exc, Refused)
        user = viewer(request, request.app.state.db)
        return page(request, "error.html", user, status=exc.status, code=exc.status,
                    detail=exc.say(pick_locale(request)))

    app.add_exception_handler(SignInRequired, to_sign_in)
    app.add_exception_handler(PageForbidden, forbidden)
    app.add_exception_handler(Refused, refused)
