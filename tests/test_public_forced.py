"""Public files as bad input. `--format X` on a real file of another kind is an error (exit 2,
the hint to drop it), never "0 read" or "every row rejected" with exit 0; the same files under
their own format still read. Price books built around real public data: a misspelled model
key from public code, and Mistral's own euro price list against the default USD book.

The files are public ones written by others (tests/fixtures/public/PROVENANCE.md, and
tests/fixtures/prices/litellm-sample.json: LiteLLM's own price list, records verbatim).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

PUBLIC = FIXTURES / "public"
BOOK = str(FIXTURES / "book.yaml")
COOKBOOK = PUBLIC / "openai_cookbook_usage_list.json"
ANTHROPIC = PUBLIC / "anthropic_usage_report_example.json"
CODEX = PUBLIC / "ccusage_codex_branch" / "2026-05-12T08-00-00-parent.jsonl"
CLAUDE = PUBLIC / "claude_usage_tracker" / "streaming_dedup.jsonl"
LITELLM_PRICES = FIXTURES / "prices" / "litellm-sample.json"
LITELLM_DAILY = PUBLIC / "litellm" / "daily_activity_docs.json"


def analyze(path: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(
        "analyze", str(path), "--prices", BOOK, "--no-default-prices", "--json", *extra
    )  # fmt: skip


MISFITS = [
    # every row read, every row rejected: exit 0 and an empty report before
    (COOKBOOK, "anthropic_usage_api", "none of its 9 rows could be read (e.g. timestamp: empty)"),
    (COOKBOOK, "langfuse_observations", "none of its 10 rows could be read"),
    (ANTHROPIC, "openai_usage_api", "none of its 1 rows could be read (e.g. timestamp: empty)"),
    (CODEX, "openai_usage_api", "none of its 2 rows could be read"),
    (CODEX, "otel_genai", "none of its 2 rows could be read"),
    (CLAUDE, "anthropic_usage_api", "none of its 4 rows could be read"),
    (CLAUDE, "otel_genai", "none of its 4 rows could be read"),
    (LITELLM_PRICES, "langfuse_observations", "none of its 1 rows could be read"),
    (
        ANTHROPIC,
        "litellm_daily_activity",
        "none of its 1 rows could be read (e.g. no results: not a daily activity page)",
    ),
    # nothing read at all
    (COOKBOOK, "otel_genai", "it gave no rows"),
    (COOKBOOK, "claude_code_jsonl", "it gave no rows"),
    (ANTHROPIC, "claude_code_jsonl", "it gave no rows"),
    (CLAUDE, "codex_jsonl", "it gave no rows"),
    (LITELLM_PRICES, "openai_usage_api", "it gave no rows"),
    (COOKBOOK, "litellm_daily_activity", "it gave no rows"),  # results of no day's shape
    (LITELLM_DAILY, "langfuse_daily_metrics", "it gave no rows"),
    (LITELLM_DAILY, "openai_usage_api", "it gave no rows"),
    # another kind of file
    (CODEX, "openai_usage_csv", "reads csv files; this is jsonl"),
]


@pytest.mark.parametrize(("path", "forced", "said"), MISFITS,
                         ids=[f"{p.name}-{f}" for p, f, _ in MISFITS])  # fmt: skip
def test_a_real_file_forced_into_another_format_is_refused(
    path: Path, forced: str, said: str
) -> None:
    result = analyze(path, "--format", forced)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert said in result.stderr
    assert f"--format {forced}" in result.stderr
    assert "drop --format" in result.stderr and "docs/sources.md" in result.stderr


def test_the_same_files_read_under_their_own_format() -> None:
    # forcing the right format reads what detection reads (tests/test_public_fixtures.py)
    own_formats = [
        (COOKBOOK, "openai_usage_api", 9),
        (ANTHROPIC, "anthropic_usage_api", 1),
        (CODEX, "codex_jsonl", 1),
        (CLAUDE, "claude_code_jsonl", 3),
        (LITELLM_DAILY, "litellm_daily_activity", 2),
    ]
    for path, own, rows in own_formats:
        forced = analyze(path, "--format", own)
        detected = analyze(path)
        assert forced.exit_code == detected.exit_code == 0, forced.output
        f, d = json.loads(forced.stdout)["totals"], json.loads(detected.stdout)["totals"]
        assert f["rows_read"] == d["rows_read"] == rows
        assert f["rows_rejected"] == 0
        assert (f["cost"], f["rows_unpriced"]) == (d["cost"], d["rows_unpriced"])


MISSPELLED = PUBLIC / "price_books" / "misspelled_sonnet.yaml"


def test_a_real_misspelled_model_key_is_warned_at_its_line_and_changes_nothing() -> None:
    # The key is a real typo from public code (PROVENANCE.md). It was ignored silently: the
    # model meant kept the default book's prices with no word said.
    plain = run_cli("analyze", str(ANTHROPIC), "--json")
    typo = run_cli("analyze", str(ANTHROPIC), "--prices", str(MISSPELLED), "--json")
    assert plain.exit_code == typo.exit_code == 0, typo.output
    assert f"{MISSPELLED}:8:" in typo.stderr
    assert "did you mean 'claude-3-5-sonnet-20241022'" in typo.stderr
    # the Anthropic example's usage (claude-opus-4-6) comes out as without the book: unpriced
    # in both, since the example is dated 2025-08-01, before the model's release (2026-02-05)
    a, b = json.loads(plain.stdout)["totals"], json.loads(typo.stdout)["totals"]
    assert (a["cost"], a["rows_priced"], a["rows_unpriced"]) == (
        b["cost"], b["rows_priced"], b["rows_unpriced"],
    )  # fmt: skip
    assert b["rows_read"] == b["rows_unpriced"] == 1


def test_the_misspelled_key_is_a_model_of_its_own_and_the_meant_one_keeps_its_price() -> None:
    from decimal import Decimal

    from tokenecon.price.book import load_price_book
    from tokenecon.price.periods import cost_of

    book = load_price_book([MISSPELLED])
    meant = book.resolve("claude-3-5-sonnet-20241022")
    typo = book.resolve("claude-3-5- sonet-20241022")
    assert meant is not None and typo == "claude-3-5- sonet-20241022" != meant
    million = {"input": 1_000_000, "output": 1_000_000}
    for name in (meant, typo):
        period = book.periods([name])[0]
        # both at $3 + $15: the typo did not reprice the meant model, it added another
        assert cost_of(period, million, "standard", False) == Decimal(18)


MISTRAL_EUR = PUBLIC / "price_books" / "mistral_eur.yaml"


def test_a_real_euro_price_list_names_no_default_prices_and_prices_in_euros(
    tmp_path: Path,
) -> None:
    usage = tmp_path / "mistral.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        "2024-01-15T10:00:00Z,mistral-small,1000000,100000\n"
        "2024-01-15T11:00:00Z,mistral-medium,200000,20000\n"
    )
    refused = run_cli("analyze", str(usage), "--prices", str(MISTRAL_EUR))
    assert refused.exit_code == 2, refused.output
    assert "currency EUR differs from USD" in refused.stderr
    assert "--no-default-prices" in refused.stderr.split("Hint:", 1)[1]
    alone = run_cli(
        "analyze", str(usage), "--prices", str(MISTRAL_EUR), "--no-default-prices", "--json"
    )
    assert alone.exit_code == 0, alone.output
    r = json.loads(alone.stdout)
    assert r["currency"] == "EUR"
    # small: 1M x 0.6 + 0.1M x 1.8 = 0.78; medium: 0.2M x 2.5 + 0.02M x 7.5 = 0.65 (EUR)
    costs = {m["model"]: m["cost"] for m in r["models"]}
    assert costs == {"mistral-small": "0.780000", "mistral-medium": "0.650000"}
    assert r["totals"]["cost"] == "1.430000"
