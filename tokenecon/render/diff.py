"""`tokenecon diff` as Rich tables: the Infracost-style lines, then why each change happened.

Tables choose columns to fit the console's width; lines are wrapped only on a terminal:
piped into a file each stays whole."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from tokenecon.render import difftext as t
from tokenecon.render.formats import usd
from tokenecon.render.ownership import ownership_diff_tables
from tokenecon.render.tables import DIFF_WIDER as WIDER
from tokenecon.render.tables import Column, fitted_tables
from tokenecon.render.value import area_diff_tables

_STYLE = {"added": "green", "removed": "red", "changed": "yellow", "unchanged": ""}


def _attribution(doc: dict[str, Any], width: int) -> list[Any]:
    factors = [Column(f"from {x}") for x in t.FACTOR_LABELS.values()]
    columns = [Column("use case", "left"), Column("base $/outcome"), Column("head $/outcome"),
               Column("change"), *factors]  # fmt: skip
    rows = []
    for u in doc["use_cases"]:
        cpo = u["cost_per_outcome"]
        rows.append([u["name"], usd(cpo["base"]), usd(cpo["head"]),
                     t.signed_usd(cpo["change"]), *t.factor_cells(u)])  # fmt: skip
    if not rows:  # no use case on either side: no table of headers alone
        return []
    return list(
        fitted_tables(
            "Why cost per outcome changed (LMDI, no residual)", columns, rows, width, wider=WIDER
        )
    )


def _split(doc: dict[str, Any], width: int) -> list[Any]:
    split = doc["cost_split"]
    rows: list[list[str | Text]] = [
        [label, t.signed_usd(split[key])] for key, label in t.SPLIT_LABELS
    ]
    by_factor = split["cost_per_outcome_by_factor"]
    for i, (factor, label) in enumerate(t.FACTOR_LABELS.items()):
        rows.insert(3 + i, [f"  of which {label}", t.signed_usd(by_factor[factor])])
    rows.append([Text("change in total cost", style="bold"), t.signed_usd(split["change"])])
    columns = [Column("term", "left"), Column("amount")]
    return list(fitted_tables("Total cost change, split", columns, rows, width, wider=WIDER))


def _board(doc: dict[str, Any], width: int) -> list[Any]:
    columns = [Column("board line", "left"), Column("change", "left")]
    rows = [[t.BOARD_LABELS[k], t.board_line(k, c)] for k, c in doc["board"].items()]
    return list(fitted_tables("Board lines", columns, rows, width, wider=WIDER))


def render_diff_console(doc: dict[str, Any], console: Console, wrap: bool | None = None) -> None:
    """Print the diff. ``wrap``: wrap lines at the console width (default: only on a terminal;
    piped, each line stays whole)."""
    width = console.width
    soft = not (console.is_terminal if wrap is None else wrap)

    def line(text: str | Text) -> None:
        console.print(text, markup=False, soft_wrap=soft)

    line(Text(f"tokenecon diff {t.period(doc, 'base')} → {t.period(doc, 'head')}", style="bold"))
    totals = doc["totals"]
    line(f"Total cost        {t.cost_line(totals)}")
    cpo = doc["board"]["cost_per_verified_outcome"]
    line(f"Cost per outcome  {t.money_line(cpo)}")
    line(f"Outcomes          {t.counts(totals['outcomes'])}")
    console.print()
    names = max((len(u["name"]) for u in doc["use_cases"]), default=0)
    line(Text("Use cases" if doc["use_cases"] else "Use cases: none mapped", style="bold"))
    for u in doc["use_cases"]:
        line(Text(t.use_case_line(u, names), style=_STYLE[u["status"]]))
    line(Text("Models", style="bold"))
    models = max((len(m["model"]) for m in doc["models"]), default=0)
    for m in doc["models"]:
        line(Text(t.model_line(m, models), style=_STYLE[m["status"]]))
    console.print()
    # a split of two costs that are both unknown is zeros that mean nothing
    split = [] if all(t.unknown_costs(totals).values()) else _split(doc, width)
    for table in [*_attribution(doc, width), *split, *_board(doc, width)]:
        console.print(table)
    for table in ownership_diff_tables(doc, width):  # domains and budgets, if declared
        console.print(table)
    for table in area_diff_tables(doc, width):  # value areas, if either report has them
        console.print(table)
    notes = [u for u in doc["use_cases"] if u["note"]]
    for u in notes:
        line(Text(f"  {u['name']}: {u['note']}"))
    if doc["checks"]:
        line(Text("Thresholds", style="bold"))
        for c in doc["checks"]:
            line(Text(t.check_line(c), style="red bold" if c["crossed"] else ""))
