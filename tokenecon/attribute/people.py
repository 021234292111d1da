"""The people file: who is who, from an HR or SCIM export saved as CSV.

Columns: ``user`` (as the usage's ``user`` column spells it; ``userName`` and ``email`` are
accepted), ``role`` (the role tier; ``tier`` and ``role_tier`` are accepted), ``team``, and
optionally ``seat_cost`` (the monthly licence of the person's seat). One row per user; a user
twice or a row without a role tier is an error at its line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tokenecon.attribute.fields import text_lines
from tokenecon.errors import MappingError

_ALIASES = {
    "user": ("user", "username", "email", "user_id"),
    "role": ("role", "tier", "role_tier"),
    "team": ("team", "department"),
    "seat_cost": ("seat_cost", "seat", "licence_cost", "license_cost"),
}
HINT = "see docs/ownership.md (the people file)"


@dataclass(frozen=True)
class Person:
    """One row of the people file."""

    user: str
    role: str
    team: str
    seat_cost: Decimal
    line: int


def _columns(fields: list[str], path: Path) -> dict[str, str]:
    lowered = {f.strip().lower(): f for f in fields}
    found = {}
    for name, aliases in _ALIASES.items():
        match = next((lowered[a] for a in aliases if a in lowered), None)
        if match is not None:
            found[name] = match
    for required in ("user", "role"):
        if required not in found:
            raise MappingError(
                f"{path}:1: the people file has no `{required}` column "
                f"(accepted: {', '.join(_ALIASES[required])})",
                HINT,
            )
    return found


def load_people(path: Path) -> dict[str, Person]:
    """The people file as user -> person."""
    people: dict[str, Person] = {}
    with text_lines(path, "people file") as handle:
        reader = csv.DictReader(handle)
        columns = _columns(list(reader.fieldnames or []), path)
        for line, row in enumerate(reader, start=2):
            user = (row.get(columns["user"]) or "").strip()
            if not user:
                raise MappingError(f"{path}:{line}: a row without a user", HINT)
            role = (row.get(columns["role"]) or "").strip()
            if not role:
                raise MappingError(f"{path}:{line}: {user} has no role tier", HINT)
            if user in people:
                raise MappingError(
                    f"{path}:{line}: user {user} appears twice (first at line {people[user].line})",
                    "one row per user: merge the rows or drop the stale one",
                )
            seat = (row.get(columns.get("seat_cost", ""), "") or "").strip()
            try:
                seat_cost = Decimal(seat) if seat else Decimal(0)
            except InvalidOperation:
                raise MappingError(f"{path}:{line}: seat_cost {seat!r} is not a number") from None
            if not seat_cost.is_finite() or seat_cost < 0:
                raise MappingError(f"{path}:{line}: seat_cost {seat!r} must be >= 0")
            team = (row.get(columns.get("team", ""), "") or "").strip()
            people[user] = Person(user, role, team, seat_cost, line)
    return people
