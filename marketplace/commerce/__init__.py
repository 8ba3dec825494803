"""Commerce: prices, purchases through the payment provider, licences, usage billing.

``install(app, db)`` gives the app its payment provider (``app.state.payments``, chosen by
``BillingSettings``) and the commerce routes. The index asks :func:`is_paid` and
:func:`may_download` before serving a skill; the webhook applies events with
:func:`apply_webhook`.
"""

from typing import TYPE_CHECKING

from marketplace.lazy import lazy_exports

if TYPE_CHECKING:
    from marketplace.commerce.events import apply_webhook
    from marketplace.commerce.recovery import reconcile
    from marketplace.commerce.service import KEY_USER, check_licence, is_paid, may_download
    from marketplace.commerce.setup import build_provider, install

__getattr__ = lazy_exports(__name__, {
    "events": ("apply_webhook",),
    "recovery": ("reconcile",),
    "service": ("KEY_USER", "check_licence", "is_paid", "may_download"),
    "setup": ("build_provider", "install"),
})

__all__ = [
    "KEY_USER",
    "apply_webhook",
    "build_provider",
    "check_licence",
    "install",
    "is_paid",
    "may_download",
    "reconcile",
]
