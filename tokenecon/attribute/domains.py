"""Ownership in the mapping: domains and their owners, shared-cost pools and the rule that
allocates each, budgets, and role tiers (the keys ``domains``, ``shared_costs``, ``budgets``,
``people`` and ``roles``; see ``docs/ownership.md``).

In: the parsed mapping YAML. Out: an :class:`Ownership`, or None when the mapping has none of
these keys. Every error names the file and line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenecon.attribute.budgets import Budget, RoleTier, parse_budget, parse_role
from tokenecon.attribute.fields import (
    DOCS,
    amount,
    check_keys,
    header_names,
    named_file,
    names,
    share,
    text_lines,
)
from tokenecon.attribute.people import Person, load_people
from tokenecon.errors import MappingError
from tokenecon.yamlfile import line_of

RULES = ("even", "proportional", "fixed")
"""How a shared pool is divided among domains."""
BASES = ("cost", "requests", "tokens")
"""What ``proportional`` is proportional to (the domains' direct usage)."""
STAGES = ("showback", "usage", "outcome")
"""The chargeback ladder: informational, charge by usage, charge per verified outcome."""
UNATTRIBUTED = "unattributed"
"""The pool name that stands for the usage no use case claims."""
WEIGHT_TOLERANCE = Decimal("0.000001")
"""Fixed weights must sum to 1 (or 100%) within this."""

_DOMAIN_KEYS = {"owner", "use_cases", "teams", "projects", "chargeback", "rate_per_outcome",
                "description"}  # fmt: skip
_POOL_KEYS = {"amount", "invoices", "kind", "allocate", "basis", "weights", "domains", "idle",
              "description"}  # fmt: skip


@dataclass(frozen=True)
class Domain:
    """A business domain that owns spend."""

    name: str
    owner: str
    """Who answers for the domain's spend (a person or a mailbox)."""
    use_cases: tuple[str, ...]
    teams: tuple[str, ...] = ()
    """Usage of these teams that no use case of the mapping claims is the domain's too."""
    projects: tuple[str, ...] = ()
    """Likewise for projects."""
    stage: str = "showback"
    """Its rung on the chargeback ladder."""
    rate_per_outcome: Decimal | None = None
    """The rate an ``outcome`` chargeback charges per verified outcome (default: the
    portfolio's fully allocated cost per verified outcome)."""


@dataclass(frozen=True)
class SharedPool:
    """A shared cost and the declared rule that allocates it."""

    name: str
    amount: Decimal | None
    """None for the unattributed pool, whose amount is the unattributed usage's cost."""
    kind: str
    """What it is: gateway, evals, logging, seats, commitment..."""
    rule: str
    basis: str | None
    """For ``proportional``: cost, requests or tokens."""
    weights: tuple[tuple[str, Decimal], ...]
    """For ``fixed``: (domain, weight), summing to 1."""
    domains: tuple[str, ...]
    """The domains that share it (empty: every domain)."""
    idle: Decimal | None
    """The idle part of a commitment, shown beside it."""
    where: str
    """``file:line`` of the declaration."""
    invoices: Path | None = None
    """The invoices CSV the amount is the sum of, if any (a chargeback over several periods
    gives each period the invoices dated in it: :func:`invoiced_between`)."""


@dataclass(frozen=True)
class Ownership:
    """Everything about who owns the spend that the mapping declares."""

    domains: tuple[Domain, ...] = ()
    pools: tuple[SharedPool, ...] = ()
    budgets: tuple[Budget, ...] = ()
    people_file: Path | None = None
    """The people file (an HR or SCIM export as CSV)."""
    roles: tuple[RoleTier, ...] = ()
    people: dict[str, Person] = field(default_factory=dict)
    """The people file's rows by user (read with the mapping, so a bad file fails early)."""

    def needs(self) -> set[str]:
        """The usage attributes beyond the use case that ownership reads per row."""
        out = set()
        if self.people_file or any(b.scope == "user" for b in self.budgets):
            out.add("user")
        if any(d.teams for d in self.domains) or any(b.scope == "team" for b in self.budgets):
            out.add("team")
        if any(d.projects for d in self.domains):
            out.add("project")
        return out


def owner_key(ownership: Ownership | None, by: str | None) -> str | None:
    """The one attribute the engine groups by for ownership (the ``--by`` mechanism): ``user``
    when a people file gives each user's team, else ``team`` or ``project``; ``by`` when the
    command already groups by it. Raises when two attributes would be needed."""
    needs = ownership.needs() if ownership else set()
    if "user" in needs and ownership and ownership.people_file:
        needs.discard("team")  # the people file says each user's team
    if not needs:
        return by
    if len(needs) > 1:
        raise MappingError(
            f"ownership reads {' and '.join(sorted(needs))} per row; tokenecon groups by one",
            "give a people file (its team column maps users to teams) or declare domains by "
            f"use case; {DOCS}",
        )
    need = needs.pop()
    if by and by != need:
        raise MappingError(
            f"the mapping's domains, budgets or people need usage by {need}, but --by is {by}",
            f"drop --by, or use --by {need}",
        )
    return need


def _domain(name: str, raw: Any, where: str, use_cases: set[str]) -> Domain:
    check_keys(raw, _DOMAIN_KEYS, where)
    owned = names(raw.get("use_cases"), where)
    for use_case in owned:
        if use_case not in use_cases:
            raise MappingError(
                f"{where}: use case {use_case!r} is not declared under use_cases "
                f"(line {line_of(raw, 'use_cases')})",
                f"declared: {', '.join(sorted(use_cases))}",
            )
    stage = str(raw.get("chargeback", "showback"))
    if stage not in STAGES:
        raise MappingError(
            f"{where}: chargeback {stage!r} (line {line_of(raw, 'chargeback')})",
            f"one of {', '.join(STAGES)}",
        )
    rate = raw.get("rate_per_outcome")
    return Domain(
        name=name,
        owner=str(raw.get("owner", "")),
        use_cases=owned,
        teams=names(raw.get("teams"), where),
        projects=names(raw.get("projects"), where),
        stage=stage,
        rate_per_outcome=amount(rate, f"{where}.rate_per_outcome") if rate is not None else None,
    )


def _invoice_total(
    path: Path, pool: str, window: tuple[date, date] | None = None, dated: bool = True
) -> Decimal | None:
    """The sum of the ``amount`` column of an invoices CSV (rows whose ``pool`` column, if
    any, names this pool); with ``window`` (first, last day), only rows whose ``date`` falls
    in it, and then every row needs a date (a file without a date column: an error if
    ``dated``, else None)."""
    total = Decimal(0)
    with text_lines(path, "invoices file") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        if window and not dated and "date" not in header:
            return None
        for needed in ("amount", "date") if window else ("amount",):
            if needed not in header:
                why = " to be split by period" if needed == "date" else ""
                raise MappingError(
                    f"{path}:1: an invoices file needs {'an' if needed == 'amount' else 'a'} "
                    f"`{needed}` column{why} "
                    f"({header_names(header)})",
                    DOCS,
                )
        for line, row in enumerate(reader, start=2):
            if row.get("pool") not in (None, "", pool):
                continue
            if window is not None:
                try:
                    day = date.fromisoformat((row.get("date") or "").strip()[:10])
                except ValueError:
                    raise MappingError(
                        f"{path}:{line}: column date is not a date (YYYY-MM-DD)", DOCS
                    ) from None
                if not window[0] <= day <= window[1]:
                    continue
            try:
                total += amount(row["amount"], "")
            except MappingError:  # its message quotes the cell: say what is wrong instead
                raise MappingError(
                    f"{path}:{line}: column amount is not an amount from 0 to 10^15", DOCS
                ) from None
    return total


def invoiced_between(
    pool: SharedPool, first: date, last: date, dated: bool = True
) -> Decimal | None:
    """A pool's invoices dated from ``first`` to ``last``: None for a pool without invoices,
    or (unless ``dated``, which makes it an error) whose invoices file has no date column."""
    if pool.invoices is None:
        return None
    return _invoice_total(pool.invoices, pool.name, (first, last), dated)


def invoiced_in(ownership: Ownership, first: date, last: date, dated: bool = False) -> Ownership:
    """The ownership with each invoiced pool's amount the sum of its invoices dated from
    ``first`` to ``last``; a pool whose invoices file has no date column keeps the whole file's
    sum (unless ``dated``, which makes that an error)."""
    pools = []
    for pool in ownership.pools:
        amount = invoiced_between(pool, first, last, dated)
        pools.append(pool if amount is None else replace(pool, amount=amount))
    return replace(ownership, pools=tuple(pools))


def _weights(raw: Any, where: str, domains: set[str]) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(raw, dict) or not raw:
        raise MappingError(f"{where}: `fixed` needs weights, e.g. {{Legal: 60%, Marketing: 40%}}")
    weights = []
    for name, value in raw.items():
        at = f"{where}.{name} (line {line_of(raw, name)})"
        if str(name) not in domains:
            raise MappingError(f"{at}: no domain {name!r} is declared", DOCS)
        weights.append((str(name), share(value, at)))
    total = sum((w for _, w in weights), Decimal(0))
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise MappingError(
            f"{where}: fixed weights sum to {total.normalize():f}, not 1 (line {line_of(raw)})",
            "weights are shares of the pool: make them add up to 1 (or 100%)",
        )
    return tuple(weights)


def _pool(name: str, raw: Any, where: str, base: Path, domains: set[str]) -> SharedPool:
    check_keys(raw, _POOL_KEYS, where)
    rule = str(raw.get("allocate", "proportional"))
    if rule not in RULES:
        raise MappingError(
            f"{where}: allocate {rule!r} (line {line_of(raw, 'allocate')})",
            f"one of {', '.join(RULES)}",
        )
    invoices = None
    if name == UNATTRIBUTED:
        if "amount" in raw or "invoices" in raw:
            raise MappingError(f"{where}: the unattributed pool's amount is the unattributed usage")
        total = None
    elif "invoices" in raw:
        invoices = named_file(raw["invoices"], base, f"{where}.invoices", "invoices file")
        total = _invoice_total(invoices, name) or Decimal(0)
    elif "amount" in raw:
        total = amount(raw["amount"], f"{where}.amount")
    else:
        raise MappingError(f"{where}: a shared cost needs `amount` or `invoices`", DOCS)
    basis = str(raw.get("basis", "cost")) if rule == "proportional" else None
    if basis is not None and basis not in BASES:
        raise MappingError(f"{where}: basis {basis!r}", f"one of {', '.join(BASES)}")
    recipients = names(raw.get("domains"), where)
    for domain in recipients:
        if domain not in domains:
            raise MappingError(f"{where}.domains: no domain {domain!r} is declared", DOCS)
    idle = raw.get("idle")
    return SharedPool(
        name=name,
        amount=total,
        kind=str(raw.get("kind", name)),
        rule=rule,
        basis=basis,
        weights=(
            _weights(raw.get("weights"), f"{where}.weights", domains) if rule == "fixed" else ()
        ),
        domains=recipients,
        idle=amount(idle, f"{where}.idle") if idle is not None else None,
        where=where,
        invoices=invoices,
    )


def _section(data: dict[str, Any], key: str, kind: type) -> Any:
    raw = data.get(key)
    if raw is not None and not isinstance(raw, kind):
        what = "a list" if kind is list else "a mapping"
        raise MappingError(f"`{key}` (line {line_of(data, key)}) must be {what}", DOCS)
    return raw or kind()


def load_ownership(data: dict[str, Any], path: Path, use_cases: list[str]) -> Ownership | None:
    """The ownership keys of a parsed mapping; None when it declares none of them."""
    if not any(k in data for k in ("domains", "shared_costs", "budgets", "people", "roles")):
        return None
    base = path.resolve().parent
    declared = set(use_cases)
    raw_domains = _section(data, "domains", dict)
    domains = tuple(
        _domain(str(n), r, f"{path}:{line_of(raw_domains, n)}: domain {n}", declared)
        for n, r in raw_domains.items()
    )
    owners: dict[str, str] = {}
    for d in domains:
        for use_case in d.use_cases:
            if use_case in owners:
                raise MappingError(
                    f"{path}: use case {use_case!r} is in two domains ({owners[use_case]}, "
                    f"{d.name})",
                    "a use case has one owner; split it into two use cases",
                )
            owners[use_case] = d.name
    names = {d.name for d in domains}
    raw_pools = _section(data, "shared_costs", dict)
    pools = tuple(
        _pool(str(n), r, f"{path}:{line_of(raw_pools, n)}: shared_costs.{n}", base, names)
        for n, r in raw_pools.items()
    )
    raw_budgets = _section(data, "budgets", list)
    budgets = tuple(
        parse_budget(r, f"{path}:{line_of(r)}: budget", names, declared) for r in raw_budgets
    )
    raw_roles = _section(data, "roles", dict)
    roles = tuple(
        parse_role(str(n), r, f"{path}:{line_of(raw_roles, n)}: role {n}", declared)
        for n, r in raw_roles.items()
    )
    people = data.get("people")
    if roles and not people:
        raise MappingError(
            f"{path}:{line_of(data, 'roles')}: role budgets need a people file",
            "add `people: FILE.csv` (user, role, team, seat_cost) beside `roles:`",
        )
    at = f"{path}:{line_of(data, 'people')}: people"
    people_path = named_file(people, base, at, "people file") if people else None
    people_rows = load_people(people_path) if people_path else {}
    return Ownership(domains, pools, budgets, people_path, roles, people_rows)
