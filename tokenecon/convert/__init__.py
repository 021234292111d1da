"""Writers on analyze's read path: the canonical usage as Parquet (``tokenecon.usage/v1``) and
as FOCUS CSV priced in the engine.

In: inputs and options. Out: files.
"""
