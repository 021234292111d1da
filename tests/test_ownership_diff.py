"""Ownership month over month: October and November with the same owners, `diff` side by side
and `--fail-on` on domain and budget figures."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("owners-diff")
    for month, mapping in (("10", "ownership.yaml"), ("11", "ownership-2026-11.yaml")):
        result = run_cli(
            "analyze", str(EXAMPLES / f"usage-2026-{month}.csv"), "--outcomes",
            str(EXAMPLES / "owners" / mapping), "--prices", str(EXAMPLES / "prices-acme.yaml"),
            "--save", str(out / f"{month}.json"), "--json", "-q",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    return out


def diff(saved: Path, *args: str) -> Any:
    return run_cli("diff", str(saved / "10.json"), str(saved / "11.json"), *args)


def test_domains_and_budgets_side_by_side(saved: Path) -> None:
    result = diff(saved, "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)["ownership"]
    base = json.loads((saved / "10.json").read_text())
    head = json.loads((saved / "11.json").read_text())
    legal = next(d for d in doc["domains"] if d["domain"] == "Legal")
    before = next(d for d in base["showback"]["domains"] if d["domain"] == "Legal")
    after = next(d for d in head["showback"]["domains"] if d["domain"] == "Legal")
    assert (legal["total"]["base"], legal["total"]["head"]) == (before["total"], after["total"])
    from decimal import Decimal

    assert Decimal(legal["total"]["change"]) == Decimal(after["total"]) - Decimal(before["total"])
    sales = next(b for b in doc["budgets"] if b["budget"] == "domain:Sales")
    assert sales["spent"]["head"] == next(
        b["spent"] for b in head["budgets"]["budgets"] if b["name"] == "Sales"
    )
    # November's report holds November only: the quarter's October spend is not in it, and the
    # budget says so instead of counting October as zero-spend days
    quarter = next(b for b in head["budgets"]["budgets"] if b["period"] == "quarter")
    assert (quarter["start"], quarter["observed_from"]) == ("2026-10-01", "2026-11-01")
    tiers = {t["tier"]: t for t in doc["tiers"]}
    assert tiers["staff"]["idle_seats"]["base"] == 20


def test_fail_on_budget_and_domain_figures(saved: Path) -> None:
    crossed = diff(saved, "--fail-on", "budget:Sales.spent_share>100%")
    assert crossed.exit_code == 1
    assert "budget:Sales.spent_share>100%" in crossed.output
    fine = diff(saved, "--fail-on", "domain:Legal.total>+5%", "-f", "json")
    assert fine.exit_code == 0
    (check,) = json.loads(fine.stdout)["checks"]
    assert check["subject"] == "domain:Legal" and check["crossed"] is False
    globbed = diff(saved, "--fail-on", "domain:*.shared_cost>$1000", "-f", "json")
    subjects = [c["subject"] for c in json.loads(globbed.stdout)["checks"]]
    assert subjects == ["domain:Customer Care", "domain:Sales", "domain:Legal",
                        "domain:Engineering", "domain:Operations"]  # fmt: skip


def test_fail_on_an_unknown_domain_or_metric_is_bad_input(saved: Path) -> None:
    unknown = diff(saved, "--fail-on", "domain:Marketing.total>+5%")
    assert unknown.exit_code == 2
    assert "no domain 'Marketing' in either report" in unknown.output
    metric = diff(saved, "--fail-on", "budget:Sales.colour>1")
    assert metric.exit_code == 2
    assert "unknown metric 'colour'" in metric.output


def test_console_diff_shows_domains(saved: Path) -> None:
    result = diff(saved)
    assert result.exit_code == 0
    assert "Showback by domain, month over month" in result.output
    assert "Budgets, month over month" in result.output


def _ownership_part(markdown: str) -> str:
    start = markdown.index("<details><summary>Who owns the spend")
    return markdown[start : markdown.index("</details>", start) + len("</details>")] + "\n"


def test_markdown_diff_has_the_showback_and_budgets(saved: Path) -> None:
    from golden_files import check

    result = diff(saved, "--format", "markdown")
    assert result.exit_code == 0, result.output
    part = _ownership_part(result.stdout)
    check("ownership-diff.md", part)
    # the figures are the JSON diff's: Legal's total and Sales' budget, base and head
    doc = json.loads(diff(saved, "-f", "json").stdout)["ownership"]
    legal = next(d for d in doc["domains"] if d["domain"] == "Legal")
    from tokenecon.render.formats import usd

    total = legal["total"]
    assert f"| Legal | {usd(total['base'])} | {usd(total['head'])} | " in part
    assert "| Legal | $6,498.71 | $2,842.27 | -$3,656.44 |" in part
    assert "| domain:Sales | $90.00 | $184.87 | $184.20 | -$0.6674 | $184.20 | 205% |" in part


def test_markdown_diff_neutralises_hostile_names(saved: Path, tmp_path: Path) -> None:
    from test_markdown_comment import HOSTILE, outside_code, render

    for month in ("10", "11"):
        report = json.loads((saved / f"{month}.json").read_text())
        for d in report["showback"]["domains"]:
            if d["domain"] == "Legal":
                d["domain"] = HOSTILE
        for b in report["budgets"]["budgets"]:
            if b["name"] == "Legal":
                b["name"] = HOSTILE
        (tmp_path / f"{month}.json").write_text(json.dumps(report))
    result = run_cli("diff", str(tmp_path / "10.json"), str(tmp_path / "11.json"),
                     "--format", "markdown")  # fmt: skip
    assert result.exit_code == 0, result.output
    page = outside_code(render(_ownership_part(result.stdout)))
    assert "&lt;img src=x" in page and "<img" not in page  # shown as text, not an image
    assert not re.search(r"(^|[^\w@])@[A-Za-z0-9]", page), page  # no live @mention
    assert "<a " not in page and "<em>" not in page and "<code>" not in page
    for table in re.findall(r"<table>.*?</table>", page, flags=re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
        assert {len(re.findall(r"<t[hd][ >]", r)) for r in rows} in ({8}, {7}), table


def test_tiers_outcomes_per_user_side_by_side(saved: Path) -> None:
    doc = json.loads(diff(saved, "-f", "json").stdout)["ownership"]
    head = json.loads((saved / "11.json").read_text())
    base = json.loads((saved / "10.json").read_text())
    agent = next(t for t in doc["tiers"] if t["tier"] == "agent")
    before = next(t for t in base["people"]["tiers"] if t["tier"] == "agent")
    after = next(t for t in head["people"]["tiers"] if t["tier"] == "agent")
    outcomes = agent["verified_outcomes"]
    assert (outcomes["base"], outcomes["head"]) == (before["verified_outcomes"],
                                                    after["verified_outcomes"])  # fmt: skip
    assert outcomes["change"] == after["verified_outcomes"] - before["verified_outcomes"]
    assert outcomes["base"] == 3287  # the October golden's 40 agents
    # a tier no one counts outcomes for stays unknown on both sides, not zero
    staff = next(t for t in doc["tiers"] if t["tier"] == "staff")
    assert staff["verified_outcomes"] == {"base": None, "head": None, "change": None}
