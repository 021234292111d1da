"""The files a command writes: named by ``-o`` (the suffix chooses the format) or by a flag of
their own (``--save``, ``--html``, ``--chart``), checked before the work starts, written
atomically, each announced by a ``Wrote FILE`` line on stderr."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from tokenecon.cli.app import wrote
from tokenecon.errors import OptionError

SUFFIXES = {".json": "json", ".html": "html", ".htm": "html", ".svg": "svg"}
"""The formats ``-o`` chooses by suffix."""

Outputs = Annotated[
    list[Path] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report here; the suffix chooses the format: .json (the saved report, "
        "as --save) or .html (as --html). Repeatable.",
    ),
]
JsonOutputs = Annotated[
    list[Path] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE.json",
        help="Write the JSON document here (as --save). Repeatable.",
    ),
]
Save = Annotated[
    Path | None,
    typer.Option("--save", metavar="FILE.json", help="Write the JSON document here."),
]
Html = Annotated[
    Path | None,
    typer.Option(
        "--html",
        metavar="FILE.html",
        help="Also write the self-contained HTML report here (works offline).",
    ),
]


class Target(NamedTuple):
    """One file to write."""

    path: Path
    kind: str
    """``json``, ``html`` or ``svg``."""
    flag: str
    """The flag that named it, for messages."""


def plan_targets(
    outputs: list[Path] | None, kinds: tuple[str, ...], **named: Path | None
) -> list[Target]:
    """The files to write, each checked now (exit 2 before any work when one cannot be written).

    ``outputs`` are ``-o`` files, whose suffix must name one of ``kinds``; ``named`` maps a
    kind to the file of its own flag (``json=save`` for ``--save``, ``html=...`` for
    ``--html``, ``svg=...`` for ``--chart``)."""
    flags = {"json": "--save", "html": "--html", "svg": "--chart"}
    targets = [Target(path, kind, flags[kind]) for kind, path in named.items() if path]
    for path in outputs or []:
        kind = SUFFIXES.get(path.suffix.lower())
        if kind not in kinds:
            wanted = " or ".join(s for s, k in SUFFIXES.items() if k in kinds and s != ".htm")
            hint = f"name it {wanted}"
            if path.suffix.lower() in (".yaml", ".yml"):
                hint = f"-o names the output; the outcome mapping is --outcomes; {hint}"
            why = "cannot tell the format from its suffix"
            if kind:
                why = f"this command writes no {kind.upper()}"
            raise OptionError(f"-o {path}: {why}", hint)
        targets.append(Target(path, kind, "-o"))
    from tokenecon.outputs import check_output

    for target in targets:
        check_output(target.path, target.flag)
    return targets


def one_target(path: Path, kind: str, flag: str) -> list[Target]:
    """A command's only output file, in the one format it writes whatever the suffix; checked."""
    from tokenecon.outputs import check_output

    check_output(path, flag)
    return [Target(path, kind, flag)]


def write_targets(targets: list[Target], text_of: Callable[[str], str]) -> None:
    """Write each target with the text of its kind (``text_of("html")``...), atomically."""
    from tokenecon.outputs import write_output

    texts: dict[str, str] = {}
    for target in targets:
        if target.kind not in texts:
            texts[target.kind] = text_of(target.kind)
        write_output(target.path, texts[target.kind], target.flag)
        wrote(target.path)
