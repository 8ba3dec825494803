"""The runtime's licence check for paid skills: asked of the marketplace, cached, offline-safe.

Before a paid skill (its manifest's ``price.kind`` is not ``free``) runs for the first time,
the runtime asks the marketplace ``GET /v1/licences/verify?skill=NAME`` with the skill's
licence key. Keys come from the environment or a file:

- ``ROBEING_LICENCE_KEYS="skill-a=rbl_...,skill-b=rbl_..."``, or
- ``ROBEING_LICENCE_FILE`` (default ``~/.config/robeing/licences.toml``) with a
  ``[licences]`` table of ``skill = "rbl_..."``.

A valid answer is cached (the key's hash, never the key, in ``licence-cache.json`` beside the
config) and trusted for ``refresh`` (1 hour) before the marketplace is asked again. When the
marketplace cannot be reached, the last valid answer keeps the skill usable for a ``grace``
period (7 days) after it was given, never past the licence's own end. A missing, unknown,
revoked, expired or unconfirmed licence raises :class:`LicenceError` with one sentence that
the CLI shows in the user's language (``RobeingError.localizable``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import httpx

from robeing_sdk.errors import N_, SkillUnavailable

GRACE: Final = timedelta(days=7)
REFRESH: Final = timedelta(hours=1)
KEYS_ENV: Final = "ROBEING_LICENCE_KEYS"
FILE_ENV: Final = "ROBEING_LICENCE_FILE"


class LicenceError(SkillUnavailable):
    """A paid skill cannot run: ``reason`` is ``missing``, ``unknown_key``, ``revoked``,
    ``expired``, ``pending``, ``failed``, ``suspended`` or ``unreachable``."""


_SENTENCES: Final[dict[str, str]] = {
    "missing": N_("{skill} is a paid skill and no licence key is set for it; buy one in the "
                  "marketplace and add it to ROBEING_LICENCE_KEYS."),
    "unknown_key": N_("The licence key set for {skill} is not valid for it."),
    "revoked": N_("The licence for {skill} was revoked (refunded or disputed)."),
    "expired": N_("The licence for {skill} has expired; renew it in the marketplace."),
    "pending": N_("The payment for the {skill} licence is not confirmed yet."),
    "failed": N_("The payment for the {skill} licence was declined."),
    "suspended": N_("The licence for {skill} is suspended: its monthly usage charge failed. "
                    "It works again once a payment succeeds."),
    "unreachable": N_("The licence for {skill} could not be checked: the marketplace is "
                      "unreachable and the last check is older than {days} days."),
}


def _error(skill: str, reason: str, **params: Any) -> LicenceError:
    template = _SENTENCES.get(reason, _SENTENCES["unknown_key"])
    return LicenceError.localizable(template, context={"skill": skill, "reason": reason},
                                    skill=skill, **params)


def _config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "robeing"


def keys_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Licence keys by skill name, from ``ROBEING_LICENCE_KEYS`` over the licence file."""
    from packaging.utils import canonicalize_name

    env = os.environ if environ is None else environ
    keys: dict[str, str] = {}
    path = Path(env.get(FILE_ENV) or _config_dir() / "licences.toml")
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("licences", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            table = {}
        keys.update({canonicalize_name(k): str(v) for k, v in table.items()
                     if isinstance(v, str)})
    for item in env.get(KEYS_ENV, "").split(","):
        name, _, key = item.partition("=")
        if name.strip() and key.strip():
            keys[canonicalize_name(name.strip())] = key.strip()
    return keys


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class LicenceChecker:
    """Checks paid skills' licences against one marketplace. Thread-safe."""

    def __init__(self, marketplace_url: str, keys: Mapping[str, str], *,
                 cache_path: Path | None = None, grace: timedelta = GRACE,
                 refresh: timedelta = REFRESH, timeout: float = 5.0,
                 clock: Callable[[], float] = time.time,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url = marketplace_url.rstrip("/")
        self.keys = dict(keys)
        self.cache_path = cache_path
        self.grace = grace
        self.refresh = refresh
        self.timeout = timeout
        self._clock = clock
        self._transport = transport
        self._lock = threading.Lock()
        self._cache: dict[str, dict[str, Any]] = self._read_cache()

    @classmethod
    def from_environment(cls, marketplace_url: str,
                         environ: Mapping[str, str] | None = None) -> LicenceChecker:
        return cls(marketplace_url, keys_from_environment(environ),
                   cache_path=_config_dir() / "licence-cache.json")

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def check(self, skill: str) -> None:
        """Return if ``skill`` may run now; raise :class:`LicenceError` saying why not."""
        from packaging.utils import canonicalize_name

        name = canonicalize_name(skill)
        key = self.keys.get(name)
        if not key:
            raise _error(skill, "missing")
        now = self._now()
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and cached.get("key") != _hash(key):
            cached = None
        if cached is not None and self._fresh(cached, now, self.refresh):
            return
        try:
            verdict = self._ask(name, key)
        except httpx.HTTPError:
            if cached is not None and self._fresh(cached, now, self.grace):
                return  # offline: the last valid answer holds for the grace period
            raise _error(skill, "unreachable", days=self.grace.days) from None
        if verdict.get("valid") is not True:
            self._forget(name)
            raise _error(skill, str(verdict.get("reason") or "unknown_key"))
        self._remember(name, {"key": _hash(key), "checked_at": now.isoformat(),
                              "expires_at": verdict.get("expires_at")})

    @staticmethod
    def _fresh(entry: Mapping[str, Any], now: datetime, within: timedelta) -> bool:
        try:
            checked = datetime.fromisoformat(str(entry["checked_at"]))
            ends = entry.get("expires_at")
            if ends is not None and datetime.fromisoformat(str(ends)) <= now:
                return False
        except (KeyError, ValueError):
            return False
        return now - checked < within

    def _ask(self, name: str, key: str) -> dict[str, Any]:
        with httpx.Client(timeout=self.timeout, transport=self._transport) as client:
            response = client.get(f"{self.url}/v1/licences/verify", params={"skill": name},
                                  headers={"Authorization": f"Bearer {key}"})
        if response.status_code >= 500:
            raise httpx.HTTPStatusError("marketplace error", request=response.request,
                                        response=response)
        if response.status_code != 200:
            return {"valid": False, "reason": "unknown_key"}
        data = response.json()
        return data if isinstance(data, dict) else {"valid": False}

    # -- the cache file -----------------------------------------------------------------

    def _read_cache(self) -> dict[str, dict[str, Any]]:
        if self.cache_path is None or not self.cache_path.is_file():
            return {}
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, dict)} \
            if isinstance(data, dict) else {}

    def _remember(self, name: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._cache[name] = entry
            self._write_cache()

    def _forget(self, name: str) -> None:
        with self._lock:
            if self._cache.pop(name, None) is not None:
                self._write_cache()

    def _write_cache(self) -> None:
        if self.cache_path is None:
            return
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.cache_path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._cache, indent=1), encoding="utf-8")
            temporary.replace(self.cache_path)
        except OSError:
            pass  # a cache that cannot be written only means asking again next time


__all__ = ["GRACE", "REFRESH", "LicenceChecker", "LicenceError", "keys_from_environment"]
