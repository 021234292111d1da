"""OpenAI dashboard exports written by others (tests/fixtures/public/PROVENANCE.md).

A user's usage and cost extract of October 2025, pasted as TSV: the usage file has the column
set of late 2025 (``input_uncached_tokens``, ``input_text_tokens``, the audio and image counts),
counts written as floats (``59200.0``), ``batch`` as ``FALSE``, and empty buckets; the cost
file has no ``line_item`` (fetched ungrouped). Prices per 1M, default book: gpt-4o $2.50 input
/ $1.25 cached / $10 output; gpt-5 $1.25 / $0.125 / $10; gpt-5-mini $0.25 / $0.025 / $2.
"""

from __future__ import annotations

from conftest import FIXTURES
from sources import default_report as report
from sources import model

P = FIXTURES / "public" / "openai"
USAGE = P / "dashboard_usage_2025-10.tsv"
COST = P / "dashboard_cost_2025-10.tsv"
RAGGED = "row has more fields than the header's"


def test_a_late_2025_usage_export_prices_its_text_tokens() -> None:
    r = report(USAGE)
    assert r["inputs"]["usage"][0]["format"] == "openai_usage_csv"
    t = r["totals"]
    # six results; the empty bucket of 2025-10-08 has two tabs more than the header: rejected
    # at its line (never read as usage), the rest read
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"], t["requests"]) == (7, 6, 1, 53)
    assert r["rejected"]["rows"][0]["line"] == 6
    assert r["rejected"]["rows"][0]["reason"].startswith(RAGGED)
    # gpt-4o: 59,200 in of which 5,760 cached, 10,646 out
    # 53,440 x 2.5 + 5,760 x 1.25 + 10,646 x 10 = 133,600 + 7,200 + 106,460 = 247,260 per 1M
    gpt4o = model(r, "gpt-4o")
    assert (gpt4o["tokens"]["uncached_input"], gpt4o["tokens"]["cache_read"]) == (53_440, 5_760)
    assert gpt4o["cost"] == "0.247260"
    # gpt-5: (46,264 - 8,192) + 5,783 = 43,855 uncached, 8,192 cached, 60,000 + 16,000 out
    # 43,855 x 1.25 + 8,192 x 0.125 + 76,000 x 10 = 54,818.75 + 1,024 + 760,000 per 1M
    gpt5 = model(r, "gpt-5")
    assert (gpt5["tokens"]["uncached_input"], gpt5["tokens"]["output"]) == (43_855, 76_000)
    assert gpt5["cost"] == "0.815843"
    # gpt-5-mini: 80,992 + 124,784 + 22,688 in; 274,770 + 154,852 + 33,191 out
    # 228,464 x 0.25 + 462,813 x 2 = 57,116 + 925,626 = 982,742 per 1M
    mini = model(r, "gpt-5-mini")
    assert (mini["tokens"]["uncached_input"], mini["tokens"]["output"]) == (228_464, 462_813)
    assert mini["cost"] == "0.982742"
    assert t["cost"] == "2.045845"


def test_an_ungrouped_cost_export_keeps_every_days_amount() -> None:
    r = report(COST)
    assert r["inputs"]["usage"][0]["format"] == "openai_cost_csv"
    t = r["totals"]
    # six days with an amount; the two empty days carry a stray tab each: rejected at their line
    assert (t["rows_priced"], t["rows_rejected"]) == (6, 2)
    assert [row["line"] for row in r["rejected"]["rows"]] == [6, 9]
    # 0.895874 + 0.56177125 + 0.569788 + 0.5455665 + 0.3409 + 0.072054 = 2.98595375
    assert t["cost"] == t["reported_cost"] == "2.985954"
    assert [m["model"] for m in r["models"]] == ["(all models)"]
