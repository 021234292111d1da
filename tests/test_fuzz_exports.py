"""Real exports, damaged: never a traceback, and every row that is read is accounted for.

Each example takes one of the real export fixtures (the vendors' own files and their shapes:
tests/fixtures/sources, public, exports) and damages it the way files get damaged in the wild:
a value of another type (text in a count, a count as an object, null, a negative, 1e400, NaN),
a field deleted, a line cut short, a CSV cell emptied or a column dropped. Each run must end in
exit 0 with ``read = priced + unpriced + rejected + duplicate + outside the period`` in the
report's totals, or in exit 2 with an ``Error:`` line naming what is wrong; a traceback, exit 1
or exit 3 fails. Bounded: 25 examples, each under 30 s of wall time.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from conftest import FIXTURES, at_most, run_cli
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

SKIP = ("PROVENANCE.md", "README.md")
EXPORTS = sorted(
    p
    for folder in ("sources", "public", "exports")
    for p in (FIXTURES / folder).rglob("*")
    if p.is_file() and p.suffix in (".csv", ".tsv", ".json", ".jsonl") and p.name not in SKIP
    and "price_books" not in p.parts
)  # fmt: skip
ODD = [
    None, "", "x", "NaN", "-1", -1, -0.5, 1e300, 10**25, "1e400", 1.5, True, [], {}, [1, 2],
    {"a": 1}, "2026-02-30", "Infinity", "0", 0, "٣", "1,000", " 7 ", 'a "quoted", value',
]  # fmt: skip


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (leaves and containers)."""
    found = [at] if at else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:6]):
            found += _paths(v, (*at, i))
    return found


def _damage_json(draw: st.DrawFn, doc: Any) -> Any:
    paths = _paths(doc)
    for _ in range(draw(st.integers(1, 3))):
        if not paths:
            return copy.deepcopy(draw(st.sampled_from(ODD)))
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if isinstance(parent, dict) and draw(st.integers(0, 3)) == 0:
            parent.pop(last, None)
        else:
            # A copy: a later step may damage inside the value it put there, and ODD's own
            # list or dict changed in place would make the next examples draw differently
            # (hypothesis: FlakyStrategyDefinition, seen at 600 examples).
            parent[last] = copy.deepcopy(draw(st.sampled_from(ODD)))
        paths = _paths(doc)
    return doc


def _jsonl(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    if not lines:
        return text
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.integers(0, 5))
        if how == 0:
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]  # cut short
        elif how == 1:
            lines.insert(i, lines[i])  # written twice
        else:
            try:
                doc = json.loads(lines[i])
            except ValueError:
                continue
            lines[i] = json.dumps(_damage_json(draw, doc))
    return "\n".join(lines) + "\n"


def _json(draw: st.DrawFn, text: str) -> str:
    try:
        doc = json.loads(text)
    except ValueError:
        return _jsonl(draw, text)
    if draw(st.integers(0, 9)) == 0:
        return text[: draw(st.integers(0, len(text)))]  # a truncated download
    return json.dumps(_damage_json(draw, doc), indent=1)


def _csv(draw: st.DrawFn, text: str, delimiter: str = ",") -> str:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) < 2:
        return text
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.integers(0, 6))
        width = len(rows[0])
        if how == 0 and width > 1:
            column = draw(st.integers(0, width - 1))  # a column dropped from every line
            rows = [r[:column] + r[column + 1 :] for r in rows]
        elif how == 1:
            i = draw(st.integers(1, len(rows) - 1))
            rows[i] = rows[i][: draw(st.integers(0, len(rows[i])))]  # a short line
        else:
            i = draw(st.integers(1, len(rows) - 1))
            if rows[i]:
                j = draw(st.integers(0, len(rows[i]) - 1))
                value = draw(st.sampled_from(ODD))
                rows[i][j] = "" if value is None else str(value)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _tsv(draw: st.DrawFn, text: str) -> str:
    return _csv(draw, text, "\t")


@st.composite
def damaged_exports(draw: st.DrawFn) -> tuple[Path, str]:
    """(the real export, its damaged text)."""
    source = draw(st.sampled_from(EXPORTS))
    text = source.read_text(encoding="utf-8")
    damage = {".csv": _csv, ".tsv": _tsv, ".json": _json, ".jsonl": _jsonl}[source.suffix]
    return source, damage(draw, text)


def test_there_are_exports_to_damage() -> None:
    assert len(EXPORTS) >= 40
    assert {p.suffix for p in EXPORTS} >= {".csv", ".json", ".jsonl"}


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,  # each example is bounded by at_most instead (the machine is shared)
    phases=(Phase.explicit, Phase.generate),  # no shrinking (the damage is printed), no replay
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(damaged_exports())
def test_a_damaged_real_export_is_read_or_refused(
    tmp_path: Path, damaged: tuple[Path, str]
) -> None:
    source, content = damaged
    path = tmp_path / source.name
    path.write_text(content, encoding="utf-8")
    with at_most(30):
        result = run_cli("analyze", str(path), "--json")
    where = f"{source.relative_to(FIXTURES)}:\n{content[:3000]}"
    assert "Traceback" not in result.output, where
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{type(result.exception).__name__}: {result.exception}\n{where}")
    assert result.exit_code in (0, 2), (result.exit_code, result.output, where)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: "), (result.stderr, where)
        return
    t = json.loads(result.stdout)["totals"]
    parts = ("rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate",
             "rows_outside_period")  # fmt: skip
    assert t["rows_read"] == sum(t[p] for p in parts), (t, where)
