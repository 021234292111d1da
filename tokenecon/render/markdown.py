"""`tokenecon diff --format markdown`: a PR/MR comment — the headline, the Infracost-style lines,
the thresholds, and the exact attribution in a collapsed details section."""

from __future__ import annotations

import html
from typing import Any

from tokenecon.render import difftext as t
from tokenecon.render.formats import usd


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no HTML, no column breaks."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def fenced(text: str) -> str:
    """Text safe inside a fenced code block."""
    return text.replace("```", "``\u200b`")


def _table(headers: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    align = ["---" if i < right_from else "--:" for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _headline(doc: dict[str, Any]) -> list[str]:
    cpo = doc["board"]["cost_per_verified_outcome"]
    totals = doc["totals"]
    return [
        f"### tokenecon: {t.period(doc, 'base')} → {t.period(doc, 'head')}",
        "",
        f"**Cost per verified outcome** {t.money_line(cpo)}  ",
        f"**Total cost** {t.money_line(totals['cost'])}  ",
        f"**Outcomes** {t.counts(totals['outcomes'])}",
    ]


def _checks(doc: dict[str, Any]) -> list[str]:
    if not doc["checks"]:
        return []
    crossed = [c for c in doc["checks"] if c["crossed"]]
    title = f"**{len(crossed)} threshold(s) crossed**" if crossed else "**Thresholds: all ok**"
    lines = ["", title, ""]
    for c in doc["checks"]:
        mark = "❌" if c["crossed"] else ("➖" if c["reason"] else "✅")
        lines.append(f"- {mark} `{fenced(t.check_line(c, verdict=False))}`")
    return lines


def _details(doc: dict[str, Any], chart: str | None) -> list[str]:
    lines = ["", "<details><summary>Why it changed (exact LMDI attribution)</summary>", ""]
    if chart:
        lines += [f"![Total cost change, split]({chart})", ""]
    lines += ["Change in cost per outcome, by factor:", ""]
    rows = []
    for u in doc["use_cases"]:
        cpo = u["cost_per_outcome"]
        rows.append([cell(u["name"]), usd(cpo["base"]), usd(cpo["head"]),
                     t.signed_usd(cpo["change"]), *t.factor_cells(u)])  # fmt: skip
    headers = [
        "use case",
        "base",
        "head",
        "change",
        *(f"from {x}" for x in t.FACTOR_LABELS.values()),
    ]
    lines += _table(headers, rows)
    notes = [u for u in doc["use_cases"] if u["note"]]
    if notes:
        lines += [""] + [f"- {cell(u['name'])}: {cell(u['note'])}" for u in notes]
    split = doc["cost_split"]
    rows = [[label, t.signed_usd(split[key])] for key, label in t.SPLIT_LABELS]
    for i, (factor, label) in enumerate(t.FACTOR_LABELS.items()):
        value = t.signed_usd(split["cost_per_outcome_by_factor"][factor])
        rows.insert(3 + i, [f"&nbsp;&nbsp;of which {label}", value])
    rows.append(["**change in total cost**", f"**{t.signed_usd(split['change'])}**"])
    lines += ["", "Change in total cost, split:", "", *_table(["term", "amount"], rows)]
    rows = [[t.BOARD_LABELS[k], t.board_line(k, c)] for k, c in doc["board"].items()]
    lines += ["", "Board lines:", "", *_table(["line", "change"], rows, right_from=2)]
    lines += ["", "</details>"]
    return lines


def render_diff_markdown(doc: dict[str, Any], chart: str | None = None) -> str:
    """The comment's Markdown text."""
    names = max((len(u["name"]) for u in doc["use_cases"]), default=0)
    models = max((len(m["model"]) for m in doc["models"]), default=0)
    lines = [*_headline(doc), "", "```diff"]
    lines += [fenced(t.use_case_line(u, names)) for u in doc["use_cases"]]
    lines += ["```", "", "<details><summary>Models</summary>", "", "```diff"]
    lines += [fenced(t.model_line(m, models)) for m in doc["models"]]
    lines += ["```", "", "</details>"]
    lines += _checks(doc)
    lines += _details(doc, chart)
    return "\n".join(lines) + "\n"
