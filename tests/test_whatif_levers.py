"""Every what-if lever on the whatif fixture, priced by hand.

Prices per 1M tokens (fixtures/whatif/book.yaml): big 10 in / 1 cache read / 12.5 cache write /
40 out, batch and flex x0.5, priority x2, and above a 1,000-token prompt 20 / 2 / 25 / 60;
mid 4 / 16; small 1 / 0.1 read / 1.25 write / 4 out, batch x0.5; tiny 0.5 / 8 (no batch);
late (no price before December); zeta-small 0.2 / 0.4 at another provider.

Baseline (fixtures/whatif/usage.csv, 2026-10-01 to 2026-10-10: a year is x36.5):
- triage: T1, T2, T3 on big (1000 in, 500 out: 10000 + 20000 = 30000 each), T4, T5 on small
  (1000 + 2000 = 3000 each): $0.096; 5 tasks, verified T1, T2, T4: 3 outcomes; review 1 min at
  $60/h per task: $5. Observed success: big 2 of 3, small 1 of 2.
- scoring: four calls on big, 800 in / 50 out (8000 + 2000 = 10000), s3 in the batch tier
  (5000): $0.035; 4 tasks, 4 outcomes; urgent: false; stated success big 1, small 0.6/0.8/0.9,
  tiny 0.5.
- agent: A1 = three calls of 1200, 1200, 1500 prompt tokens, 100 out, above the cliff
  (1200*20 + 100*60 = 30000; 1500*20 + 6000 = 36000); A2-A4 one call each of 600 in / 100 out
  (6000 + 4000 = 10000): $0.126; 4 tasks, 6 calls, 2 outcomes.
- unattributed: mid 1000 in / 1000 out (4000 + 16000) and small 1000 in: $0.021.
Total $0.278.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import FIXTURES, run_cli

from tokenecon.whatif.quality import wilson

WHATIF = FIXTURES / "whatif"
YEAR = Decimal("36.5")


def whatif(*args: str, usage: Path = WHATIF / "usage.csv", mapping: bool = True) -> dict:
    extra = ["--outcomes", str(WHATIF / "mapping.yaml")] if mapping else []
    result = run_cli(
        "whatif", str(usage), "--prices", str(WHATIF / "book.yaml"), "--no-default-prices",
        *extra, "--json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def only(document: dict) -> dict:
    assert len(document["scenarios"]) == 1
    return document["scenarios"][0]


def use_case(scenario: dict, name: str) -> dict[str, Any]:
    return next(u for u in scenario["use_cases"] if u["name"] == name)


def notes(scenario: dict, scope: str) -> list[str]:
    return [a["text"] for a in scenario["assumptions"] if a["scope"] == scope]


def test_baseline_matches_the_hand_computation() -> None:
    baseline = whatif("--trim-output", "0")["baseline"]
    costs = {u["name"]: u["cost"] for u in baseline["use_cases"]}
    assert costs == {"triage": "0.096000", "scoring": "0.035000", "agent": "0.126000"}
    assert baseline["unattributed"]["cost"] == "0.021000"
    assert baseline["totals"] == {"cost": "0.278000", "fully_loaded_cost": "5.278000"}


def test_route_to_a_named_model_adjusts_tasks_by_observed_yields() -> None:
    s = only(whatif("--route", "small", "--use-case", "triage"))
    triage = use_case(s, "triage")["scenario"]
    # Tasks per outcome: big 3/2 = 1.5, small 2/1 = 2, so big's traffic needs x4/3 the tasks.
    # Big's 3000 in + 1500 out x4/3 = 4000 + 2000 at small: 4000*1 + 2000*4 = 12000; small's
    # own calls stay (6000): $0.018 for the same 3 outcomes.
    assert triage["cost"] == "0.018000"
    # Big's tasks are 3/5 of the calls: 3 tasks become 4, so 6 in all: 2 per outcome.
    assert triage["tasks"] == 6
    assert triage["tasks_per_outcome"] == "2.000000"
    assert triage["cost_per_outcome"] == "0.006000"
    # One more task to review: $6 + $0.018.
    assert triage["fully_loaded_cost"] == "6.018000"
    saving = use_case(s, "triage")["saving"]
    assert saving["cost"] == "0.078000"
    assert saving["cost_annualised"] == "2.847000"  # 0.078 * 36.5
    assert saving["fully_loaded"] == "-0.922000"  # 5.096 - 6.018: quality costs more than it saves
    assert any("observed: 1 verified of 2 tasks" in t for t in notes(s, "triage"))


def test_route_sensitivity_spans_the_observed_rates_wilson_interval() -> None:
    s = only(whatif("--route", "small", "--use-case", "triage"))
    low, high = wilson(1, 2)  # small verified 1 of 2 tasks

    # Cost at a success rate r of small: 0.006 + 0.009 * (2/3) / r; saving a year (0.096 - it)*36.5
    def saving(r: Decimal) -> str:
        cost = Decimal("0.006") + Decimal("0.009") * Decimal(2) / 3 / r
        return str(((Decimal("0.096") - cost) * YEAR).quantize(Decimal("0.000001")))

    assert s["sensitivity"]["saving_annualised"] == {
        "low": saving(low),
        "expected": "2.847000",
        "high": saving(high),
    }
    assert Decimal(saving(low)) < Decimal("2.847") < Decimal(saving(high))


def test_wilson_interval_by_hand() -> None:
    # p = 1/2, n = 2, z = 1.96: centre 0.5 + z^2/4 = 1.4604; margin z*sqrt(0.125 + z^2/16)
    # = 1.96 * 0.60424 = 1.18430; divided by 1 + z^2/2 = 2.9208: 0.0945 and 0.9055.
    low, high = wilson(1, 2)
    assert round(low, 4) == Decimal("0.0945")
    assert round(high, 4) == Decimal("0.9055")


def test_routing_all_of_a_use_case_to_m_is_repricing_its_tokens_at_m() -> None:
    s = only(whatif("--route", "mid", "--use-case", "triage"))
    # mid has no outcomes in triage: equal quality. 5000 in * 4 + 2500 out * 16 = 60000.
    triage = use_case(s, "triage")["scenario"]
    assert triage["cost"] == "0.060000"
    assert triage["tasks"] == 5
    assert any("assumes equal quality" in t for t in notes(s, "triage"))
    assert s["sensitivity"] is None


def test_small_model_is_the_cheapest_on_each_slices_own_mix() -> None:
    s = only(whatif("--route", "small-model"))
    # triage on big, per call: small 1000 + 500*4 = 3000, tiny 500 + 500*8 = 4500 -> small
    # (as above: $0.018). triage's own small calls stay on small.
    assert use_case(s, "triage")["scenario"]["cost"] == "0.018000"
    # scoring, input-heavy: small 800 + 200 = 1000 (s3 batch 500), tiny 400 + 400 = 800 (no
    # batch price: 800) -> small 3500, tiny 3200: tiny; stated success 1 -> 0.5 doubles the
    # tasks: 6400, 8 tasks.
    scoring = use_case(s, "scoring")["scenario"]
    assert (scoring["cost"], scoring["tasks"]) == ("0.006400", 8)
    # agent: small 1600+1600+1900+3*1000 = 8100, tiny 1400+1400+1550+3*1100 = 7650 -> tiny.
    assert use_case(s, "agent")["scenario"]["cost"] == "0.007650"
    # unattributed: mid's call -> small 1000 + 4000 = 5000 (tiny 8500); small's call -> tiny
    # 500 (small 1000). late has no price in October, zeta-small is another provider.
    assert s["unattributed"]["scenario"]["cost"] == "0.005500"
    assert s["totals"]["scenario"]["cost"] == "0.037550"


def test_any_provider_looks_at_every_provider() -> None:
    s = only(whatif("--route", "small-model", "--any-provider", "--use-case", "agent"))
    # zeta-small: 5700 in * 0.2 + 600 out * 0.4 = 1140 + 240 = 1380.
    assert use_case(s, "agent")["scenario"]["cost"] == "0.001380"
    assert any("zeta-small" in t and "utility model" in t for t in notes(s, "agent"))


def test_share_and_model_limit_the_route() -> None:
    s = only(whatif("--route", "small", "--use-case", "triage", "--model", "big", "--share", "0.5"))
    # Half of big's calls (1500 in, 750 out) x4/3 at small: 2000 + 4000 = 6000; big keeps
    # half: 45000; small's own 6000: $0.057. Tasks: 1.5 of 5 calls move, +1/3 each: 5.5.
    triage = use_case(s, "triage")["scenario"]
    assert triage["cost"] == "0.057000"
    assert triage["tasks_per_outcome"] == "1.833333"  # 5.5 / 3


def test_stated_success_range_gives_the_sensitivity() -> None:
    s = only(whatif("--route", "small", "--use-case", "scoring"))
    # At small scoring costs 3 * 1000 + 500 = 3500 (batch x0.5 kept); stated rates big 1 ->
    # small 0.8 make it x1.25: 4375. Low rate 0.6: x5/3 = 5833.33; high 0.9: x10/9 = 3888.89.
    assert use_case(s, "scoring")["scenario"]["cost"] == "0.004375"
    yearly = s["sensitivity"]["saving_annualised"]
    assert yearly["expected"] == "1.117813"  # (0.035 - 0.004375) * 36.5 = 1.1178125
    assert yearly["low"] == "1.064583"  # (0.035 - 0.00583333) * 36.5
    assert yearly["high"] == "1.135556"  # (0.035 - 0.00388889) * 36.5
    cpo = s["sensitivity"]["use_cases"][1]
    assert cpo["name"] == "scoring"
    assert cpo["cost_per_outcome"]["expected"] == "0.001094"  # 0.004375 / 4 outcomes


def test_cache_task_prefixes() -> None:
    s = only(whatif("--cache", "0.5", "--use-case", "agent"))
    # agent: 4 tasks in 6 calls, so 2/3 of calls write their task's prefix, 1/3 read it:
    # reads = input/3 (50% is not reachable), writes = 2/3 of input, nothing uncached.
    # Above the cliff (3900 in): 1300*2 + 2600*25 + 300 out*60 = 2600 + 65000 + 18000 = 85600.
    # Below (1800 in): 600*1 + 1200*12.5 + 300*40 = 600 + 15000 + 12000 = 27600.
    agent = use_case(s, "agent")["scenario"]
    assert agent["cost"] == "0.113200"
    assert agent["cache_read_share"] == "0.333333"
    assert any("50% is not reachable" in t for t in notes(s, "agent"))


def test_cache_shared_prefix_once_per_window(tmp_path: Path) -> None:
    usage = tmp_path / "bulk.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,requests\n"
        "2026-10-01T00:00:00Z,small,600000,60000,600\n"
    )
    # 600 calls of 1000 prompt tokens in a day; a 500-token shared prefix written at most once
    # per 5-minute window: 288 writes, 312 reads. Reads 312*500 = 156000 (50% would be 300000),
    # writes 288*500 = 144000, uncached 300000. 300000*1 + 156000*0.1 + 144000*1.25 +
    # 60000*4 = 300000 + 15600 + 180000 + 240000 = 735600.
    s = only(whatif("--cache", "0.5", "--cache-scope", "shared", "--cache-prefix", "500",
                    usage=usage, mapping=False))  # fmt: skip
    assert s["unattributed"]["scenario"]["cost"] == "0.735600"
    # With a 1h TTL: 24 writes, 576 possible reads: 50% = 300000 reads, prefix 300000/576,
    # writes 24 * that = 12500 (priced as cache_write: small has no 1h price), uncached
    # 287500: 287500 + 30000 + 15625 + 240000 = 573125.
    s = only(whatif("--cache", "0.5", "--cache-scope", "shared", "--cache-ttl", "1h",
                    usage=usage, mapping=False))  # fmt: skip
    assert s["unattributed"]["scenario"]["cost"] == "0.573125"


def test_batch_moves_only_non_urgent_standard_traffic() -> None:
    s = only(whatif("--batch", "0.5"))
    # Only scoring is urgent: false. Its standard calls s1, s2, s4 (30000) move half to batch
    # (x0.5): saves 7500. s3 is batch already.
    assert use_case(s, "scoring")["scenario"]["cost"] == "0.027500"
    assert use_case(s, "scoring")["scenario"]["batch_share"] == "0.625000"  # 2.5 of 4 calls
    assert s["totals"]["scenario"]["cost"] == "0.270500"


def test_trim_prompt_moves_calls_below_the_cliff() -> None:
    s = only(whatif("--trim-prompt", "20%", "--use-case", "agent"))
    # 1200-token prompts become 960 (below 1000): 1920*10 + 200*40 = 27200; the 1500-token one
    # becomes 1200, still above: 1200*20 + 100*60 = 30000; A2-A4: 1440*10 + 300*40 = 26400.
    assert use_case(s, "agent")["scenario"]["cost"] == "0.083600"


def test_trim_output() -> None:
    s = only(whatif("--trim-output", "50%", "--use-case", "triage"))
    # big 1000*10 + 250*40 = 20000 (x3), small 1000 + 250*4 = 2000 (x2): 64000.
    assert use_case(s, "triage")["scenario"]["cost"] == "0.064000"


def test_context_cap_at_and_above_the_cliff(tmp_path: Path) -> None:
    plans = tmp_path / "plans.yaml"
    plans.write_text(
        "scenarios:\n"
        "  cap-1000: [{context_cap: 1000, use_case: agent}]\n"
        "  cap-1100: [{context_cap: 1100, use_case: agent}]\n"
    )
    document = whatif("--scenarios", str(plans))
    at, above = document["scenarios"]
    # At 1000: A1's three calls become 1000-token prompts, below the cliff: 3 * (10000 + 4000)
    # = 42000, plus A2-A4's 30000.
    assert use_case(at, "agent")["scenario"]["cost"] == "0.072000"
    # At 1100 they stay above it: 3 * (1100*20 + 100*60) = 84000, plus 30000.
    assert use_case(above, "agent")["scenario"]["cost"] == "0.114000"


def test_retry_cut() -> None:
    s = only(whatif("--retry-cut", "50%", "--use-case", "agent"))
    # 6 calls for 4 tasks: 2 retried calls, half of them cut: 5/6 of every call: 0.126 * 5/6.
    agent = use_case(s, "agent")["scenario"]
    assert (agent["cost"], agent["requests"], agent["tasks"]) == ("0.105000", 5, 4)


def test_max_attempts() -> None:
    s = only(whatif("--max-attempts", "1.5", "--use-case", "agent"))
    # 4 tasks for 2 outcomes; at most 1.5 per outcome: 3 tasks, 3/4 of the usage: 0.0945.
    agent = use_case(s, "agent")["scenario"]
    assert (agent["cost"], agent["tasks"], agent["tasks_per_outcome"]) == (
        "0.094500", 3, "1.500000",
    )  # fmt: skip


def test_service_tiers() -> None:
    assert (
        use_case(only(whatif("--tier", "flex", "--use-case", "agent")), "agent")["scenario"]["cost"]
        == "0.063000"
    )  # x0.5
    assert (
        use_case(only(whatif("--tier", "priority", "--use-case", "agent")), "agent")["scenario"][
            "cost"
        ]
        == "0.252000"
    )  # x2
    s = only(whatif("--tier", "flex", "--use-case", "triage"))
    # big halves (45000), small has no flex price: billed at standard (6000).
    assert use_case(s, "triage")["scenario"]["cost"] == "0.051000"
    assert "small has no flex price in the book: billed at standard" in notes(s, "all")


def test_levers_combine_in_order() -> None:
    s = only(whatif("--route", "small", "--trim-output", "50%", "--use-case", "triage"))
    # Route first (big's traffic x4/3 on small: 4000 in, 2000 out), then half the output:
    # 4000 + 1000*4 = 8000, small's own 2 * (1000 + 250*4) = 4000: 12000.
    assert use_case(s, "triage")["scenario"]["cost"] == "0.012000"


def test_frontier_marks_what_pays_more_for_no_better() -> None:
    document = whatif("--trim-output", "50%", "--use-case", "triage")
    triage = next(f for f in document["frontier"] if f["use_case"] == "triage")
    points = {p["label"]: p for p in triage["points"]}
    # now: 0.096/3 = 0.032 per outcome at 3/5; big: 0.09 / 2 = 0.045 at 2/3; small: 0.006 / 1
    # at 1/2; trimmed: 0.064/3 = 0.021333 at 3/5, which beats now.
    assert (points["now"]["cost_per_outcome"], points["now"]["outcome_rate"]) == (
        "0.032000", "0.600000",
    )  # fmt: skip
    assert points["big"]["cost_per_outcome"] == "0.045000"
    assert points["small"]["outcome_rate"] == "0.500000"
    assert points["now"]["dominated_by"] == "trim-output 50%"
    assert points["trim-output 50%"]["on_frontier"]
    assert points["big"]["on_frontier"] and points["small"]["on_frontier"]


def test_spellings_of_one_model_count_a_task_once(tmp_path: Path) -> None:
    from tokenecon.report.analyze import AnalyzeOptions
    from tokenecon.whatif.levers import Scenario
    from tokenecon.whatif.quality import model_yields
    from tokenecon.whatif.run import run_whatif

    (tmp_path / "events.csv").write_text("task_id,verified\nT1,true\nT2,false\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  t:\n    match: {use_case: t}\n    task_key: task_id\n"
                       "    outcomes: {file: events.csv, verified: verified}\n")  # fmt: skip
    usage = tmp_path / "u.csv"
    usage.write_text("timestamp,model,uncached_input_tokens,use_case,task_id\n"
                     "2026-10-01T00:00:00Z,small,100,t,T1\n"
                     "2026-10-01T00:01:00Z,acme/small,100,t,T1\n"
                     "2026-10-01T00:02:00Z,small-2026-01-01,100,t,T2\n")  # fmt: skip
    options = AnalyzeOptions(prices=[WHATIF / "book.yaml"], no_default_prices=True,
                             outcomes=mapping)  # fmt: skip
    analysis = run_whatif([str(usage)], options, [Scenario("none", ())]).analysis
    # Three spellings of small, two tasks (T1 called it twice), one of them verified.
    assert model_yields(analysis.aggregates, analysis.book) == {("t", "small"): (2, 1)}
