"""Shared fixtures: paths to the small hand-checked usage file, book and mapping."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from tokenecon.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent

# No per-example deadline: speed is measured by benchmarks/, and a deadline on a shared or slow
# machine only makes property tests fail at random. Tests that need a bound set their own.
settings.register_profile("tokenecon", deadline=None)
settings.load_profile("tokenecon")


@pytest.fixture(scope="session", autouse=True)
def sql_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's own SQL cache (tokenecon/engine/sqlcache.py), not the user's: runs that read
    the same inputs again replay their SQL, as a user's would, and every golden checks it."""
    folder = tmp_path_factory.mktemp("sql-cache")
    os.environ["TOKENECON_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQL cache folder of the test's own (empty at the start)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOKENECON_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many results each replay from the SQL cache returned (one item per replay)."""
    from tokenecon.engine import sqlcache

    calls: list[int] = []
    real = sqlcache.replay

    def counted(raw: Any, entry: sqlcache.Entry, known: int = 0) -> Any:
        results = real(raw, entry, known)
        calls.append(len(results))
        return results

    monkeypatch.setattr(sqlcache, "replay", counted)
    return calls


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_cli(*args: str, input: str | None = None) -> Any:
    """Run tokenecon in-process; returns the click Result."""
    return CliRunner().invoke(app, list(args), input=input)


def small_report(*extra: str) -> dict[str, Any]:
    """The JSON report of the hand-checked fixture."""
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(FIXTURES / "mapping.yaml"), "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def example_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two example months analysed once, as the CI example does (relative paths, from the
    root): ``10.json``, ``11.json`` (the saved reports) and ``10.html``, ``11.html``."""
    out = tmp_path_factory.mktemp("months")
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        for month, mapping in (("10", "outcomes.yaml"), ("11", "outcomes-2026-11.yaml")):
            result = run_cli(
                "analyze", f"examples/usage-2026-{month}.csv", "--outcomes", f"examples/{mapping}",
                "--prices", "examples/prices-acme.yaml", "--save", str(out / f"{month}.json"),
                "--html", str(out / f"{month}.html"),
            )  # fmt: skip
            assert result.exit_code == 0, result.output
    finally:
        os.chdir(cwd)
    return out


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a TimeoutError once the block has run ``seconds``."""

    def hung(*_: object) -> None:
        raise TimeoutError(f"ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
