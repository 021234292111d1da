"""Write docs/cli.md, the command-line reference, from every command's ``--help``; and from
the lever registry (tokenecon/whatif/registry.py), the lever table of docs/whatif.md and the
lever parts of the ``scenarios`` and ``whatif`` JSON Schemas (tokenecon/whatif/file_schema.py).

    .venv/bin/python docs/gen_cli.py          # rewrite every file that is stale
    .venv/bin/python docs/gen_cli.py --check  # exit 1 if any of them is stale

The help is rendered at a fixed width, without colour, so the page does not depend on the
terminal it was generated in. tests/test_docs.py fails when any of the files is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

PAGE = Path(__file__).with_name("cli.md")
WHATIF = Path(__file__).with_name("whatif.md")
TABLE = (
    "<!-- the lever table: docs/gen_cli.py writes it from each lever's `reference` -->\n",
    "<!-- end of the lever table -->",
)
"""What the lever table of docs/whatif.md stands between."""
SCHEMAS = Path(__file__).parent.parent / "tokenecon" / "report" / "schemas"
WIDTH = 100
COMMAND = ".venv/bin/python docs/gen_cli.py"


def help_text(*args: str) -> str:
    """``tokenecon ARGS --help`` as a user sees it in a 100-column terminal without colour."""
    from typer.testing import CliRunner

    from tokenecon.cli.main import app

    result = CliRunner().invoke(
        app, [*args, "--help"], prog_name="tokenecon", terminal_width=WIDTH,
        max_content_width=WIDTH, color=False, env={"NO_COLOR": "1"},
    )  # fmt: skip
    if result.exit_code != 0:
        raise RuntimeError(f"tokenecon {' '.join(args)} --help failed:\n{result.output}")
    return result.output.rstrip() + "\n"


def commands() -> list[str]:
    """The registered commands that are not hidden, in the order `tokenecon --help` lists them."""
    from typer.main import get_command

    from tokenecon.cli.main import app

    group = get_command(app)
    ctx = group.make_context("tokenecon", [], resilient_parsing=True)
    names: list[str] = group.list_commands(ctx)  # type: ignore[attr-defined]
    return [n for n in names if not group.get_command(ctx, n).hidden]  # type: ignore[attr-defined]


def page() -> str:
    """The whole reference page."""
    parts = [
        "# Command-line reference\n",
        f"Generated from each command's `--help` by `{COMMAND}`; do not edit by hand.",
        "Exit codes are in [exit-codes.md](exit-codes.md).\n",
        "## tokenecon\n",
        "```text\n" + help_text() + "```\n",
    ]
    for name in commands():
        parts += [f"## tokenecon {name}\n", "```text\n" + help_text(name) + "```\n"]
    return "\n".join(parts)


def lever_table() -> str:
    """The lever table of docs/whatif.md: each lever's flag and ``reference``, in the order
    flags apply them."""
    from tokenecon.whatif.registry import LEVERS

    rows = ["| lever | what changes |", "|---|---|"]
    for kind in LEVERS:
        flag = f"{kind.flag.option} {kind.flag.metavar}".replace("|", "\\|")
        rows.append(f"| `{flag}` | {kind.reference} |")
    return "\n".join(rows) + "\n"


def whatif_page() -> str:
    """docs/whatif.md with its lever table as the registry says it."""
    begin, end = TABLE
    head, rest = WHATIF.read_text(encoding="utf-8").split(begin, 1)
    return f"{head}{begin}\n{lever_table()}\n{end}{rest.split(end, 1)[1]}"


def generated() -> dict[Path, str]:
    """Every file this writes, with what it should hold."""
    from tokenecon.report.schemas import SCHEMAS as FILES
    from tokenecon.whatif.file_schema import DERIVED, derived_text

    schemas = {SCHEMAS / FILES[name]: derived_text(name) for name in DERIVED}
    return {PAGE: page(), WHATIF: whatif_page()} | schemas


def main() -> int:
    """Rewrite the files, or with ``--check`` say whether they are current."""
    stale = 0
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if "--check" in sys.argv[1:]:
            print(f"{path} is stale: run {COMMAND}", file=sys.stderr)
            stale = 1
        else:
            path.write_text(text, encoding="utf-8")
    return stale


if __name__ == "__main__":
    sys.exit(main())
