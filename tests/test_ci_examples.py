"""examples/ci: both CI examples run examples/ci/monthly.sh; here it runs on the example months."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

CI = ROOT / "examples" / "ci"
TOKENECON = Path(sys.executable).parent / "tokenecon"


def monthly(
    out: Path, month: str, mapping: str, previous: Path | None, **env: str
) -> subprocess.CompletedProcess[str]:
    """The script as the CI jobs call it, from the repository root."""
    args = ["bash", str(CI / "monthly.sh"), f"examples/usage-2026-{month}.csv",
            f"examples/{mapping}", str(out)] + ([str(previous)] if previous else [])  # fmt: skip
    environment = {**os.environ, "TOKENECON": str(TOKENECON),
                   "TOKENECON_PRICES": "examples/prices-acme.yaml", **env}  # fmt: skip
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True)


def test_both_ci_examples_run_the_same_script() -> None:
    github = yaml.safe_load((CI / "github-actions.yml").read_text())
    steps = github["jobs"]["monthly"]["steps"]
    assert any("examples/ci/monthly.sh" in s.get("run", "") for s in steps)
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    assert "cost_per_outcome>+10%" in github["jobs"]["monthly"]["env"]["TOKENECON_FAIL_ON"]
    gitlab = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["tokenecon-monthly"]
    assert any("examples/ci/monthly.sh" in line for line in gitlab["script"])
    assert gitlab["artifacts"]["paths"] == ["out/"]
    assert gitlab["allow_failure"] == {"exit_codes": [1]}


@pytest.mark.slow  # four CLI processes: ~30 s on 2 cores
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_two_months_through_the_ci_sequence(tmp_path: Path) -> None:
    october = monthly(tmp_path / "2026-10", "10", "outcomes.yaml", None)
    assert october.returncode == 0, october.stderr
    assert "nothing to diff" in october.stdout
    first = tmp_path / "2026-10" / "report.json"
    assert json.loads(first.read_text())["schema"] == "tokenecon.report/v1"
    assert (tmp_path / "2026-10" / "report.html").stat().st_size > 10_000

    # November against October's artifact, with the default thresholds: none is crossed
    # (cost per outcome fell 17%, total cost 12%, unattributed share is 10.7%).
    november = monthly(tmp_path / "2026-11", "11", "outcomes-2026-11.yaml", first)
    assert november.returncode == 0, november.stderr
    out = tmp_path / "2026-11"
    comment = (out / "diff.md").read_text()
    assert comment.startswith("### tokenecon: 2026-10-01..2026-10-31 → 2026-11-01..2026-11-30")
    assert "**Thresholds: all ok**" in comment and "<details>" in comment
    assert "![" not in comment and "diff.svg" not in comment  # a comment cannot show a file
    assert (out / "diff.svg").read_text().startswith("<svg")
    assert json.loads((out / "diff.json").read_text())["schema"] == "tokenecon.diff/v1"
    assert 'data-chart="trend"' in (out / "report.html").read_text()

    # The prompt that grew crosses a per-use-case threshold: exit 1, and the comment says so.
    threshold = "use_case:support-triage.tokens_per_task>+20%\n"
    crossed = monthly(
        tmp_path / "fail", "11", "outcomes-2026-11.yaml", first, TOKENECON_FAIL_ON=threshold
    )
    assert crossed.returncode == 1
    assert "Threshold crossed: use_case:support-triage.tokens_per_task>+20%: +29.7%" in (
        crossed.stderr
    )
    assert "**1 threshold(s) crossed**" in (tmp_path / "fail" / "diff.md").read_text()

    # A bad threshold is bad input: the diff step exits 2 with tokenecon's message.
    bad = run_cli("diff", str(first), str(out / "report.json"), "--fail-on", "cost_per_outcome>>1")
    assert bad.exit_code == 2
    assert "Error: --fail-on 'cost_per_outcome>>1'" in bad.stderr
