"""The analyze report for people: what was spent when and on what, by use case when a mapping
says which, then the board lines, the findings and the maturity rung.

Without a mapping the first screen leads with spend over time and by model (and by the --by
key), then says what a mapping would add; a table with no rows is never printed. Sentences
are wrapped only on a terminal: piped into a file each stays on one line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tokenecon.render.board import board_lines
from tokenecon.render.formats import (
    count,
    pct,
    per_million,
    plural,
    tokens,
    unpriced_all,
    usd,
    volume_cost,
)
from tokenecon.render.ownership import ownership_tables
from tokenecon.render.tables import Column, fitted_tables
from tokenecon.render.timeviews import block_tables, time_tables
from tokenecon.render.value import value_lines, value_tables


def _columns(*headers: str, left: int = 1, ranks: tuple[int, ...] = ()) -> list[Column]:
    """Columns, the first ``left`` left-aligned; ``ranks`` (one per column after those)
    decide which stay on a narrow terminal (higher stays longer)."""
    return [
        Column(
            h,
            "left" if i < left else "right",
            ranks[i - left] if ranks and i >= left else None,
        )
        for i, h in enumerate(headers)
    ]


def _economics_table(report: dict[str, Any], width: int) -> list[Table]:
    # Cost per outcome first, then the three factors it is the product of.
    columns = _columns("use case", "cost", "tasks", "outcomes", "$/outcome", "$/1M tok",
                       "tok/task", "tasks/outcome", ranks=(9, 6, 7, 8, 5, 4, 3))  # fmt: skip
    rows: list[list[Any]] = []
    for u in report["use_cases"]:
        rows.append([
            _named(u["name"], u), volume_cost(u), count(u["tasks"]), count(u["outcomes"]),
            usd(u["cost_per_outcome"]), per_million(u["cost_per_token"]),
            count(u["tokens_per_task"]), count(u["tasks_per_outcome"], 2),
        ])  # fmt: skip
    un = report["unattributed"]
    rows.append([
        Text("(unattributed)", style="italic"), volume_cost(un), "—", "—", "—",
        per_million(_rate(un)), "—", "—",
    ])  # fmt: skip
    return fitted_tables("Unit economics by use case", columns, rows, width)


def _tier(model: dict[str, Any]) -> str:
    """The price book's tier; a model the book does not know is unpriced, or priced at the
    cost its source reported."""
    if model["tier"]:
        return str(model["tier"])
    return "as reported" if model.get("cost_source") == "reported" else "unpriced"


def _named(name: str, entry: dict[str, Any]) -> str:
    """A row's name, flagged when its token counts are estimates."""
    return f"{name} (estimated)" if entry.get("estimated") else name


def _rate(volume: dict[str, Any]) -> str | None:
    billable = volume["tokens"]["billable"] - volume["unpriced_tokens"]
    if not billable:
        return None
    return str(Decimal(volume["cost"]) / billable)


def _value_table(report: dict[str, Any], width: int) -> list[Table]:
    columns = _columns("use case", "loaded $/outcome", "value/outcome", "ROI", "req/task",
                       "cache read", "output", "batch", "vs cheapest",
                       ranks=(9, 8, 7, 3, 5, 4, 2, 6))  # fmt: skip
    rows: list[list[Any]] = []
    for u in report["use_cases"]:
        versus = f"{count(u['price_vs_cheapest'], 1)}x" if u["price_vs_cheapest"] else "—"
        rows.append([
            u["name"], usd(u["fully_loaded_cost_per_outcome"]), usd(u["value_per_outcome"]),
            pct(u["roi"]), count(u["requests_per_task"], 1), pct(u["cache_read_share"]),
            pct(u["output_share"]), pct(u["batch_share"]), versus,
        ])  # fmt: skip
    return fitted_tables("Value and efficiency", columns, rows, width)


