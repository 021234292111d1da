"""Bad what-if input: `Error: ...` with a hint naming the flag or file line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from test_errors import check_error

WHATIF = FIXTURES / "whatif"


def whatif(*args: str, mapping: Path | None = WHATIF / "mapping.yaml", usage: Path | None = None):
    extra = ["--outcomes", str(mapping)] if mapping else []
    return run_cli(
        "whatif", str(usage or WHATIF / "usage.csv"), "--prices", str(WHATIF / "book.yaml"),
        "--no-default-prices", *extra, *args,
    )  # fmt: skip


def test_unknown_target_says_did_you_mean() -> None:
    check_error(whatif("--route", "smal"), "--route: no price book knows the model 'smal'",
                "did you mean small")  # fmt: skip


def test_unknown_model_limit_says_did_you_mean() -> None:
    check_error(whatif("--trim-output", "10%", "--model", "bgi"), "--trim-output", "did you mean")


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--share", "1.5"), ("--batch", "2"), ("--cache", "-0.1"), ("--share", "half")],
)
def test_share_outside_0_to_1(flag: str, value: str) -> None:
    args = [flag, value] if flag != "--share" else ["--trim-output", "10%", flag, value]
    result = whatif(*args)
    check_error(result, flag)
    if value != "half":  # above 1: 150% or 1.5 times? Below 0: no share at all.
        assert ("ambiguous" in result.stderr and f"{value}%" in result.stderr) or (
            "outside 0-100%" in result.stderr and "60% or 0.6" in result.stderr
        )


@pytest.mark.parametrize("flag", ["--trim-prompt", "--trim-output", "--retry-cut"])
def test_percent_outside_0_to_100(flag: str) -> None:
    check_error(whatif(flag, "150%"), flag, "outside 0-100%")


def test_use_case_that_does_not_exist() -> None:
    check_error(whatif("--route", "small", "--use-case", "triag"),
                "no use case is named 'triag'", "did you mean triage")  # fmt: skip


def test_use_case_without_a_mapping() -> None:
    check_error(whatif("--route", "small", "--use-case", "triage", mapping=None),
                "no use case is named", "--outcomes")  # fmt: skip


def test_no_lever() -> None:
    check_error(whatif(), "no lever", "--route")


def test_limit_without_a_lever() -> None:
    check_error(whatif("--use-case", "triage"), "--use-case limits a lever", "--route")


def test_any_provider_without_route() -> None:
    check_error(whatif("--cache", "0.5", "--any-provider"), "--any-provider goes with --route")


def test_cache_options_without_cache() -> None:
    check_error(whatif("--batch", "0.5", "--cache-ttl", "1h"), "go with --cache")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--tier", "gold"], "--tier: 'gold' is not one of flex, priority"),
        (["--cache", "0.5", "--cache-scope", "team"], "is not one of task, shared"),
        (["--max-attempts", "0.5"], "--max-attempts: 0.5 is below 1"),
        (["--context-cap", "lots"], "--context-cap: 'lots' is not a number"),
        (["--context-cap", "0"], "not a whole number of tokens above 0"),
    ],
)
def test_bad_lever_values(args: list[str], fragment: str) -> None:
    check_error(whatif(*args), fragment)


def test_batch_for_an_urgent_use_case_names_the_mapping() -> None:
    check_error(whatif("--batch", "0.5", "--use-case", "triage"),
                "triage is not marked `urgent: false`", "mapping.yaml")  # fmt: skip


def test_max_attempts_on_a_model() -> None:
    check_error(whatif("--max-attempts", "2", "--model", "big"), "a whole use case")


def test_max_attempts_for_a_use_case_without_outcomes(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  agent: {match: {use_case: agent}}\n")
    check_error(whatif("--max-attempts", "2", "--use-case", "agent", mapping=mapping),
                "agent has no verified outcomes", "outcomes:")  # fmt: skip


def test_route_target_without_a_price_in_the_period() -> None:
    check_error(whatif("--route", "late"), "late has no price before 2026-12-01", "--since")


def test_no_model_of_the_tier_at_the_provider(tmp_path: Path) -> None:
    usage = tmp_path / "zeta.csv"
    usage.write_text("timestamp,model,uncached_input_tokens,output_tokens\n"
                     "2026-10-01T00:00:00Z,zeta-small,100,10\n")  # fmt: skip
    check_error(whatif("--route", "mid-model", usage=usage, mapping=None),
                "no mid-tier model of zeta", "--any-provider")  # fmt: skip


def test_target_that_verified_no_outcome(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("task_id,verified\nT1,true\nT2,false\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  t:\n    match: {use_case: t}\n    task_key: task_id\n"
                       "    outcomes: {file: events.csv, verified: verified}\n")  # fmt: skip
    usage = tmp_path / "u.csv"
    usage.write_text("timestamp,model,uncached_input_tokens,output_tokens,use_case,task_id\n"
                     "2026-10-01T00:00:00Z,big,100,10,t,T1\n"
                     "2026-10-01T00:00:00Z,small,100,10,t,T2\n")  # fmt: skip
    check_error(whatif("--route", "small", "--model", "big", mapping=mapping, usage=usage),
                "small verified no outcome in t", "success_rate")  # fmt: skip


def test_success_rate_out_of_range_names_the_line(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  t:\n    match: {use_case: t}\n"
                       "    success_rate:\n      small: 1.5\n")  # fmt: skip
    check_error(whatif("--route", "small", mapping=mapping), f"{mapping}:5", "between 0 and 1")


def test_success_rate_bounds_in_order(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  t:\n    match: {use_case: t}\n    success_rate:\n"
                       "      small: {low: 0.9, expected: 0.5, high: 1}\n")  # fmt: skip
    check_error(whatif("--route", "small", mapping=mapping), f"{mapping}:5", "low <= expected")


def test_success_rate_for_an_unknown_model_names_the_line(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  t:\n    match: {use_case: t}\n    success_rate:\n"
                       "      smal: 0.5\n")  # fmt: skip
    check_error(whatif("--route", "small", mapping=mapping), f"{mapping}:5",
                "no price book knows the model 'smal'", "did you mean small")  # fmt: skip


def test_urgent_must_be_a_boolean(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  t:\n    match: {use_case: t}\n    urgent: 'no'\n")
    check_error(whatif("--batch", "1", mapping=mapping), "urgent", "line 4", "urgent: false")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("nothing: 1\n", ["expected a mapping with `scenarios:`"]),
        ("scenarios:\n  a: []\n", [":2", "needs a list of levers"]),
        ("scenarios:\n  a:\n    - {route: small, cache: 0.5}\n", [":3", "exactly one lever"]),
        ("scenarios:\n  a:\n    - {rout: small}\n", [":3", "unknown key 'rout'"]),
        ("scenarios:\n  a:\n    - {batch: 1.2}\n", [":3: batch", "1.2 is ambiguous"]),
        ("scenarios:\n  a:\n    - {trim_output: 10%, any_provider: true}\n", ["goes with route"]),
        ("scenarios:\n  a:\n    - {route: small, use_case: nope}\n", [":3", "'nope'"]),
        ("scenarios:\n  a: [\n", ["not valid YAML"]),
    ],
)
def test_scenario_file_errors_name_the_line(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    plans = tmp_path / "plans.yaml"
    plans.write_text(text)
    check_error(whatif("--scenarios", str(plans)), *fragments)


def test_two_scenarios_with_one_name(tmp_path: Path) -> None:
    plans = tmp_path / "plans.yaml"
    plans.write_text("scenarios:\n  trim-output 10%: [{trim_output: 10%}]\n")
    check_error(whatif("--trim-output", "10%", "--scenarios", str(plans)), "two scenarios")


def test_an_analysis_not_split_for_the_scenario_is_refused() -> None:
    from tokenecon.errors import TokenEconError
    from tokenecon.report.analyze import AnalyzeOptions, run_analysis
    from tokenecon.whatif.scenario_input import levers_from_flags
    from tokenecon.whatif.scenarios import apply_scenario

    options = AnalyzeOptions(prices=[WHATIF / "book.yaml"], no_default_prices=True)
    analysis = run_analysis([str(WHATIF / "usage.csv")], options)
    scenario = levers_from_flags({"trim_prompt": "20%"})
    assert scenario is not None
    with pytest.raises(TokenEconError, match="1,250"):
        apply_scenario(analysis, scenario)
