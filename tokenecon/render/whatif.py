"""`tokenecon whatif` for people: a table per scenario, a side-by-side comparison, the frontier.

Reads the ``tokenecon.whatif/v1`` document only. A cell shows ``before → after`` where the
scenario changes a figure, and the figure alone where it does not. Tables choose columns to
fit the console's width; sentences are wrapped only on a terminal: piped into a file each
stays on one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from tokenecon.render.formats import count, pct, per_million, usd
from tokenecon.render.tables import Cell, Column, fitted_tables

Format = Callable[[Any], str]


def _change(before: Any, after: Any, fmt: Format) -> str:
    b, a = fmt(before), fmt(after)
    return b if b == a else f"{b} → {a}"


def _columns(*headers: str, ranks: tuple[int, ...] = ()) -> list[Column]:
    """``ranks``, one per column after the first: which stay on a narrow terminal."""
    return [
        Column(h, "left" if i == 0 else "right", ranks[i - 1] if ranks and i else None)
        for i, h in enumerate(headers)
    ]


_SCENARIO_RANKS = (9, 4, 3, 2, 7, 6, 10, 8)
WIDER = "--width or --json"
"""How `tokenecon whatif` shows the columns a table leaves out."""
"""cost, then the saving, the cost per outcome, the factors last."""


_FIGURES: list[tuple[str, str, Format]] = [
    ("cost", "cost", usd),
    ("$/1M tok", "cost_per_token", per_million),
    ("tok/task", "tokens_per_task", count),
    ("tasks/outcome", "tasks_per_outcome", lambda x: count(x, 2)),
    ("$/outcome", "cost_per_outcome", usd),
    ("loaded $/outcome", "fully_loaded_cost_per_outcome", usd),
]


def _scenario_tables(scenario: dict[str, Any], width: int) -> list[Any]:
    headers = ["use case", *(h for h, _, _ in _FIGURES), "saving", "saving/yr"]
    rows: list[list[Cell]] = []
    for u in scenario["use_cases"]:
        b, s = u["baseline"], u["scenario"]
        cells: list[Cell] = [u["name"]]
        cells += [_change(b[key], s[key], fmt) for _, key, fmt in _FIGURES]
        cells += [usd(u["saving"]["cost"]), usd(u["saving"]["cost_annualised"])]
        rows.append(cells)
    un = scenario["unattributed"]
    saved = _minus(un["baseline"]["cost"], un["scenario"]["cost"])
    rows.append(
        [Text("(unattributed)", style="italic"), _change(un["baseline"]["cost"],
         un["scenario"]["cost"], usd), *["—"] * 5, usd(saved), "—"]
    )  # fmt: skip
    totals = scenario["totals"]
    rows.append(
        [Text("total", style="bold"), _change(totals["baseline"]["cost"],
         totals["scenario"]["cost"], usd), *["—"] * 5, usd(totals["saving"]["cost"]),
         usd(totals["saving"]["cost_annualised"])]
    )  # fmt: skip
    columns = _columns(*headers, ranks=_SCENARIO_RANKS)
    return fitted_tables(f"Scenario: {scenario['name']}", columns, rows, width, wider=WIDER)


def _minus(a: str, b: str) -> str:
    from decimal import Decimal

    return str(Decimal(a) - Decimal(b))


def _scenario_lines(scenario: dict[str, Any], period: dict[str, Any]) -> list[Text]:
    lines = [Text(f"  {lever['description']}") for lever in scenario["levers"]]
    if scenario["description"]:
        lines.insert(0, Text(f"  {scenario['description']}", style="italic"))
    for a in scenario["assumptions"]:
        lines.append(Text(f"  • {a['scope']} [{a['lever']}]: {a['text']}"))
    saving = scenario["totals"]["saving"]
    lines.append(
        Text.assemble(
            ("  Saving ", "bold"),
            f"{usd(saving['cost'])} over {period['days']} days, "
            f"{usd(saving['cost_annualised'])} a year; fully loaded "
            f"{usd(saving['fully_loaded'])}, {usd(saving['fully_loaded_annualised'])} a year",
        )
    )
    errors = scenario["totals"].get("error_cost")
    if errors and errors["baseline"] != errors["scenario"]:
        net = scenario["totals"]["saving_net_of_errors"]
        lines.append(
            Text.assemble(
                ("  Errors ", "bold"),
                f"expected error cost {usd(errors['baseline'])} -> {usd(errors['scenario'])}; "
                f"fully loaded saving net of errors {usd(net)}",
                (" (the scenario loses)", "bold red") if net and net.startswith("-") else "",
            )
        )
    sensitivity = scenario["sensitivity"]
    if sensitivity:
        yearly = sensitivity["saving_annualised"]
        drivers = sorted({f"{a['scope']} [{a['lever']}]" for a in scenario["assumptions"]
                          if a["uncertain"]})  # fmt: skip
        lines.append(
            Text(
                f"  Range a year: low {usd(yearly['low'])} / expected {usd(yearly['expected'])}"
                f" / high {usd(yearly['high'])} (the success-rate range of "
                f"{', '.join(drivers)})"
            )
        )
    return lines


def _comparison(document: dict[str, Any], width: int) -> list[Any]:
    scenarios = document["scenarios"]
    headers = ["use case", "now", *(s["name"] for s in scenarios)]
    rows: list[list[Cell]] = []
    for i, u in enumerate(document["baseline"]["use_cases"]):
        rows.append(
            [u["name"], usd(u["cost_per_outcome"]),
             *(usd(s["use_cases"][i]["scenario"]["cost_per_outcome"]) for s in scenarios)]
        )  # fmt: skip
    totals = document["baseline"]["totals"]
    rows.append(
        [Text("total cost", style="bold"), usd(totals["cost"]),
         *(usd(s["totals"]["scenario"]["cost"]) for s in scenarios)]
    )  # fmt: skip
    rows.append(
        [Text("saving/yr", style="bold"), "—",
         *(usd(s["totals"]["saving"]["cost_annualised"]) for s in scenarios)]
    )  # fmt: skip
    rows.append(
        [Text("loaded saving/yr", style="bold"), "—",
         *(usd(s["totals"]["saving"]["fully_loaded_annualised"]) for s in scenarios)]
    )  # fmt: skip
    if any(s["sensitivity"] for s in scenarios):
        rows.append([Text("range/yr", style="bold"), "—", *(_range(s) for s in scenarios)])
    title = "Side by side: cost per outcome"
    return fitted_tables(title, _columns(*headers), rows, width, wider=WIDER)


def _range(scenario: dict[str, Any]) -> str:
    if not scenario["sensitivity"]:
        return "—"
    yearly = scenario["sensitivity"]["saving_annualised"]
    return f"{usd(yearly['low'])}…{usd(yearly['high'])}"


def _frontier(document: dict[str, Any], width: int) -> list[Any]:
    rows: list[list[Cell]] = []
    for entry in document["frontier"]:
        for p in entry["points"]:
            where = "frontier" if p["on_frontier"] else f"inside: {p['dominated_by']} beats it"
            if p.get("assumes_equal_quality"):
                where = "assumes equal quality"
            label = p["label"] if p["kind"] != "model" else f"{p['label']} (observed)"
            rows.append(
                [entry["use_case"], label, usd(p["cost_per_outcome"]), pct(p["outcome_rate"], 1),
                 where]
            )  # fmt: skip
    columns = [Column("use case", "left"), Column("point", "left"), Column("$/outcome"),
               Column("outcomes/task"), Column("position", "left")]  # fmt: skip
    return fitted_tables("Quality vs cost", columns, rows, width, keys=2, wider=WIDER)


def render_whatif(document: dict[str, Any], console: Console, wrap: bool | None = None) -> None:
    """Print every scenario, the comparison and the frontier. ``wrap``: wrap sentences at the
    console width (default: only on a terminal; piped, each sentence stays on one line)."""
    width = console.width
    soft = not (console.is_terminal if wrap is None else wrap)
    period = document["period"]
    console.print(
        Text(
            f"What if: {period['start']} to {period['end']} ({period['days']} days); "
            f"a year = x{period['annualisation']}"
        ),
        soft_wrap=soft,
    )
    for scenario in document["scenarios"]:
        for table in _scenario_tables(scenario, width):
            console.print(table)
        for line in _scenario_lines(scenario, period):
            console.print(line, soft_wrap=soft)
    if len(document["scenarios"]) > 1:
        for table in _comparison(document, width):
            console.print(table)
    if any(entry["points"] for entry in document["frontier"]):
        for table in _frontier(document, width):
            console.print(table)
    for note in document["notes"]:
        console.print(Text(note, style="dim"), soft_wrap=soft)
