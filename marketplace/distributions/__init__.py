"""Validating uploaded distributions for the marketplace, without executing any of them.

One function, :func:`inspect_distribution`, reads a wheel or an sdist as data (zip or tar,
email headers, INI and TOML text) and either returns an :class:`InspectedFile` or raises
:class:`DistributionRejected` with one sentence naming the problem (:class:`TooLarge` when
the file is over the upload limit). What is checked, and every sentence, is listed for
skill authors in ``docs/marketplace/upload-validation.md``.
"""

from marketplace.distributions.errors import DistributionRejected, TooLarge
from marketplace.distributions.inspect import InspectedFile, inspect_distribution
from marketplace.distributions.limits import Limits

__all__ = [
    "DistributionRejected",
    "InspectedFile",
    "Limits",
    "TooLarge",
    "inspect_distribution",
]
