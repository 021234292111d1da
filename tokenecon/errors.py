"""Typed exceptions of the core. Each carries a hint that names the flag or file line that fixes it.

The CLI turns any :class:`TokenEconError` into ``Error: <message>`` plus ``Hint: <hint>`` on
stderr and exit code 2; the core never prints. A raise that gives no hint of its own gets its
class's :attr:`TokenEconError.default_hint`, the page of ``docs/`` that describes that input, so
that no error leaves the user without a next step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from json import JSONDecodeError


class TokenEconError(Exception):
    """Base class: a problem with the user's input, configuration or options."""

    default_hint = "see docs/cli.md for every command and option"
    """The hint of an error raised without one."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint or self.default_hint

    def __str__(self) -> str:
        return self.message


class UsageInputError(TokenEconError):
    """A usage file cannot be read as a whole (empty, no usable columns, broken quoting...)."""

    default_hint = "see docs/sources.md for the formats read; `tokenecon sources FILE` names one"


class PriceBookError(TokenEconError):
    """A price book is not valid YAML or does not follow the price-book schema."""

    default_hint = "see docs/price-book.md for the price-book schema"


class MappingError(TokenEconError):
    """An outcome mapping (or a file it names) is missing, not valid YAML or off-schema."""

    default_hint = "see docs/mapping.md for the outcome mapping"

    def __init__(self, message: str, hint: str = "") -> None:
        # a hint that says what to write ("allowed: ...") still points at the reference
        if hint and "docs/" not in hint:
            hint = f"{hint}; {self.default_hint}"
        super().__init__(message, hint)


class OptionError(TokenEconError):
    """A command-line option has a value the command cannot use."""

    default_hint = "`tokenecon COMMAND --help` lists the options and their values (docs/cli.md)"


class UnknownModelError(TokenEconError):
    """A model name that no price book knows, with the closest known names as the hint."""

    default_hint = "price it in a book of your own: --prices FILE (docs/price-book.md)"


def broken_json(where: object, exc: JSONDecodeError, line: int | None = None) -> str:
    """Where a JSON text breaks and why, for an error message: ``file:line:column: not valid
    JSON (Expecting value)``. ``line`` is the file's line of a text parsed alone (a JSON Lines
    line), which the parser counts as its line 1."""
    return f"{where}:{line or exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"


def first_line(exc: BaseException) -> str:
    """The first line of an engine's or library's error, for an ``Error:`` message (engines
    append plans and stack traces below it); the type's name when it has no message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
