"""The registry of source formats: detection, ``--format NAME``, and the canonical table.

Formats are tried in registry order (specific ones first); the generic adapter is the fallback.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tokenecon.errors import OptionError, UsageInputError
from tokenecon.ingest.formats.base import Format, Normalized, Probe
from tokenecon.ingest.json_records import (
    RECORD,
    key_path,
    locate_records,
    numbered_records,
    numbering,
    walkable,
)
from tokenecon.ingest.sources import SourceFile, is_remote

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ColumnPlan, ReadOptions


def registry() -> list[Format]:
    """Every format, in detection order (the generic fallback last)."""
    from tokenecon.ingest.formats import (
        agents,
        anthropic,
        claude_code_report,
        cloud,
        converted,
        gemini,
        langfuse,
        litellm,
        litellm_daily,
        openai,
        openai_endpoints,
        openrouter,
        openrouter_activity,
        openrouter_generation,
        otel,
        otel_logs,
        responses,
        responses_anthropic,
        responses_google,
        text,
    )
    from tokenecon.ingest.generic import GENERIC

    return [
        *openai.FORMATS[:2],
        *openai_endpoints.FORMATS,
        *openai.FORMATS[2:],
        *anthropic.FORMATS,
        *claude_code_report.FORMATS,
        *litellm.FORMATS,
        *litellm_daily.FORMATS,
        *langfuse.FORMATS,
        *agents.FORMATS,
        *openrouter.FORMATS,
        *openrouter_generation.FORMATS,
        *openrouter_activity.FORMATS,
        *responses.FORMATS,
        *responses_google.FORMATS,
        *responses_anthropic.FORMATS,
        *gemini.FORMATS,
        *otel_logs.FORMATS,  # before spans: a file of both is read for its agent events
        *otel.FORMATS,
        *cloud.FORMATS,
        *converted.FORMATS,
        *text.FORMATS,
        GENERIC,
    ]


def format_named(name: str) -> Format:
    """The format called ``name`` (``--format``)."""
    for fmt in registry():
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in registry())
    raise OptionError(f"--format {name!r} is not a format", f"one of: {names}")


def detect_format(source: SourceFile, forced: str | None = None) -> Format:
    """The format of a source: ``forced`` if given, else the first whose detect() holds.

    A JSON document that does not parse is refused here, with where it breaks: its records
    cannot be told apart, so no format can read part of it."""
    from tokenecon.ingest.probe import BROKEN_JSON_HINT, probe_source

    wanted = forced is None or (source.kind == "json" and not is_remote(source))
    probe = probe_source(source) if wanted else None
    if probe is not None and probe.broken:
        raise UsageInputError(probe.broken, BROKEN_JSON_HINT)
    if forced:
        return format_named(forced)
    assert probe is not None
    for fmt in registry():
        if fmt.detect(probe):
            return fmt
    raise AssertionError("the generic format detects everything")


def identify(sources: list[SourceFile], forced: str | None = None) -> list[dict[str, str]]:
    """For ``tokenecon sources``: each source's detected format and what it looked like."""
    from tokenecon.ingest.probe import looks_like, probe_source

    out = []
    for source in sources:
        fmt = detect_format(source, forced)
        out.append(
            {
                "source": source.display,
                "format": fmt.name,
                "title": fmt.title,
                "looked_like": looks_like(probe_source(source)),
            }
        )
    return out


def catalogue() -> list[dict[str, str]]:
    """Every format: name, what it is, its granularity and whether it carries tokens."""
    return [
        {
            "format": f.name,
            "title": f.title,
            "granularity": f.granularity,
            "carries": "cost only" if f.cost_only else "tokens",
        }
        for f in registry()
    ]


