"""The one engine pass: canonical rows -> sums at the pricing grain, tasks and outcomes per use
case, rejected and repeated rows with where they came from.

In: canonical usage tables and the mapping. Out: :class:`UsageAggregates` (small, in Python).
"""
