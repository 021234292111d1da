"""The engine: connecting to embedded DuckDB or PySpark, the session settings, progress while
it scans, and small in-memory tables. Everything DuckDB- or Spark-specific beyond reading lives
here; it imports no other stage.

In: an engine name and options. Out: an Ibis backend.

- :mod:`.connect`: the connection and its settings (memory limit, spill folder, UTC).
- :mod:`.progress`: how far a running query is.
- :mod:`.dialect`: what differs between the engines: small tables, numbered scans, writing.
"""
