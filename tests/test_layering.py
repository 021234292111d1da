"""The shape of the package: stages import only the stages below them, no import cycles, the core
never imports Typer, Rich or Jinja2, and --help does not load the engine.

The import graph is read from the code (every ``import``, at module level or inside a function),
so a lazy import cannot hide an upward edge or a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "tokenecon"
UI = {"typer", "rich", "jinja2"}

# Bottom to top, as tokenecon/__init__.py lists them. A module may import its own stage and the
# stages before it.
STAGES = [
    ("errors", "yamlfile", "progress", "data", "units", "redact", "outputs", "scratch", "csvsafe"),
    ("engine",),
    ("ingest",),
    ("attribute",),
    ("aggregate",),
    ("price",),
    ("economics",),
    ("report",),
    ("whatif",),
    ("diff",),
    ("convert",),
    ("render",),
    ("cli",),
]
LEVEL = {name: level for level, names in enumerate(STAGES) for name in names}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every tokenecon module the file imports, resolved to module names where they exist."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # `from tokenecon.cli import analyze` imports a module
                names.append(f"{node.module}.{alias.name}")
    return [n for n in names if n.split(".")[0] == "tokenecon"]


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for name in _imports(path):
            while name not in modules and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in modules and name != module and name != "tokenecon":
                graph[module].add(name)
    return graph


def _stage(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "tokenecon"


def test_every_stage_is_placed() -> None:
    unplaced = {_stage(m) for m in _graph()} - set(LEVEL) - {"tokenecon"}
    assert unplaced == set()


def test_no_upward_imports() -> None:
    upward = [
        f"{module} -> {target}"
        for module, targets in _graph().items()
        if module != "tokenecon"
        for target in targets
        if LEVEL[_stage(target)] > LEVEL[_stage(module)]
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert [" -> ".join(c) for c in cycles] == []


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


def test_reading_a_report_does_not_load_the_engine() -> None:
    """The stages that only read the sums (pricing, the report, diff) take the result types
    from tokenecon.aggregate.types: importing them loads neither Ibis nor DuckDB."""
    code = (
        "import sys\nimport tokenecon.report.document, tokenecon.diff.compare\n"
        "import tokenecon.diff.document\n"
        "import tokenecon.price.apply, tokenecon.economics.decompose, tokenecon.whatif.levers\n"
        "print(sorted(m for m in ('pandas', 'ibis', 'duckdb', 'pyarrow', 'tokenecon.engine',"
        " 'tokenecon.aggregate.query') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
