"""Canonical columns from text expressions: parse with TRY_CAST, check, and give reject reasons.

Every adapter ends here. It hands over one expression per canonical column it knows (any type:
they are read as text, so that a bad value becomes a counted, reported rejected row instead of
an error or a silent rounding) and this module builds the two projections that parse and check
them inside the engine. Nothing is read row by row in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.canonical import STRING_COLUMNS, TOKEN_COLUMNS
from tokenecon.ingest.time_format import timestamp_format as parse_format
from tokenecon.ingest.timestamps import parse_timestamp_column, typed_timestamp

if TYPE_CHECKING:
    import ibis.expr.types as ir

GENERIC_INCLUSIVE_HINT = (
    " (inclusive input; --input-convention exclusive if cached tokens are apart)"
)
"""What the generic adapter says when cached tokens exceed an inclusive input column."""


def build_canonical(
    raw: ir.Table,
    columns: Mapping[str, ir.StringValue],
    extras: Mapping[str, ir.StringValue],
    source_id: int,
    *,
    convention: str = "inclusive",
    inclusive_hint: str = GENERIC_INCLUSIVE_HINT,
    cost_only: bool = False,
    row_error: ir.StringValue | None = None,
    timestamp_format: str | None = None,
) -> ir.Table:
    """The canonical, validated rows of one source.

    ``columns`` maps canonical names to text expressions over ``raw`` (a name left out is not
    reported by the source: null, never zero); ``extras`` are other source fields, kept as
    ``x_<name>`` for mapping rules (``tags.<name>``). ``input_tokens`` is read under
    ``convention``. A ``cost_only`` source (a cost report with no tokens) needs a cost instead
    of token counts. ``row_error`` says why a raw row cannot be read at all (a CSV row with
    more or fewer fields than its header): that reason comes first. ``timestamp_format``
    (``--timestamp-format``) is tried on timestamp text before ISO 8601 and Unix time.

    Two projections: the first parses each column once, the second checks the parsed values,
    so that no cast is evaluated twice per row.
    """
    import ibis

    def text(name: str) -> ir.StringValue:
        value = columns.get(name)
        if value is None:
            return ibis.null("string")
        return value if value.type().is_string() else value.cast("string")

    def typed(name: str) -> bool:
        """A column that arrives typed (Parquet): parsed by a cast, no text to check."""
        value = columns.get(name)
        return value is not None and not value.type().is_string()

    parsed: dict[str, Any] = {"source_id": ibis.literal(source_id, "int32")}
    if row_error is not None:
        parsed["row_error"] = row_error
    for name in (*TOKEN_COLUMNS, "input_tokens", "requests"):
        if typed(name):
            parsed[name] = columns[name].cast("float64")
        elif name in columns:
            parsed[f"{name}__text"] = text(name)
            parsed[name] = _count(text(name))
    if typed("timestamp"):
        parsed["timestamp__text"] = columns["timestamp"].cast("string")
        parsed["timestamp"] = typed_timestamp(columns["timestamp"])
    else:
        parsed["timestamp__text"] = text("timestamp")
    parsed["reported_cost__text"] = text("reported_cost")
    if typed("reported_cost"):
        parsed["reported_cost"] = columns["reported_cost"].cast("decimal(38, 12)")
    else:
        parsed["reported_cost"] = _amount(text("reported_cost"))
    tier = text("service_tier").lower()
    parsed["service_tier"] = ibis.cases(
        (tier.isnull() | tier.isin(["default", "standard", "on_demand", "auto"]), "standard"),
        else_=tier,
    )
    for name in ("provider", "model", *STRING_COLUMNS[3:]):
        parsed[name] = text(name)
    for name, value in extras.items():
        parsed[f"x_{name}"] = value if value.type().is_string() else value.cast("string")
    stage = raw.select(**parsed)
    fmt = parse_format(timestamp_format) if timestamp_format else None
    if "timestamp" not in parsed:
        stage = parse_timestamp_column(stage, "timestamp__text", "timestamp", fmt)
    readings = f"{fmt.text}, ISO 8601 or Unix time" if fmt else "ISO 8601 or Unix time"

    shape = [(stage.row_error.notnull(), stage.row_error)] if row_error is not None else []
    # What no check fires on, in cheap tests (see _plain_count): a valid row skips the checks.
    clean: list[ir.BooleanValue] = [stage.timestamp.notnull(), stage.model.notnull()]
    if row_error is not None:
        clean.append(stage.row_error.isnull())
    checks: list[tuple[ir.BooleanValue, ir.StringValue]] = [
        *shape,
        (stage.timestamp__text.isnull(), ibis.literal("timestamp: empty")),
        (
            stage.timestamp.isnull(),
            "timestamp: '" + stage.timestamp__text + f"' is not a date-time ({readings})",
        ),
        (stage.model.isnull(), ibis.literal("model: empty")),
    ]
    numbers: dict[str, ir.IntegerValue] = {}
    for name in (*TOKEN_COLUMNS, "input_tokens", "requests"):
        if typed(name):
            integer = columns[name].type().is_integer()
            checks += _typed_number_checks(name, stage[name], integer)
            numbers[name] = stage[name].try_cast("int64")
            clean.append(_null(stage[name]) | _plain_count(stage[name], numbers[name]))
        elif name in columns:
            checks += _number_checks(name, stage[f"{name}__text"], stage[name])
            numbers[name] = stage[name].try_cast("int64")
            clean.append(stage[f"{name}__text"].isnull() | _plain_count(stage[name], numbers[name]))
        else:
            numbers[name] = ibis.null("int64")
    checks.append(
        (
            stage.reported_cost__text.notnull() & stage.reported_cost.isnull(),
            "reported_cost: '" + stage.reported_cost__text + "' is not a number",
        )
    )
    checks.append(
        (
            stage.reported_cost.abs() >= COST_LIMIT,
            "reported_cost: '"
            + stage.reported_cost__text
            + "' is out of range (a trillion or more)",
        )
    )
    clean.append(stage.reported_cost__text.isnull() | (stage.reported_cost.abs() < COST_LIMIT))
    tokens = {name: numbers[name] for name in TOKEN_COLUMNS}
    if "input_tokens" in columns:
        tokens["uncached_input_tokens"] = _uncached_from_input(
            convention, inclusive_hint, numbers, checks
        )
        if convention != "exclusive":
            uncached = tokens["uncached_input_tokens"]
            clean.append(uncached.isnull() | (uncached >= 0))
    reasoning, output = tokens["reasoning_tokens"], tokens["output_tokens"]
    checks.append(
        (
            reasoning > output.fill_null(0),
            "reasoning_tokens "
            + reasoning.cast("string")
            + " > output_tokens "
            + output.fill_null(0).cast("string"),
        )
    )
    clean.append(reasoning.isnull() | (reasoning <= output.fill_null(0)))
    if cost_only:
        checks.append((stage.reported_cost.isnull(), ibis.literal("reported_cost: empty")))
        clean.append(stage.reported_cost.notnull())
    else:
        checks.append(
            (
                ibis.and_(*[tokens[c].isnull() for c in TOKEN_COLUMNS[:5]]),
                ibis.literal("no token counts: every token column is empty"),
            )
        )
        clean.append(ibis.or_(*[tokens[c].notnull() for c in TOKEN_COLUMNS[:5]]))
    if cost_only:  # a cost line is no model call: it adds cost, never requests or tasks
        requests: ir.IntegerValue = ibis.literal(0, "int64")
    elif "requests" in columns:
        requests = numbers["requests"]
    else:
        requests = ibis.literal(1, "int64")
    out: dict[str, Any] = {
        "source_id": stage.source_id,
        "timestamp": stage.timestamp,
        "provider": stage.provider,
        "model": stage.model,
        **tokens,
        "requests": requests,
        "reported_cost": stage.reported_cost,
        "service_tier": stage.service_tier,
        **{name: stage[name] for name in STRING_COLUMNS[3:]},
        **{name: stage[name] for name in stage.columns if name.startswith("x_")},
        "reject_reason": ibis.cases(
            (ibis.and_(*clean), ibis.null("string")),  # null: not clean, the checks say
            *checks,
            else_=ibis.null("string"),
        ),
    }
    return stage.select(**out)


GROUPED_COUNT = r"^[0-9]{1,3}(,[0-9]{3})+$"
"""A count written with thousands separators, as a spreadsheet saves a formatted cell
("1,234"): a count is whole, so the comma cannot be a decimal comma."""
GROUPED_AMOUNT = r"^[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$"
"""An amount with thousands separators and a decimal point ("1,234.50"); "1,234" alone is
refused, since it reads as 1.234 where the comma is the decimal mark."""


def _count(value: ir.StringValue) -> ir.FloatingValue:
    """A count's text as a number, thousands separators allowed (checked only when the plain
    cast fails, so a file without them pays one test of null per cell)."""
    return _grouped(value, GROUPED_COUNT, "float64")


def _amount(value: ir.StringValue) -> ir.DecimalValue:
    """An amount's text as a decimal, thousands separators allowed with a decimal point."""
    return _grouped(value, GROUPED_AMOUNT, "decimal(38, 12)")


