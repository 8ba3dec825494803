"""Password hashing with scrypt (``hashlib.scrypt``, RFC 7914), a memory-hard KDF.

A stored hash reads ``scrypt$n$r$p$salt$hash`` (salt and hash base64), so the cost can be
raised later without breaking existing hashes. Verification compares in constant time, and
:func:`burn` spends the same work when there is no hash to compare, so an unknown e-mail
answers as slowly as a wrong password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

from marketplace.portal.i18n import N_

N: Final = 2**14
R: Final = 8
P: Final = 1
MIN_LENGTH: Final = 10
MAX_LENGTH: Final = 256  # scrypt reads all of it; bound the work a request can ask for


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=64 * 1024 * 1024)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P)
    encode = base64.b64encode
    return f"scrypt${N}${R}${P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    if len(password) > MAX_LENGTH:  # no password that long is ever set
        burn("")
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def burn(password: str) -> None:
    """Do a verification's work for nothing (unknown account: same time as a wrong password)."""
    _scrypt(password[:MAX_LENGTH], b"\0" * 16, N, R, P)


def weakness(password: str) -> tuple[str, int] | None:
    """Why a new password is refused (a gettext source text and its ``n``), or None."""
    if len(password) < MIN_LENGTH:
        return N_("The password must be at least {n} characters long."), MIN_LENGTH
    if len(password) > MAX_LENGTH:
        return N_("The password must be at most {n} characters long."), MAX_LENGTH
    return None
