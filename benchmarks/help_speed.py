"""Time `tokenecon --help` against `python -c "import typer, rich"` (the floor of any Typer CLI).

    python benchmarks/help_speed.py [--runs 30]

Prints the median of each and the ratio; the target is at most 1.5x. Python's bytecode goes to
a temporary folder (`PYTHONPYCACHEPREFIX`) and one run of each comes first, so that tokenecon's
modules are timed compiled, as an installed package has them, even where
`PYTHONDONTWRITEBYTECODE` is set (the anchor's libraries come with their bytecode).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - started


def medians(
    floor: list[str], mine: list[str], runs: int, env: dict[str, str]
) -> tuple[float, float]:
    """Median seconds of each, run alternately (load on a shared machine hits both alike)."""
    seconds(floor, env)  # bytecode
    seconds(mine, env)
    theirs, ours = [], []
    for _ in range(runs):
        theirs.append(seconds(floor, env))
        ours.append(seconds(mine, env))
    return statistics.median(theirs), statistics.median(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    # The script of the interpreter running this (a venv need not be activated), else PATH's.
    beside = shutil.which("tokenecon", path=str(Path(sys.executable).parent))
    tokenecon = beside or shutil.which("tokenecon") or sys.exit("tokenecon is not installed")
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = folder
        floor, help_ = medians(
            [sys.executable, "-c", "import typer, rich"], [tokenecon, "--help"], args.runs, env
        )
    print(f"import typer, rich: {floor * 1000:.0f} ms")
    print(f"tokenecon --help:   {help_ * 1000:.0f} ms")
    print(f"ratio: {help_ / floor:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