def _grouped(value: ir.StringValue, pattern: str, kind: str) -> Any:
    """``value`` cast to ``kind``, or, where that fails and it matches ``pattern``, its digits
    without the thousands separators."""
    import ibis

    plain = value.try_cast(kind)
    grouped = value.strip()
    return ibis.cases(
        (plain.isnull() & grouped.re_search(pattern), grouped.replace(",", "").try_cast(kind)),
        else_=plain,
    )


def _plain_count(parsed: ir.FloatingValue, whole: ir.IntegerValue) -> ir.BooleanValue:
    """Whether a parsed count passes every check of :func:`_number_checks` (finite, below
    :data:`TOO_LARGE`, whole, not negative), given ``whole``, its cast to a whole number (null
    where that fails: NaN, infinities, 2^63 and more), which the rows carry anyway: two tests
    instead of a case each (seven counts on 10M rows: 3.5 s of CPU for the checks as a list,
    2.6 s with this shortcut, in a DuckDB micro-benchmark). Null where the count is null (a
    text that did not parse): not clean, so the checks run and say why."""
    return (whole >= 0) & (whole.cast("float64") == parsed)


def _number_checks(
    name: str, value: ir.StringValue, parsed: ir.FloatingValue
) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    quoted = "'" + value + "'"
    return [
        # NaN first: on Spark, Ibis's isnull() is true of NaN too (DuckDB: either order)
        *_range_checks(name, quoted, parsed),
        (value.notnull() & parsed.isnull(), f"{name}: " + quoted + " is not a number"),
        (
            parsed != parsed.try_cast("int64").cast("float64"),
            f"{name}: " + quoted + " is not a whole number",
        ),
        (parsed < 0, f"{name}: " + quoted + " is negative"),
    ]


