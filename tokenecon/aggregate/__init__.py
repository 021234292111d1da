"""The one engine pass: canonical rows -> sums at the pricing grain, tasks and outcomes per use
case, rejected and repeated rows with where they came from.

In: canonical usage tables and the mapping. Out: :class:`~.types.UsageAggregates` (small, in
Python).

- :mod:`.types`: the result and option types (plain data: stages that only read the sums
  import these and load no engine).
- :mod:`.columns`: per-row expressions (billable tokens, cliff side, period, attributes).
- :mod:`.read`: the read path `analyze` and `convert` share: canonical rows, repeated ids, the
  duplicate rule (which copy is kept), progress, reading a small result.
- :mod:`.accounting`: where every row went (read, rejected, repeated, outside the period).
- :mod:`.query`: `analyze`'s one query (the grain and its roll-ups).
- :mod:`.merge`: the query's records filed into :class:`~.types.UsageAggregates`.
- :mod:`.rejects`: file and line of the first rejected rows.
- :mod:`.skipped`: CSV rows the fast read set aside (a big file's ragged rows), counted as
  rejected with their lines.
"""
