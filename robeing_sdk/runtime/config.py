"""Runtime settings: environment variables (``ROBEING_*``) over the config file over defaults."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from robeing_sdk.errors import N_, RobeingError
from robeing_sdk.i18n.locales import SUPPORTED_LOCALES
from robeing_sdk.models import TimeZoneName


class BreakerSettings(BaseModel):
    """The seed's circuit breaker: 5 failures open it, 60 s to half-open, 3 trial calls."""

    model_config = ConfigDict(extra="forbid")

    failure_threshold: int = Field(5, ge=1)
    reset_timeout: float = Field(60.0, gt=0)
    half_open_calls: int = Field(3, ge=1)


class RuntimeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disabled: frozenset[str] = frozenset()
    only: frozenset[str] | None = Field(None, description="Load only these skills.")
    timeout: float = Field(10.0, gt=0, le=600, description="Default seconds per skill call.")
    isolation: Literal["thread", "process"] = Field(
        "thread", description="'process' runs each skill in a child process that can be killed.")
    llm_provider: str = "offline"
    locale: str = "en"
    locales: tuple[str, ...] = Field(
        SUPPORTED_LOCALES, description="Locales users may ask in; a skill may add more.")
    route_threshold: float = Field(0.35, ge=0, le=1)
    sync_fast_wait: float = Field(
        0.0005, ge=0, le=0.01,
        description="Seconds the event loop may block waiting for a sync skill's worker "
        "thread before it awaits instead (0 always awaits); quick skills answer sooner.")
    breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    llm_breaker: BreakerSettings = Field(default_factory=BreakerSettings)
    trace: bool = False
    marketplace_url: str = "http://127.0.0.1:8000"
    name: str = Field("Robeing", min_length=1, max_length=80,
                      description="The robeing's name, as skills introduce it.")
    timezone: TimeZoneName = Field("UTC", description="IANA time zone of the robeing's owner.")


def config_path() -> Path:
    if explicit := os.environ.get("ROBEING_CONFIG"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "robeing" / "config.toml"


def _env_skills(value: str) -> tuple[frozenset[str] | None, frozenset[str]]:
    """``ROBEING_SKILLS="a,b"`` loads only a and b; ``"no:c"`` disables c (like pytest -p no:)."""
    from packaging.utils import canonicalize_name

    only: set[str] = set()
    disabled: set[str] = set()
    for item in (part.strip() for part in value.split(",")):
        if item.startswith("no:"):
            disabled.add(canonicalize_name(item[3:]))
        elif item:
            only.add(canonicalize_name(item))
    return (frozenset(only) if only else None), frozenset(disabled)


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> RuntimeConfig:
    env = os.environ if environ is None else environ
    path = path or config_path()
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("runtime", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RobeingError.localizable(
                N_("The config file {path} is not valid TOML: {problem}."),
                path=path, problem=exc) from None
    if "ROBEING_SKILLS" in env:
        only, disabled = _env_skills(env["ROBEING_SKILLS"])
        if only is not None:
            data["only"] = only
        data["disabled"] = set(data.get("disabled", ())) | disabled
    if env.get("ROBEING_LOCALES"):
        data["locales"] = tuple(part.strip() for part in env["ROBEING_LOCALES"].split(",")
                                if part.strip())
    if env.get("ROBEING_TRACE", "") not in ("", "0"):
        data["trace"] = True
    for key, name in (("timeout", "ROBEING_TIMEOUT"), ("llm_provider", "ROBEING_LLM"),
                      ("locale", "ROBEING_LOCALE"), ("isolation", "ROBEING_ISOLATION"),
                      ("timezone", "ROBEING_TIMEZONE"), ("name", "ROBEING_NAME"),
                      ("marketplace_url", "ROBEING_MARKETPLACE_URL")):
        if name in env:
            data[key] = env[name]
    from pydantic import ValidationError

    from robeing_sdk.manifest import describe_validation_error

    try:
        return RuntimeConfig.model_validate(data)
    except ValidationError as exc:
        problem = describe_validation_error(exc)
        raise RobeingError(f"Runtime settings are invalid: {problem}.") from None


def save_disabled(disabled: frozenset[str], path: Path | None = None) -> Path:
    """Write the disabled set into the config file, keeping the file's other settings."""
    path = path or config_path()
    document: dict[str, Any] = {}
    if path.is_file():
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    runtime = document.setdefault("runtime", {})
    runtime["disabled"] = sorted(disabled)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump_toml(document), encoding="utf-8")
    return path


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _dump_toml(document: dict[str, Any]) -> str:
    lines: list[str] = []
    for table, values in document.items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)
