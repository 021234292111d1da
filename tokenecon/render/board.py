"""The five board lines (see docs/reports.md), worded once for the terminal and the HTML page."""

from __future__ import annotations

from typing import Any

from tokenecon.render.formats import count, pct, plural, unpriced_all, usd


def board_lines(
    report: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The five board lines of ``report``: label, value, the value of ``previous`` (—
    without one) and a sentence of detail."""
    b = report["board"]
    before = previous["board"] if previous and "board" in previous else {}
    cpo, alloc, route = (
        b["cost_per_verified_outcome"],
        b["direct_allocation_share"],
        b["route_win_rate"],
    )
    lev, sov = b["cache_batch_leverage"], b["sovereignty_hit_rate"]
    q = route["quality"]

    def prev(key: str, fmt: Any) -> str:
        return fmt(before[key]["value"]) if key in before else "—"

    per_task = (
        f"; verified outcomes per task {pct(q['utility']['outcomes_per_task'])} where a utility "
        f"model does the work, {pct(q['other']['outcomes_per_task'])} elsewhere"
        if q["utility"]["use_cases"] and q["other"]["use_cases"]
        else ""
    )
    residency = (
        f"{count(sov['requests_in_region'])} of {count(sov['requests'])} requests of "
        f"{', '.join(sov['use_cases'])} ran in an allowed region; "
        f"{count(sov['requests_outside'])} outside, {count(sov['requests_region_unknown'])} "
        "with no region reported"
        if sov["use_cases"]
        else "no use case declares residency:"
    )
    unknown = unpriced_all(report["totals"])  # no priced spend: never "$0.00 of $0.00"
    claimed = (
        "no priced spend to claim" if unknown
        else f"{usd(alloc['attributed_cost'])} of {usd(alloc['cost'])} is claimed by a named "
        "use case"
    )  # fmt: skip
    bill = (
        "no priced usage to weigh them against" if unknown
        else f"caching saved {usd(lev['cache_saving'])} and the batch tier "
        f"{usd(lev['batch_saving'])} of a {usd(lev['cost_without_levers'])} list bill"
    )  # fmt: skip
    return [
        {"label": "Cost per verified outcome", "value": usd(cpo["value"]),
         "previous": prev("cost_per_verified_outcome", usd),
         "detail": f"{usd(cpo['cost'])} of model cost over {count(cpo['outcomes'])} verified "
                   f"outcomes of {plural(len(cpo['use_cases']), 'use case')}"
                   if cpo["use_cases"] else "no use case counts verified outcomes"},
        {"label": "Direct-allocation share", "value": pct(alloc["value"], 1),
         "previous": prev("direct_allocation_share", lambda v: pct(v, 1)),
         "detail": claimed},
        {"label": "Route win rate", "value": pct(route["value"], 1),
         "previous": prev("route_win_rate", lambda v: pct(v, 1)),
         "detail": f"{count(route['utility_requests'])} of {count(route['priced_requests'])} "
                   f"priced requests ran on utility-tier models{per_task}"},
        {"label": "Cache and batch leverage", "value": pct(lev["value"], 1),
         "previous": prev("cache_batch_leverage", lambda v: pct(v, 1)),
         "detail": f"{bill}; {pct(lev['cache_read_share'])} of input read from cache, "
                   f"{pct(lev['batch_share'])} of requests batched"},
        {"label": "Sovereignty hit rate", "value": pct(sov["value"], 1),
         "previous": prev("sovereignty_hit_rate", lambda v: pct(v, 1)), "detail": residency},
    ]  # fmt: skip
