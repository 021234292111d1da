"""History never lost: merge freshly read source prices into the previous book.

- a model the sources no longer list keeps its prices and gets ``retired:`` (the build date);
- a price the sources now give differently gets a new dated entry (the announced date where
  the source has one, else the build date), so an earlier month keeps the prices of its day;
- tiers and cliffs (batch, flex, priority, ``above``) carry no dates in either source: the
  sources' statement of them replaces the latest entry's in place, as do bucket prices the
  previous entry did not give (knowledge added, not a price change);
- aliases and the context window follow the sources; the hand-set ``tier`` is kept;
- :func:`tidy_history`: no entry starts before the model's release (the earliest snapshot date
  its names carry), and no two entries share a start: of those that do, the one listed last
  (the one the book already bills on that day) is kept.
"""

from __future__ import annotations

from typing import Any

BASE_FIELDS = ("input", "cache_read", "cache_write", "cache_write_1h", "output")
STRUCTURE_FIELDS = ("batch", "flex", "priority", "above")
PRICE_FIELDS = BASE_FIELDS + STRUCTURE_FIELDS


def _price(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in PRICE_FIELDS if k in entry}


def changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a bucket price both entries give has another value (an added one is no
    change; tiers and cliffs are restated, not dated)."""
    return any(_norm(old[k]) != _norm(new[k]) for k in BASE_FIELDS if k in old and k in new)


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    try:
        return format(float(value), ".12g")
    except (TypeError, ValueError):
        return value


def merge_model(
    base: dict[str, Any] | None, new: dict[str, Any], build_date: str
) -> dict[str, Any]:
    """``new`` (from the sources) merged onto ``base`` (the previous book's model)."""
    if base is None:
        return new
    merged = {**base, **{k: v for k, v in new.items() if k not in ("prices", "tier")}}
    if "retired" not in new:
        merged.pop("retired", None)
    merged.pop("match", None)  # a glob guesses; the sources' spellings are listed instead
    old_entries = [dict(e) for e in base["prices"]]
    fresh = sorted(new["prices"], key=lambda e: str(e["from"]))
    since = str(old_entries[-1]["from"])
    in_force = [e for e in fresh if str(e["from"]) <= since]
    later = [e for e in fresh if str(e["from"]) > since]
    if in_force:
        current = in_force[-1]
        if not changed(old_entries[-1], current):
            _fill(old_entries[-1], current)
        elif not later or str(later[0]["from"]) > build_date:
            # changed between two builds, and no source dates the change: the build date
            old_entries.append({**current, "from": build_date})
    for entry in later:
        if changed(old_entries[-1], entry):
            old_entries.append(dict(entry))
        else:
            _fill(old_entries[-1], entry)
    old_entries = [_ordered(e) for e in old_entries]
    merged["prices"] = old_entries
    return merged


def _fill(last: dict[str, Any], current: dict[str, Any]) -> None:
    """The same price restated: bucket prices it lacked, and the sources' tiers and cliff."""
    for key in BASE_FIELDS:
        if key not in last and key in current:
            last[key] = current[key]
    for key in STRUCTURE_FIELDS:
        if key in current:
            last[key] = current[key]
    if current.get("source"):
        last.setdefault("source", current["source"])


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    order = ("from", *PRICE_FIELDS, "source", "checked")
    return {k: entry[k] for k in order if k in entry} | {
        k: v for k, v in entry.items() if k not in order
    }


def merge_books(
    base: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], build_date: str
) -> dict[str, dict[str, Any]]:
    """Every model of ``new`` merged onto ``base``; models only in ``base`` kept, retired.
    A model keeps its base key (the old key stays a spelling of it when renamed), except that
    a Bedrock geo profile's key moves to the preferred geo (``us.`` before ``au.``)."""
    from tokenecon.price.geo_keys import renamed_geo_key

    by_name: dict[str, str] = {}
    for key, model in new.items():
        for name in (key, *model.get("aliases", [])):
            by_name.setdefault(name, key)
    out: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for key, model in base.items():
        target = by_name.get(key)
        if target is None or target in taken:
            kept = dict(model)
            kept.pop("match", None)
            kept.setdefault("aliases", [])
            if "retired" not in kept:
                kept["retired"] = build_date
            out[key] = kept
            continue
        taken.add(target)
        merged = merge_model(model, new[target], build_date)
        if renamed_geo_key(key, target):
            merged["aliases"] = sorted({key, *merged.get("aliases", [])} - {target})
            key = target
        elif target != key:
            merged["aliases"] = sorted({target, *merged.get("aliases", [])} - {key})
        out[key] = merged
    claimed = {n for m in out.values() for n in m.get("aliases", [])} | set(out)
    for key, model in new.items():
        if key in taken or key in claimed:
            continue
        aliases = [a for a in model.get("aliases", []) if a not in claimed]
        out[key] = {**model, "aliases": aliases}
        claimed |= {key, *aliases}
    return out


def tidy_history(model: dict[str, Any], key: str) -> list[tuple[str, str]]:
    """Entries of ``model`` (book key ``key``) that start before its release start on the
    release day; of entries that share a start, the last listed is kept (``model.active``
    already bills it, so no figure moves). Returns (from, what) for each change."""
    from tokenecon.price.sources import release_date

    changes: list[tuple[str, str]] = []
    release = release_date([key, *(model.get("aliases") or [])])
    entries = [dict(e) for e in model["prices"]]
    if release:
        for entry in entries:
            if str(entry["from"]) < release:
                changes.append((str(entry["from"]), f"moved to the release day {release}"))
                entry["from"] = release
    entries.sort(key=lambda e: str(e["from"]))  # stable: the order of a shared day is kept
    kept: list[dict[str, Any]] = []
    for entry in entries:
        if kept and str(kept[-1]["from"]) == str(entry["from"]):
            changes.append((str(entry["from"]), f"dropped {kept[-1].get('source', '')}"))
            kept[-1] = entry
        else:
            kept.append(entry)
    model["prices"] = kept
    return changes


def add_snapshot_aliases(models: dict[str, dict[str, Any]]) -> None:
    """Dated snapshots the sources list only under a reseller's id (Bedrock's
    ``anthropic.claude-opus-4-1-20250805-v1:0``, Vertex's ``claude-opus-4-1@20250805``) become
    aliases of the maker's model of that family, where the snapshot's prices are the family's:
    a source then says the snapshot shares the family's price."""
    from tokenecon.price.sources import bare_name, is_dated

    claimed = set(models) | {a for m in models.values() for a in m.get("aliases") or []}
    for key in sorted(models):
        model = models[key]
        for name in sorted({key, *(model.get("aliases") or [])}):
            bare = bare_name(name)
            family = is_dated(bare)
            if family is None or bare in claimed or family == key or family not in models:
                continue
            target = models[family]
            if "/" in family or not _same_base(target["prices"][-1], model["prices"][-1]):
                continue
            target["aliases"] = sorted({*(target.get("aliases") or []), bare})
            claimed.add(bare)


def _same_base(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same input and output prices, and same cache prices where both give them (a reseller's
    record often leaves 1-hour writes out)."""
    if any(k not in a or k not in b for k in ("input", "output")):
        return False
    return all(_norm(a[k]) == _norm(b[k]) for k in BASE_FIELDS if k in a and k in b)
