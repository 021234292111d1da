"""The shipped price book against the price data it is built from (litellm, genai-prices).

Offline: litellm's JSON is read from its package without importing litellm; genai-prices'
data module ships its snapshot; both are pinned dev dependencies. Three checks:

- the committed book is the build's output for the pinned sources (pricing/build.py --check);
- every priced chat model of the six makers that litellm lists resolves under each of its
  names, and seeded random requests (cache reads and writes, 1h writes, batch, flex, priority,
  prompts at each cliff -1/at/+1) cost the same to the cent by the book and by litellm's
  fields, except the documented source errors of pricing/REFERENCE-DIFFERENCES.md;
- cliff cases from genai-prices' own tests hold.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tokenecon.price.book import load_price_book
from tokenecon.price.periods import cost_of, split_periods
from tokenecon.price.sources import FIRST_PARTY, MODES, RESELLERS, bare_name, family_of

ROOT = Path(__file__).parent.parent
DIFFERENCES = ROOT / "pricing" / "REFERENCE-DIFFERENCES.md"
DAY = date(2026, 11, 29)
CENT = Decimal("0.01")
TIERS = {"standard": "", "batch": "_batches", "flex": "_flex", "priority": "_priority"}


def litellm_data() -> dict:
    spec = importlib.util.find_spec("litellm")
    if spec is None or spec.origin is None:
        pytest.skip("litellm is not installed (pip install -e '.[dev]')")
    path = Path(spec.origin).parent / "model_prices_and_context_window_backup.json"
    return json.loads(path.read_text())


def six_maker_records(data: dict) -> dict[str, dict]:
    out = {}
    for name, record in data.items():
        if not isinstance(record, dict) or record.get("mode") not in MODES:
            continue
        seller = record.get("litellm_provider")
        maker = family_of(bare_name(name))
        if maker is None or (seller not in FIRST_PARTY and seller not in RESELLERS):
            continue
        if not (record.get("input_cost_per_token") or record.get("output_cost_per_token")):
            continue
        out[name] = record
    return out


def litellm_cost(record: dict, tokens: dict[str, int], tier: str) -> Decimal | None:
    """A request's cost read from litellm's fields with litellm's own fallback: the most
    specific field first (above-cliff tier, tier, above-cliff, standard); a bucket with no
    field bills as its parent (reads and writes as input, 1h writes as 5-minute writes)."""
    prompt = sum(v for k, v in tokens.items() if k != "output")
    cliffs = sorted(
        int(m.group(1))
        for k in record
        if (m := re.match(r"^input_cost_per_token_above_(\d+)k_tokens$", k))
    )
    above = next((c for c in cliffs[:1] if prompt > c * 1000), None)
    suffix = TIERS[tier]
    chain = (
        ([f"_above_{above}k_tokens{suffix}"] if above and suffix else [])
        + ([suffix] if suffix else [])
        + ([f"_above_{above}k_tokens"] if above else [])
        + [""]
    )

    def price(field: str, fallback: Decimal | None) -> Decimal | None:
        for end in chain:
            if (
                "_above_" in end
                and field.startswith("cache_creation")
                and ("cache_creation_input_token_cost" not in record)
            ):
                continue
            if record.get(field + end) is not None:
                return Decimal(str(record[field + end]))
        return fallback

    if suffix and record.get(f"input_cost_per_token{suffix}") is None:
        return None
    inp = price("input_cost_per_token", None)
    out = price("output_cost_per_token", None)
    if inp is None or out is None:
        return None
    read = price("cache_read_input_token_cost", inp)
    write = price("cache_creation_input_token_cost", inp)
    write_1h = price("cache_creation_input_token_cost_above_1hr", write)
    rates = {"input": inp, "cache_read": read, "cache_write": write,
             "cache_write_1h": write_1h, "output": out}  # fmt: skip
    return sum((Decimal(tokens[b]) * rates[b] for b in rates), Decimal(0))


GENAI_PROVIDER = {"openai": "openai", "anthropic": "anthropic", "google": "google",
                  "mistral": "mistral", "deepseek": "deepseek", "xai": "x-ai"}  # fmt: skip
GENAI_CONTEXT = {"batch": {"processing": "batch"}, "flex": {"service_tier": "flex"},
                 "priority": {"service_tier": "priority"}}  # fmt: skip


def genai_cost(name: str, tokens: dict[str, int], tier: str) -> Decimal | None:
    """The same request priced by genai-prices' own calculator, None where it has no model."""
    genai = pytest.importorskip("genai_prices")
    maker = family_of(bare_name(name))
    usage = genai.Usage(
        input_tokens=sum(v for k, v in tokens.items() if k != "output"),
        cache_read_tokens=tokens["cache_read"],
        cache_write_tokens=tokens["cache_write"] + tokens["cache_write_1h"],
        cache_write_1h_tokens=tokens["cache_write_1h"],
        output_tokens=tokens["output"],
    )
    try:
        result = genai.calc_price(
            usage, name.rsplit("/", 1)[-1], provider_id=GENAI_PROVIDER[maker or "openai"],
            genai_request_timestamp=datetime(2026, 11, 29, 12, tzinfo=UTC),
            price_context=GENAI_CONTEXT.get(tier),
        )  # fmt: skip
    except (LookupError, ValueError):
        return None
    return Decimal(result.total_price)