TOO_LARGE = float(2**63)
"""A count at or past this is no 64-bit whole number: the row is refused (smaller ones that
still add up past 2^53 are refused, as a group, by the aggregation)."""


def _range_checks(
    name: str, shown: ir.StringValue, parsed: ir.FloatingValue
) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    """NaN, infinities and counts too large to be exact: one rejected row each, never an
    engine error on the cast to a whole number."""
    import ibis

    # (not isinf(): Ibis 12 compiles it to false on Spark)
    infinite = parsed.abs() == ibis.literal(float("inf"))
    return [
        (parsed.isnan() | infinite, f"{name}: " + shown + " is not a finite number"),
        (parsed.abs() >= TOO_LARGE, f"{name}: " + shown + " is too large (2^63 or more)"),
    ]


def _typed_number_checks(
    name: str, parsed: ir.FloatingValue, integer: bool
) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    """The checks of a column that arrived as numbers: no text to parse, whole if integer."""
    shown = "'" + float_text(parsed) + "'"
    checks = [(parsed < 0, f"{name}: " + shown + " is negative")]
    if not integer:
        whole = parsed != parsed.try_cast("int64").cast("float64")
        checks.insert(0, (whole, f"{name}: " + shown + " is not a whole number"))
    return [*_range_checks(name, shown, parsed), *checks]


def float_text(value: ir.FloatingValue) -> ir.StringValue:
    """A number as text, NaN and the infinities written as DuckDB writes them (``nan``,
    ``inf``, ``-inf``) on either engine: Spark writes Java's ``NaN`` and ``Infinity``, and a
    rejected row's reason must read the same on both."""
    from tokenecon.ingest.readers import on_duckdb

    written = value.cast("string")
    if on_duckdb(value) is False:
        return written.replace("Infinity", "inf").replace("NaN", "nan")
    return written


def _null(value: ir.FloatingValue) -> ir.BooleanValue:
    """Whether a number is null, NaN not: Ibis on Spark takes NaN for null in isnull(), which
    would pass a NaN count as one the source left out (and price the row without it)."""
    from tokenecon.ingest.readers import on_duckdb

    if on_duckdb(value) is False:
        return value.isnull() & ~value.isnan()  # Spark's isnan(NULL) is false, not null
    return value.isnull()


def _uncached_from_input(
    convention: str,
    hint: str,
    numbers: dict[str, ir.IntegerValue],
    checks: list[tuple[ir.BooleanValue, ir.StringValue]],
) -> ir.IntegerValue:
    """Uncached input from a plain ``input_tokens`` column under the chosen convention."""
    total = numbers["input_tokens"]
    if convention == "exclusive":
        return total
    cached = (
        numbers["cache_read_tokens"].fill_null(0)
        + numbers["cache_write_tokens"].fill_null(0)
        + numbers["cache_write_1h_tokens"].fill_null(0)
    )
    uncached = total - cached
    checks.append(
        (
            uncached < 0,
            "cache_read_tokens + cache_write_tokens "
            + cached.cast("string")
            + " > input_tokens "
            + total.cast("string")
            + hint,
        )
    )
    return uncached


COST_LIMIT = 10**12
"""A row's cost of a trillion (dollars or any currency) or more is a broken value, not spend:
sums of such amounts would pass the 28 digits money is computed with."""