def _models_table(report: dict[str, Any], width: int) -> list[Table]:
    # Every input bucket in its own column: "input" alone would hide which it counts.
    columns = _columns("model", "tier", "cost", "share", "requests", "uncached in",
                       "cache write", "cache read", "output", "$/1M tok", left=2,
                       ranks=(10, 8, 3, 7, 5, 6, 7, 4))  # fmt: skip
    rows: list[list[Any]] = []
    for m in report["models"]:
        t = m["tokens"]
        rows.append([
            _named(m["model"], m), _tier(m), usd(m["cost"]) if m.get("cost_source") else "—",
            pct(m["cost_share"]), count(m["requests"]), tokens(t["uncached_input"]),
            tokens(t["cache_write"] + t["cache_write_1h"]), tokens(t["cache_read"]),
            tokens(t["output"]), usd(m["cost_per_million_tokens"]),
        ])  # fmt: skip
    return fitted_tables("Models", columns, rows, width)


def _breakdown_table(report: dict[str, Any], width: int) -> list[Table]:
    breakdown = report["breakdown"]
    if breakdown["by"].split(",")[0] in ("day", "week", "month"):
        return time_tables(report, width)
    columns = _columns(breakdown["by"], "cost", "share", "requests", "tokens")
    rows = [
        [
            row["value"],
            volume_cost(row),
            pct(row["cost_share"]),
            count(row["requests"]),
            tokens(row["tokens"]["billable"]),
        ]
        for row in breakdown["rows"]
    ]
    return fitted_tables(f"By {breakdown['by']}", columns, rows, width)


def _reconciliation_table(report: dict[str, Any], width: int) -> list[Table]:
    # What explains each gap is a sentence: it goes below (_gap_lines), not into a column.
    columns = _columns("model", "computed", "reported", "gap")
    rows = [
        [m["model"], usd(m["computed"]), usd(m["reported"]), usd(m["gap"])]
        for m in report["reconciliation"]
    ]
    return fitted_tables("Computed vs reported cost", columns, rows, width)


def _gap_lines(report: dict[str, Any]) -> list[Text]:
    """What explains each model's gap between computed and reported cost."""
    return [
        Text(
            f"  {m['model']}: gap {usd(m['gap'])} = "
            + " + ".join(f"{c['cause']} {usd(c['amount'])}" for c in m["causes"])
        )
        for m in report.get("reconciliation", [])
        if m["causes"]
    ]


def _lines(report: dict[str, Any]) -> list[Text]:
    totals = report["totals"]
    un = report["unattributed"]
    period = (
        f"period {report['period']['start']} to {report['period']['end']}"
        f" (days in {report.get('time', {}).get('timezone', 'UTC')})"
    )
    billable, unpriced = totals["tokens"]["billable"], totals["unpriced_tokens"]
    if unpriced_all(totals):  # unknown, never a confident $0.00
        total = Text.assemble(
            ("Total ", "bold"), ("unknown", "bold yellow"),
            f": none of {tokens(billable)} tokens has a price "
            f"({plural(totals['requests'], 'request')}), {period}",
        )  # fmt: skip
    else:
        priced_only = f"; {tokens(unpriced)} unpriced tokens are not in it" if unpriced else ""
        total = Text.assemble(
            ("Total ", "bold"), usd(totals["cost"]),
            f" for {tokens(billable)} tokens, {plural(totals['requests'], 'request')}, "
            f"{period}{priced_only}",
        )  # fmt: skip
    lines = [total]
    if report["use_cases"]:
        lines.append(
            Text(
                f"Unattributed: {volume_cost(un)} ({pct(un['cost_share'], 1)} of spend), "
                f"{plural(un['requests'], 'request')}"
            )
        )
    for source_input in report["inputs"]["usage"]:
        if source_input.get("estimated"):
            lines.append(
                Text(
                    f"Estimated: token counts of {source_input['path']} come from its text "
                    f"({source_input['estimated']})",
                    style="yellow",
                )
            )
    source = report.get("cost_source")
    if source and Decimal(source["reported"]) != 0:
        lines.append(
            Text(
                f"Cost source: {source['option']}: {usd(source['computed'])} computed from the "
                f"price book, {usd(source['reported'])} as the sources reported it"
            )
        )
    for u in report["unpriced"]:
        lines.append(
            Text(
                f"Unpriced: {u['model']} ({u['reason']}): {plural(u['requests'], 'request')}, "
                f"{tokens(u['tokens']['billable'])} tokens",
                style="yellow",
            )
        )
    kept = f"{totals['rows_priced']:,} priced + {totals['rows_unpriced']:,} unpriced"
    lines.append(accounting_line(totals, kept))
    lines += rejected_lines(report["rejected"]["rows"])
    if report["duplicates"]["count"]:
        ids = ", ".join(d["request_id"] for d in report["duplicates"]["ids"][:5])
        lines.append(Text(f"  duplicates counted once: {ids}"))
    return lines


