"""Renderers: they read report documents only (cli -> render -> core)."""
