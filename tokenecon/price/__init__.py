"""Prices: the price book (generated default plus user books), resolution of model names,
exact pricing of aggregated usage, and reconciliation against the source's own cost.

In: aggregated usage groups and price books. Out: priced groups in :class:`~decimal.Decimal`.
Modules: ``rates`` (one dated price), ``periods`` (discounts, constant-price stretches,
costs), ``resolve`` (name rules), ``model`` (the loaded book), ``book`` (YAML loading),
``sources``/``history``/``write`` (building a book from litellm or genai-prices data),
``compare`` (what changed between two books), ``apply``/``reconcile``/``listing``.
"""
