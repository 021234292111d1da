"""Prices: the price book (generated default plus user books), resolution of model names,
exact pricing of aggregated usage, and reconciliation against the source's own cost.

In: aggregated usage groups and price books. Out: priced groups in :class:`~decimal.Decimal`.
"""
