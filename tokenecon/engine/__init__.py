"""The engine: connecting to embedded DuckDB or PySpark, the session settings, progress while
it scans, and small in-memory tables. Everything DuckDB- or Spark-specific beyond reading lives
here; it imports no other stage.

In: an engine name and options. Out: an Ibis backend.
"""
