"""Adapters from usage sources to the canonical usage table (docs/usage-record.md).

The only code that opens usage files.
"""
