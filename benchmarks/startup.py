"""Time small runs against the import floor: what start-up costs on top of the engine's import.

Anchors, in the same run and alternately with tokenecon (so that load on a shared machine hits
both): `python -c "import duckdb, pyarrow"` for `tokenecon analyze` of a 2-row CSV and of the
example month (`examples/usage-2026-10.csv` with `examples/outcomes.yaml`), and
`python -c "import typer, rich"` for `tokenecon --help`. Each command is a fresh process.

    python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
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


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    tool = [python, "-m", "tokenecon.cli.main"]
    with tempfile.TemporaryDirectory() as folder:
        two = Path(folder) / "two.csv"
        two.write_text(TWO_ROWS, encoding="utf-8")
        month = ROOT / "examples" / "usage-2026-10.csv"
        mapping = ROOT / "examples" / "outcomes.yaml"
        cases = [
            ("2-row CSV", [python, "-c", "import duckdb, pyarrow"],
             [*tool, "analyze", str(two)]),
            ("example month", [python, "-c", "import duckdb, pyarrow"],
             [*tool, "analyze", str(month), "--outcomes", str(mapping)]),
            ("--help", [python, "-c", "import typer, rich"], [*tool, "--help"]),
        ]  # fmt: skip
        print(
            f"{'run':16}{'anchor s':>10}{'tokenecon s':>13}{'ratio':>8}   (median of {args.runs})"
        )
        for name, anchor, mine in cases:
            theirs, ours = [], []
            for _ in range(args.runs):
                theirs.append(seconds(anchor))
                ours.append(seconds(mine))
            a, b = statistics.median(theirs), statistics.median(ours)
            print(f"{name:16}{a:>10.2f}{b:>13.2f}{b / a:>8.2f}")


if __name__ == "__main__":
    main()
