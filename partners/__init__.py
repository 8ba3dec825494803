"""The robeing partner program and, later, the partner developer portal.

``partners.program`` holds the program's rules as plain data and pure functions (tiers,
requirements, evidence, evaluation, benefits, revenue-share schedules, sale splits); this
package re-exports its public names so any part of the platform may ask
``from partners import rate_for, split_sale, may_publish_paid_skills``.
"""

from __future__ import annotations

from partners.program import *  # noqa: F403 - the program's public names are this package's
from partners.program import __all__ as __all__
