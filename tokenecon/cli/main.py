"""The `tokenecon` command line: imports the command modules so that each registers on the app.

A run of one command (`tokenecon analyze ...`) imports only that command's module: Typer builds
a Click command, with every parameter's signature read, for each command registered, and
importing and building the other nine cost ~20 ms of CPU on every run (docs/benchmarks.md,
"Start-up"). Anything else (`--help`, no command, an unknown one) gets every command, as does
importing :data:`app` from here (the tests, docs/gen_cli.py).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from tokenecon.cli import app as _app

if TYPE_CHECKING:
    from tokenecon.cli.app import App

COMMANDS = {
    "analyze": "analyze",
    "chargeback": "chargeback",
    "convert": "convert",
    "count": "count",
    "diff": "diff",
    "prices": "prices",
    "report": "report",
    "schema": "schema",
    "sources": "sources",
    "whatif": "whatif",
}
"""Each command's name and the module of tokenecon.cli that registers it, in the order of
the command list in `--help`."""
_GLOBAL_FLAGS = frozenset({"--debug", "--version", "--help"})
"""The group's own options (none takes a value), which may come before the command."""


def register(names: list[str] | None = None) -> App:
    """The app with the commands ``names`` (all when None) registered; registering a
    command twice is harmless (a module is imported once)."""
    for name in COMMANDS if names is None else names:
        importlib.import_module(f"tokenecon.cli.{COMMANDS[name]}")
    return _app.app


def command_of(args: list[str]) -> str | None:
    """The command a command line runs, if it is one of :data:`COMMANDS` and only the group's
    flags come before it (else None: every command is registered, as for `--help`)."""
    for arg in args:
        if arg in _GLOBAL_FLAGS and arg != "--help":
            continue
        return arg if arg in COMMANDS else None
    return None


def __getattr__(name: str) -> Any:
    if name == "app":  # `from tokenecon.cli.main import app`: the app with every command
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> None:
    """Console-script entry point."""
    name = command_of(sys.argv[1:])
    register([name] if name else None)()


if __name__ == "__main__":
    run()
