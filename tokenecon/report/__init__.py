"""The report document (``tokenecon.report/v1``) and the analysis that builds it: reading,
aggregating, pricing, decomposing and diagnosing in order.

In: inputs and options. Out: a versioned JSON-ready report document.
"""
