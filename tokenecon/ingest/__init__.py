"""Adapters from usage sources to the canonical usage table (SPEC 2.1).

The only code that opens usage files.
"""
