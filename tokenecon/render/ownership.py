"""Console tables of who owns the spend: showback by domain, the shared pools and their rules,
budgets with their projection, credits, people by role tier and role budgets."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tokenecon.render.formats import count, pct, priced_usd, tokens, usd
from tokenecon.render.tables import DIFF_WIDER, Column, fitted_tables


def _columns(*headers: str, left: int = 1) -> list[Column]:
    return [Column(h, "left" if i < left else "right") for i, h in enumerate(headers)]


COSTS = ("direct", "review+overhead", "shared", "total")
"""The headers of a domain's cost, split (:func:`_costs`)."""


def _costs(x: dict[str, Any]) -> list[str]:
    """A domain's direct, review and overhead, shared and total cost (showback, chargeback);
    a direct cost of 0 whose tokens have no price is "no price", not $0.00."""
    return [priced_usd(x["direct_cost"], x.get("unpriced_tokens"))] + [
        usd(x[k]) for k in ("review_overhead", "shared_cost", "total")
    ]


def unpriced_lines(lines: list[dict[str, Any]], figures: str = "cost") -> list[Text]:
    """Domains whose usage has tokens with no price: in none of their ``figures`` above."""
    return [
        Text(
            f"  {x['domain']}: {x['unpriced_tokens']:,} tokens have no price and are in no "
            f"{figures} above (add their models to a --prices book: docs/price-book-fields.md)",
            style="yellow",
        )
        for x in lines
        if x.get("unpriced_tokens")
    ]


def _showback(s: dict[str, Any], width: int) -> list[Table]:
    columns = _columns("domain", "owner", *COSTS, "share", "outcomes", "$/outcome", "stage", left=2)
    rows: list[list[Any]] = [
        [
            d["domain"],
            d["owner"],
            *_costs(d),
            pct(d["share"], 1),
            count(d["outcomes"]),
            usd(d["cost_per_outcome"]),
            d["chargeback"],
        ]
        for d in s["domains"]
    ]
    u = s["unallocated"]
    rows.append(
        [
            Text("(unallocated)", style="italic"),
            "",
            usd(u["unowned_cost"]),
            usd(u["unowned_review_overhead"]),
            usd(u["shared_cost"]),
            usd(u["total"]),
            pct(u["share"], 1),
            "—",
            "—",
            "",
        ]
    )
    rows.append(
        [
            Text("total", style="bold"),
            "",
            "",
            "",
            "",
            usd(s["total"]),
            "100.0%",
            "",
            usd(s["cost_per_verified_outcome"]),
            "",
        ]
    )
    return fitted_tables("Showback by domain", columns, rows, width)


def _allocation(pools: list[dict[str, Any]], width: int) -> list[Table]:
    columns = [
        *_columns("pool", "kind", "amount", left=2),
        Column("rule", "left"),
        *_columns("allocated", "unallocated", "idle", left=0),
    ]
    rows: list[list[Any]] = []
    for p in pools:
        rule = p["rule_text"]
        if p["unallocated_reason"]:
            rule += f" ({p['unallocated_reason']})"
        rows.append(
            [
                p["pool"],
                p["kind"],
                usd(p["amount"]),
                rule,
                usd(p["allocated"]),
                usd(p["unallocated"]),
                usd(p["idle"]),
            ]
        )
    tables = fitted_tables("Shared costs, allocated in the open", columns, rows, width)
    domains = list(dict.fromkeys(x["domain"] for p in pools for x in p["shares"]))
    if domains:
        placed = {(p["pool"], x["domain"]): x["amount"] for p in pools for x in p["shares"]}
        rows = [[d, *(usd(placed.get((p["pool"], d))) for p in pools)] for d in domains]
        columns = _columns("domain", *(p["pool"] for p in pools))
        tables += fitted_tables("Shared costs by domain", columns, rows, width)
    return tables


def _budgets(section: dict[str, Any], width: int) -> list[Table]:
    columns = [
        *_columns(
            "budget", "period", "amount", "spent", "remaining", "burn/day", "projected", left=2
        ),
        Column("runs out", "left"),
        Column("alerts", "left"),
    ]
    rows: list[list[Any]] = []
    for b in section["budgets"]:
        alerts = ", ".join(f"{a['level']} {a['on'] or ''}".strip() for a in b["alerts"]) or "—"
        if b.get("observed_from"):
            alerts += f" (usage from {b['observed_from']} only)"
        style = "red" if b["alerts"] else ""
        rows.append(
            [
                f"{b['scope']}:{b['name']}",
                f"{b['start']}..{b['end']}",
                usd(b["amount"]),
                priced_usd(b["spent"], b.get("unpriced_tokens")),
                *(usd(b[k]) for k in ("remaining", "daily_burn", "projected")),
                b["runs_out"] or "—",
                Text(alerts, style=style),
            ]
        )
    tables = (
        fitted_tables("Budgets (soft: alerts, never caps)", columns, rows, width) if rows else []
    )
    credits = [c for c in section["credits"] if c["total"] != "0.000000"]
    if credits:
        rows = [
            [c["domain"], usd(c["cache_saving"]), usd(c["batch_saving"]), usd(c["total"])]
            for c in credits
        ]
        columns = _columns("domain", "cache", "batch", "credit")
        tables += fitted_tables("Credits: what caching and batching saved", columns, rows, width)
    return tables


