"""The analysis centre's pure cores: no web, no database.

- :mod:`~liaison.analysis.network`: link analysis (shortest paths with their edges' provenance, centrality,
  communities, structure over time) on igraph;
- :mod:`~liaison.analysis.money`: money flows (conversion at the transaction's date, tracing, common funders,
  the patterns analysts flag); :mod:`~liaison.analysis.rates` the dated rate table;
- :mod:`~liaison.analysis.gtd`: the Global Terrorism Database codebook's codes;
- :mod:`~liaison.analysis.forecast`: trends, forecasts with intervals, rolling-origin backtests and baselines;
- :mod:`~liaison.analysis.synthetic`: generated incidents with known structure, for the demo and the tests.

The read side that feeds them, with the bank's access rules applied in SQL, is in ``liaison.queries``.
"""
