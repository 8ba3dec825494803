"""Signing in and out, the language switch, the account page and API tokens."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from marketplace.accounts import service as accounts
from marketplace.accounts.models import ApiTokenCreate, ApiTokenIssued, TokenRole
from marketplace.deps import DatabaseDep
from marketplace.partners import service as partners
from marketplace.partners.schemas import ProfileUpdate
from marketplace.portal import passwords, sessions
from marketplace.portal.auth import (
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    SignedInUser,
    Viewer,
    check_csrf,
    check_sign_in_csrf,
    safe_next,
    set_cookie,
    sign_in_csrf,
)
from marketplace.portal.calls import Refused, read, write
from marketplace.portal.i18n import LANG_COOKIE, pick_locale, texts_for
from marketplace.portal.render import page
from marketplace.portal.texts import PARTNER_TYPES, named
from partners.program import PartnerType

router = APIRouter()
Field = Annotated[str, Form(max_length=4096)]
YEAR = 365 * 24 * 3600


@router.get("/")
def home(user: Viewer) -> Response:
    return RedirectResponse("/portal/dashboard" if user else "/portal/sign-in", status_code=303)


@router.get("/language")
def language(request: Request, lang: str = "en", next: str = "/portal/") -> Response:
    """Remember the chosen language in a cookie and go back to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    chosen = pick_locale(request)  # ?lang= wins; an unknown tag changes nothing
    response.set_cookie(LANG_COOKIE, chosen, max_age=YEAR, path="/", samesite="lax",
                        secure=request.url.scheme == "https")
    return response


def _sign_in_page(request: Request, *, status: int = 200, error: str | None = None,
                  email: str = "", next_path: str = "/portal/") -> Response:
    csrf = sign_in_csrf(request)
    response = page(request, "sign_in.html", None, status=status, error=error, csrf=csrf,
                    email=email, next=safe_next(next_path),
                    registration=request.app.state.settings.portal_registration)
    set_cookie(request, response, SIGN_IN_CSRF_COOKIE, csrf, max_age=3600)
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, user: Viewer, next: str = "/portal/") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _sign_in_page(request, next_path=next)