def _people(section: dict[str, Any], width: int) -> list[Table]:
    columns = _columns(
        "role tier",
        "people",
        "active",
        "idle seats",
        "cost",
        "tokens",
        "$/user p50",
        "$/user p90",
        "tok/user p50",
        "$/1M tok",
        "$/employee",
        "loaded $/employee",
    )
    rows = [
        [
            t["tier"],
            count(t["headcount"]),
            count(t["active_users"]),
            count(t["idle_seats"]),
            usd(t["cost"]),
            tokens(t["tokens"]),
            usd(t["cost_per_active_user"]["median"]),
            usd(t["cost_per_active_user"]["p90"]),
            tokens(int(float(t["tokens_per_active_user"]["median"] or 0))),
            usd(t["cost_per_million_tokens"]),
            usd(t["cost_per_employee"]),
            usd(t["loaded_cost_per_employee"]),
        ]
        for t in section["tiers"]
    ]
    tables = fitted_tables("People by role tier", columns, rows, width)
    tables += _outcomes_per_user(section, width)
    if section["role_budgets"]:
        columns = _columns(
            "role tier",
            "deliverables/mo",
            "tok/deliverable",
            "need tok/user",
            "held to",
            "used tok/user",
            "tier need",
            "tier need $",
        )
        rows = [
            [
                Text(r["tier"], style="red" if r["starved"] else ""),
                count(r["deliverables_per_month"]),
                f"{count(r['tokens_per_deliverable'])} (p{r['percentile']})",
                count(r["need_tokens_per_user"]),
                count(r["budget_tokens_per_user"]),
                count(r["actual_tokens_per_user"]),
                tokens(r["need_tokens"]),
                usd(r["need_cost"]),
            ]
            for r in section["role_budgets"]
        ]
        tables += fitted_tables("Role budgets sized from deliverables", columns, rows, width)
    return tables


def _outcomes_per_user(section: dict[str, Any], width: int) -> list[Table]:
    """Each tier's verified outcomes per user, where tasks carry a user (none otherwise)."""
    if not section.get("outcome_use_cases"):
        return []
    columns = [
        *_columns("role tier", "outcome users", "outcomes", "per user", "p50", "p90",
                  "$/outcome"),
        Column("top users (outcomes)", "left"),
    ]  # fmt: skip
    rows = []
    for t in section["tiers"]:
        per = t["outcomes_per_user"]
        top = ", ".join(
            f"{x['user']} {count(x['verified_outcomes'])}"
            for x in t["top_users"]
            if x.get("verified_outcomes") is not None
        )
        rows.append([
            t["tier"], count(t["outcome_users"]), count(t["verified_outcomes"]),
            count(per["mean"], 2), count(per["median"], 2), count(per["p90"], 2),
            usd(t["cost_per_verified_outcome"]), top or "—",
        ])  # fmt: skip
    title = "Outcomes per user (" + ", ".join(section["outcome_use_cases"]) + ")"
    return fitted_tables(title, columns, rows, width)


def ownership_tables(report: dict[str, Any], width: int) -> list[Table | Text]:
    """The ownership tables of a report that has them (none otherwise)."""
    tables: list[Table | Text] = []
    if "showback" in report:
        showback = report["showback"]
        tables += _showback(showback, width)
        unowned = {"domain": "(unallocated)", **showback["unallocated"]}
        tables += unpriced_lines([*showback["domains"], unowned])
        tables += _allocation(report["allocation"], width)
    if report.get("budgets", {}).get("budgets") or report.get("budgets", {}).get("credits"):
        tables += _budgets(report["budgets"], width)
    if "people" in report:
        tables += _people(report["people"], width)
    return tables


def render_chargeback(document: dict[str, Any], console: Console) -> None:
    """The chargeback lines as a table per billing period."""
    columns = _columns("domain", "stage", *COSTS, "outcomes", "rate", "charge", "variance")
    periods: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for x in document["lines"]:
        periods.setdefault((x["period_start"], x["period_end"]), []).append(x)
    tables: list[Table | Text] = []
    for (start, end), lines in periods.items():
        rows = [
            [
                x["domain"],
                x["stage"],
                *_costs(x),
                count(x["verified_outcomes"]),
                usd(x["rate_per_outcome"]),
                usd(x["charge"]),
                usd(x["platform_variance"]),
            ]
            for x in lines
        ]
        title = f"Chargeback {start} to {end}"
        tables += fitted_tables(title, columns, rows, console.width, wider="--width or --json")
        tables += unpriced_lines(lines, "cost or charge")
    console.print(Group(*tables))


def _signed(value: str | None) -> str:
    if value is None:
        return "—"
    return ("+" if not value.startswith("-") else "") + usd(value)


def ownership_diff_tables(doc: dict[str, Any], width: int) -> list[Table]:
    """A diff's domains and budgets, base against head (none when neither report has them)."""
    found = doc.get("ownership")
    if not found:
        return []
    columns = _columns("domain", "base total", "head total", "change", "of which direct",
                       "of which shared", "base $/outcome", "head $/outcome")  # fmt: skip
    rows: list[list[Any]] = [
        [d["domain"], usd(d["total"]["base"]), usd(d["total"]["head"]),
         _signed(d["total"]["change"]), _signed(d["direct_cost"]["change"]),
         _signed(d["shared_cost"]["change"]), usd(d["cost_per_outcome"]["base"]),
         usd(d["cost_per_outcome"]["head"])]
        for d in found["domains"]
    ]  # fmt: skip
    title = "Showback by domain, month over month"
    tables = fitted_tables(title, columns, rows, width, wider=DIFF_WIDER)
    if found["budgets"]:
        columns = _columns("budget", "base spent", "head spent", "change", "base projected",
                           "head projected", "head share")  # fmt: skip
        rows = [
            [b["budget"], usd(b["spent"]["base"]), usd(b["spent"]["head"]),
             _signed(b["spent"]["change"]), usd(b["projected"]["base"]),
             usd(b["projected"]["head"]), pct(b["spent_share"]["head"])]
            for b in found["budgets"]
        ]  # fmt: skip
        tables += fitted_tables("Budgets, month over month", columns, rows, width, wider=DIFF_WIDER)
    return tables
