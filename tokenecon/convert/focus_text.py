"""FOCUS text the same on DuckDB and Spark: exact decimals without trailing zeros, quantities in
millions, the next day or month, provider names, and the JSON of a row's tags."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt

from tokenecon.convert.focus_prices import PRICE_SCALE
from tokenecon.ingest.readers import on_duckdb

if TYPE_CHECKING:
    import ibis.expr.types as ir

SERVICES = [
    ("OpenAI", "OpenAI API", ("openai",)),
    ("Microsoft", "Azure OpenAI", ("azure.ai.openai",)),
    ("Anthropic", "Claude API", ("anthropic",)),
    ("Google", "Gemini API", ("google", "gcp.gemini")),
    ("Google Cloud", "Vertex AI", ("gcp.vertex_ai",)),
    ("Amazon Web Services", "Amazon Bedrock", ("aws.bedrock",)),
    ("Mistral AI", "Mistral AI API", ("mistral", "mistral_ai")),
    ("DeepSeek", "DeepSeek API", ("deepseek",)),
    ("xAI", "xAI API", ("xai", "x_ai")),
    ("OpenRouter", "OpenRouter", ("openrouter",)),
]
"""(ProviderName, ServiceName, the provider ids that name it: OpenTelemetry's vocabulary, the
price book's)."""
PROVIDERS = {key: (provider, service) for provider, service, keys in SERVICES for key in keys}
"""Provider id -> (ProviderName, ServiceName). Any other provider is named as reported in both."""

TAG_COLUMNS = ("team", "project", "use_case", "user", "api_key", "task_id", "trace_id")
"""Attribution columns put in ``Tags`` (before the source's own tags)."""


def next_text(day: Any, **step: int) -> Any:
    """The day (a date) moved on by ``step`` (``days=1``, ``months=1``), as text."""
    # (Ibis types date + interval as a date; DuckDB returns a timestamp: cast through one)
    return (day + ibis.interval(**step)).cast("timestamp").cast("date").cast("string")


def named(lowered: Any, provider: Any, which: int) -> Any:
    return ibis.cases(
        *[(lowered == key, ibis.literal(names[which])) for key, names in PROVIDERS.items()],
        else_=provider,
    )


def millionths(tokens: Any) -> Any:
    """Tokens / 1e6, exact (DECIMAL(16, 0) x 0.000001 is DECIMAL(38, 6) with no rounding)."""
    millionth = ibis.literal(Decimal("0.000001"), "decimal(16, 6)")
    return decimal_text((tokens.cast("decimal(16, 0)") * millionth).cast("decimal(38, 6)"), 6)


def _trimmed(text: Any) -> Any:
    """Decimal text without trailing zeros (``0.50`` -> ``0.5``, ``3.00`` -> ``3``). DuckDB's
    two-argument RTRIM; Spark's takes its arguments the other way round: a regular expression."""
    if on_duckdb(text) is False:
        return text.re_replace(r"0+$", "").re_replace(r"\.$", "")

    def rtrim(value: str, characters: str) -> str:  # type: ignore[empty-body]
        """DuckDB's rtrim(string, characters)."""

    function = ibis_builtin(rtrim, ((dt.string, dt.string), dt.string))
    return function(function(text, "0"), ".")


def ibis_builtin(function: Any, signature: Any) -> Any:
    """An engine's own SQL function, by name."""
    return ibis.udf.scalar.builtin(function, name=function.__name__, signature=signature)


def decimal_text(value: Any, scale: int = PRICE_SCALE) -> Any:
    """A DECIMAL(38, ``scale``) as plain text without trailing zeros, the same on both engines
    (Spark casts a small decimal to text with an exponent, ``0E-20``; its ``format_number``
    formats the exact value, with thousands separators)."""
    if on_duckdb(value) is False:

        def format_number(number: Any, decimals: int) -> str:  # type: ignore[empty-body]
            """Spark's format_number."""

        function = ibis_builtin(format_number, ((dt.Decimal(38, scale), dt.int32), dt.string))
        text = function(value, ibis.literal(scale, "int32")).replace(",", "")
    else:
        text = value.cast("string")
    return ibis.cases((value.notnull(), _trimmed(text)), else_=ibis.null("string"))


def json_string(value: Any) -> Any:
    """Text as a JSON string (quoted, escaped)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + escaped + '"'


def tags_json(long: ir.Table) -> Any:
    """A JSON object of the attribution columns that have a value, then the source's tags (an
    object's members as they are; any other text as ``"tags"``)."""
    parts = [f'"{c}":' + json_string(long[c]) for c in TAG_COLUMNS]
    tags = long.tags.strip()
    is_object = tags.startswith("{") & tags.endswith("}")
    parts.append(
        ibis.cases(
            (is_object, tags.substr(1, tags.length() - 2).strip().nullif("")),
            else_='"tags":' + json_string(tags),
        )
    )
    joined = ibis.literal(",").join(parts).nullif("")
    return ibis.cases((joined.notnull(), "{" + joined + "}"), else_=ibis.null("string"))
