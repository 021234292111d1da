"""Time small runs against the import floor: what start-up costs on top of the engine's import.

Anchors, in the same run and alternately with tokenecon (so that load on a shared machine hits
both): `python -c "import duckdb, pyarrow"` for `tokenecon analyze` of a 2-row CSV and of the
example month (`examples/usage-2026-10.csv` with `examples/outcomes.yaml`), and
`python -c "import typer, rich"` for `tokenecon --help`. Each command is a fresh process.

tokenecon is timed twice: with its SQL cache warm (the inputs were read before: the run
replays its compiled SQL without importing Ibis; docs/engine.md) and with the cache off
(`TOKENECON_CACHE_DIR=off`: every run builds and compiles its Ibis expressions). The cache
lives in a temporary folder of the benchmark's own, filled by one run before the timing.

Python's bytecode is written to a temporary folder too (`PYTHONPYCACHEPREFIX`), and one run of
each command comes first, so that tokenecon's modules are timed as an installed package has
them (compiled) even where `PYTHONDONTWRITEBYTECODE` is set or the checkout is read-only: the
anchors' libraries come with their bytecode already.

Besides wall time, the CPU time of each process (user + system, DuckDB's threads included)
is shown: on a loaded machine it says more than the wall clock.

With ``--baseline DIR`` (a checkout of another commit, e.g. made by
``git archive COMMIT | tar -x -C DIR``), that checkout's tokenecon is timed too, in the same
alternation (anchor, baseline, this tree), with a cache of its own: before and after in one run.

    python benchmarks/startup.py [--runs 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TWO_ROWS = (
    "timestamp,model,uncached_input_tokens,output_tokens\n"
    "2026-10-01T00:00:00Z,gpt-4.1-mini,100,20\n"
    "2026-10-01T01:00:00Z,gpt-4.1-mini,200,30\n"
)


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``command`` in ``cwd``
    (which ``python -m`` puts first on the module path)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env, cwd=cwd)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, timed alongside")
    args = parser.parse_args()
    python = sys.executable
    tool = [python, "-m", "tokenecon.cli.main"]
    with tempfile.TemporaryDirectory() as folder:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), base.get("PYTHONPATH")]))
        warm = {**base, "TOKENECON_CACHE_DIR": str(Path(folder) / "cache")}
        off = {**base, "TOKENECON_CACHE_DIR": "off"}
        other: dict[str, str] = {}
        if args.baseline:  # its own modules first on the path, and its own cache
            other["PYTHONPATH"] = os.pathsep.join(
                [str(args.baseline.resolve()), base["PYTHONPATH"]]
            )
            other["TOKENECON_CACHE_DIR"] = str(Path(folder) / "baseline-cache")
        two = Path(folder) / "two.csv"
        two.write_text(TWO_ROWS, encoding="utf-8")
        month = ROOT / "examples" / "usage-2026-10.csv"
        mapping = ROOT / "examples" / "outcomes.yaml"
        floor = [python, "-c", "import duckdb, pyarrow"]
        cases = [
            ("2-row CSV", floor, [*tool, "analyze", str(two)], warm),
            ("2-row, no cache", floor, [*tool, "analyze", str(two)], off),
            ("example month", floor,
             [*tool, "analyze", str(month), "--outcomes", str(mapping)], warm),
            ("month, no cache", floor,
             [*tool, "analyze", str(month), "--outcomes", str(mapping)], off),
            ("--help", [python, "-c", "import typer, rich"], [*tool, "--help"], warm),
        ]  # fmt: skip
        widths = [11, 12] if args.baseline else [12]  # (the CPU columns are 2 wider)
        head = f"{'run':17}{'anchor s':>9}"
        head += f"{'baseline s':>11}{'ratio':>7}" if args.baseline else ""
        head += f"{'tokenecon s':>12}{'ratio':>7}{'anchor cpu':>11}"
        head += f"{'baseline cpu':>13}{'ratio':>7}" if args.baseline else ""
        print(f"{head}{'tokenecon cpu':>14}{'ratio':>7}   (medians of {args.runs})")
        for name, anchor, mine, env in cases:
            commands = [(anchor, env, ROOT), (mine, env, ROOT)]
            if args.baseline:
                baseline_env = {**env, **other}
                if env["TOKENECON_CACHE_DIR"] == "off":
                    baseline_env["TOKENECON_CACHE_DIR"] = "off"
                commands.insert(1, (mine, baseline_env, args.baseline.resolve()))
            timings: list[list[tuple[float, float]]] = [[] for _ in commands]
            for command in commands:
                timed(*command)  # bytecode, and the SQL cache where it is on
            for _ in range(args.runs):
                for runs, command in zip(timings, commands, strict=True):
                    runs.append(timed(*command))
            walls = [statistics.median(t[0] for t in runs) for runs in timings]
            cpus = [statistics.median(t[1] for t in runs) for runs in timings]
            line = f"{name:17}{walls[0]:>9.2f}"
            for width, wall in zip(widths, walls[1:], strict=True):
                line += f"{wall:>{width}.2f}{wall / walls[0]:>7.2f}"
            line += f"{cpus[0]:>11.2f}"
            for width, cpu in zip(widths, cpus[1:], strict=True):
                line += f"{cpu:>{width + 2}.2f}{cpu / cpus[0]:>7.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
