"""Text-only logs: prompt and response text but no token counts; counts estimated by tiktoken.

Columns are planned like the generic adapter's (timestamp, model, attribution by name or
alias); the prompt and response columns become uncached input and output tokens, counted in
the engine by a vectorised (Arrow) function per encoding. Every figure from such a source is an
estimate and the report says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.canonical import ALIASES, CANONICAL_COLUMNS, TOKEN_COLUMNS
from tokenecon.ingest.formats.base import Format, Normalized, Probe
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

PROMPT = ("prompt", "prompt_text", "input_text", "request_text", "messages", "question", "query")
RESPONSE = ("response", "response_text", "completion", "completion_text", "output_text", "answer")
ESTIMATE = "tiktoken o200k_base / cl100k_base by model (an approximation for non-OpenAI models)"


def _has_counts(probe: Probe) -> bool:
    token_names = {*TOKEN_COLUMNS, "input_tokens"}
    return any(h in token_names or ALIASES.get(h) in token_names for h in probe.headers)


def _counter(encoding: str, duckdb: bool = True) -> Any:
    """An engine function counting the tokens of a text column, a batch at a time (Arrow on
    DuckDB; pandas on Spark, whose Arrow UDFs are called row by row)."""
    import ibis
    import pyarrow as pa

    from tokenecon.ingest.tokens import count_texts

    if not duckdb:

        def count_series(text: str) -> int:
            import pandas as pd

            values = count_texts(list(text), encoding)
            return pd.Series(values, dtype="Int64")  # type: ignore[return-value]

        count_series.__name__ = f"tokenecon_count_{encoding}"
        return ibis.udf.scalar.pandas(count_series)

    def count(text: str) -> int:
        values = count_texts(text.to_pylist(), encoding)  # type: ignore[attr-defined]
        return pa.array(values, type=pa.int64())

    count.__name__ = f"tokenecon_count_{encoding}"
    return ibis.udf.scalar.pyarrow(count)


class TextLog(Format):
    """A usage log with prompt/response text instead of counts."""

    name = "text_log"
    title = "Text logs: tokens estimated by tiktoken"

    def detect(self, probe: Probe) -> bool:
        """A prompt and a response column, and no token counts."""
        return (
            probe.any_of(*PROMPT)
            and probe.any_of(*RESPONSE)
            and not _has_counts(probe)
            and probe.source.kind in ("csv", "jsonl", "json", "parquet")
        )

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """As the generic adapter: every column as text."""
        from tokenecon.ingest.generic import GENERIC

        return GENERIC.read(con, source, options)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Generic columns, plus estimated input and output tokens from the text."""
        import ibis

        from tokenecon.ingest.generic import plan_columns, read_headers
        from tokenecon.ingest.readers import named_headers
        from tokenecon.ingest.tokens import _CL100K

        headers = read_headers(source)
        names = named_headers(headers)
        prompt = next(names.index(n) for n in names if n in PROMPT)
        response = next(names.index(n) for n in names if n in RESPONSE)
        plan = plan_columns(source, headers, options, require_tokens=False)
        columns: dict[str, Any] = {
            name: raw[f"c{p}"].nullif("")
            for name, p in plan.canonical.items()
            if name in CANONICAL_COLUMNS
        }
        model = columns.get("model", ibis.null("string")).lower()
        old = model.re_search(_CL100K.pattern)

        from tokenecon.ingest.readers import on_duckdb

        duckdb = on_duckdb(raw[raw.columns[0]]) is not False

        def estimate(position: int) -> ir.IntegerValue:
            text = raw[f"c{position}"]
            return ibis.cases(
                (old, _counter("cl100k_base", duckdb)(text)),
                else_=_counter("o200k_base", duckdb)(text),
            )

        columns["uncached_input_tokens"] = estimate(prompt)
        columns["output_tokens"] = estimate(response)
        sources = {name: plan.headers[p] for name, p in plan.canonical.items()}
        sources["uncached_input_tokens"] = f"{headers[prompt]} (tokens estimated)"
        sources["output_tokens"] = f"{headers[response]} (tokens estimated)"
        extras = {
            n: raw[f"c{p}"].nullif("") for n, p in plan.extra.items() if p not in (prompt, response)
        }
        return replace(
            Normalized(columns, sources, extras, notes=plan.notes),
            estimated=ESTIMATE,
            notes=[*plan.notes, f"token counts estimated: {ESTIMATE}"],
        )


FORMATS: list[Format] = [TextLog()]
