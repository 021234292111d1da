"""Scenarios as people state them: lever flags on the command line, or a YAML scenario file.

Both read the levers of :data:`~tokenecon.whatif.registry.LEVERS`: a lever's flag
(``--trim-prompt 20``) is its file key (``trim_prompt: 20``), its modifiers likewise, and
``--use-case``/``--model``/``--share`` (``use_case``/``model``/``share``) limit it to a slice.
Values are checked here, where the flag or the file line that gave them is still known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenecon.errors import OptionError
from tokenecon.whatif.lever_values import given, parse_share
from tokenecon.whatif.levers import Flag, Lever, LeverKind, Scenario
from tokenecon.whatif.registry import LEVERS, lever_flags, lever_hint, lever_kind
from tokenecon.yamlfile import line_of, load_yaml

SLICE_KEYS = ("use_case", "model", "share")
"""Scenario-file keys that limit a lever to a slice."""


def levers_from_flags(
    values: Mapping[str, Any],
    *,
    use_cases: Sequence[str] = (),
    models: Sequence[str] = (),
    share: str | None = None,
) -> Scenario | None:
    """The scenario the command-line flags describe (None when no lever flag is given).

    ``values`` maps flag keys (``route``, ``trim_prompt``, ``cache_ttl`` ... as in
    :func:`~tokenecon.whatif.registry.lever_flags`) to their values, None (or False for a
    switch) where not given; the slice options apply to every lever of the command line.
    """
    unknown = set(values) - {flag.key for flag in lever_flags()}
    if unknown:
        raise ValueError(f"not a lever flag: {sorted(unknown)}")
    stated = {key: value for key, value in values.items() if given(value)}
    kinds = [kind for kind in LEVERS if kind.flag.key in stated]
    if not kinds:
        limits = [
            flag
            for flag, value in (("--use-case", use_cases), ("--model", models), ("--share", share))
            if value
        ]
        limits += [flag.option for flag in lever_flags() if flag.key in stated]
        if limits:
            raise OptionError(f"{limits[0]} limits a lever, but no lever is given", lever_hint())
        return None
    for kind in LEVERS:
        lone = _lone_modifiers(kind, stated, lambda flag: flag.option)
        if lone:
            raise OptionError(lone, f"add {kind.flag.option} {kind.flag.example}")
    slice_share = parse_share(share, "--share") if share is not None else Decimal(1)
    levers = tuple(
        Lever(
            kind.parse(stated[kind.flag.key], _modifiers(kind, stated), kind.flag.option),
            tuple(use_cases),
            tuple(models),
            slice_share,
            kind.flag.option,
        )
        for kind in kinds
    )
    return Scenario(" + ".join(lever.action.short() for lever in levers), levers)


def _modifiers(kind: type[LeverKind], stated: Mapping[str, Any]) -> dict[str, Any]:
    return {m.key: stated.get(m.key) for m in kind.modifiers}


def _lone_modifiers(
    kind: type[LeverKind], stated: Mapping[str, Any], spell: Callable[[Flag], str]
) -> str | None:
    """``--cache-prefix/--cache-scope/--cache-ttl go with --cache`` when one comes alone."""
    if kind.flag.key in stated or not any(m.key in stated for m in kind.modifiers):
        return None
    names = [spell(m) for m in kind.modifiers]
    return f"{'/'.join(names)} {'goes' if len(names) == 1 else 'go'} with {spell(kind.flag)}"


def _names(value: Any, where: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    names = tuple(str(v).strip() for v in values if v is not None and str(v).strip())
    if not names:
        raise OptionError(f"{where}: expected a name or a list of names")
    return names


def lever_from_file(raw: Any, where: str) -> Lever:
    """One item of a scenario's list: ``{trim_prompt: 20, use_case: code-review}``."""
    names = ", ".join(kind.name for kind in LEVERS)
    if not isinstance(raw, dict):
        raise OptionError(
            f"{where}: a lever is a mapping such as {{route: small-model, use_case: x}}",
            f"levers: {names}",
        )
    raw = {str(k).replace("-", "_"): v for k, v in raw.items()}
    kinds = [kind for kind in LEVERS if kind.name in raw]
    unknown = set(raw) - {flag.key for flag in lever_flags()} - set(SLICE_KEYS)
    if unknown:
        raise OptionError(
            f"{where}: unknown key {sorted(unknown)[0]!r}",
            f"levers: {names}; limits: {', '.join(SLICE_KEYS)}",
        )
    if len(kinds) != 1:
        raise OptionError(
            f"{where}: each list item is exactly one lever, found {len(kinds) or 'none'}",
            "write one lever per item: - {route: small-model} / - {cache: 0.6}",
        )
    (kind,) = kinds
    stated = {key: value for key, value in raw.items() if given(value)}
    for other in LEVERS:
        lone = _lone_modifiers(other, stated, lambda flag: flag.key)
        if lone:
            raise OptionError(f"{where}: {lone}")
    return Lever(
        kind.parse(raw[kind.name], _modifiers(kind, raw), f"{where}: {kind.name}"),
        _names(raw["use_case"], f"{where}: use_case") if "use_case" in raw else (),
        _names(raw["model"], f"{where}: model") if "model" in raw else (),
        parse_share(raw["share"], f"{where}: share") if "share" in raw else Decimal(1),
        where,
    )


def lever_from_dict(data: Mapping[str, Any], where: str = "the lever") -> Lever:
    """A lever back from its JSON (:meth:`~tokenecon.whatif.levers.Lever.to_dict`)."""
    kind = lever_kind(str(data.get("lever")))
    if kind is None:
        raise OptionError(f"{where}: {data.get('lever')!r} is not a lever", lever_hint())
    return Lever(
        kind.from_dict(data, where),
        _names(data["use_cases"], f"{where}: use_cases") if data["use_cases"] else (),
        _names(data["models"], f"{where}: models") if data["models"] else (),
        parse_share(data["share"], f"{where}: share"),
        where,
    )


def load_scenarios(path: Path) -> list[Scenario]:
    """Named scenarios from YAML: ``scenarios: {name: [lever, ...]}``.

    A scenario may also be ``{description: ..., levers: [...]}``.
    """
    data = load_yaml(path, OptionError, "scenario file")
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), dict):
        raise OptionError(
            f"{path}: expected a mapping with `scenarios:`",
            "scenarios: {right-size: [{route: small-model, use_case: lead-scoring}]}",
        )
    out = []
    for name, raw in data["scenarios"].items():
        where = f"{path}:{line_of(data['scenarios'], name)}"
        description = ""
        if isinstance(raw, dict):
            description = str(raw.get("description", ""))
            raw = raw.get("levers")
        if not isinstance(raw, list) or not raw:
            raise OptionError(
                f"{where}: scenario {name!r} needs a list of levers",
                "e.g. - {route: small-model, use_case: lead-scoring}",
            )
        levers = tuple(
            lever_from_file(item, f"{path}:{line_of(item) or line_of(data['scenarios'], name)}")
            for item in raw
        )
        out.append(Scenario(str(name), levers, description))
    if not out:
        raise OptionError(f"{path}: no scenario in `scenarios:`")
    return out


def check_names(scenarios: Sequence[Scenario]) -> None:
    """Scenario names are unique (they label columns and JSON entries)."""
    seen: set[str] = set()
    for scenario in scenarios:
        if scenario.name in seen:
            raise OptionError(f"two scenarios are named {scenario.name!r}", "rename one of them")
        seen.add(scenario.name)
