"""`tokenecon convert`: the canonical, validated usage as one Parquet file, or as FOCUS 1.2 CSV.

The usage is read exactly as `analyze` reads it (:mod:`tokenecon.aggregate.read`: the same
adapters, validation, duplicate rule and ``--since``/``--until``), then written by the engine,
never row by row in Python. The passes over the usage: the repeated-id pre-pass, one
accounting query (:func:`~tokenecon.aggregate.accounting.account_rows`), the copies of
repeated ids computed once (only when there are any), and the write itself.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.accounting import account_rows
from tokenecon.aggregate.read import (
    canonical_rows,
    flag_rows,
    keep_one_copy,
    repeated_request_ids,
    watch_pass,
)
from tokenecon.aggregate.rejects import locate_rejected
from tokenecon.aggregate.skipped import add_engine_rejects
from tokenecon.convert.conversion import Conversion, unpriced_error
from tokenecon.convert.focus import focus_table, unpriced_usage
from tokenecon.convert.focus_prices import price_tables
from tokenecon.engine.connect import connect
from tokenecon.engine.dialect import write_table
from tokenecon.errors import OptionError, UsageInputError, first_line
from tokenecon.ingest.canonical import (
    ALIASES,
    BILLABLE_TOKEN_COLUMNS,
    CANONICAL_COLUMNS,
    IGNORED_COLUMNS,
    STRING_COLUMNS,
    TOKEN_COLUMNS,
)
from tokenecon.ingest.formats.anthropic import (
    speed_expression,
    states_billing_geo,
    states_speed,
)
from tokenecon.ingest.formats.converted import SPEED_STATED, USAGE_SCHEMA
from tokenecon.ingest.generic import ColumnPlan, ReadOptions
from tokenecon.ingest.sources import SourceFile, digest_file, local_files
from tokenecon.price.regional import residency_policies
from tokenecon.report.analyze import AnalyzeOptions, prepare_inputs
from tokenecon.report.empty import refuse_empty

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

PARQUET_COLUMNS = (
    "timestamp", "provider", "model", *TOKEN_COLUMNS, "requests", "reported_cost",
    *STRING_COLUMNS[2:], "source",
)  # fmt: skip
"""The columns of the canonical Parquet file, in order (docs/usage-record.md names;
`context_window` too, which prices bucket rows against the long-context cliff). Other fields an
adapter keeps (``tags.<name>`` in mapping rules) follow under their own names."""


def convert_usage(
    usage: Sequence[str],
    options: AnalyzeOptions,
    output: Path,
    *,
    focus: bool = False,
    allow_unpriced: bool = False,
) -> Conversion:
    """Read, validate and deduplicate the usage; write it to ``output``; account for every row.

    With ``focus``, usage without a cost (a model the book does not price on that day, and no
    reported cost that ``--cost-source`` takes) stops the conversion before anything is
    written, unless ``allow_unpriced``: then its rows carry empty cost columns and
    ``x_CostSource=unpriced``, and :attr:`Conversion.unpriced` lists them.
    """
    inputs = prepare_inputs(usage, options)
    book, mapping, sources, read = inputs.book, inputs.mapping, inputs.sources, inputs.read
    _check_output(output, focus, sources)
    # DuckDB's own memory default: convert holds and sorts every row, unlike analyze's sums.
    con = connect(options.engine)
    result = Conversion(output=output, focus=focus)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The newline index of each file (read while the engine works) finds rejected lines.
        futures = [pool.submit(digest_file, s) for s in sources]
        rows, plans, extras = canonical_rows(con, sources, read, mapping if focus else None)
        has_ids = any("request_id" in p.canonical for p in plans)
        with watch_pass(con, sources, options.progress, "repeated ids"):
            repeated = repeated_request_ids(con, rows) if has_ids else []
        rows = flag_rows(con, rows, repeated, options.since, options.until)
        models = account_rows(con, sources, rows, options.progress, result)
        if result.reject_sample_rows:
            result.rejected_samples = locate_rejected(
                con, sources, plans, result.reject_sample_rows, rows,
                lambda i: futures[i].result().newlines, read,
            )  # fmt: skip
        add_engine_rejects(con, sources, result)
        digests = [f.result().sha256 for f in futures]
    result.sources = [
        {"path": s.display, "sha256": digests[i], "format": p.format,
         "rows": result.rows_per_source.get(i, 0), "notes": p.notes, "estimated": p.estimated}
        for i, (s, p) in enumerate(zip(sources, plans, strict=True))
    ]  # fmt: skip
    refuse_empty(result, [s.display for s in sources])  # before any file is written
    kept = keep_one_copy(con, rows, bool(repeated))
    if focus:
        residency = residency_policies(mapping.use_cases) if mapping else None
        speeds = any(states_speed(p) for p in plans)
        tables = price_tables(book, models, residency, speeds)
        result.inexact_prices = tables.inexact
        expression = focus_table(con, kept, book, tables, options.cost_source, mapping, plans)
        if tables.maybe_unpriced or options.cost_source == "reported":
            with watch_pass(con, sources, options.progress, "unpriced usage"):
                result.unpriced = unpriced_usage(con, expression, tables, options.cost_source)
        if result.unpriced and not allow_unpriced:
            raise unpriced_error(result.unpriced)
        result.focus_rows = _write(con, expression.table, output, "csv", sources, options)
        result.rows_written = result.rows_read - (
            result.rows_rejected + result.rows_duplicate + result.rows_filtered
        )
    else:
        provenance = _provenance(result, read, options)
        if _speed_stated(plans):  # read back as such (ingest/formats/converted.py)
            provenance["speed"] = SPEED_STATED
        else:
            _note_speeds(con, kept, plans, result)
        metadata = {"tokenecon": json.dumps(provenance, sort_keys=True)}
        geo = _region_name(con, kept, plans, result)
        result.rows_written = _write(
            con, _parquet_table(kept, extras, geo), output, "parquet", sources, options, metadata
        )
    return result


def _provenance(result: Conversion, read: ReadOptions, options: AnalyzeOptions) -> dict[str, Any]:
    """The Parquet file's ``tokenecon`` metadata: what it was made from, and how."""
    return {
        "schema": USAGE_SCHEMA,
        "sources": [
            {k: s[k] for k in ("path", "sha256", "format", "rows", "estimated")}
            for s in result.sources
        ],
        "input_convention": read.input_convention,
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "rows_duplicate": result.rows_duplicate,
        "rows_outside_period": result.rows_filtered,
    }