def accounting_line(counts: dict[str, Any], kept: str) -> Text:
    """The row-accounting line of analyze and convert: every row read, and where it went.
    ``counts`` has ``rows_read``, ``rows_rejected``, ``rows_duplicate`` and
    ``rows_outside_period``; ``kept`` says how the kept rows divide."""
    text = (
        f"Rows: {counts['rows_read']:,} read = {kept} + {counts['rows_rejected']:,} rejected + "
        f"{counts['rows_duplicate']:,} duplicate"
    )
    if counts["rows_outside_period"]:
        text += f" + {counts['rows_outside_period']:,} outside --since/--until"
    return Text(text)


def rejected_lines(rows: list[dict[str, Any]]) -> list[Text]:
    """One line per sample rejected row: file:line (or "line unknown") and the reason."""
    out = []
    for row in rows:
        where = (
            f"{row['source']}:{row['line']}" if row["line"] else f"{row['source']} (line unknown)"
        )
        out.append(Text(f"  rejected {where}: {row['reason']}", "red"))
    return out


def _findings(report: dict[str, Any]) -> list[Text]:
    findings = [f for u in report["use_cases"] for f in u["findings"]] + report["findings"]
    if not findings and not report["use_cases"]:
        return []
    out = [Text("Findings", style="bold")]
    if not findings:
        out.append(Text("  none: every layer is within its target"))
    for f in findings:
        out.append(Text.assemble(f"  {f['scope']} ", (f"[{f['layer']}] ", "bold"), f["message"]))
    return out


def _board(report: dict[str, Any]) -> list[Text]:
    """The five board lines and the maturity rung."""
    if "board" not in report:
        return []
    out = [Text("Board", style="bold")]
    for line in board_lines(report):
        out.append(Text.assemble(f"  {line['label']}: ", (line["value"], "bold"),
                                 f" ({line['detail']})"))  # fmt: skip
    rung = report["maturity"]
    top = len(rung.get("ladder", ())) - 1 if rung.get("ladder") else 4
    out.append(
        Text.assemble(
            ("Maturity: ", "bold"),
            f"rung {rung['level']} of 0–{top}: {rung['rung']}. Next: {rung['next_step']}",
        )
    )
    return out


def render_console(report: dict[str, Any], console: Console, wrap: bool | None = None) -> None:
    """Print the report's tables and lines. ``wrap``: wrap sentences at the console width
    (default: only on a terminal; piped, each sentence stays on one line)."""
    width = console.width
    soft = not (console.is_terminal if wrap is None else wrap)
    mapped = bool(report["use_cases"])
    parts: list[Any] = []
    if mapped:
        parts += [*_economics_table(report, width), *_value_table(report, width)]
    by_period = "breakdown" in report and report["breakdown"]["by"].split(",")[0] in (
        "day", "week", "month",
    )  # fmt: skip
    if not mapped and not by_period:
        parts += time_tables(report, width)
    parts += block_tables(report, width)  # agent logs only
    if report["models"]:
        parts += _models_table(report, width)
    parts += value_tables(report, width)
    if "breakdown" in report:
        parts.extend(_breakdown_table(report, width))
    if report.get("reconciliation"):
        parts.extend(_reconciliation_table(report, width))
    parts.extend(ownership_tables(report, width))  # showback, budgets, people (if declared)
    if parts:
        console.print(Group(*parts))
    for line in [
        *_gap_lines(report),
        *_lines(report),
        *value_lines(report),
        *_findings(report),
        *_board(report),
    ]:
        console.print(line, soft_wrap=soft)
