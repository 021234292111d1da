"""FOCUS exports written by other tools (tests/fixtures/public/PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, run_cli
from sources import default_report as report

LITELLM = FIXTURES / "public" / "focus" / "litellm_focus_export.csv"


def test_litellms_focus_export_keeps_its_spend() -> None:
    # LiteLLM writes one "Requests" row per day x key x model (no token unit), the spend in
    # EffectiveCost: skipped as "not token usage" before, which read 0 rows and $0.00, exit 0
    r = report(LITELLM)
    assert r["inputs"]["usage"][0]["format"] == "focus_csv"
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (1, 1, 0)
    assert (t["cost"], t["reported_cost"], t["tokens"]["billable"]) == ("0.050000",) * 2 + (0,)
    assert [(m["model"], m["cost_source"]) for m in r["models"]] == [("claude-sonnet", "reported")]


def test_a_cost_only_focus_row_of_a_priced_model_is_not_priced_at_zero(tmp_path: Path) -> None:
    # the same row for a model the book prices: its $0.05 stands (no tokens to price), not $0
    raw = LITELLM.read_text().replace(
        ",claude-sonnet,claude-sonnet,claude-sonnet,",
        ",claude-sonnet-4-5,claude-sonnet-4-5,claude-sonnet-4-5,",
    )
    export = tmp_path / "focus.csv"
    export.write_text(raw)
    r = report(export)
    assert r["totals"]["cost"] == "0.050000"
    assert [m["model"] for m in r["models"]] == ["claude-sonnet-4-5"]


def test_a_non_ai_charge_in_another_unit_is_still_skipped(tmp_path: Path) -> None:
    raw = LITELLM.read_text().replace("AI and Machine Learning,Generative AI", "Compute,")
    export = tmp_path / "focus.csv"
    export.write_text(raw)
    # its only charge skipped, nothing is left: refused, never a report of $0.00
    result = run_cli("analyze", str(export), "--json")
    assert result.exit_code == 2, result.output
    assert "focus.csv: no usage rows" in " ".join(result.output.split())


AZURE_ML = FIXTURES / "public" / "focus" / "focus10_azure_ml_workspace.csv"


def test_an_ml_workspaces_infrastructure_is_no_model() -> None:
    # the FOCUS 1.0 sandbox's Azure rows of an "AI and Machine Learning" service: a Machine
    # Learning workspace's disk, VM, load balancer, bandwidth and IP charges (Hours, GB,
    # Units/Month). They were read as nine cost lines of a model "zmltestplayground" (the
    # workspace's name) at -$0.151898; no row of this file is token or model usage
    result = run_cli("analyze", str(AZURE_ML), "--json")
    assert result.exit_code == 2, result.output
    assert "focus10_azure_ml_workspace.csv: no usage rows" in " ".join(result.output.split())


def test_a_generative_ai_row_still_names_its_resource(tmp_path: Path) -> None:
    # the same workspace's VM hour, were it billed under Generative AI (as LiteLLM's export
    # files its rows), would be kept as the resource's cost line
    lines = AZURE_ML.read_text().splitlines()
    header, vm = lines[0], next(line for line in lines if "D11 v2" in line)
    export = tmp_path / "focus.csv"
    export.write_text(f'{header},"ServiceSubcategory"\n{vm},"Generative AI"\n')
    r = report(export)
    assert [(m["model"], m["cost"]) for m in r["models"]] == [("zmltestplayground", "-0.149000")]
