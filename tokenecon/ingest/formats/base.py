"""What every source adapter is: detect -> read -> normalize, and the helpers they share.

An adapter recognises its format from a :class:`Probe` (the header or the first records, read
cheaply), reads the source into a raw Ibis table (engine-specific reading lives in
:mod:`tokenecon.ingest.readers`), and normalizes it: one Ibis expression per canonical column
(docs/usage-record.md), in the source's own convention, handed to
:func:`tokenecon.ingest.validate.build_canonical` for parsing and checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from tokenecon.ingest.probe import Probe
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

__all__ = ["JSON_KINDS", "CostReport", "Format", "JSONReport", "Normalized", "Probe"]

JSON_KINDS = ("json", "jsonl")
"""The kinds of a format that reads JSON records."""


@dataclass
class Normalized:
    """An adapter's canonical columns, as expressions over its raw table."""

    columns: dict[str, Any]
    """Canonical name -> expression of any type (read as text). Absent: not reported (null)."""
    sources: dict[str, str]
    """Canonical name -> the source field it comes from (for the report's ``inputs``)."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Other fields worth matching on, as ``tags.<name>`` in mapping rules."""
    convention: str = "exclusive"
    """Whether an ``input_tokens`` column includes cache reads and writes (``inclusive``)."""
    keep: Any = None
    """Which raw rows are usage records (others, e.g. blank bucket rows, are not read)."""
    notes: list[str] = field(default_factory=list)
    """What the adapter did that a reader of the report should know."""
    estimated: str | None = None
    """How token counts were estimated, when the source has none (None: reported counts)."""
    row_error: Any = None
    """Why a row cannot be read (e.g. its usage JSON is broken), null where it can: such a
    row is rejected with that reason."""

    @classmethod
    def of(
        cls, table: Mapping[str, tuple[Any, str]], extras: dict[str, Any] | None = None, **more: Any
    ) -> Normalized:
        """From one table of canonical name -> (expression, the source field it comes from):
        each column named once, beside where it comes from."""
        return cls(
            {name: expression for name, (expression, _) in table.items()},
            {name: source for name, (_, source) in table.items()},
            extras or {},
            **more,
        )


def fields(raw: ir.Table, **columns: str) -> dict[str, tuple[Any, str]]:
    """Canonical name -> (the raw field named, that name): the entries of a
    :meth:`Normalized.of` table whose source is a field as it is, each field named once."""
    return {name: (raw[field], field) for name, field in columns.items()}


class Format:
    """A source format: subclasses set the class attributes and the three steps."""

    name: ClassVar[str]
    """The ``--format`` name (e.g. ``openai_usage_csv``)."""
    title: ClassVar[str]
    """What it is, for ``tokenecon sources``."""
    cost_only: ClassVar[bool] = False
    """A cost report without tokens: read for reconciliation, joined to usage."""
    granularity: ClassVar[str] = "request"
    """``request`` (one call per row) or ``bucket`` (many calls summed per row)."""
    inclusive_hint: ClassVar[str] = " (the source counts cached tokens inside input)"
    """Said when cached tokens exceed an inclusive input count."""
    kinds: ClassVar[tuple[str, ...]] = ("csv", "jsonl", "json", "parquet", "postgres")
    """The source kinds it can read (``--format`` on another kind is refused before reading)."""
    materialize: ClassVar[bool] = False
    """Compute the validated rows once into an engine table: for adapters whose columns cost
    much per row (JSON documents parsed for several fields), which the pipeline's queries
    would otherwise each recompute, several times over where checks reference a column."""

    def detect(self, probe: Probe) -> bool:
        """Whether the probe looks like this format (cheap: header and first records only)."""
        raise NotImplementedError

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The raw table of the source."""
        raise NotImplementedError

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Canonical columns over the raw table."""
        raise NotImplementedError

    def record_steps(self, source: SourceFile) -> tuple[str, ...]:
        """The arrays a JSON document's rows are unnested from, outermost first (an API page:
        ``data``, then ``results``); none when each record is a row (to locate rejected rows,
        :mod:`tokenecon.ingest.json_records`)."""
        return ()


class CSVExport(Format):
    """A vendor's CSV export: every column read as text, by header name (columns vary across
    export dates, so adapters pick them by name)."""

    kinds = ("csv",)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """Every column as text."""
        from tokenecon.ingest.readers import read_csv_text

        return read_csv_text(con, source)


class JSONReport(Format):
    """Saved responses of a vendor's reporting API: JSON documents whose rows are buckets (a
    day, a model, a project...), each summing many calls."""

    kinds = JSON_KINDS
    granularity = "bucket"


class CostReport(Format):
    """A vendor's cost report: dollars per bucket (day x project x model ...) and no tokens,
    read for reconciliation and joined to usage."""

    cost_only = True
    granularity = "bucket"


def column(raw: ir.Table, *names: str) -> ir.Value:
    """The first of ``names`` that the raw table has, else a null (headers drift)."""
    import ibis

    for name in names:
        if name in raw.columns:
            return raw[name]
    return ibis.null("string")


def text(value: Any) -> ir.StringValue:
    """Any expression as text, empty strings as null."""
    import ibis

    if value is None:
        return ibis.null("string")
    if not hasattr(value, "type"):
        value = ibis.literal(value)
    if value.type().is_string():
        return value.nullif("")
    if value.type().is_json():
        return json_text(value)
    return value.cast("string").nullif("")


