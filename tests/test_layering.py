"""The core never imports Typer, Rich or Jinja2; --help does not import pandas or ibis."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "tokenecon"
UI = {"typer", "rich", "jinja2"}


def test_core_does_not_import_ui_libraries() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name in ("cli", "render"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in UI]
    assert offenders == []


def test_help_does_not_load_the_engine() -> None:
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom tokenecon.cli.main import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "print(sorted(m for m in ('pandas', 'ibis', 'duckdb', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