def canonical_table(
    con: Backend, source: SourceFile, source_id: int, options: ReadOptions
) -> tuple[ir.Table, ColumnPlan]:
    """The canonical, validated rows of one source, plus the plan that says what fed what."""
    from tokenecon.ingest.generic import GENERIC
    from tokenecon.ingest.options import ColumnPlan
    from tokenecon.ingest.validate import build_canonical

    if is_remote(source):
        from tokenecon.ingest.probe import probe_remote

        probe_remote(con, source)  # Spark reads the head: no local file to open
    fmt = detect_format(source, options.format)
    if fmt is GENERIC and not options.format:
        _check_generic(source, options)
    if options.format:
        _check_kind(fmt, source)
    try:
        raw = fmt.read(con, source, options)
        normalized = fmt.normalize(raw, source, options)
        if normalized.keep is not None:
            from tokenecon.ingest.csv_shape import ROW_ERROR

            # A row that cannot be read is rejected with its reason, never skipped as "not usage".
            unreadable = raw[ROW_ERROR].notnull() if ROW_ERROR in raw.columns else False
            raw = raw.filter(normalized.keep | unreadable)
            normalized = fmt.normalize(raw, source, options)
    except Exception as exc:
        from ibis.common.exceptions import IbisError

        if not isinstance(exc, AttributeError | KeyError | IbisError):
            raise
        # A forced format on a file of another shape: the fields it names are not there.
        raise _not_this_format(fmt, source, exc, bool(options.format)) from None
    if fmt is GENERIC:  # already text, empty as null
        columns, extras = normalized.columns, normalized.extras
    else:
        columns = {k: _text(v) for k, v in normalized.columns.items()}
        extras = {k: _text(v) for k, v in normalized.extras.items()}
    numbered = numbering() and RECORD in raw.columns
    if numbered:  # locating rejected rows: each row's record key rides along
        extras = {**extras, RECORD: raw[RECORD]}
    table = build_canonical(
        raw,
        columns,
        extras,
        source_id,
        convention=normalized.convention,
        inclusive_hint=fmt.inclusive_hint,
        cost_only=fmt.cost_only,
        row_error=_row_error(raw, normalized),
        timestamp_format=options.timestamp_format,
    )
    if options.format and not is_remote(source):
        _check_rows(fmt, source, table)
    if fmt.materialize and not numbered:
        from tokenecon.ingest.readers import materialize

        # the stored types can be more precise (timestamp(6)): keep the expression's schema so
        # that sources of different formats still union
        table = materialize(con, f"canonical_{source_id}", table).cast(table.schema())
    if fmt is GENERIC:
        plan = replace(GENERIC.plan(source, options), notes=normalized.notes)
        return table, plan
    headers = [normalized.sources[k] for k in normalized.columns] + list(normalized.extras)
    plan = ColumnPlan(
        canonical={k: i for i, k in enumerate(normalized.columns)},
        extra={k: len(normalized.columns) + i for i, k in enumerate(normalized.extras)},
        headers=headers,
        notes=normalized.notes,
        format=fmt.name,
        estimated=normalized.estimated,
    )
    return table, plan


def json_rejects(
    con: Backend,
    source: SourceFile,
    source_id: int,
    options: ReadOptions,
    limit: int,
    skip: str | None = None,
) -> list[tuple[int | None, str]] | None:
    """The first ``limit`` rejected rows of a JSON source, each as (physical line, reason
    led by the record's JSON path, e.g. ``data[0].results[3]: input_tokens: ...``), in file
    order; None when the source's rows cannot be told apart this way (a folder of logs, a
    reader that does not keep record keys). Rows whose reason is ``skip`` are left out.

    The rows of a JSON document are not lines, and the engine unnests nested arrays in no
    fixed order: each row is read again with its record key (:mod:`..json_records`).
    """
    from tokenecon.engine.results import arrow_of

    if source.kind not in ("json", "jsonl") or source.members or is_remote(source):
        return None
    if source.kind == "jsonl" and not walkable(source):
        return None  # a line is a record: scan order numbers lines well enough
    with numbered_records():
        table, _ = canonical_table(con, source, source_id, options)
    column = f"x_{RECORD}"
    if column not in table.columns:
        return None
    rejected = table.reject_reason.notnull()
    if skip is not None:
        rejected = rejected & (table.reject_reason != skip)
    # more than asked: file order is restored here, from the keys (the engine's is not it)
    found = table.filter(rejected).select(key=table[column], reason=table.reject_reason)
    rows = arrow_of(found.limit(max(limit, 1) * 50)).to_pylist()
    rows.sort(key=lambda r: [int(p) for p in str(r["key"] or "0").split(".")])
    rows = rows[:limit]
    steps = detect_format(source, options.format).record_steps(source)
    places = locate_records(source, steps, (str(r["key"]) for r in rows))
    out: list[tuple[int | None, str]] = []
    for row in rows:
        place = places.get(str(row["key"]))
        if place is None:
            out.append((None, f"{key_path(str(row['key']), steps)}: {row['reason']}"))
        else:
            path = f"{place.path}: " if place.path else ""
            out.append((place.line, f"{path}{row['reason']}"))
    return out


