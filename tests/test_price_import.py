"""`tokenecon prices import` / `prices diff`, and the price book's newer fields and checks.

Fixtures are real records: tests/fixtures/prices/litellm-sample.json (litellm 1.110.2's bundled
JSON, records verbatim) and genai-sample.json (pydantic/genai-prices prices/data.json at
006e8438, records verbatim); each file says so in its `_provenance`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.errors import PriceBookError
from tokenecon.price.book import load_price_book
from tokenecon.price.periods import cost_of

LITELLM = FIXTURES / "prices" / "litellm-sample.json"
GENAI = FIXTURES / "prices" / "genai-sample.json"
ONE_M = {"input": 1_000_000, "cache_read": 0, "cache_write": 0, "cache_write_1h": 0,
         "output": 0}  # fmt: skip


def _import(tmp_path: Path, *args: str) -> tuple[Path, dict]:
    out = tmp_path / "imported.yaml"
    result = run_cli("prices", "import", *args, "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_litellm_import_prices_each_spelling_at_its_own_rate(tmp_path: Path) -> None:
    out, summary = _import(tmp_path, str(LITELLM))
    book = load_price_book([out], include_default=False)
    assert summary["models"] == len(book.models)
    assert book.resolve("gpt-4o-2024-08-06") == "gpt-4o"
    assert book.resolve("gpt-4o-2024-05-13") == "gpt-4o-2024-05-13"  # its own $5 / $15
    assert book.models["gpt-4o-2024-05-13"].entries[-1].rates.input == Decimal(5)
    assert book.resolve("us.anthropic.claude-opus-4-6-v1") != book.resolve(
        "anthropic.claude-opus-4-6-v1"
    )  # the US inference profile carries a 10% uplift
    assert book.resolve("text-embedding-3-small") is None  # not a chat model
    assert book.resolve("gemini/gemini-exp-1114") is None  # a $0 preview: never priced at 0
    gpt4o = book.models["gpt-4o"]
    assert gpt4o.max_input_tokens == 128_000
    period = book.periods(["gpt-4o"])[0]
    priority = cost_of(period, {**ONE_M, "output": 1_000_000}, "priority", False)
    assert priority == Decimal("4.25") + Decimal(17)  # litellm's priority prices, not standard
    fine = book.resolve("ft:gpt-4o-mini-2024-07-18:acme::abc123")
    assert fine == "ft:gpt-4o-mini-2024-07-18"
    assert book.models[fine].entries[-1].rates.input == Decimal("0.3")


def test_cliff_at_272000_and_272001(tmp_path: Path) -> None:
    out, _ = _import(tmp_path, str(LITELLM))
    book = load_price_book([out], include_default=False)
    period = book.periods(["gpt-5.4"])[0]
    at = {**ONE_M, "input": 272_000}
    over = {**ONE_M, "input": 272_001}
    assert cost_of(period, at, "standard", False) == Decimal("0.68")
    assert cost_of(period, over, "standard", True) == Decimal("1.360005")


def test_genai_import_keeps_start_dated_history(tmp_path: Path) -> None:
    out, _ = _import(tmp_path, str(GENAI), "--from", "genai-prices")
    book = load_price_book([out], include_default=False)
    opus = book.models["claude-opus-4-6"]
    assert [e.valid_from for e in opus.entries][-1] == date(2026, 3, 13)
    assert opus.entries[0].above_input_tokens == 200_000  # the tier before 2026-03-13
    assert opus.entries[-1].above_input_tokens is None
    assert book.resolve("claude-opus-4-20250514") == "claude-opus-4-0"  # an `equals` spelling
    assert book.resolve("claude-3-haiku-20240307") is None  # `starts_with` is never guessed


def test_import_with_base_keeps_history_and_diff_lists_it(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(
        "models:\n"
        "  gpt-4o:\n    provider: openai\n    tier: frontier\n    aliases: []\n    prices:\n"
        "      - {from: 2024-08-06, input: 3, output: 12}\n"
        "  gone-model:\n    provider: openai\n    aliases: []\n    prices:\n"
        "      - {from: 2024-01-01, input: 1, output: 2}\n"
    )
    out, _ = _import(tmp_path, str(LITELLM), "--base", str(base))
    book = load_price_book([out], include_default=False)
    gpt4o = book.models["gpt-4o"]
    assert [e.rates.input for e in gpt4o.entries] == [Decimal(3), Decimal("2.5")]
    assert gpt4o.active(date(2024, 9, 1)).rates.input == Decimal(3)  # type: ignore[union-attr]
    assert book.models["gone-model"].retired is not None
    assert book.models["gone-model"].entries[0].rates.output == Decimal(2)
    diff = run_cli("prices", "diff", str(base), str(out), "--json")
    assert diff.exit_code == 0, diff.output
    rows = json.loads(diff.stdout)
    assert {"model": "gone-model", "change": "retired", "from": date.today().isoformat()} in rows
    assert any(r["model"] == "gpt-4o" and r.get("field") == "input" and r["old"] == "3"
               and r["new"] == "2.5" for r in rows)  # fmt: skip
    assert any(r["model"] == "gpt-4o" and r["change"] == "new price" for r in rows)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--from", "genai-prices"], "looks like litellm data"),
        (["--from", "nope"], "--from 'nope'"),
    ],
)
def test_import_refuses_bad_input(tmp_path: Path, args: list[str], needle: str) -> None:
    result = run_cli("prices", "import", str(LITELLM), *args, "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 2
    assert needle in result.output
    assert not (tmp_path / "o.yaml").exists()


def test_import_of_a_non_json_file_names_line_and_column(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html>\n<body>prices</body>")
    result = run_cli("prices", "import", str(page), "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 2
    assert f"{page}:1:1" in result.output and "raw JSON" in result.output


def test_tier_mapping_prices_buckets_and_scales_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "models:\n  m:\n    prices:\n"
        "      - {from: 2025-01-01, input: 2, cache_read: 1, output: 8,"
        " batch: {multiply: 0.5, cache_read: 1}}\n"
    )
    period = load_price_book([path], include_default=False).periods(["m"])[0]
    tokens = {"input": 1_000_000, "cache_read": 1_000_000, "output": 1_000_000}
    assert cost_of(period, tokens, "batch", False) == Decimal(1) + Decimal(1) + Decimal(4)


def test_unknown_tier_key_says_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "models:\n  m:\n    prices:\n"
        "      - {from: 2025-01-01, input: 2, output: 8, batch: {multiplier: 0.5}}\n"
    )
    with pytest.raises(PriceBookError) as err:
        load_price_book([path], include_default=False)
    assert "multiplier" in err.value.message and "multiply" in (err.value.hint or "")


def test_misspelled_model_key_warns_with_did_you_mean(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "models:\n  claude-3-5-sonet:\n    provider: anthropic\n    prices:\n"
        "      - {from: 2025-01-01, input: 2, output: 10}\n"
    )
    load_price_book([path])
    warning = capsys.readouterr().err
    assert "did you mean 'claude-3-5-sonnet'" in warning and f"{path}:2" in warning


def test_a_single_eur_book_hints_no_default_prices(tmp_path: Path) -> None:
    path = tmp_path / "eur.yaml"
    path.write_text("currency: EUR\nmodels:\n  m: {prices: [{from: 2025-01-01, input: 1, "
                    "output: 1}]}\n")  # fmt: skip
    with pytest.raises(PriceBookError) as err:
        load_price_book([path])
    assert "--no-default-prices" in (err.value.hint or "")
    assert load_price_book([path], include_default=False).currency == "EUR"


def test_a_deployment_name_is_mapped_without_restating_prices(tmp_path: Path) -> None:
    book = load_price_book()
    assert book.resolve("azure/my-gpt4o-deployment") is None
    path = tmp_path / "map.yaml"
    path.write_text("models:\n  gpt-4o:\n    aliases: [azure/my-gpt4o-deployment]\n")
    mapped = load_price_book([path])
    assert mapped.resolve("azure/my-gpt4o-deployment") == "gpt-4o"
    assert mapped.models["gpt-4o"].entries == book.models["gpt-4o"].entries


def test_an_azure_deployment_stays_unpriced_with_a_hint() -> None:
    from tokenecon.price.resolve import unknown_reason

    assert "match:" in unknown_reason("azure/prod-chat-east")
    assert unknown_reason("mystery-model") == "unknown model"


def test_the_user_examples_in_pricing_load_and_do_what_they_say() -> None:
    from conftest import ROOT

    azure = load_price_book([ROOT / "pricing" / "examples" / "azure-deployments.yaml"])
    assert azure.resolve("azure/prod-chat-west") == "gpt-4o"
    assert azure.resolve("azure/support-mini-eu") == "gpt-4.1-mini"
    deal = load_price_book([ROOT / "pricing" / "examples" / "negotiated.yaml"])
    gpt41 = deal.models["gpt-4.1"]
    assert gpt41.active(date(2026, 8, 1)).rates.input == Decimal("1.6")  # type: ignore[union-attr]
    assert deal.resolve("gpt-4.1-2025-04-14") == "gpt-4.1"  # the default's spellings kept
    sonnet = deal.models["claude-sonnet-4-5"]
    assert deal.discount_at(sonnet, date(2026, 2, 1)) == Decimal("0.85")


def test_residency_uplifts_are_listed_and_validated(tmp_path: Path) -> None:
    book = load_price_book()
    assert book.models["gpt-5.4"].regions == {
        "eu": Decimal("1.1"), "us": Decimal("1.1"), "fedramp": Decimal("1.1")
    }  # fmt: skip
    # a residency route with its own name carries the uplift in its own prices
    us = book.models[book.resolve("us.anthropic.claude-opus-4-6-v1")]  # type: ignore[index]
    assert us.entries[-1].rates.input == Decimal("5.5")
    bad = tmp_path / "b.yaml"
    bad.write_text("models:\n  m:\n    regions: {eu: lots}\n    prices: [{from: 2025-01-01, "
                   "input: 1, output: 1}]\n")  # fmt: skip
    with pytest.raises(PriceBookError) as err:
        load_price_book([bad], include_default=False)
    assert f"{bad}:2" in err.value.message and "regions.eu" in err.value.message
