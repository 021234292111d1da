"""The docs in the repository: the README's set-up commands are the ones CI runs, every command
has help and a current page in docs/cli.md, links resolve, examples in the docs validate, install
lines install this project, and nothing cites the original spec (not in the repository)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from conftest import ROOT, run_cli

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    first_screen = text.split("\n---\n")[0]
    return re.findall(r"```bash\n(.+?)\n```", first_screen)


def gen_cli() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", DOCS / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_first_screen_has_exactly_two_commands_and_ci_runs_them() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    # The first installs only what the main job needs (no dev extras) and runs it.
    assert "pip install -e ." in commands[0] and "[dev]" not in commands[0]
    assert "tokenecon analyze examples/" in commands[0]
    assert "'.[dev]'" in commands[1] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci.splitlines(), command


def test_readme_stays_a_front_door() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) < 200


def test_every_command_has_help_and_a_section_in_the_cli_page() -> None:
    module = gen_cli()
    names = module.commands()
    assert {"analyze", "prices", "whatif", "diff", "report", "sources", "count", "schema"} <= set(
        names
    )
    page = (DOCS / "cli.md").read_text()
    for command in names:
        result = run_cli(command, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.output
        assert f"## tokenecon {command}\n" in page


def test_generated_files_are_current() -> None:
    """docs/cli.md, the lever table of docs/whatif.md and the lever parts of the scenarios and
    whatif schemas are as docs/gen_cli.py writes them."""
    for path, expected in gen_cli().generated().items():
        current = path.read_text(encoding="utf-8")
        assert current == expected, f"{path} is stale: run .venv/bin/python docs/gen_cli.py"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@pytest.mark.parametrize(
    "page", [ROOT / "README.md", *PAGES], ids=lambda p: str(p.relative_to(ROOT))
)
def test_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name}: link to missing {target}"
        if anchor and file.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_anchor(h) for h in headings}, f"{page.name}: no anchor {target}"


def test_every_page_is_linked_from_the_readme_or_the_index() -> None:
    linked = (ROOT / "README.md").read_text() + (DOCS / "README.md").read_text()
    for page in PAGES:
        if page.name != "README.md":
            assert f"{page.name})" in linked, page.name


@pytest.mark.parametrize(
    ("page", "schema"),
    [("price-book.md", "price-book"), ("mapping.md", "mapping"), ("whatif.md", "scenarios")],
)
def test_the_first_yaml_example_of_a_page_validates(page: str, schema: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    text = (DOCS / page).read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.+?)```", text, re.DOTALL)
    assert example is not None
    data = yaml.safe_load(example.group(1))
    data = json.loads(json.dumps(data, default=str))  # dates as the strings YAML editors see
    result = run_cli("schema", schema)
    jsonschema.validate(data, json.loads(result.stdout))


def test_install_lines_install_this_project() -> None:
    """`tokenecon` on PyPI is another project: no doc or CI example may install it by name."""
    files = [ROOT / "README.md", *PAGES, *sorted((ROOT / "examples" / "ci").iterdir())]
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            assert not re.search(r"pip3? install\s+(-U\s+)?['\"]?tokenecon\b", line), (
                f"{file.relative_to(ROOT)}: {line.strip()}"
            )


def test_nothing_cites_spec() -> None:
    """Code, hints, tests and examples cite docs/ pages; the original spec is not in the repo."""
    word = "SP" + "EC"  # not spelled out, so that this file does not cite it either
    # The default price book's header comes from the price book's build (pricing/).
    skip = {
        ROOT / "tokenecon" / "data" / "pricing" / "default.yaml",
        ROOT / "pricing" / "default.yaml",
    }
    found = []
    for folder in ("tokenecon", "tests", "benchmarks", "examples", "docs"):
        for file in (ROOT / folder).rglob("*"):
            if (
                file in skip
                or not file.is_file()
                or file.suffix not in {".py", ".yaml", ".yml", ".md", ".sh", ".j2"}
            ):
                continue
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(rf"\b{word}\b", line):
                    found.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def _commands() -> dict[str, Any]:
    """Every command registered on the app, read from the app itself (none listed by hand)."""
    import typer

    from tokenecon.cli.main import app

    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_registered_command_has_help_and_readable_metavars() -> None:
    commands = _commands()
    assert {"analyze", "whatif", "diff", "report", "convert"} <= set(commands)
    for name, command in commands.items():
        result = run_cli(name, "--help")
        assert result.exit_code == 0, name
        assert result.stdout.startswith(f"Usage: tokenecon {name} "), name
        assert command.help and command.help.strip(), f"{name} has no help"
        # readable metavars: never Typer's type names for an argument or a list option
        assert "<list[" not in result.stdout, name
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert param.help, f"{name} {param.opts[0]} has no help"


def test_every_command_takes_json() -> None:
    for name, command in _commands().items():
        assert any("--json" in p.opts for p in command.params), f"{name} has no --json"


def test_o_is_output_everywhere() -> None:
    for name, command in _commands().items():
        for param in command.params:
            if "-o" in getattr(param, "opts", []):
                assert "--output" in param.opts, f"-o of {name} is {param.opts}"


def test_the_command_list_shows_whole_summaries() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    listed = " ".join(result.stdout.split("Commands:")[1].split())
    for name, command in _commands().items():
        summary = " ".join(command.help.split("\n\n")[0].split())
        assert f"{name} {summary}" in listed
    assert "..." not in listed
    for flag in ("--version", "--debug", "--install-completion"):
        assert flag in result.stdout
