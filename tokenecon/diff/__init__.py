"""Report x report -> differences: per use case and model, the exact LMDI split of the change,
and thresholds for CI (``--fail-on``).

In: two report documents. Out: a ``tokenecon.diff/v1`` document and crossed thresholds.
"""
