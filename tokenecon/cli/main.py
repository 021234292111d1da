"""The `tokenecon` command line: imports every command module so that each registers on the app."""

from __future__ import annotations

from tokenecon.cli import (  # noqa: F401  (each module registers its command)
    analyze,
    chargeback,
    convert,
    count,
    diff,
    prices,
    report,
    schema,
    sources,
    whatif,
)
from tokenecon.cli.app import app


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
