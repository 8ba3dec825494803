"""Self-registration (``/portal/register``): a new partner signs itself up.

Operators turn it off with ``ROBEING_PORTAL_REGISTRATION=false``: the page answers 404 and
the sign-in page has no link to it. The form is guarded like the sign-in form (double-submit
CSRF cookie, attempts counted per client address); see :mod:`marketplace.portal.registration`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from marketplace.accounts.models import PartnerCreate
from marketplace.deps import DatabaseDep, SettingsDep
from marketplace.portal import passwords, registration, sessions
from marketplace.portal.auth import (
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    Viewer,
    check_sign_in_csrf,
    set_cookie,
    sign_in_csrf,
)
from marketplace.portal.calls import Refused, read, write
from marketplace.portal.i18n import Texts, pick_locale, texts_for
from marketplace.portal.render import page
from marketplace.portal.texts import PARTNER_TYPES, named
from partners.program import PartnerType

router = APIRouter()
Field = Annotated[str, Form(max_length=4096)]


def _page(request: Request, *, status: int = 200, error: str | None = None,
          **values: str) -> Response:
    texts = texts_for(pick_locale(request))
    csrf = sign_in_csrf(request)
    form = {"name": "", "email": "", "partner_type": PartnerType.TECHNOLOGY.value, **values}
    response = page(request, "register.html", None, status=status, error=error, csrf=csrf,
                    form=form, partner_types=[(kind.value, named(texts, PARTNER_TYPES,
                                                                 kind.value))
                                              for kind in PartnerType])
    set_cookie(request, response, SIGN_IN_CSRF_COOKIE, csrf, max_age=3600)
    return response


def _not_found(request: Request) -> Response:
    return page(request, "error.html", None, status=404, code=404)


@router.get("/register")
def register_form(request: Request, user: Viewer, settings: SettingsDep) -> Response:
    if not settings.portal_registration:
        return _not_found(request)
    if user is not None:
        return RedirectResponse("/portal/dashboard", status_code=303)
    return _page(request)


def _problem(texts: Texts, name: str, email: str, password: str, repeat: str,
             partner_type: str) -> str | None:
    """The one sentence saying what is wrong with the form, or None."""
    try:
        PartnerCreate.model_validate({"name": name, "email": email})
    except ValidationError as exc:
        if str(exc.errors()[0]["loc"][0]) == "name":
            return texts.gettext("A name is 1 to 100 letters, digits, spaces, dots, hyphens "
                                 "or underscores, starting with a letter or digit.")
        return texts.gettext("Enter an e-mail address such as name@example.com.")
    weak = passwords.weakness(password)
    if weak is not None:
        return texts.gettext(weak[0], n=weak[1])
    if password != repeat:
        return texts.gettext("The two passwords differ.")
    if partner_type not in set(PartnerType):
        return texts.gettext("Choose one of the partner types.")
    return None


@router.post("/register")
def register(request: Request, db: DatabaseDep, settings: SettingsDep, csrf_token: Field = "",
             name: Field = "", email: Field = "", password: Field = "", repeat: Field = "",
             partner_type: Field = "") -> Response:
    if not settings.portal_registration:
        return _not_found(request)
    check_sign_in_csrf(request, csrf_token)
    texts = texts_for(pick_locale(request))
    name, email = name.strip(), email.strip()
    kept = {"name": name, "email": email, "partner_type": partner_type}
    client = request.client.host if request.client else "unknown"
    now = sessions.now()
    if read(db, lambda s: registration.too_many(s, client, now)):
        minutes = int(sessions.FAILURE_WINDOW.total_seconds() // 60)
        response = _page(request, status=429, error=texts.gettext(
            "Too many registrations from your address; try again in {n} minutes.",
            n=minutes), **kept)
        response.headers["Retry-After"] = str(int(sessions.FAILURE_WINDOW.total_seconds()))
        return response
    write(db, lambda s: registration.record_attempt(s, client, now))
    problem = _problem(texts, name, email, password, repeat, partner_type)
    if problem is not None:
        return _page(request, status=422, error=problem, **kept)
    earlier = request.cookies.get(SESSION_COOKIE)  # this browser's old session ends

    def sign_up(session: Session) -> str:
        sessions.sign_out(session, earlier)
        return registration.register(session, name, email, password,
                                     PartnerType(partner_type), now)

    secret: str | None = None
    for _attempt in range(2):  # a concurrent double send loses the insert race: look again
        try:
            secret = write(db, sign_up)
            break
        except IntegrityError:
            continue
        except registration.Taken as exc:
            taken = texts.gettext("An account with this e-mail address already exists; "
                                  "sign in instead.") if exc.what == "email" else None
            return _page(request, status=409, error=taken or texts.gettext(
                "A partner with this name already exists; choose another name."), **kept)
        except Refused as exc:
            return _page(request, status=exc.status, error=exc.say(texts.locale), **kept)
    if secret is None:  # pragma: no cover - two lost races in a row
        return _page(request, status=409, error=texts.gettext(
            "A partner with this name already exists; choose another name."), **kept)
    response = RedirectResponse("/portal/dashboard?welcome=1", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, secret,
               max_age=int(sessions.SESSION_LIFETIME.total_seconds()))
    # The double-submit cookie stays: a second send of this form must find it and get the
    # same answer (see registration.py), not a 403.
    return response