def random_rows(seed: int, records: dict[str, dict], n: int) -> list[tuple[str, dict, str]]:
    rng = random.Random(seed)
    names = sorted(records)
    rows = []
    for _ in range(n):
        name = rng.choice(names)
        record = records[name]
        cliffs = [
            int(m.group(1)) * 1000
            for k in record
            if (m := re.match(r"^input_cost_per_token_above_(\d+)k_tokens$", k))
        ]
        tiers = [t for t, s in TIERS.items() if not s or f"input_cost_per_token{s}" in record]
        prompt = rng.choice(cliffs) + rng.choice((-1, 0, 1)) if cliffs else rng.randint(0, 90_000)
        read = rng.randint(0, prompt)
        write = rng.randint(0, prompt - read)
        write_1h = rng.randint(0, prompt - read - write) if rng.random() < 0.3 else 0
        tokens = {
            "input": prompt - read - write - write_1h, "cache_read": read,
            "cache_write": write, "cache_write_1h": write_1h, "output": rng.randint(0, 40_000),
        }  # fmt: skip
        rows.append((name, tokens, rng.choice(tiers)))
    return rows


MEASURED = Decimal("0.9895")
"""The share of rows that must agree to the cent with litellm or genai-prices."""


def overridden(book) -> set[str]:
    """Models whose price pricing/overrides.yaml corrects (each a documented source error)."""
    import yaml

    names = yaml.safe_load((ROOT / "pricing" / "overrides.yaml").read_text())["models"]
    return {book.resolve(n) for n in names}


def explained(
    tokens: dict[str, int],
    tier: str,
    key: str,
    fixed: set[str],
    record: dict | None = None,
    claude: frozenset[str] = frozenset(),
) -> bool:
    """A disagreement of a class REFERENCE-DIFFERENCES.md documents: litellm bills 1-hour
    cache writes under batch at the 5-minute rate, and where a Claude record has no 1-hour
    price at all (the book's write rule: 2x input); an override corrects a source; a long
    prompt in batch or flex of a record with only flat tier prices is billed by litellm at the
    short-context tier price, by the book at the tier's factor of the long-context rate."""
    if (tier == "batch" and tokens["cache_write_1h"] > 0) or key in fixed:
        return True
    hourless = record is not None and not any("above_1hr" in field for field in record)
    if tokens["cache_write_1h"] > 0 and key in claude and hourless:
        return True
    suffix = {"batch": "batches", "flex": "flex"}.get(tier)
    if suffix is None or record is None:
        return False
    prompt = sum(v for b, v in tokens.items() if b != "output")
    above = "input_cost_per_token_above_"
    cliffs = [
        int(k.removeprefix(above).split("k_")[0])
        for k in record
        if k.startswith(above) and k.endswith("k_tokens")
    ]
    return (
        bool(cliffs)
        and prompt > min(cliffs) * 1000
        and not any(k.endswith(f"k_tokens_{suffix}") for k in record)
    )


def _book_cost(book, name: str, tokens: dict[str, int], tier: str) -> Decimal | None:
    key = book.resolve(name)
    if key is None:
        return None
    period = next(
        p for p in split_periods([book.models[key]], [])
        if p.start.date() <= DAY and (p.end is None or p.end.date() > DAY)
    )  # fmt: skip
    prompt = sum(v for b, v in tokens.items() if b != "output")
    above = period.entry.above_input_tokens is not None and prompt > period.entry.above_input_tokens
    return cost_of(period, tokens, tier, above) * 1_000_000 / 1_000_000


def test_committed_book_is_the_builds_output() -> None:
    pytest.importorskip("genai_prices")
    litellm_data()
    sys.path[:0] = [str(ROOT / "pricing")]
    import build  # type: ignore[import-not-found]

    assert build.main(["--check"]) == 0, "run: python pricing/build.py"


def test_random_rows_agree_with_litellm_to_the_cent() -> None:
    records = six_maker_records(litellm_data())
    book = load_price_book()
    fixed = overridden(book)
    claude = frozenset(k for k, m in book.models.items() if m.provider == "anthropic")
    rows = random_rows(20261129, records, 4000)
    agree, known, wrong = 0, 0, []
    for name, tokens, tier in rows:
        theirs = litellm_cost(records[name], tokens, tier)
        ours = _book_cost(book, name, tokens, tier)
        assert ours is not None, f"{name} does not resolve"
        if (theirs is not None and abs(ours - theirs) < CENT) or (
            (genai := genai_cost(name, tokens, tier)) is not None and abs(ours - genai) < CENT
        ):
            agree += 1
        elif explained(tokens, tier, book.resolve(name), fixed, records[name], claude):
            known += 1
        else:
            wrong.append((name, tier, tokens, ours, theirs))
    share = Decimal(agree) / len(rows)
    print(f"agree {agree}/{len(rows)} = {share:.4f}; explained {known}; other {len(wrong)}")
    assert share >= MEASURED
    assert not wrong, wrong[:10]