def _check_output(output: Path, focus: bool, sources: list[SourceFile]) -> None:
    """-o names a new or replaceable file in an existing folder, and not one of the inputs."""
    shown = str(output)
    if output.is_dir():
        raise OptionError(f"-o {shown} is a directory", "name a file: -o usage.parquet")
    folder = output.parent
    if not folder.is_dir():
        raise OptionError(
            f"-o {shown}: the folder {folder} does not exist", "create it, or name another -o"
        )
    if not os.access(folder, os.W_OK):
        raise OptionError(f"-o {shown}: cannot write in {folder}", "name another -o")
    suffix = output.suffix.lower()
    if focus and suffix == ".parquet":
        raise OptionError(
            f"-o {shown}: --focus writes CSV", "name it .csv, or drop --focus for Parquet"
        )
    if not focus and suffix in (".csv", ".gz", ".json", ".jsonl"):
        raise OptionError(
            f"-o {shown}: convert writes Parquet", "name it .parquet, or add --focus for CSV"
        )
    target = output.resolve()
    for source in sources:
        if target in {p.resolve() for p in local_files(source)}:
            raise OptionError(f"-o {shown} is one of the inputs", "name another -o")


def parquet_name(extra: str) -> str:
    """The column an adapter's extra field gets in the Parquet file: its own name, so that a
    generic read of the file finds it as ``tags.<name>`` again, unless that name would be read
    as a canonical column (then ``x_<name>``)."""
    taken = set(PARQUET_COLUMNS) | set(CANONICAL_COLUMNS) | set(ALIASES) | IGNORED_COLUMNS
    return f"x_{extra}" if extra in taken or extra.startswith("x_") else extra


GEO_NOTE = (
    "its region is the geo Anthropic billed (inference_geo), written as `region` beside other "
    "sources' cloud regions: analyze of the Parquet file prices its `us` rows at the global "
    "price; convert it alone to keep the geo (docs/convert.md)"
)


def _region_name(
    con: BaseBackend, kept: ir.Table, plans: Sequence[ColumnPlan], result: Conversion
) -> str:
    """The Parquet name of the ``region`` column: ``inference_geo`` when the regions it holds
    are all geos a source billed at (Anthropic's), so that `analyze` of the file prices its
    ``us`` rows at the book's rate for that geo as it does the original files; else ``region``
    (then each source whose geo is lost on reading the file back says so in its notes)."""
    stating = [i for i, p in enumerate(plans) if states_billing_geo(p)]
    if not stating:
        return "region"
    others = kept.filter(~kept.source_id.isin(stating) & kept.region.notnull())
    if not int(con.execute(others.count())):
        return "inference_geo"
    for i in stating:
        result.sources[i]["notes"] = [*result.sources[i]["notes"], GEO_NOTE]
    return "region"


