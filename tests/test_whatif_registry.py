"""Every lever kind of the registry is whole: a name, a flag, a description, JSON that reads
back, and an effect; flags, scenario files and `--help` all come from the registry.

Plus how lever values are written: shares and percentages (`60%` and `0.6`; an ambiguous
`0.5` for a percentage is refused), checked by hand.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from test_errors import check_error

from tokenecon.errors import OptionError
from tokenecon.report.analyze import AnalyzeOptions
from tokenecon.whatif.lever_values import parse_percent, parse_share
from tokenecon.whatif.levers import Lever, LeverKind, Scenario
from tokenecon.whatif.registry import LEVERS, lever_flags, lever_kind
from tokenecon.whatif.run import run_whatif
from tokenecon.whatif.scenario_input import lever_from_dict, levers_from_flags, load_scenarios

WHATIF = FIXTURES / "whatif"
SLICE_KEYS = {"lever", "use_cases", "models", "share", "description"}
IDS = [kind.name for kind in LEVERS]


def example(kind: type[LeverKind]) -> LeverKind:
    return kind.parse(kind.flag.example, {}, kind.flag.option)


def test_names_and_flags_are_unique_and_match() -> None:
    names = [kind.name for kind in LEVERS]
    assert len(set(names)) == len(names)
    keys = [flag.key for flag in lever_flags()]
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {"use_case", "model", "share", "scenarios"}
    for kind in LEVERS:
        assert kind.flag.key == kind.name
        assert lever_kind(kind.name) is kind
    assert lever_kind("nope") is None


def test_the_registry_is_the_order_flags_apply_levers() -> None:
    order = [kind.name for kind in LEVERS]
    # Routing first (later levers price the new model), attempts last (they scale what the
    # others produced), the prompt's size before caching it.
    assert order[0] == "route" and order[-1] == "max_attempts"
    assert order.index("context_cap") < order.index("trim_prompt") < order.index("cache")
    every = levers_from_flags({kind.name: kind.flag.example for kind in reversed(LEVERS)})
    assert every is not None
    assert [lever.kind for lever in every.levers] == [kind.name for kind in LEVERS]


@pytest.mark.parametrize("kind", LEVERS, ids=IDS)
def test_each_lever_is_whole(kind: type[LeverKind]) -> None:
    for flag in (kind.flag, *kind.modifiers):
        assert flag.option == "--" + flag.key.replace("_", "-")
        assert flag.help.endswith(".")
        assert flag.switch or flag.metavar
    action = example(kind)
    assert isinstance(action, kind)
    assert action.describe() and action.describe() != action.short()
    assert action.short().startswith(kind.name.replace("_", "-") + " ")
    assert kind.apply is not LeverKind.apply
    assert not set(action.to_dict()) & SLICE_KEYS, "a value would hide the slice's JSON key"


@pytest.mark.parametrize("kind", LEVERS, ids=IDS)
def test_json_reads_back(kind: type[LeverKind]) -> None:
    lever = Lever(example(kind), ("triage",), ("big",), Decimal("0.25"), "--x")
    data = json.loads(json.dumps(lever.to_dict()))
    back = lever_from_dict(data)
    assert back == lever
    assert back.to_dict() == data


@pytest.mark.parametrize("kind", LEVERS, ids=IDS)
def test_flag_and_file_give_the_same_lever(kind: type[LeverKind], tmp_path: Path) -> None:
    flags = levers_from_flags({kind.name: kind.flag.example}, use_cases=["agent"])
    assert flags is not None
    (lever,) = flags.levers
    assert flags.name == lever.action.short()
    assert lever.where == kind.flag.option
    plans = tmp_path / "plans.yaml"
    item = f"{{{kind.name}: '{kind.flag.example}', use_case: agent}}"
    plans.write_text(f"scenarios:\n  one:\n    - {item}\n")
    (scenario,) = load_scenarios(plans)
    assert scenario.levers == (lever,)


def test_every_lever_has_an_effect_on_the_fixture() -> None:
    scenarios = [
        Scenario(kind.name, (Lever(example(kind), ("agent",) if kind.name != "batch" else ()),))
        for kind in LEVERS
    ]
    options = AnalyzeOptions(
        prices=[WHATIF / "book.yaml"], no_default_prices=True, outcomes=WHATIF / "mapping.yaml"
    )
    whatif = run_whatif([str(WHATIF / "usage.csv")], options, scenarios)
    for run in whatif.runs:
        result = run.expected
        kind = result.scenario.name
        assert result.assumptions, f"{kind} said nothing of what it did"
        assert {a.lever for a in result.assumptions} == {kind}


def test_help_lists_every_lever_flag_in_registry_order() -> None:
    result = run_cli("whatif", "--help")
    assert result.exit_code == 0
    positions = [result.output.index(flag.option + " ") for flag in lever_flags()]
    assert positions == sorted(positions)
    assert all(flag.help[:20] in result.output for flag in lever_flags())


@pytest.mark.parametrize(
    ("text", "share"),
    [("0.6", "0.6"), ("60%", "0.6"), ("60 %", "0.6"), ("1", "1"), ("0", "0"), ("100%", "1"),
     (0.25, "0.25"), ("12.5%", "0.125")],
)  # fmt: skip
def test_shares_accept_a_fraction_or_a_percentage(text: object, share: str) -> None:
    assert parse_share(text, "--x") == Decimal(share)


@pytest.mark.parametrize(
    ("text", "fragment", "hint"),
    [("60", "60 is ambiguous", "write 60% for 60 percent, or 0.6"),
     ("101%", "outside 0-100%", "60% or 0.6")],
)  # fmt: skip
def test_a_share_above_all_is_refused(text: str, fragment: str, hint: str) -> None:
    with pytest.raises(OptionError, match=fragment) as raised:
        parse_share(text, "--x")
    assert hint in (raised.value.hint or "")


@pytest.mark.parametrize(
    ("text", "fraction"),
    [("20%", "0.2"), ("0.2", "0.2"), ("0", "0"), ("0.5%", "0.005"), ("2.5%", "0.025"),
     ("100%", "1"), ("1", "1"), (0.5, "0.5")],
)  # fmt: skip
def test_percentages_read_like_every_share(text: object, fraction: str) -> None:
    assert parse_percent(text, "--x") == Decimal(fraction)


@pytest.mark.parametrize(("text", "hint"), [("50", "50% for 50 percent, or 0.5"),
                                            (20, "20% for 20 percent, or 0.2")])  # fmt: skip
def test_a_bare_percentage_is_refused_as_ambiguous(text: object, hint: str) -> None:
    with pytest.raises(OptionError, match="ambiguous") as raised:
        parse_percent(text, "--x")
    assert hint in (raised.value.hint or "")


def whatif(*args: str) -> dict:
    result = run_cli(
        "whatif", str(WHATIF / "usage.csv"), "--prices", str(WHATIF / "book.yaml"),
        "--no-default-prices", "--outcomes", str(WHATIF / "mapping.yaml"), "--json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_batch_and_share_as_percentages() -> None:
    # Only scoring is urgent: false; its standard calls s1, s2, s4 cost 30000 per 1M; half of
    # half of them (25%) move to batch at x0.5: 30000 * 0.25 * 0.5 = 3750 saved of 35000.
    s = whatif("--batch", "50%", "--share", "50%")["scenarios"][0]
    scoring = next(u for u in s["use_cases"] if u["name"] == "scoring")
    assert scoring["scenario"]["cost"] == "0.031250"
    (lever,) = s["levers"]
    assert (lever["fraction"], lever["share"]) == ("0.5", "0.5")
    assert lever["description"] == "batch 50% of non-urgent traffic [50% of traffic]"


def test_an_ambiguous_percentage_exits_2_with_a_hint() -> None:
    result = run_cli(
        "whatif", str(WHATIF / "usage.csv"), "--prices", str(WHATIF / "book.yaml"),
        "--no-default-prices", "--trim-prompt", "20",
    )  # fmt: skip
    check_error(result, "--trim-prompt: 20 is ambiguous", "write 20% for 20 percent, or 0.2")