CLIFFS = [
    ("gpt-5.4", 272_000), ("gpt-5.4", 272_001),
    ("claude-sonnet-4-5", 200_000), ("claude-sonnet-4-5", 200_001),
    ("gemini-2.5-pro", 200_000), ("gemini-2.5-pro", 200_001),
    ("grok-4.20", 199_999), ("grok-4.20", 200_000),
]  # fmt: skip


@pytest.mark.parametrize(("name", "prompt"), CLIFFS)
def test_cliff_cases_agree_with_genai_prices(name: str, prompt: int) -> None:
    """Each side of a long-context cliff, priced by the book and by genai-prices' own
    calculator (which selects a tier when the prompt is greater than its start)."""
    book = load_price_book()
    tokens = {"input": prompt, "cache_read": 0, "cache_write": 0, "cache_write_1h": 0,
              "output": 1000}  # fmt: skip
    ours = _book_cost(book, name, tokens, "standard")
    assert ours == genai_cost(name, tokens, "standard")


def test_gpt_5_4_cliff_figures() -> None:
    """gpt-5.4 at 272,000 prompt tokens is standard, at 272,001 every bucket is repriced."""
    book = load_price_book()
    at = {"input": 272_000, "cache_read": 0, "cache_write": 0, "cache_write_1h": 0, "output": 0}
    assert _book_cost(book, "gpt-5.4", at, "standard") == Decimal("0.68")
    over = {**at, "input": 272_001}
    assert _book_cost(book, "gpt-5.4", over, "standard") == Decimal("1.360005")


def test_every_listed_name_resolves_at_its_listed_rates() -> None:
    """Each priced chat name of the six makers in litellm, deprecated or not, resolves, and its
    standard input, output and cache-read prices are litellm's, except the overrides."""
    records = six_maker_records(litellm_data())
    book = load_price_book()
    fixed = overridden(book)
    wrong = []
    for name, record in sorted(records.items()):
        key = book.resolve(name)
        assert key is not None, name
        entry = book.models[key].active(DAY)
        assert entry is not None, name
        listed = {
            "input": record.get("input_cost_per_token"),
            "output": record.get("output_cost_per_token"),
            "cache_read": record.get("cache_read_input_token_cost"),
        }
        for bucket, value in listed.items():
            if value is None or key in fixed:
                continue
            if entry.rates.of(bucket) != Decimal(str(value)) * 1_000_000:
                wrong.append((name, key, bucket, entry.rates.of(bucket), value))
    print(f"{len(records)} names checked")
    assert not wrong, wrong[:10]


def genai_disagreements(book) -> dict[str, set[str]]:
    """Book model -> fields whose price in force on the build day differs from genai-prices'."""
    genai = pytest.importorskip("genai_prices.data")
    from tokenecon.price.genai import genai_models, plain

    found: dict[str, set[str]] = {}
    for item in genai_models(plain(genai.providers), DAY.isoformat()):
        in_force = [e for e in item["entries"] if e["from"] <= DAY.isoformat()]
        for name in item["names"] if in_force else []:
            key = book.resolve(name)
            entry = book.models[key].active(DAY) if key else None
            if entry is None:
                continue
            for field in ("input", "output", "cache_read"):
                theirs = in_force[-1].get(field)
                if theirs is not None and entry.rates.of(field) != Decimal(str(theirs)):
                    found.setdefault(key, set()).add(field)
    return found


def documented_genai() -> set[str]:
    """The models of REFERENCE-DIFFERENCES.md's table of disagreements with genai-prices."""
    text = DIFFERENCES.read_text().split("## Where the book and genai-prices disagree")[1]
    rows = set()
    for line in text.split("\n## ")[0].splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] not in ("model", "") and set(cells[0]) - {"-"}:
            rows |= {c.strip().strip("`") for c in cells[0].split(",")}
    return rows


def test_every_disagreement_with_genai_prices_is_documented() -> None:
    """Each model whose price in force differs from genai-prices' is listed with its verdict,
    and each listed model still differs: the file stays true in both directions."""
    found = set(genai_disagreements(load_price_book()))
    listed = documented_genai()
    assert not found - listed, f"add to REFERENCE-DIFFERENCES.md: {sorted(found - listed)}"
    assert not listed - found, f"no longer differ, remove: {sorted(listed - found)}"
