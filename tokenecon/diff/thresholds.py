"""``--fail-on`` expressions: parsed once, checked against a diff, each verdict with its reason.

Grammar (spaces allowed around the operator)::

    [use_case:NAME. | model:NAME. | domain:NAME. | budget:NAME.]METRIC OP THRESHOLD
    OP        = > | >= | < | <=
    THRESHOLD = [+|-][$]NUMBER[%|pp]

- A signed threshold compares the *change* from base to head: ``+10%`` the relative change
  (head − base) / |base|, ``+$5000`` or ``+2`` the absolute change, ``+3pp`` the change of a
  share in percentage points.
- An unsigned threshold compares the head's *value*: ``15%`` or ``0.15`` of a share,
  ``$5000`` of money, ``2`` of anything. A bare number above 1 of a share (``15``: 15%? 15
  points?) is refused, naming both spellings.
- NAME may be a glob (``use_case:*``): every matching use case is checked.
- A value that does not exist (a use case added this month has no change) is not crossed,
  and says so. A relative change from 0 is +∞ when the head is above 0.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tokenecon.diff.compare import Period, ReportDiff, relative_change
from tokenecon.diff.ownership import SCOPES as OWNERSHIP_SCOPES
from tokenecon.diff.ownership import ownership_subjects
from tokenecon.errors import OptionError
from tokenecon.units import parse_share

MONEY, SHARE, NUMBER = "money", "share", "number"
PORTFOLIO: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "total_cost": (MONEY, lambda r: r["totals"]["cost"]),
    "cost": (MONEY, lambda r: r["totals"]["cost"]),
    "cost_per_outcome": (MONEY, lambda r: r["board"]["cost_per_verified_outcome"]["value"]),
    "outcomes": (NUMBER, lambda r: r["totals"]["outcomes"]),
    "tasks": (NUMBER, lambda r: r["totals"]["tasks"]),
    "requests": (NUMBER, lambda r: r["totals"]["requests"]),
    "tokens": (NUMBER, lambda r: r["totals"]["tokens"]["billable"]),
    "unpriced_tokens": (NUMBER, lambda r: r["totals"]["unpriced_tokens"]),
    "unattributed_cost": (MONEY, lambda r: r["unattributed"]["cost"]),
    "unattributed_share": (SHARE, lambda r: r["unattributed"]["cost_share"]),
    "direct_allocation_share": (SHARE, lambda r: r["board"]["direct_allocation_share"]["value"]),
    "route_win_rate": (SHARE, lambda r: r["board"]["route_win_rate"]["value"]),
    "cache_batch_leverage": (SHARE, lambda r: r["board"]["cache_batch_leverage"]["value"]),
    "cache_read_share": (
        SHARE,
        lambda r: r["board"]["cache_batch_leverage"]["cache_read_share"],
    ),
    "batch_share": (SHARE, lambda r: r["board"]["cache_batch_leverage"]["batch_share"]),
    "sovereignty_hit_rate": (SHARE, lambda r: r["board"]["sovereignty_hit_rate"]["value"]),
}
USE_CASE = {
    "cost": MONEY, "cost_per_outcome": MONEY, "cost_per_token": MONEY, "cost_per_task": MONEY,
    "fully_loaded_cost_per_outcome": MONEY, "tokens_per_task": NUMBER,
    "tasks_per_outcome": NUMBER, "requests_per_task": NUMBER, "tasks": NUMBER,
    "outcomes": NUMBER, "requests": NUMBER, "roi": SHARE, "cost_share": SHARE,
    "cache_read_share": SHARE, "batch_share": SHARE, "output_share": SHARE,
    "unpriced_share": SHARE,
}  # fmt: skip
MODEL = {
    "cost": MONEY, "requests": NUMBER, "cost_share": SHARE, "cost_per_million_tokens": MONEY,
}  # fmt: skip

_EXPRESSION = re.compile(
    r"^\s*(?:(?P<scope>use_case|model|domain|budget):(?P<name>.+)\.)?(?P<metric>[A-Za-z_]+)\s*"
    r"(?P<op>>=|<=|>|<)\s*(?P<sign>[+-])?\s*(?P<dollar>\$)?\s*(?P<number>[0-9][0-9,_]*(?:\.[0-9]+)?)"
    r"\s*(?P<unit>%|pp)?\s*$"
)
_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
INFINITY = Decimal("Infinity")


class FailOnError(OptionError):
    """A ``--fail-on`` expression that cannot be read or checked."""


@dataclass(frozen=True)
class Threshold:
    """One parsed ``--fail-on`` expression."""

    text: str
    scope: str
    """``portfolio``, ``use_case`` or ``model``."""
    name: str | None
    """The use case or model (a glob allowed)."""
    metric: str
    op: str
    limit: Decimal
    """In the metric's own unit (a share as 0.15, a relative change as 0.10)."""
    mode: str
    """``value`` (the head's), ``change`` (head − base) or ``relative`` ((head − base)/|base|)."""


