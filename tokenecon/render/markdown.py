"""`tokenecon diff --format markdown`: a PR/MR comment — the headline, the Infracost-style lines,
the thresholds, and the exact attribution in a collapsed details section.

Names come from the user's mapping and usage: in a comment they must not mention anyone
(``@team``), add HTML or links, or break a table; each is escaped for where it goes (a table
cell, inline code, a fenced block). The cost split is drawn with Unicode bars in a fenced block,
which every comment, job summary and merge request shows; an image would need a URL the comment
can reach (the SVG of ``--chart`` is a file on the runner: upload it as an artifact).
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

from tokenecon.render import difftext as t
from tokenecon.render.formats import pct, usd
from tokenecon.render.value import AREA_DIFF_HEADERS, area_diff_rows

_MARKUP = re.compile(r"([\\`*_\[\]()!~#|])")
BAR = 20
"""Characters of the longest bar of the cost split."""


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: no HTML, no links or emphasis, no
    column breaks, no @mentions (a zero-width space after ``@``, as Renovate writes them)."""
    escaped = _MARKUP.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    return escaped.replace("@", "@&#8203;")


def code(text: str) -> str:
    """Text as inline code, whatever backticks it holds (the fence is longer than any run)."""
    flat = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}" if longest else f"`{flat}`"


def fenced(text: str) -> str:
    """Text safe inside a fenced code block: one line, no closing fence."""
    return " ".join(text.splitlines()).replace("```", "``\u200b`")


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
        f"**Total cost** {t.cost_line(totals)}  ",
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
        lines.append(f"- {mark} {code(t.check_line(c, verdict=False))}")
    return lines


def split_bars(doc: dict[str, Any]) -> list[str]:
    """The change in total cost, term by term, as Unicode bars around an axis (negative to
    the left): the chart of ``--chart`` in text a comment can show."""
    amounts = [(name, Decimal(value or 0)) for name, value in t.split_terms(doc)]
    largest = max((abs(a) for _, a in amounts), default=Decimal(0))
    label = len("change in total cost")
    shown = [t.signed_usd(str(a)) for _, a in amounts]
    width = max(len(x) for x in shown)
    lines = []
    for (name, a), text in zip(amounts, shown, strict=True):
        n = int((abs(a) / largest * BAR).to_integral_value()) if largest else 0
        bar = "█" * n if n else ("·" if a else "")
        left, right = (bar, "") if a < 0 else ("", bar)
        lines.append(f"{name:<{label}}  {text:>{width}}  {left:>{BAR}}│{right}".rstrip())
    total = t.signed_usd(doc["cost_split"]["change"])
    return ["```text", *lines, f"{'change in total cost':<{label}}  {total:>{width}}", "```"]


def _details(doc: dict[str, Any]) -> list[str]:
    lines = ["", "<details><summary>Why it changed (exact LMDI attribution)</summary>", ""]
    lines += ["Change in total cost, by term:", "", *split_bars(doc), ""]
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
    areas = area_diff_rows(doc)
    if areas:
        lines += ["", "Value areas:", "", *_table(list(AREA_DIFF_HEADERS), areas)]
    lines += ["", "</details>"]
    return lines


def _ownership(doc: dict[str, Any]) -> list[str]:
    """Showback by domain and budgets, base against head, collapsed (none without them)."""
    found = doc.get("ownership")
    if not found or not (found["domains"] or found["budgets"]):
        return []
    lines = ["", "<details><summary>Who owns the spend: showback and budgets</summary>", ""]
    if found["domains"]:
        rows = [
            [cell(d["domain"]), usd(d["total"]["base"]), usd(d["total"]["head"]),
             t.signed_usd(d["total"]["change"]), t.signed_usd(d["direct_cost"]["change"]),
             t.signed_usd(d["shared_cost"]["change"]), usd(d["cost_per_outcome"]["base"]),
             usd(d["cost_per_outcome"]["head"])]
            for d in found["domains"]
        ]  # fmt: skip
        headers = ["domain", "base total", "head total", "change", "of which direct",
                   "of which shared", "base $/outcome", "head $/outcome"]  # fmt: skip
        lines += ["Showback by domain:", "", *_table(headers, rows)]
    if found["budgets"]:
        rows = [
            [cell(b["budget"]), usd(b["amount"]["head"]), usd(b["spent"]["base"]),
             usd(b["spent"]["head"]), t.signed_usd(b["spent"]["change"]),
             usd(b["projected"]["head"]), pct(b["spent_share"]["head"])]
            for b in found["budgets"]
        ]  # fmt: skip
        headers = ["budget", "head amount", "base spent", "head spent", "change",
                   "head projected", "head spent share"]  # fmt: skip
        lines += ["", "Budgets (alerts, never caps):", "", *_table(headers, rows)]
    lines += ["", "</details>"]
    return lines


def render_diff_markdown(doc: dict[str, Any]) -> str:
    """The comment's Markdown text."""
    names = max((len(u["name"]) for u in doc["use_cases"]), default=0)
    models = max((len(m["model"]) for m in doc["models"]), default=0)
    lines = [*_headline(doc), "", "```diff"]
    lines += [fenced(t.use_case_line(u, names)) for u in doc["use_cases"]]
    lines += ["```", "", "<details><summary>Models</summary>", "", "```diff"]
    lines += [fenced(t.model_line(m, models)) for m in doc["models"]]
    lines += ["```", "", "</details>"]
    lines += _checks(doc)
    lines += _ownership(doc)
    lines += _details(doc)
    return "\n".join(lines) + "\n"
