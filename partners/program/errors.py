"""One exception tree for the partner program; callers branch on types, never on messages.

::

    ProgramError
    ├── ProgramDataError            the program file (or a schedule) is not valid data
    ├── TransitionError             a tier change that the rules refuse      (.partner_id)
    │   ├── NotPermittedError       the actor may not do this                (.actor_id)
    │   ├── InvalidTransitionError  not possible from the partner's state    (.partner_id)
    │   └── RequirementsNotMetError the target tier's requirements are unmet (.tier, .missing)
    ├── RevenueShareError
    │   ├── NoScheduleInEffectError no schedule was in force at the time     (.at)
    │   ├── RetroactiveChangeError  a schedule or change dated before now    (.effective_from)
    │   ├── ScheduleConflictError   versions or dates out of order           (.version)
    │   └── ContractError           a strategic contract that cannot apply   (.contract)
    ├── SplitError
    │   ├── CurrencyMismatchError   amounts in different currencies          (.currencies)
    │   ├── InvalidAmountError      zero or negative where a payment is needed (.amount)
    │   └── RefundExceedsPaymentError refunds beyond what was paid           (.refundable)
    └── NaiveTimestampError         a time without a time zone (also a ValueError)

Every sentence a person may read is raised as an ``N_``-marked English template with its
values (:meth:`ProgramError.localizable`; :func:`invalid` inside pydantic validators), so
the web layer can say it in the reader's language from the ``partners`` gettext catalogs
(``partners/locales``); ``str(error)`` stays the English sentence.

The web layer maps them to HTTP in one place: ``NotPermittedError`` → 403,
``InvalidTransitionError`` / ``RequirementsNotMetError`` → 409, ``SplitError`` and
``ProgramDataError`` → 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from pydantic_core import PydanticCustomError

from robeing_sdk.errors import N_

if TYPE_CHECKING:
    from partners.program.revenue_share import StrategicContract
    from partners.program.tiers import Tier
    from robeing_sdk.models import Money


class Plural(NamedTuple):
    """A plural template pair and its number ``n`` (also a value of the sentence); the
    catalog's plural rules pick the form, never an added "s"."""

    singular: str
    plural: str
    n: int

    def english(self) -> str:
        return self.singular if self.n == 1 else self.plural


def ngettext(singular: str, plural: str, n: int) -> Plural:
    """Mark a plural template pair for extraction; it is chosen and translated when shown."""
    return Plural(singular, plural, n)


class ProgramError(Exception):
    """Base of every error the partner program raises."""

    template: str | Plural | None = None
    params: dict[str, Any] = {}  # noqa: RUF012 - replaced per instance, never mutated

    @classmethod
    def localizable(cls, template: str | Plural, /, *, context: dict[str, Any] | None = None,
                    **params: Any) -> Self:
        """The error from an ``N_`` template (or an :func:`ngettext` pair) and its values;
        ``context`` fills attributes."""
        if isinstance(template, Plural):
            params = {"n": template.n, **params}
            english = template.english()
        else:
            english = template
        error = cls(english.format(**params), **(context or {}))
        error.template, error.params = template, params
        return error


VALIDATION_ERROR_TYPE = "partner_program"


def invalid(template: str, /, **params: Any) -> PydanticCustomError:
    """A validator's refusal, as pydantic reports it: one English sentence, with its
    template and values kept in ``ctx`` (``template`` and the values) for translation."""
    return PydanticCustomError(VALIDATION_ERROR_TYPE, template, {"template": template, **params})


class ProgramDataError(ProgramError):
    """The program data (requirements, benefits, schedules) is not valid.

    The message is one sentence naming the file, the field and what is wrong with it; the
    field's problem is kept as ``problem`` (a template and values, or English from pydantic)
    so that it can be said in the reader's language as well.
    """

    problem: dict[str, Any] | None = None

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source


class TransitionError(ProgramError):
    """A promotion, rejection or demotion that the rules refuse."""

    def __init__(self, message: str, *, partner_id: object = None) -> None:
        super().__init__(message)
        self.partner_id = partner_id


class NotPermittedError(TransitionError):
    """The actor's role (or organization) does not allow the action."""

    def __init__(self, message: str, *, partner_id: object = None, actor_id: str = "") -> None:
        super().__init__(message, partner_id=partner_id)
        self.actor_id = actor_id


class InvalidTransitionError(TransitionError):
    """The action is not possible from the partner's current state (nothing pending, etc.)."""


class RequirementsNotMetError(TransitionError):
    """The target tier's requirements (or a lower tier's) are not all met."""

    def __init__(self, message: str, *, partner_id: object = None, tier: Tier,
                 missing: Sequence[str] = ()) -> None:
        super().__init__(message, partner_id=partner_id)
        self.tier = tier
        self.missing = tuple(missing)


class RevenueShareError(ProgramError):
    """A revenue-share schedule, contract or rate lookup that cannot be honoured."""


class NoScheduleInEffectError(RevenueShareError):
    """No schedule had taken effect at the sale time."""

    def __init__(self, message: str, *, at: datetime) -> None:
        super().__init__(message)
        self.at = at


class RetroactiveChangeError(RevenueShareError):
    """A schedule or change would take effect before the moment it is made."""

    def __init__(self, message: str, *, effective_from: datetime) -> None:
        super().__init__(message)
        self.effective_from = effective_from


class ScheduleConflictError(RevenueShareError):
    """A schedule's version or effective date does not follow the published ones."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


class ContractError(RevenueShareError):
    """A strategic contract outside the staff's bounds, or given for a non-strategic tier."""

    def __init__(self, message: str, *, contract: StrategicContract) -> None:
        super().__init__(message)
        self.contract = contract


class SplitError(ProgramError):
    """A sale or refund that cannot be split exactly."""


class CurrencyMismatchError(SplitError):
    """Amounts that must share a currency do not."""

    def __init__(self, message: str, *, currencies: Sequence[str]) -> None:
        super().__init__(message)
        self.currencies = tuple(currencies)


class InvalidAmountError(SplitError):
    """A zero or negative amount where a positive one is needed."""

    def __init__(self, message: str, *, amount: Money) -> None:
        super().__init__(message)
        self.amount = amount


class RefundExceedsPaymentError(SplitError):
    """The refunds would return more than the buyer paid."""

    def __init__(self, message: str, *, refundable: Money) -> None:
        super().__init__(message)
        self.refundable = refundable


class NaiveTimestampError(ProgramError, ValueError):
    """A timestamp without a time zone; the program only reasons about aware times."""


def require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` if it carries a time zone, else raise :class:`NaiveTimestampError`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveTimestampError.localizable(N_("{name} must carry a time zone (got {value})."),
                                              name=name, value=value.isoformat())
    return value


__all__ = [
    "VALIDATION_ERROR_TYPE",
    "ContractError",
    "CurrencyMismatchError",
    "InvalidAmountError",
    "InvalidTransitionError",
    "NaiveTimestampError",
    "NoScheduleInEffectError",
    "NotPermittedError",
    "Plural",
    "ProgramDataError",
    "ProgramError",
    "RefundExceedsPaymentError",
    "RequirementsNotMetError",
    "RetroactiveChangeError",
    "RevenueShareError",
    "ScheduleConflictError",
    "SplitError",
    "TransitionError",
    "invalid",
    "ngettext",
]