def _fail(text: str, why: str, hint: str = "") -> FailOnError:
    return FailOnError(
        f"--fail-on {text!r}: {why}",
        hint
        or "write METRIC OP THRESHOLD, e.g. cost_per_outcome>+10%, total_cost>+$5000, "
        "unattributed_share>15%, use_case:support-triage.tasks_per_outcome>2",
    )


def _kinds(scope: str) -> dict[str, str]:
    if scope in OWNERSHIP_SCOPES:  # showback and budgets (diff/ownership.py)
        return OWNERSHIP_SCOPES[scope]
    if scope == "use_case":
        return USE_CASE
    if scope == "model":
        return MODEL
    return {k: kind for k, (kind, _) in PORTFOLIO.items()}


def parse_threshold(text: str) -> Threshold:
    """Parse one expression; a FailOnError (exit 2) names what is wrong and how to write it."""
    m = _EXPRESSION.match(text)
    if not m:
        raise _fail(text, "not an expression")
    scope = m["scope"] or "portfolio"
    metric, sign, unit = m["metric"], m["sign"], m["unit"]
    kinds = _kinds(scope)
    if metric not in kinds:
        where = f"for {scope.replace('_', ' ')}s" if scope != "portfolio" else "(portfolio)"
        raise _fail(text, f"unknown metric {metric!r}", f"metrics {where}: {', '.join(kinds)}")
    kind = kinds[metric]
    try:
        value = Decimal(m["number"].replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise _fail(text, f"{m['number']!r} is not a number") from None
    if m["dollar"] and kind != MONEY:
        raise _fail(text, f"{metric} is not money: drop the $")
    if m["dollar"] and unit:
        raise _fail(text, f"both $ and {unit}: pick one")
    if unit == "pp" and (kind != SHARE or not sign):
        raise _fail(text, "pp (percentage points) is a signed change of a share, e.g. +2pp")
    if unit == "%" and not sign and kind != SHARE:
        raise _fail(
            text,
            f"{metric} is not a share: a percentage needs a sign to mean a change",
            f"write {metric}{m['op']}+{m['number']}% for a rise of {m['number']}%",
        )
    bounded = kind == SHARE and metric.endswith("_share")  # a share of a whole (not roi)
    if bounded and not unit and value > 1:  # 5 of a share: 5%? 5 points? 5 times?
        if not sign:
            parse_share(m["number"], f"--fail-on {text!r}")  # raises, naming 5% and 0.05
        raise _fail(
            text,
            f"{sign}{m['number']} is ambiguous for a share",
            f"write {sign}{m['number']}pp for percentage points, or {sign}{m['number']}% for a "
            "relative change",
        )
    if sign:
        mode = "relative" if unit == "%" else "change"
        limit = value / 100 if unit else value
        limit = -limit if sign == "-" else limit
    elif bounded:
        mode, limit = "value", parse_share(f"{m['number']}{unit or ''}", f"--fail-on {text!r}")
    else:
        mode, limit = "value", value
    return Threshold(text.strip(), scope, m["name"], metric, m["op"], limit, mode)


@dataclass(frozen=True)
class Check:
    """The verdict of one threshold on one subject."""

    threshold: Threshold
    subject: str
    """``portfolio``, ``use_case:NAME`` or ``model:NAME``."""
    base: Decimal | None
    head: Decimal | None
    measured: Decimal | None
    """What was compared with the limit (the value, the change or the relative change)."""
    crossed: bool
    reason: str | None
    """Why it was not evaluated, where it was not."""


def _num(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _read(get: Callable[[dict[str, Any]], Any], report: dict[str, Any]) -> Decimal | None:
    try:
        return _num(get(report))
    except (KeyError, TypeError):  # a report saved before the line existed
        return None


def _subjects(diff: ReportDiff, t: Threshold) -> list[tuple[str, Decimal | None, Decimal | None]]:
    if t.scope == "portfolio":
        _, get = PORTFOLIO[t.metric]
        return [("portfolio", _read(get, diff.base), _read(get, diff.head))]
    if t.scope in OWNERSHIP_SCOPES:  # showback and budgets (diff/ownership.py)
        assert t.name is not None
        found = ownership_subjects(diff.base, diff.head, t.scope, t.name, t.metric)
        if not found:
            hint = "a report has domains and budgets when its mapping declares them"
            raise _fail(t.text, f"no {t.scope} {t.name!r} in either report", hint)
        return found
    key = "name" if t.scope == "use_case" else "model"
    section = "use_cases" if t.scope == "use_case" else "models"
    base = {e[key]: e for e in diff.base[section]}
    head = {e[key]: e for e in diff.head[section]}
    names = [*base, *(n for n in head if n not in base)]
    assert t.name is not None
    chosen = [n for n in names if fnmatch.fnmatchcase(n, t.name)]
    if not chosen:
        known = ", ".join(names) or "none"
        raise _fail(t.text, f"no {t.scope.replace('_', ' ')} {t.name!r} in either report",
                    f"{section.replace('_', ' ')}: {known}")  # fmt: skip
    exact = {u.name: u for u in diff.use_cases} if t.scope == "use_case" else {}
    out = []
    for n in chosen:
        b = _num(base[n].get(t.metric)) if n in base else None
        h = _num(head[n].get(t.metric)) if n in head else None
        if n in exact and t.metric in _EXACT:
            b, h = _EXACT[t.metric](exact[n].base), _EXACT[t.metric](exact[n].head)
        out.append((f"{t.scope}:{n}", b, h))
    return out


def _factor(name: str) -> Callable[[Period], Decimal | None]:
    def get(p: Period) -> Decimal | None:
        factors = p.factors()
        return factors[name] if factors else None

    return get


_EXACT: dict[str, Callable[[Period], Decimal | None]] = {
    "cost": lambda p: p.cost if p.present else None,
    "tasks": lambda p: Decimal(p.tasks) if p.present else None,
    "outcomes": lambda p: Decimal(p.outcomes) if p.present and p.outcomes is not None else None,
    "cost_per_outcome": lambda p: p.cost_per_outcome,
    **{f: _factor(f) for f in ("cost_per_token", "tokens_per_task", "tasks_per_outcome")},
}
"""Use-case metrics taken from the diff's exact figures (the ones its attribution explains)."""


def _measure(
    t: Threshold, base: Decimal | None, head: Decimal | None
) -> tuple[Decimal | None, str | None]:
    if head is None:
        return None, "no value in the head report"
    if t.mode == "value":
        return head, None
    if base is None:
        return None, "no value in the base report to compare with"
    if t.mode == "change":
        return head - base, None
    if base == 0:
        return (INFINITY if head > 0 else -INFINITY if head < 0 else Decimal(0)), None
    return relative_change(base, head), None


def check_thresholds(diff: ReportDiff, thresholds: list[Threshold]) -> list[Check]:
    """Every threshold on every subject it names."""
    out = []
    for t in thresholds:
        for subject, base, head in _subjects(diff, t):
            measured, reason = _measure(t, base, head)
            crossed = measured is not None and _OPS[t.op](measured, t.limit)
            out.append(Check(t, subject, base, head, measured, crossed, reason))
    return out


def check_to_dict(c: Check) -> dict[str, Any]:
    """A verdict for the JSON document."""

    def text(x: Decimal | None) -> str | None:
        if x is None or not x.is_finite():
            return None if x is None else str(x)
        return format(x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize(), "f")

    return {
        "expression": c.threshold.text,
        "subject": c.subject,
        "metric": c.threshold.metric,
        "kind": _kinds(c.threshold.scope)[c.threshold.metric],
        "mode": c.threshold.mode,
        "limit": text(c.threshold.limit),
        "base": text(c.base),
        "head": text(c.head),
        "measured": text(c.measured),
        "crossed": c.crossed,
        "reason": c.reason,
    }
