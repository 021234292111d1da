"""Writers on analyze's read path: the canonical usage as Parquet (``tokenecon.usage/v1``) and
as FOCUS CSV priced in the engine.

In: inputs and options. Out: files.

- :mod:`.parquet`: `tokenecon convert` (reading through :mod:`tokenecon.aggregate.read`),
  the Parquet layout, the atomic write.
- :mod:`.conversion`: what a conversion did (the summary).
- :mod:`.focus`: FOCUS rows priced in the engine; :mod:`.focus_prices` the price book as
  tables; :mod:`.focus_text` the text of decimals, tags and names.
"""
