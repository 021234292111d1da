"""Rich tables for people: use cases by layer, models, the leftovers, accounting, findings."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tokenecon.render.formats import count, pct, per_million, tokens, usd


def _economics_table(report: dict[str, Any]) -> Table:
    table = Table(title="Unit economics by use case", title_justify="left", expand=False)
    for header in ("use case", "cost", "tasks", "outcomes", "$/1M tok", "tok/task",
                   "tasks/outcome", "$/outcome"):  # fmt: skip
        table.add_column(header, justify="left" if header == "use case" else "right", no_wrap=True)
    for u in report["use_cases"]:
        table.add_row(
            u["name"], usd(u["cost"]), count(u["tasks"]), count(u["outcomes"]),
            per_million(u["cost_per_token"]), count(u["tokens_per_task"]),
            count(u["tasks_per_outcome"], 2), usd(u["cost_per_outcome"]),
        )  # fmt: skip
    un = report["unattributed"]
    table.add_row(
        Text("(unattributed)", style="italic"), usd(un["cost"]), "—", "—",
        per_million(_rate(un)), "—", "—", "—",
    )  # fmt: skip
    return table


def _rate(volume: dict[str, Any]) -> str | None:
    billable = volume["tokens"]["billable"] - volume["unpriced_tokens"]
    if not billable:
        return None
    from decimal import Decimal

    return str(Decimal(volume["cost"]) / billable)


def _value_table(report: dict[str, Any]) -> Table:
    table = Table(title="Value and efficiency", title_justify="left")
    for header in ("use case", "loaded $/outcome", "value/outcome", "ROI", "req/task",
                   "cache read", "output", "batch", "vs cheapest"):  # fmt: skip
        table.add_column(header, justify="left" if header == "use case" else "right")
    for u in report["use_cases"]:
        versus = f"{count(u['price_vs_cheapest'], 1)}x" if u["price_vs_cheapest"] else "—"
        table.add_row(
            u["name"], usd(u["fully_loaded_cost_per_outcome"]), usd(u["value_per_outcome"]),
            pct(u["roi"]), count(u["requests_per_task"], 1), pct(u["cache_read_share"]),
            pct(u["output_share"]), pct(u["batch_share"]), versus,
        )  # fmt: skip
    return table


def _models_table(report: dict[str, Any]) -> Table:
    table = Table(title="Models", title_justify="left")
    for header in ("model", "tier", "cost", "share", "requests", "input", "cache read",
                   "output", "$/1M tok"):  # fmt: skip
        table.add_column(header, justify="left" if header in ("model", "tier") else "right")
    for m in report["models"]:
        t = m["tokens"]
        table.add_row(
            m["model"], m["tier"] or "unpriced", usd(m["cost"]) if m["tier"] else "—",
            pct(m["cost_share"]), count(m["requests"]),
            tokens(t["uncached_input"] + t["cache_write"] + t["cache_write_1h"]),
            tokens(t["cache_read"]), tokens(t["output"]), usd(m["cost_per_million_tokens"]),
        )  # fmt: skip
    return table


def _breakdown_table(report: dict[str, Any]) -> Table:
    breakdown = report["breakdown"]
    table = Table(title=f"By {breakdown['by']}", title_justify="left")
    for header in (breakdown["by"], "cost", "share", "requests", "tokens"):
        table.add_column(header, justify="left" if header == breakdown["by"] else "right")
    for row in breakdown["rows"]:
        table.add_row(
            row["value"],
            usd(row["cost"]),
            pct(row["cost_share"]),
            count(row["requests"]),
            tokens(row["tokens"]["billable"]),
        )
    return table


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
    for u in report["unpriced"]:
        lines.append(
            Text(
                f"Unpriced: {u['model']} ({u['reason']}): {count(u['requests'])} "
                f"request{'s' if u['requests'] != 1 else ''}, "
                f"{tokens(u['tokens']['billable'])} tokens",
                style="yellow",
            )
        )
    lines.append(
        Text(
            f"Rows: {totals['rows_read']:,} read = {totals['rows_priced']:,} priced + "
            f"{totals['rows_unpriced']:,} unpriced + {totals['rows_rejected']:,} rejected + "
            f"{totals['rows_duplicate']:,} duplicate"
            + (
                f" + {totals['rows_outside_period']:,} outside --since/--until"
                if totals["rows_outside_period"]
                else ""
            )
        )
    )
    for row in report["rejected"]["rows"]:
        lines.append(Text(f"  rejected {row['source']}:{row['line']}: {row['reason']}", "red"))
    if report["duplicates"]["count"]:
        ids = ", ".join(d["request_id"] for d in report["duplicates"]["ids"][:5])
        lines.append(Text(f"  duplicates counted once: {ids}"))
    return lines


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
    parts: list[Any] = [_economics_table(report), _value_table(report), _models_table(report)]
    if "breakdown" in report:
        parts.append(_breakdown_table(report))
    console.print(Group(*parts))
    for line in [*_lines(report), *_findings(report)]:
        console.print(line)
