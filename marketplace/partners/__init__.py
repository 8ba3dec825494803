"""The partner program in the marketplace: tables, service and REST API under /v1/partners.

The rules are :mod:`partners.program`'s; other domains ask :mod:`marketplace.partners.service`
(``tier_of``, ``may_publish_paid_skills``, ``rate_for_sale``), never these tables.
"""
