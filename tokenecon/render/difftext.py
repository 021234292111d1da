"""Words and figures shared by the table and Markdown diffs (they read diff documents only)."""

from __future__ import annotations

from typing import Any

from tokenecon.render.formats import (
    count,
    dec,
    nothing_priced,
    signed_percent,
    unsigned_zero,
    usd,
)

SYMBOLS = {"added": "+", "removed": "-", "changed": "~", "unchanged": " "}
FACTOR_LABELS = {
    "cost_per_token": "cost/token",
    "tokens_per_task": "tokens/task",
    "tasks_per_outcome": "tasks/outcome",
}
SPLIT_LABELS = [
    ("outcome_volume", "outcome volume"),
    ("mix", "mix across use cases"),
    ("cost_per_outcome", "cost per outcome"),
    ("without_outcomes", "use cases without outcomes"),
    ("unattributed", "unattributed usage"),
]
BOARD_LABELS = {
    "cost_per_verified_outcome": "cost per verified outcome",
    "direct_allocation_share": "direct-allocation share",
    "route_win_rate": "route win rate",
    "cache_batch_leverage": "cache and batch leverage",
    "sovereignty_hit_rate": "sovereignty hit rate",
}


def split_terms(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """The terms of the total cost change, in order, each with its amount (a text): the cost
    per outcome term by factor (``cost/token`` ...), for the charts that stack them."""
    split = doc["cost_split"]
    return [
        ("outcome volume", split["outcome_volume"]),
        ("mix", split["mix"]),
        *((k.replace("_per_", "/"), v) for k, v in split["cost_per_outcome_by_factor"].items()),
        ("without outcomes", split["without_outcomes"]),
        ("unattributed", split["unattributed"]),
    ]  # fmt: skip


def signed_usd(value: str | None) -> str:
    """A money change with its sign: +$0.12, -$5.00, $0.00."""
    x = dec(value)
    if x is None:
        return "—"
    if x == 0:
        return "$0.00"
    return ("+" if x > 0 else "") + usd(value)


def signed_pct(value: str | None, places: int = 1) -> str:
    """A relative change: +29.0% (0.0% when it rounds to zero)."""
    x = dec(value)
    return "—" if x is None else signed_percent(x, places)


def signed_pp(change: str | None) -> str:
    """A change of a share in percentage points: +2.0pp (0.0pp when it rounds to zero)."""
    x = dec(change)
    return "—" if x is None else signed_percent(x, 1, "pp")


def money_line(c: dict[str, Any]) -> str:
    """+$0.12 ($0.41 → $0.53, +29.3%)."""
    pct = f", {signed_pct(c['change_pct'])}" if c.get("change_pct") is not None else ""
    return f"{signed_usd(c['change'])} ({usd(c['base'])} → {usd(c['head'])}{pct})"


def unknown_costs(totals: dict[str, Any]) -> dict[str, bool]:
    """Per side (base, head): whether it has tokens and none of them a price (its cost is
    unknown, not 0). A diff without token totals (older documents) knows none."""
    unpriced, tokens = totals.get("unpriced_tokens"), totals.get("tokens")
    if not unpriced or not tokens:
        return dict.fromkeys(("base", "head"), False)
    return {s: nothing_priced(tokens[s], unpriced[s]) for s in ("base", "head")}


def cost_line(totals: dict[str, Any]) -> str:
    """The total cost's change (:func:`money_line`), where a side of which no token has a price
    is "no price" (unknown, not $0.00) and the tokens no cost counts are named."""
    unpriced = totals.get("unpriced_tokens")
    if not unpriced or not (unpriced["base"] or unpriced["head"]):
        return money_line(totals["cost"])
    unknown = unknown_costs(totals)
    c = totals["cost"]
    if unknown["base"] or unknown["head"]:
        sides = ["no price" if unknown[s] else usd(c[s]) for s in ("base", "head")]
        text = f"unknown ({sides[0]} → {sides[1]})"
    else:
        text = money_line(c)
    left_out = " and ".join(f"{count(unpriced[s])} in {s}" for s in ("base", "head") if unpriced[s])
    return f"{text}; unpriced tokens, in no cost: {left_out}"


def share_line(c: dict[str, Any]) -> str:
    """+2.0pp (40.0% → 42.0%)."""
    return f"{signed_pp(c['change'])} ({pct1(c['base'])} → {pct1(c['head'])})"


def pct1(value: str | None) -> str:
    """A share with one decimal."""
    x = dec(value)
    return "—" if x is None else unsigned_zero(f"{x * 100:.1f}%")


def board_line(name: str, c: dict[str, Any]) -> str:
    """A board line's change in its own unit."""
    return money_line(c) if name == "cost_per_verified_outcome" else share_line(c)


def use_case_line(u: dict[str, Any], width: int = 0) -> str:
    """Infracost style: ``~ support-triage  cost/outcome +$0.12 ($0.41 → $0.53, +29%)``."""
    symbol = SYMBOLS[u["status"]]
    name = u["name"].ljust(width)
    cpo, cost = u["cost_per_outcome"], u["cost"]
    if u["status"] == "added":
        what = f"cost/outcome {usd(cpo['head'])}" if cpo["head"] else f"cost {usd(cost['head'])}"
        return f"{symbol} {name}  {what} (new)"
    if u["status"] == "removed":
        what = f"cost/outcome {usd(cpo['base'])}" if cpo["base"] else f"cost {usd(cost['base'])}"
        return f"{symbol} {name}  {what} (gone)"
    if u["status"] == "unchanged":
        shown = f"cost/outcome {usd(cpo['head'])}" if cpo["head"] else f"cost {usd(cost['head'])}"
        return f"{symbol} {name}  {shown} (no change)"
    if cpo["change"] is not None:
        return f"{symbol} {name}  cost/outcome {money_line(cpo)}"
    return f"{symbol} {name}  cost {money_line(cost)}; {u['note']}"


def model_line(m: dict[str, Any], width: int = 0) -> str:
    """``~ gpt-4.1  cost -$3.00 ($10.00 → $7.00, -30.0%)``."""
    symbol = SYMBOLS[m["status"]]
    name = m["model"].ljust(width)
    cost = m["cost"]
    if cost["base"] is None and cost["head"] is None and m["status"] != "unchanged":
        return f"{symbol} {name}  unpriced ({m['status']})"
    if m["status"] == "unchanged":
        return f"{symbol} {name}  cost {usd(cost['head'])} (no change)"
    if m["status"] == "added":
        return f"{symbol} {name}  cost {usd(cost['head'])} (new)"
    if m["status"] == "removed":
        return f"{symbol} {name}  cost {usd(cost['base'])} (gone)"
    return f"{symbol} {name}  cost {money_line(cost)}"


def _measured(c: dict[str, Any]) -> str:
    x = dec(c["measured"])
    if x is None:
        return "—"
    if c["mode"] == "relative":
        return "+∞" if c["measured"] == "Infinity" else signed_pct(c["measured"])
    sign = "+" if c["mode"] == "change" and x > 0 else ""
    if c.get("kind") == "share":
        return signed_pp(c["measured"]) if c["mode"] == "change" else pct1(c["measured"])
    if c.get("kind") == "money":
        return signed_usd(c["measured"]) if c["mode"] == "change" else usd(c["measured"])
    return unsigned_zero(f"{sign}{x.normalize():f}")


def check_line(c: dict[str, Any], verdict: bool = True) -> str:
    """A threshold verdict in words: ``CROSSED  cost_per_outcome>+10%: +12.3%``."""
    subject = (
        "" if c["subject"] in ("portfolio", *_scopes(c["expression"])) else (f" ({c['subject']})")
    )
    shown = c["reason"] if c["reason"] else _measured(c)
    word = "n/a" if c["reason"] else "CROSSED" if c["crossed"] else "ok"
    return (f"{word:<8} " if verdict else "") + f"{c['expression']}{subject}: {shown}"


def _scopes(expression: str) -> list[str]:
    """The subject an expression names when it names exactly one (no glob)."""
    head = expression.rsplit(".", 1)[0]
    return [] if any(ch in head for ch in "*?[") else [head]


def period(doc: dict[str, Any], side: str) -> str:
    """2026-10-01..2026-10-31."""
    p = doc[side]["period"]
    return f"{p['start']}..{p['end']}"


def factor_cells(u: dict[str, Any]) -> list[str]:
    """The three contributions of a use case, or the reason there are none."""
    factors = u["factors"]
    if factors["cost_per_token"]["contribution"] is None:
        return ["—", "—", "—"]
    return [signed_usd(factors[f]["contribution"]) for f in FACTOR_LABELS]


def counts(c: dict[str, Any]) -> str:
    """1,200 → 1,350."""
    return f"{count(c['base'])} → {count(c['head'])}"