@router.post("/sign-in")
def sign_in(request: Request, db: DatabaseDep, csrf_token: Field = "", method: Field = "",
            email: Field = "", password: Field = "", token: Field = "",
            next: Field = "/portal/") -> Response:
    check_sign_in_csrf(request, csrf_token)
    texts = texts_for(pick_locale(request))
    client = request.client.host if request.client else "unknown"
    who = email if method == "password" else None
    now = sessions.now()
    try:
        read(db, lambda s: sessions.check_rate(s, client, who, now))
        principal = read(db, lambda s: sessions.password_holder(s, email, password)
                         if method == "password" else sessions.token_holder(s, token))
        earlier = request.cookies.get(SESSION_COOKIE)  # this browser's old session ends

        def reopen(session: Session) -> str:
            sessions.sign_out(session, earlier)
            return sessions.open_session(session, principal, now)

        secret = write(db, reopen)
    except Refused as exc:
        if exc.status == 401:
            write(db, lambda s: sessions.record_failure(s, client, who, now))
            message = texts.gettext("Wrong e-mail or password.") if method == "password" \
                else texts.gettext("This token is unknown or revoked.")
        else:
            minutes = int(sessions.FAILURE_WINDOW.total_seconds() // 60)
            message = texts.gettext("Too many failed sign-ins; try again in {n} minutes.",
                                    n=minutes) if exc.status == 429 else exc.say(texts.locale)
        response = _sign_in_page(request, status=exc.status, error=message, email=email,
                                 next_path=next)
        if exc.status == 429:
            response.headers["Retry-After"] = str(int(sessions.FAILURE_WINDOW.total_seconds()))
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, secret,
               max_age=int(sessions.SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/portal")
    return response


@router.post("/sign-out")
def sign_out(request: Request, user: SignedInUser, db: DatabaseDep,
             csrf_token: Field = "") -> Response:
    check_csrf(user, csrf_token)
    write(db, lambda s: sessions.sign_out(s, request.cookies.get(SESSION_COOKIE)))
    response = RedirectResponse("/portal/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/portal")
    return response


# ── account ───────────────────────────────────────────────────────────────────────────────
def _account(request: Request, user: SignedInUser, db: DatabaseDep, *, status: int = 200,
             error: str | None = None, notice: str | None = None) -> Response:
    def load(session: Session) -> tuple[str | None, PartnerType | None, str | None]:
        me = partners.me(session, user.principal, partners.now())
        return (sessions.credential_email(session, user.principal.partner_id),
                me.partner_type, me.locale)

    email, partner_type, preferred = read(db, load)
    texts = texts_for(pick_locale(request))
    return page(request, "account.html", user, status=status, error=error, notice=notice,
                email=email, partner_type=partner_type, preferred=preferred,
                partner_types=[(kind.value, named(texts, PARTNER_TYPES, kind.value))
                               for kind in PartnerType])


@router.get("/account")
def account(request: Request, user: SignedInUser, db: DatabaseDep) -> Response:
    return _account(request, user, db)


@router.post("/account/password")
def set_password(request: Request, user: SignedInUser, db: DatabaseDep,
                 csrf_token: Field = "", password: Field = "", repeat: Field = "") -> Response:
    check_csrf(user, csrf_token)
    texts = texts_for(pick_locale(request))
    weak = passwords.weakness(password)
    if weak is not None:
        return _account(request, user, db, status=422,
                        error=texts.gettext(weak[0], n=weak[1]))
    if password != repeat:
        return _account(request, user, db, status=422,
                        error=texts.gettext("The two passwords differ."))
    keep = request.cookies.get(SESSION_COOKIE)
    try:
        email = write(db, lambda s: sessions.set_password(s, user.principal, password,
                                                          sessions.now(), keep=keep))
    except Refused as exc:
        return _account(request, user, db, status=exc.status, error=exc.say(pick_locale(request)))
    return _account(request, user, db, notice=texts.gettext(
        "Password set: sign in with {email} and this password.", email=email))


@router.post("/account/language")
def set_language(request: Request, user: SignedInUser, db: DatabaseDep,
                 csrf_token: Field = "", locale: Field = "") -> Response:
    """The account's language (empty: follow the browser). This browser's switcher cookie
    is cleared, so the saved language is the one shown here from now on."""
    check_csrf(user, csrf_token)
    try:
        write(db, lambda s: accounts.set_locale(s, user.principal.partner_id, locale))
    except Refused as exc:
        return _account(request, user, db, status=exc.status,
                        error=exc.say(pick_locale(request)))
    response = RedirectResponse("/portal/account", status_code=303)
    response.delete_cookie(LANG_COOKIE, path="/")
    return response


@router.post("/account/type")
def set_partner_type(request: Request, user: SignedInUser, db: DatabaseDep,
                     csrf_token: Field = "", partner_type: Field = "") -> Response:
    """A partner admin says what kind of business the partner is (nothing else changes)."""
    check_csrf(user, csrf_token)
    if partner_type not in set(PartnerType):
        return _account(request, user, db, status=422, error=texts_for(
            pick_locale(request)).gettext("Choose one of the partner types."))
    data = ProfileUpdate(partner_type=PartnerType(partner_type))
    try:
        write(db, lambda s: partners.update_profile(s, user.principal, data, partners.now()))
    except Refused as exc:
        return _account(request, user, db, status=exc.status,
                        error=exc.say(pick_locale(request)))
    return RedirectResponse("/portal/account", status_code=303)


# ── API tokens ────────────────────────────────────────────────────────────────────────────
def _tokens(request: Request, user: SignedInUser, db: DatabaseDep, *, status: int = 200,
            **context: object) -> Response:
    tokens = read(db, lambda s: accounts.list_tokens(s, user.principal.partner_id))
    tokens.sort(key=lambda token: (token.revoked_at is not None, token.created_at),
                reverse=False)
    return page(request, "tokens.html", user, status=status, tokens=tokens,
                issued=context.pop("issued", None), nonce=secrets.token_urlsafe(16), **context)


@router.get("/tokens")
def tokens(request: Request, user: SignedInUser, db: DatabaseDep) -> Response:
    return _tokens(request, user, db)


@router.post("/tokens")
def create_token(request: Request, user: SignedInUser, db: DatabaseDep,
                 csrf_token: Field = "", description: Field = "", skill_name: Field = "",
                 role: Field = "member", nonce: Field = "") -> Response:
    """Issue a token. The form carries a nonce: sent twice, it issues one token (the
    secret was shown after the first) and says so."""
    check_csrf(user, csrf_token)
    texts = texts_for(pick_locale(request))
    try:
        data = ApiTokenCreate(description=description.strip(),
                              skill_name=skill_name.strip() or None,
                              role=TokenRole(role) if role in set(TokenRole) else TokenRole.MEMBER)
        data = ApiTokenCreate.model_validate(data.model_dump())
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        return _tokens(request, user, db, status=422, error=f"{field}: {exc.errors()[0]['msg']}")

    def issue(session: Session) -> ApiTokenIssued | None:
        accounts.check_may_issue(user.principal, data)
        if not sessions.first_send(session, request.cookies.get(SESSION_COOKIE), nonce):
            return None
        return accounts.issue_token(session, user.principal.partner_id, data)

    try:
        issued = write(db, issue)
    except Refused as exc:
        return _tokens(request, user, db, status=exc.status, error=exc.say(pick_locale(request)))
    if issued is None:
        return _tokens(request, user, db, status=409, error=texts.gettext(
            "This form was already sent: the token was made once, and its secret was shown "
            "then. Revoke it if you did not copy it."))
    return _tokens(request, user, db, status=201, issued=issued)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: uuid.UUID, user: SignedInUser, db: DatabaseDep,
                 csrf_token: Field = "") -> Response:
    check_csrf(user, csrf_token)
    try:
        write(db, lambda s: accounts.revoke_token(s, user.principal.partner_id, token_id,
                                                  user.principal.role))
    except Refused as exc:
        return _tokens(request, user, db, status=exc.status, error=exc.say(pick_locale(request)))
    return RedirectResponse("/portal/tokens", status_code=303)
