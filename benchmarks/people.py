"""Time `tokenecon analyze` with a people file, budgets and roles against the same run without.

The usage is benchmarks/generate_usage.py's file. The people file is made here from the
distinct users of that file (read with DuckDB): one row each, role tiers staff/senior/lead in
turn, a team and a seat cost, plus 20 people with no usage (idle seats). "With" is
benchmarks/owners.yaml (domains, shared pools, budgets including one per user, role tiers)
pointing at that people file; "without" is benchmarks/outcomes.yaml, the same use cases with no
ownership. Each runs `--repeat` times in a fresh process, alternately, so that load on the
shared machine hits both; the table shows median wall and CPU seconds (user + system, DuckDB's
threads included: steadier than wall time under load), peak RSS, and the ratios with/without.
Both runs must report the same token totals. With ``--baseline DIR`` (another checkout, e.g.
``git archive COMMIT | tar -x -C DIR``) that tree's two runs join the same alternation (its
modules first on PYTHONPATH): before and after in one run, each with its own ratio.

    python benchmarks/people.py --rows 1000000 [--repeat 3] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CSV_SOURCE, alternate, data_file

HERE = Path(__file__).resolve().parent
ROLES = ("staff", "senior", "lead")
TEAMS = ("support", "sales", "legal", "platform", "research")
IDLE = 20


def people_file(data: Path) -> Path:
    """A people file listing every user of ``data`` (and a few idle seats), made once."""
    path = data.with_name(f"people-{data.stem}.csv")
    if path.exists():
        return path
    source = CSV_SOURCE.replace("{path}", str(data))
    users = sorted(
        u for (u,) in duckdb.sql(f'SELECT DISTINCT "user" FROM {source}').fetchall() if u
    )
    users += [f"idle{i}@example.com" for i in range(IDLE)]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "role", "team", "seat_cost"])
        for i, user in enumerate(users):
            writer.writerow([user, ROLES[i % 3], TEAMS[i % 5], (20, 30, 40)[i % 3]])
    return path


def owners_mapping(data: Path, people: Path) -> Path:
    """benchmarks/owners.yaml with its people file replaced by ``people``."""
    text = (HERE / "owners.yaml").read_text()
    if "people: people.csv\n" not in text:
        sys.exit("benchmarks/owners.yaml no longer reads `people: people.csv`")
    path = data.with_name(f"owners-{data.stem}.yaml")
    path.write_text(text.replace("people: people.csv\n", f"people: {people.name}\n"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout, timed alongside")
    args = parser.parse_args()
    data = data_file(args.rows, "csv")
    people = people_file(data)
    mapping = owners_mapping(data, people)
    with people.open() as handle:
        listed = sum(1 for _ in handle) - 1
    print(
        f"rows: {args.rows:,}  file: {data.name} {data.stat().st_size / 1e6:,.0f} MB  "
        f"people: {listed:,}  repeat: {args.repeat}  cores: {os.cpu_count()}"
    )

    # Each tree's modules first on the path, run from the data's folder (`python -m` puts
    # the working directory before PYTHONPATH: a checkout there would shadow the baseline).
    os.chdir(data.parent)
    trees = [("", HERE.parent)] + (
        [("baseline: ", args.baseline.resolve())] if args.baseline else []
    )

    def command(tree: Path, outcomes: Path) -> list[str]:
        path = os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))
        return ["env", f"PYTHONPATH={path}", sys.executable, "-m", "tokenecon.cli.main",
                "analyze", str(data), "--outcomes", str(outcomes), "--json", "--quiet"]  # fmt: skip

    commands = [command(t, o) for _, t in trees for o in (HERE / "outcomes.yaml", mapping)]
    results = alternate(commands, args.repeat)
    totals = {json.dumps(json.loads(out)["totals"]["tokens"]) for *_, out in results}
    print(f"{'':44}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>14}")
    for i, (name, _) in enumerate(trees):
        without, with_people = results[2 * i], results[2 * i + 1]
        for label, (wall, cpu, rss, _) in (
            (f"{name}without (outcomes.yaml)", without),
            (f"{name}with people, budgets (owners)", with_people),
        ):
            print(f"{label:44}{wall:>9.2f}{cpu:>9.2f}{rss:>14,.0f}")
        print(
            f"{name}ratio with/without: wall {with_people[0] / without[0]:.2f}x, "
            f"CPU {with_people[1] / without[1]:.2f}x"
        )
    if len(totals) > 1:
        print("TOKEN TOTALS DIFFER")


if __name__ == "__main__":
    main()
