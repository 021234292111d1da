"""Rich tables for people: use cases by layer, models, the leftovers, accounting, findings."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tokenecon.render.formats import count, pct, per_million, tokens, usd
from tokenecon.render.ownership import ownership_tables
from tokenecon.render.tables import Column, fitted_tables
from tokenecon.render.value import value_lines, value_tables


def _columns(*headers: str, left: int = 1) -> list[Column]:
    return [Column(h, "left" if i < left else "right") for i, h in enumerate(headers)]


def _economics_table(report: dict[str, Any], width: int) -> list[Table]:
    # Cost per outcome first, then the three factors it is the product of.
    columns = _columns("use case", "cost", "tasks", "outcomes", "$/outcome", "$/1M tok",
                       "tok/task", "tasks/outcome")  # fmt: skip
    rows: list[list[Any]] = []
    for u in report["use_cases"]:
        rows.append([
            _named(u["name"], u), usd(u["cost"]), count(u["tasks"]), count(u["outcomes"]),
            usd(u["cost_per_outcome"]), per_million(u["cost_per_token"]),
            count(u["tokens_per_task"]), count(u["tasks_per_outcome"], 2),
        ])  # fmt: skip
    un = report["unattributed"]
    rows.append([
        Text("(unattributed)", style="italic"), usd(un["cost"]), "—", "—", "—",
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
    from decimal import Decimal

    return str(Decimal(volume["cost"]) / billable)


def _value_table(report: dict[str, Any], width: int) -> list[Table]:
    columns = _columns("use case", "loaded $/outcome", "value/outcome", "ROI", "req/task",
                       "cache read", "output", "batch", "vs cheapest")  # fmt: skip
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
    columns = _columns("model", "tier", "cost", "share", "requests", "input", "cache read",
                       "output", "$/1M tok", left=2)  # fmt: skip
    rows: list[list[Any]] = []
    for m in report["models"]:
        t = m["tokens"]
        rows.append([
            _named(m["model"], m), _tier(m), usd(m["cost"]) if m.get("cost_source") else "—",
            pct(m["cost_share"]), count(m["requests"]),
            tokens(t["uncached_input"] + t["cache_write"] + t["cache_write_1h"]),
            tokens(t["cache_read"]), tokens(t["output"]), usd(m["cost_per_million_tokens"]),
        ])  # fmt: skip
    return fitted_tables("Models", columns, rows, width)


def _breakdown_table(report: dict[str, Any], width: int) -> list[Table]:
    breakdown = report["breakdown"]
    columns = _columns(breakdown["by"], "cost", "share", "requests", "tokens")
    rows = [
        [
            row["value"],
            usd(row["cost"]),
            pct(row["cost_share"]),
            count(row["requests"]),
            tokens(row["tokens"]["billable"]),
        ]
        for row in breakdown["rows"]
    ]
    return fitted_tables(f"By {breakdown['by']}", columns, rows, width)


def _reconciliation_table(report: dict[str, Any], width: int) -> list[Table]:
    columns = [*_columns("model", "computed", "reported", "gap"), Column("explained by", "left")]
    rows: list[list[Any]] = []
    for m in report["reconciliation"]:
        causes = "; ".join(f"{c['cause']} {usd(c['amount'])}" for c in m["causes"]) or "—"
        rows.append([m["model"], usd(m["computed"]), usd(m["reported"]), usd(m["gap"]), causes])
    return fitted_tables("Computed vs reported cost", columns, rows, width)


def _lines(report: dict[str, Any]) -> list[Text]:
    totals = report["totals"]
    un = report["unattributed"]
    lines = [
        Text.assemble(
            ("Total ", "bold"),
            usd(totals["cost"]),
            f" for {tokens(totals['tokens']['billable'])}"
            f" tokens, {count(totals['requests'])} requests, period {report['period']['start']}"
            f" to {report['period']['end']}",
        ),
        Text(
            f"Unattributed: {usd(un['cost'])} ({pct(un['cost_share'], 1)} of spend), "
            f"{count(un['requests'])} requests"
        ),
    ]
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
    if source and source["reported"] != "0.000000":
        lines.append(
            Text(
                f"Cost source: {source['option']}: {usd(source['computed'])} computed from the "
                f"price book, {usd(source['reported'])} as the sources reported it"
            )
        )
    for u in report["unpriced"]:
        lines.append(
            Text(
                f"Unpriced: {u['model']} ({u['reason']}): {count(u['requests'])} "
                f"request{'s' if u['requests'] != 1 else ''}, "
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
    out = [Text("Findings", style="bold")]
    if not findings:
        out.append(Text("  none: every layer is within its target"))
    for f in findings:
        out.append(Text.assemble(f"  {f['scope']} ", (f"[{f['layer']}] ", "bold"), f["message"]))
    rung = report["maturity"]
    out.append(Text(f"Maturity: {rung['rung']} ({rung['level']}/4). Next: {rung['next_step']}"))
    return out


def render_console(report: dict[str, Any], console: Console) -> None:
    """Print the report's tables and lines."""
    width = console.width
    parts: list[Any] = [
        *_economics_table(report, width),
        *_value_table(report, width),
        *_models_table(report, width),
        *value_tables(report, width),
    ]
    if "breakdown" in report:
        parts.extend(_breakdown_table(report, width))
    if report.get("reconciliation"):
        parts.extend(_reconciliation_table(report, width))
    parts.extend(ownership_tables(report, width))  # showback, budgets, people (if declared)
    console.print(Group(*parts))
    for line in [*_lines(report), *value_lines(report), *_findings(report)]:
        console.print(line)
