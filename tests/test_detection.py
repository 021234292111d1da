"""Detection: every fixture is recognised as its format from its header or first records;
`tokenecon sources` lists the formats with the file each was detected in; --format overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import check, render_width

from tokenecon.ingest.formats import registry

S = FIXTURES / "sources"
EXPECTED = {
    "openai_usage.csv": "openai_usage_csv",
    "openai_usage_api.json": "openai_usage_api",
    "openai_cost.csv": "openai_cost_csv",
    "openai_costs_api.json": "openai_costs_api",
    "openai_embeddings_api.json": "openai_embeddings_api",
    "anthropic_usage_api.json": "anthropic_usage_api",
    "anthropic_cost_api.json": "anthropic_cost_api",
    "anthropic_console_usage.csv": "anthropic_console_usage_csv",
    "anthropic_console_usage_old.csv": "anthropic_console_usage_csv",
    "anthropic_console_cost.csv": "anthropic_console_cost_csv",
    "claude_code_usage_report.json": "claude_code_usage_report",
    "litellm_spendlogs.csv": "litellm_spendlogs",
    "litellm_spendlogs.json": "litellm_spendlogs",
    "litellm_daily_activity.json": "litellm_daily_activity",
    "langfuse_observations.jsonl": "langfuse_observations",
    "langfuse_observations.csv": "langfuse_observations",
    "langfuse_daily_metrics.json": "langfuse_daily_metrics",
    "claude_code": "claude_code_jsonl",
    "codex": "codex_jsonl",
    "openrouter_activity.csv": "openrouter_activity_csv",
    "openrouter_daily.csv": "openrouter_daily_csv",
    "openrouter_generation.json": "openrouter_generation_json",
    "openrouter_activity_api.json": "openrouter_activity_json",
    "gemini_usage.csv": "gemini_usage_csv",
    "openai_responses.jsonl": "openai_responses",
    "openai_batch_output.jsonl": "openai_batch_output",
    "gemini_responses.jsonl": "gemini_responses",
    "vertex_batch_output.jsonl": "vertex_batch_output",
    "anthropic_responses.jsonl": "anthropic_responses",
    "otel_traces.jsonl": "otel_genai",
    "otel_agent_logs.jsonl": "otel_agent_logs",
    "focus.csv": "focus_csv",
    "bedrock_invocations.jsonl": "bedrock_invocation_log",
    "text_log.csv": "text_log",
    "tokenecon_usage.parquet": "tokenecon_usage",
}


def test_every_fixture_is_detected_as_its_format() -> None:
    result = run_cli("sources", *(str(S / name) for name in EXPECTED), "--json")
    assert result.exit_code == 0, result.output
    found = {Path(s["source"]).name: s["format"] for s in json.loads(result.stdout)["sources"]}
    assert found == EXPECTED
    generic = run_cli("sources", str(FIXTURES / "small.csv"), "--json")
    assert json.loads(generic.stdout)["sources"][0]["format"] == "generic"


def test_every_format_has_a_fixture() -> None:
    names = {f.name for f in registry()} - {"generic"}
    assert names == set(EXPECTED.values())


def test_sources_table_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = [str((S / n).relative_to(ROOT)) for n in ("openai_usage.csv", "claude_code")]
    result = run_cli("sources", *files, "--json")
    check("sources.json", result.stdout)
    from tokenecon.render.sources import render_sources

    check("sources.txt", render_width(render_sources, json.loads(result.stdout), 100))


def test_format_override_and_unknown_format() -> None:
    # a LiteLLM export read as a generic table: the aliases find its columns, but the cache
    # counts inside metadata are not read (why the named format exists)
    forced = run_cli("analyze", str(S / "litellm_spendlogs.csv"), "--format", "generic",
                     "--prices", str(FIXTURES / "book.yaml"), "--json")  # fmt: skip
    assert forced.exit_code == 0, forced.output
    report = json.loads(forced.stdout)
    assert report["inputs"]["usage"][0]["format"] == "generic_csv"
    assert report["totals"]["tokens"]["cache_read"] == 0
    bad = run_cli("analyze", str(S / "openai_usage.csv"), "--format", "openai_xlsx")
    assert bad.exit_code == 2
    assert "--format 'openai_xlsx' is not a format" in bad.stderr
    assert "litellm_spendlogs" in bad.stderr  # the hint lists them


def test_unmatched_file_says_what_it_looked_like(tmp_path: Path) -> None:
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"when": "2026-01-05", "what": 3}\n')
    result = run_cli("analyze", str(odd))
    assert result.exit_code == 2
    assert "matches no known format" in result.stderr
    assert "it looked like JSON Lines with keys when, what" in result.stderr
    assert "--map YOUR_COLUMN=timestamp" in result.stderr and "--format NAME" in result.stderr


def test_a_folder_without_logs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    result = run_cli("analyze", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory with no .jsonl logs" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "forced", "said"),
    [
        # a TSV read as a CSV format: one column, none of the export's
        ("usage.tsv", "timestamp\tmodel\tinput_tokens\n2026-10-01\tgpt-4.1\t5\n",
         "openai_usage_csv", "does not read as OpenAI usage, dashboard CSV export"),
        # a FOCUS export saved as JSON: a CSV format cannot read it
        ("focus.json", '[{"BilledCost": 1.2, "ChargePeriodStart": "2026-10-01"}]\n',
         "focus_csv", "--format focus_csv reads csv files; this is json"),
        # a CSV forced through a JSON format (DuckDB would try to parse it as one document)
        ("usage.csv", "timestamp,model,output_tokens\n2026-10-01,gpt-4.1,5\n",
         "claude_code_jsonl", "reads json or jsonl files; this is csv"),
        # JSON Lines of another tool: every line is skipped, nothing is read
        ("spans.jsonl", '{"timestamp": "2026-10-01", "type": "span", "payload": {}}\n',
         "claude_code_jsonl", "it gave no rows: it is not such an export"),
    ],
)  # fmt: skip
def test_a_forced_format_that_does_not_fit_is_refused(
    tmp_path: Path, name: str, content: str, forced: str, said: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("analyze", str(path), "--format", forced)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert said in result.stderr
    assert "docs/sources.md" in result.stderr
