"""Values of the ownership keys of the mapping: shares, amounts, names, known keys.

Every error names the file and line (``docs/ownership.md`` is the reference).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from tokenecon.errors import MappingError
from tokenecon.yamlfile import line_of

DOCS = "see docs/ownership.md"
MAX_NUMBER = Decimal(10) ** 15
"""No number of a mapping is larger (a quadrillion dollars or outcomes): a larger one is a typo,
and one like ``1e999999999`` would take minutes to turn into an integer."""


def bounded(number: Decimal, value: Any, where: str) -> Decimal:
    """``number`` if it is finite, >= 0 and at most :data:`MAX_NUMBER`, else a MappingError."""
    if not number.is_finite() or number < 0:
        raise MappingError(f"{where}: expected a number >= 0, got {_shown(value)}")
    if number > MAX_NUMBER:
        raise MappingError(f"{where}: {_shown(value)} is larger than 10^15; a typo?")
    return number


def _shown(value: Any) -> str:
    """A value for an error message, cut short (a mapping is the user's own text)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def share(value: Any, where: str) -> Decimal:
    """A share written ``60%`` or ``0.6``."""
    text = str(value).strip()
    scale = Decimal(100) if text.endswith("%") else Decimal(1)
    try:
        number = Decimal(text.removesuffix("%")) / scale
    except InvalidOperation:
        raise MappingError(
            f"{where}: expected a share like 60% or 0.6, got {_shown(value)}"
        ) from None
    return bounded(number, value, where)


def non_negative(value: Any, where: str, noun: str = "a number") -> Decimal:
    """A finite number >= 0 (at most :data:`MAX_NUMBER`); the message calls it ``noun``
    (``a number``, ``an amount``) and names what a YAML value of another shape is."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        got = (
            "nothing" if value is None
            else "a mapping" if isinstance(value, dict)
            else "a list" if isinstance(value, list)
            else f"a {type(value).__name__}"
        )  # fmt: skip
        raise MappingError(f"{where}: expected {noun}, got {got}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise MappingError(f"{where}: expected {noun}, got {_shown(value)}") from None
    return bounded(number, value, where)


def amount(value: Any, where: str) -> Decimal:
    """A sum of money >= 0."""
    return non_negative(value, where, "an amount")


def names(raw: Any, where: str) -> tuple[str, ...]:
    """One name or a list of names."""
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    return tuple(str(v) for v in values)


def check_keys(raw: Any, allowed: set[str], where: str) -> None:
    """Refuse anything but a mapping with the allowed keys, naming the line of the first other."""
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: expected a mapping", DOCS)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise MappingError(
            f"{where}: unknown key {unknown[0]!r} (line {line_of(raw, unknown[0])})",
            f"allowed: {', '.join(sorted(allowed))}; {DOCS}",
        )


def named_file(value: Any, base: Path, where: str, what: str) -> Path:
    """A file the mapping names: relative to the mapping's folder ``base``, or absolute.

    A relative path must stay inside the mapping's folder or the folder tokenecon runs in
    (``../../etc/passwd`` is refused): a mapping shared in a repository names the files of that
    repository, and a file elsewhere is named in full, on purpose (docs/mapping.md).
    """
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{where}: expected a file path", "see docs/mapping.md")
    written = Path(value)
    path = (base / written).resolve()
    inside = path.is_relative_to(base) or path.is_relative_to(Path.cwd().resolve())
    if not written.is_absolute() and not inside:
        raise MappingError(
            f"{where}: {value!r} is outside the mapping's folder {base}",
            "put the file beside the mapping, or write its absolute path (docs/mapping.md)",
        )
    if not path.is_file():
        raise MappingError(
            f"{where}: {what} {value} does not exist ({path})",
            "paths are relative to the mapping (docs/mapping.md)",
        )
    return path


@contextmanager
def text_lines(path: Path, what: str) -> Iterator[IO[str]]:
    """A UTF-8 file the mapping names, opened for ``csv``; a byte that is not UTF-8 is an error
    naming its line (and never quoting it)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle
    except UnicodeDecodeError:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            line = 0
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
        raise MappingError(
            f"{path}:{line}: {what} is not UTF-8 text",
            f"save {path.name} as UTF-8; see docs/mapping.md",
        ) from None
    except OSError as exc:
        raise MappingError(f"cannot read {what} {path}: {exc.strerror}") from None


_COLUMN_NAME = re.compile(r"[\w .-]{1,40}")


def header_names(header: list[str]) -> str:
    """A header's names if they look like column names, else only how many fields it has: a
    mapping can name any file, and its first line may be a secret."""
    if header and len(header) <= 30 and all(_COLUMN_NAME.fullmatch(h) for h in header):
        return "found: " + ", ".join(header)
    return f"the first line has {len(header)} field(s) that are not CSV column names"
