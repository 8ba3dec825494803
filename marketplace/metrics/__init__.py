"""Business metrics from real data: configured costs, unit economics, MRR, churn, LTV, CAC.

* :mod:`~marketplace.metrics.costs` — the cost structure as data (``costs.toml``);
* :mod:`~marketplace.metrics.economics` — the arithmetic, pure and exact;
* :mod:`~marketplace.metrics.queries` — what commerce's, the ledger's and the releases'
  tables say about a month (read-only);
* :mod:`~marketplace.metrics.report` — the two put together, each figure with its source;
* :mod:`~marketplace.metrics.routes` and :mod:`~marketplace.metrics.cli` — staff API, CLI.
"""