def _row_error(raw: ir.Table, normalized: Normalized) -> ir.StringValue | None:
    """Why a raw row cannot be read: its CSV shape, else what the adapter found (broken JSON)."""
    import ibis

    from tokenecon.ingest.csv_shape import ROW_ERROR

    reasons = [raw[ROW_ERROR]] if ROW_ERROR in raw.columns else []
    if normalized.row_error is not None:
        reasons.append(normalized.row_error)
    if not reasons:
        return None
    return ibis.coalesce(*reasons) if len(reasons) > 1 else reasons[0]


FORCED_HINT = (
    "drop --format to detect the format (`tokenecon sources FILE` shows what the file looks "
    "like and the formats there are; docs/sources.md)"
)


def _check_kind(fmt: Format, source: SourceFile) -> None:
    """A forced format that cannot read this kind of file (a JSON format on a CSV...)."""
    if source.kind not in fmt.kinds:
        raise UsageInputError(
            f"{source.display}: --format {fmt.name} reads {' or '.join(fmt.kinds)} files; "
            f"this is {source.kind}",
            FORCED_HINT,
        )


def _not_this_format(
    fmt: Format, source: SourceFile, exc: Exception, forced: bool
) -> UsageInputError:
    from tokenecon.errors import first_line
    from tokenecon.ingest.probe import looks_like, probe_source

    missing = first_line(exc).split(". Existing columns")[0]
    if not forced:  # detected, yet a field the reader needs is missing
        return UsageInputError(
            f"{source.display}: read as {fmt.title} ({fmt.name}), a field it needs is "
            f"missing: {missing}",
            "export it again with every column, or --map the file's own names onto the "
            "canonical ones with --format generic (docs/sources.md)",
        )
    return UsageInputError(
        f"{source.display} does not read as {fmt.title} (--format {fmt.name}): {missing}; it "
        f"looked like {looks_like(probe_source(source))}",
        FORCED_HINT,
    )


def _check_rows(fmt: Format, source: SourceFile, table: ir.Table) -> None:
    """Zero rows from a non-empty file under a forced format is a misreading, not a month of
    no usage; so is every row rejected (the fields the format reads are not there): refuse
    both (one pass over the source, only with --format)."""
    from tokenecon.engine.results import arrow_of  # (Ibis's to_pyarrow imports pandas)
    from tokenecon.errors import first_line

    try:
        rows = int(arrow_of(table.count()).as_py())
        # the first readable row ends the scan: a file that fits costs one row more
        readable = rows and int(
            arrow_of(table.filter(table.reject_reason.isnull()).limit(1).count()).as_py()
        )
    except Exception as exc:  # the engine's own read errors on a file of another shape
        raise UsageInputError(
            f"{source.display}: cannot be read as --format {fmt.name}: {first_line(exc)}",
            FORCED_HINT,
        ) from None
    if rows == 0:
        raise UsageInputError(
            f"{source.display}: read as --format {fmt.name}, it gave no rows: it is not such "
            "an export",
            FORCED_HINT,
        )
    if not readable:
        reason = arrow_of(table.reject_reason.min()).as_py()
        raise UsageInputError(
            f"{source.display}: read as --format {fmt.name}, none of its {rows:,} rows could "
            f"be read (e.g. {reason}): it is not such an export",
            FORCED_HINT,
        )


def _check_generic(source: SourceFile, options: ReadOptions) -> None:
    """A source no named format matched must at least map as a generic table: if it does not,
    say what it looked like and the two ways to read it."""
    from tokenecon.ingest.generic import GENERIC
    from tokenecon.ingest.probe import looks_like, probe_source
    from tokenecon.ingest.unread import refuse_known_bill

    refuse_known_bill(probe_source(source))  # a bill read as a generic table would be wrong
    try:
        GENERIC.plan(source, options)
    except UsageInputError as exc:
        shape = looks_like(probe_source(source))
        why = exc.message.removeprefix(f"{source.display}: ")
        if why == exc.message and exc.message.startswith(f"{source.display}:"):
            # located (``file:line:col: ...``): the place is the news, kept whole
            what = f"{exc.message}; it matches no known format"
        else:
            what = f"{source.display} matches no known format ({why})"
        raise UsageInputError(
            f"{what}; it looked like {shape}",
            f"{exc.hint}; or read it as a known format: --format NAME "
            "(`tokenecon sources` lists them)",
        ) from None


def _text(value: object) -> ir.StringValue:
    from tokenecon.ingest.formats.base import text

    return text(value)


__all__ = ["Format", "Normalized", "Probe", "canonical_table", "detect_format", "registry"]
