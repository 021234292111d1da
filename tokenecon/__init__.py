"""tokenecon: unit economics for LLM usage.

cost per outcome = cost/token x tokens/task x tasks/outcome.

The stages, bottom to top; each imports only the ones before it (``tests/test_layering.py``):

0. ``errors``, ``yamlfile``, ``progress``, ``units`` (shares), ``redact`` (database passwords),
   ``outputs`` (atomic output files), ``scratch`` (the run's temporary folder), ``csvsafe``
   (spreadsheet-safe text cells): foundations
   every stage may use.
1. ``engine``: DuckDB or Spark behind Ibis.
2. ``ingest``: one adapter per source format -> the canonical usage table.
3. ``attribute``: the outcome mapping -> use case, task and outcome expressions.
4. ``aggregate``: the one engine pass -> usage sums, tasks, outcomes, rejected rows.
5. ``price``: price books, resolution, exact pricing, reconciliation.
6. ``economics``: the three factors, fully loaded cost, diagnosis, board lines.
7. ``report``: the analysis run end to end -> the ``tokenecon.report/v1`` document.
8. ``whatif``: levers and scenarios on an analysed month.
9. ``diff``: report x report, LMDI, thresholds.
10. ``convert``: Parquet and FOCUS writers on analyze's read path.

On top: ``render`` (Rich, Markdown, HTML) and ``cli`` (Typer). The user reference is ``docs/``.
"""