SPEED_NOTE = (
    "{rows} of its rows ran at a stated speed (Anthropic's fast mode, `speed`), kept in the "
    "`speed` column beside another source's `speed`: analyze of the Parquet file prices them "
    "at the standard speed, as it does any generic source's `speed`; convert this source "
    "alone, or analyze the original file, to price them (docs/convert.md)"
)


def _speed_stated(plans: Sequence[ColumnPlan]) -> bool:
    """Whether the Parquet file's ``speed`` column is Anthropic's speed wherever it is set:
    some source states it, and no other source has a ``speed`` of its own."""
    with_speed = [p for p in plans if "speed" in p.extra]
    return bool(with_speed) and all(states_speed(p) for p in with_speed)


def _note_speeds(
    con: BaseBackend, kept: ir.Table, plans: Sequence[ColumnPlan], result: Conversion
) -> None:
    """Say, in the notes of each source that states a speed other than the standard one on some
    row, that `analyze` of the Parquet file will not price that speed: another source's
    ``speed`` shares the column (:func:`_speed_stated`), and a generic ``speed`` sets no price
    (:data:`~tokenecon.ingest.formats.anthropic.SPEED_FORMATS`)."""
    for i, plan in enumerate(plans):
        if not states_speed(plan):
            continue
        mine = kept.filter(kept.source_id == i)
        rows = int(con.execute(mine.filter(speed_expression(mine, plan).notnull()).count()))
        if rows:
            note = SPEED_NOTE.format(rows=rows)
            result.sources[i]["notes"] = [*result.sources[i]["notes"], note]


def _parquet_table(kept: ir.Table, extras: list[str], region: str = "region") -> ir.Table:
    """The canonical columns, sorted by time (then every column, so that the same input gives
    the same file); ``timestamp`` a UTC instant (read back as UTC by any Parquet reader). A
    cost-only row (a cost report's line) has 0 in each billable bucket, not
    null, so that the generic reader takes it as a row that carries no tokens; the ``region``
    column goes under the name :func:`_region_name` chose."""
    cost_only = ibis.and_(*[kept[c].isnull() for c in TOKEN_COLUMNS])
    values: dict[str, Any] = {}
    for name in PARQUET_COLUMNS:
        if name in BILLABLE_TOKEN_COLUMNS:
            values[name] = ibis.cases((cost_only, ibis.literal(0, "int64")), else_=kept[name])
        elif name == "timestamp":  # an instant: Parquet's TIMESTAMP adjusted to UTC
            values[name] = kept.timestamp.cast("timestamp('UTC')")
        else:
            values[name] = kept[name]
    for extra in extras:
        values[parquet_name(extra)] = kept[f"x_{extra}"]
    if region != "region":  # the same place in the file, under the name that prices it
        values = {region if name == "region" else name: v for name, v in values.items()}
    table = kept.select(**values)
    first = ["timestamp", "source", "request_id"]
    return table.order_by([*first, *(c for c in table.columns if c not in first)])


def _write(
    con: BaseBackend,
    table: ir.Table,
    output: Path,
    kind: str,
    sources: Sequence[SourceFile],
    options: AnalyzeOptions,
    metadata: dict[str, str] | None = None,
) -> int:
    """Write into a temporary file beside ``output``, then move it in place (no half-written
    file is ever left under the name asked for)."""
    handle, staging = tempfile.mkstemp(
        prefix=".tokenecon-", suffix=output.suffix, dir=output.parent
    )
    os.close(handle)
    try:
        with watch_pass(con, sources, options.progress, "rows to write"):
            written = write_table(con, table, staging, kind, metadata)
        os.replace(staging, output)
    except OSError as exc:
        raise OptionError(
            f"cannot write -o {output}: {exc.strerror or exc}", "name another -o"
        ) from None
    except Exception as exc:  # the engine's own error types
        message = first_line(exc)
        hint = "name another -o"
        if "out of memory" in message.lower():
            hint = "raise --memory-limit, or give --temp-directory DIR where the engine may spill"
        raise UsageInputError(f"cannot write -o {output}: {message}", hint) from None
    finally:
        if os.path.exists(staging):
            os.unlink(staging)
    return written