def json_text(value: ir.JSONValue) -> ir.StringValue:
    """A JSON scalar as text: strings unquoted, numbers as written, JSON null as null."""
    import ibis

    from tokenecon.ingest.readers import on_duckdb, spark_json_text

    engine = on_duckdb(value)
    if engine is None:  # bound to no table: a field of a column the source lacks
        return ibis.null("string")
    if engine is False:
        # Spark's JSON paths (get_json_object) already give strings unquoted.
        return spark_json_text(value).nullif("null").nullif("")
    rendered = value.cast("string")
    as_string = value.str
    return ibis.cases((as_string.notnull(), as_string), else_=rendered.nullif("null")).nullif("")


def json_path(value: Any, *path: str) -> ir.JSONValue:
    """A nested field of a JSON value (null where any step is missing)."""
    for step in path:
        value = value[step]
    return value


NOT_A_COUNT = "nan"
"""What :func:`total` and :func:`difference` give for a part that is no number: text, not a
NaN, since Ibis on Spark takes a NaN for null and Spark writes it ``NaN``; ``nan`` reads as NaN
on both engines, and the row is rejected as "not a finite number" in the same words."""


def total(*values: Any) -> ir.StringValue:
    """The text of a sum of token counts read as numbers: null when every part is null (null
    is not 0), :data:`NOT_A_COUNT` when a part is no number (the row is then rejected, never
    summed as if that part were 0)."""
    import ibis

    from tokenecon.ingest.validate import float_text

    written = [text(v) for v in values]
    parts = [w.try_cast("float64") for w in written]
    bad = ibis.or_(*[w.notnull() & p.isnull() for w, p in zip(written, parts, strict=True)])
    known = ibis.or_(*[p.notnull() for p in parts])
    summed = sum((p.fill_null(0) for p in parts[1:]), parts[0].fill_null(0))
    return ibis.cases((bad, NOT_A_COUNT), (known, float_text(summed)), else_=ibis.null("string"))


def difference(whole: Any, *parts: Any) -> ir.StringValue:
    """The text of ``whole`` minus the known ``parts``: a negative result is rejected by the
    checks, a part that is no number makes it :data:`NOT_A_COUNT`, and a ``whole`` that is no
    number stays as written (both rejected)."""
    import ibis

    from tokenecon.ingest.validate import float_text

    given = text(whole)
    number = given.try_cast("float64")
    value, bad = number, []
    for part in parts:
        written = text(part)
        parsed = written.try_cast("float64")
        bad.append(written.notnull() & parsed.isnull())
        value = value - parsed.fill_null(0)
    return ibis.cases(
        (number.isnan(), NOT_A_COUNT),  # before isnull(), which on Spark is true of NaN too
        (number.isnull(), given),  # null, or no number: "is not a number", never left out
        (ibis.or_(*bad), NOT_A_COUNT),
        else_=float_text(value),
    )


def _quoted(value: Any) -> ir.StringValue:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped + '"'


def tags_object(tag_list: Any = None, *objects: Any) -> ir.StringValue:
    """A JSON object (as text) of a source's labels, for ``tags.<key>`` mapping rules.

    ``tag_list`` is a JSON array of strings: ``key:value`` becomes that key, a bare tag ``x``
    becomes ``"x": "true"``. ``objects`` are JSON objects (text or JSON) merged in; on a
    repeated key the first one wins. Null when there is nothing. Plain string functions only
    (no regular expressions): this runs on every row.
    """
    import ibis

    parts: list[ir.StringValue] = []
    if tag_list is not None:
        from tokenecon.ingest.readers import json_string_array

        items = json_string_array(tag_list)

        def pair(t: ir.StringValue) -> ir.StringValue:
            at = t.find(":")  # 0-based, -1 when absent
            return ibis.cases(
                (at > 0, _quoted(t.substr(0, at)) + ":" + _quoted(t.substr(at + 1))),
                else_=_quoted(t) + ':"true"',
            )

        pairs = items.filter(lambda t: t.notnull() & (t != "")).map(pair)
        parts.append(pairs.join(",").nullif(""))
    from tokenecon.ingest.readers import as_json, on_duckdb, spark_json_text

    for obj in objects:
        if on_duckdb(obj) is False:
            # JSON is text on Spark; Ibis's cast from JSON would call a function Spark lacks.
            as_text = (obj if obj.type().is_string() else spark_json_text(obj)).strip()
        else:
            as_text = as_json(obj).cast("string").strip()
        inner = ibis.cases(
            (as_text.startswith("{") & as_text.endswith("}"),
             as_text.substr(1, as_text.length() - 2).strip()),
            else_=ibis.null("string"),
        ).nullif("")  # fmt: skip
        parts.append(inner)
    if not parts:
        return ibis.null("string")
    joined = ibis.literal(",").join(parts).nullif("")  # nulls are skipped
    return ibis.cases((joined.notnull(), "{" + joined + "}"), else_=ibis.null("string"))


def bad_json_reason(**fields: Any) -> ir.StringValue:
    """A row's reject reason when one of the named text fields holds broken JSON (the first
    such field), null when none does."""
    import ibis

    from tokenecon.ingest.readers import invalid_json

    cases = [
        (invalid_json(v), ibis.literal(f"{name}: not valid JSON")) for name, v in fields.items()
    ]
    return ibis.cases(*cases, else_=ibis.null("string"))
