"""Cloud sources: FOCUS 1.x cost-and-usage CSV (token rows), and Bedrock invocation logs.

FOCUS has one row per charge: AI token charges carry tokens in ``ConsumedQuantity`` with a token
``ConsumedUnit`` (``Tokens``, ``1K Tokens``, ``1M Tokens``) and the token type in
``x_TokenType`` or the SKU (``<model>:<type>``). Each row fills one bucket; rows of one model
and period add up in the aggregation. ``EffectiveCost`` (after discounts) is the reported
cost; rows without a token unit (not token usage) are skipped.

Bedrock invocation logs (JSON per request) report ``inputTokenCount`` apart from cache reads
and writes (exclusive); ``requestMetadata`` becomes tags; the region is ``inferenceRegion``
where the request was re-routed. ``cacheWriteInputTokenCount`` is every cache write, 5-minute
and 1-hour (which Anthropic models bill at 2x input, not 1.25x): the log says the split only in
the response body it keeps (``output.outputBodyJson``), in the model API's own words, so the
usage of that body is read for it and nothing else of the body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import (
    JSON_KINDS,
    CSVExport,
    Format,
    Normalized,
    Probe,
    column,
    tags_object,
    text,
)
from tokenecon.ingest.model_names import BEDROCK_ARN
from tokenecon.ingest.readers import json_array, json_struct, read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

TOKEN_TYPES = {
    "uncached_input_tokens": ("input", "input_tokens", "uncached_input", "input_no_cache",
                              "uncached_input_tokens", "prompt"),
    "cache_read_tokens": ("cache_read", "input_cache_read", "cached_input", "cache_read_tokens"),
    "cache_write_tokens": ("cache_write", "cache_write_5m", "input_cache_write_5m",
                           "cache_creation", "cache_write_tokens"),
    "cache_write_1h_tokens": ("cache_write_1h", "input_cache_write_1h"),
    "output_tokens": ("output", "output_tokens", "completion"),
}  # fmt: skip


class FocusCSV(CSVExport):
    """FOCUS 1.0-1.3 cost and usage export."""

    name = "focus_csv"
    title = "FOCUS 1.x cost and usage CSV (token rows)"
    granularity = "bucket"

    def detect(self, probe: Probe) -> bool:
        """FOCUS's charge period, cost and quantity columns."""
        return probe.has("chargeperiodstart", "billedcost", "consumedquantity")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """One bucket per row from the token type; quantity scaled by its unit."""
        import ibis

        unit = raw.consumedunit.cast("string").lower()
        scale = ibis.cases(
            (unit.re_search(r"^\s*(1m|million)\b"), 1_000_000),
            (unit.re_search(r"^\s*(1k|thousand)\b"), 1_000),
            else_=1,
        )
        quantity = raw.consumedquantity.try_cast("decimal(38, 6)") * scale
        quantity_text = ibis.cases(
            (quantity.notnull(), quantity.cast("decimal(38, 6)").cast("string")),
            else_=raw.consumedquantity,
        )
        sku = column(raw, "skuid").cast("string")
        is_tokens = unit.contains("token")
        # An AI charge in another unit (LiteLLM's export: one "Requests" row per day, key and
        # model, the spend in EffectiveCost) is real spend: kept as a cost-only row, its model
        # the charged resource where no x_Model or SKU names one -- a resource of Generative AI
        # only: an Azure Machine Learning workspace's disks, VMs and bandwidth are "AI and
        # Machine Learning" too, and the workspace is no model.
        category = column(raw, "servicecategory").cast("string").lower()
        subcategory = column(raw, "servicesubcategory").cast("string").lower()
        ai = (category == "ai and machine learning") | (subcategory == "generative ai")
        usage = column(raw, "chargecategory").cast("string").lower().fill_null("usage")
        named = ibis.coalesce(
            column(raw, "x_model").nullif(""), sku.re_extract(r"^(.*):[^:]*$", 1).nullif("")
        )
        resource = column(raw, "resourcename", "resourceid").cast("string").nullif("")
        generative = (subcategory == "generative ai").fill_null(False)
        # (a charge that names no model, e.g. a support plan in hours, is no model usage)
        ai_cost = ~is_tokens & (
            ai & (usage == "usage") & (named.notnull() | (generative & resource.notnull()))
        )
        ai_cost = ai_cost.fill_null(False)
        by_resource = ai_cost & generative
        model = ibis.coalesce(named, ibis.cases((by_resource, resource), else_=ibis.null("string")))
        token_type = ibis.coalesce(
            column(raw, "x_tokentype").nullif(""), sku.re_extract(r":([^:]*)$", 1).nullif("")
        ).lower()
        columns: dict[str, Any] = {
            "timestamp": raw.chargeperiodstart,
            "timestamp_end": column(raw, "chargeperiodend"),
            "provider": column(raw, "serviceprovidername", "providername"),
            "model": model,
            "requests": ibis.null("string"),
            "reported_cost": ibis.coalesce(column(raw, "effectivecost").nullif(""), raw.billedcost),
            "service_tier": column(raw, "x_servicetier"),
            "region": column(raw, "regionid", "regionname"),
            "project": column(raw, "subaccountid", "subaccountname"),
            "session_id": column(raw, "x_sessionid"),
            "tags": column(raw, "tags"),
        }
        for bucket, names in TOKEN_TYPES.items():
            columns[bucket] = ibis.cases(
                (token_type.isin(list(names)), quantity_text),
                # a cost-only AI charge: zero tokens, not "no counts" (which is rejected)
                (ai_cost & (bucket == "output_tokens"), ibis.literal("0")),
                else_=ibis.null("string"),
            )
        columns["reasoning_tokens"] = ibis.null("string")
        sources = {name: name for name in columns}
        sources |= {
            "timestamp": "ChargePeriodStart", "model": "x_Model | SkuId before ':'",
            "reported_cost": "EffectiveCost | BilledCost",
            **{b: f"ConsumedQuantity x unit where x_TokenType in {'/'.join(n[:2])}"
               for b, n in TOKEN_TYPES.items()},
        }  # fmt: skip
        keep = is_tokens | ai_cost
        notes = [
            "rows without a token ConsumedUnit are skipped, except usage charges of AI and "
            "Machine Learning that name a model (x_Model or the SKU; for Generative AI, the "
            "resource): those are kept as cost-only rows (their EffectiveCost, no tokens)"
        ]
        extras = {"charge_description": column(raw, "chargedescription"), "sku_id": sku}
        return Normalized(columns, sources, extras, keep=keep, notes=notes)


BEDROCK = {
    **dict.fromkeys(("schemaType", "timestamp", "accountId", "region", "requestId",
                     "operation", "modelId", "inferenceRegion"), "text"),
    "identity": {"arn": "text"},
    "input": {"inputTokenCount": "text", "cacheReadInputTokenCount": "text",
              "cacheWriteInputTokenCount": "text"},
    "output": {"outputTokenCount": "text", "outputBodyJson": "json"},
    "requestMetadata": "json",
}  # fmt: skip
"""The log's fields. ``outputBodyJson`` is kept whole (an object, or a list of stream chunks)
and only its usage is parsed from it (:data:`BODY`, :data:`CHUNK`); the request body is not
read."""
SPLIT = {"ephemeral_5m_input_tokens": "text", "ephemeral_1h_input_tokens": "text"}
"""Anthropic's cache writes by TTL (a Messages response's ``usage.cache_creation``)."""
BODY = {"usage": {"cacheDetails": [{"ttl": "text", "inputTokens": "text"}],
                  "cache_creation": SPLIT}}  # fmt: skip
"""A response body's usage: Converse and ConverseStream (logged as one object) write
``cacheDetails`` (``[{ttl: "1h" | "5m", inputTokens}]``, Bedrock's ``TokenUsage``),
InvokeModel of an Anthropic model the Messages API's ``cache_creation``."""
CHUNK = {"type": "text", "message": {"usage": {"cache_creation": SPLIT}}}
"""A chunk of a streamed Anthropic body (InvokeModelWithResponseStream, logged as a list): the
``message_start`` chunk holds the usage with ``cache_creation``."""
BODY_SPLIT = ("tokenecon_body_5m", "tokenecon_body_1h", "tokenecon_body_bad")
"""The raw table's columns of what a row's body says of its cache writes by TTL: the 5-minute
and 1-hour counts (null: not given), and the first value that is no count (null: none),
computed once as the log is read (:func:`body_split`)."""


def _count(value: Any) -> tuple[ir.FloatingValue, ir.BooleanValue]:
    """A JSON count read as text: its number where it is a whole number >= 0 (else null), and
    whether it is written yet is no such number. Never NaN: Ibis on Spark takes NaN for null,
    and a bad value must read the same on both engines."""
    written = text(value)
    number = written.try_cast("float64")
    ok = ((number >= 0) & (number == number.try_cast("int64").cast("float64"))).fill_null(False)
    return ok.ifelse(number, None), written.notnull() & ~ok


def body_split(raw: ir.Table) -> ir.Table:
    """``raw`` with what each row's response body says of its cache writes by TTL
    (:data:`BODY_SPLIT`), from the first of: :data:`BODY`'s ``cacheDetails`` (summed by TTL; a
    TTL it leaves out is 0), its ``cache_creation``, a streamed body's ``message_start``
    chunk's (:data:`CHUNK`). A body that splits none gives nulls. Each body is parsed once."""
    import ibis

    body = raw.output.outputBodyJson
    # (c.type would be the expression's type() method, not the chunk's field)
    first = json_array(body, CHUNK).filter(lambda c: c["type"] == "message_start")[0]
    parsed = raw.mutate(
        tokenecon_usage=json_struct(body, BODY).usage,
        tokenecon_start=first.message.usage.cache_creation,
    )
    usage = parsed.tokenecon_usage
    details = usage.cacheDetails.filter(lambda d: d.ttl.notnull())

    def listed(ttl: str) -> ir.FloatingValue:
        tokens = details.filter(lambda d: d.ttl == ttl).map(lambda d: _count(d.inputTokens)[0])
        summed: ir.FloatingValue = tokens.sums().fill_null(0)
        return summed

    no_count = details.filter(lambda d: _count(d.inputTokens)[1]).map(lambda d: d.inputTokens)
    # (whether it splits, 5m, 1h, the first value that is no count) of each place, in order
    bodies = [(details.length() > 0, listed("5m"), listed("1h"), no_count[0])]
    for split in (usage.cache_creation, parsed.tokenecon_start):
        five_text, hour_text = split.ephemeral_5m_input_tokens, split.ephemeral_1h_input_tokens
        (five, five_bad), (hour, hour_bad) = _count(five_text), _count(hour_text)
        bad = ibis.cases(
            (five_bad, text(five_text)), (hour_bad, text(hour_text)), else_=ibis.null("string")
        )
        bodies.append((five_text.notnull() | hour_text.notnull(), five, hour, bad))
    kinds = ("float64", "float64", "string")
    columns = {
        name: ibis.cases(*[(b[0], b[i + 1]) for b in bodies], else_=ibis.null(kinds[i]))
        for i, name in enumerate(BODY_SPLIT)
    }
    return parsed.mutate(**columns)


def cache_write_split(raw: ir.Table) -> tuple[Any, Any, Any]:
    """Each row's 5-minute and 1-hour cache writes, and why a row's split cannot be read.

    Where the body (:func:`body_split`) gives one TTL, the other is
    ``cacheWriteInputTokenCount`` less it; where it gives both, they must add up to
    ``cacheWriteInputTokenCount``; a split that does not fit the count, or that is no count,
    rejects the row. A row whose body splits nothing (no body, a model without 1-hour caching)
    keeps every write in the 5-minute bucket.
    """
    import ibis

    five, hour, bad = (raw[name] for name in BODY_SPLIT)
    written = text(raw.input.cacheWriteInputTokenCount)
    whole, whole_bad = _count(raw.input.cacheWriteInputTokenCount)
    write_5m = ibis.cases(
        # no split, or a count that is no count (rejected as written by the checks)
        ((five.isnull() & hour.isnull()) | whole_bad, written),
        (five.isnull(), (whole - hour).cast("string")),
        else_=five.cast("string"),
    )
    write_1h = ibis.cases(
        (hour.isnull() & five.notnull(), (whole - five).cast("string")),
        else_=hour.cast("string"),
    )

    def count(value: ir.FloatingValue) -> ir.StringValue:
        return value.try_cast("int64").cast("string")

    usage_text = "output.outputBodyJson usage: "
    logged = " input.cacheWriteInputTokenCount " + written
    error = ibis.cases(
        (bad.notnull(), usage_text + "a cache write count by TTL, '" + bad + "', is no count"),
        (
            whole.notnull() & five.notnull() & hour.notnull() & (five + hour != whole),
            usage_text + "cache writes 5m " + count(five) + " + 1h " + count(hour) + " = "
            + count(five + hour) + ", not" + logged,
        ),
        (
            whole.notnull() & five.notnull() & hour.isnull() & (five > whole),
            usage_text + "5m cache writes " + count(five) + " exceed" + logged,
        ),
        (
            whole.notnull() & hour.notnull() & five.isnull() & (hour > whole),
            usage_text + "1h cache writes " + count(hour) + " exceed" + logged,
        ),
        else_=ibis.null("string"),
    )  # fmt: skip
    return write_5m, write_1h, error


class BedrockInvocationLogs(Format):
    """Amazon Bedrock model invocation logs (CloudWatch/S3 JSON)."""

    name = "bedrock_invocation_log"
    kinds = JSON_KINDS
    title = "Amazon Bedrock model invocation logs"

    def detect(self, probe: Probe) -> bool:
        """The log's schema type."""
        return any(r.get("schemaType") == "ModelInvocationLog" for r in probe.records)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The log fields, and the cache writes by TTL of the response body (nothing else of
        the bodies is read)."""
        return body_split(read_json(con, source, BEDROCK, lines=True))

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Exclusive input; cache writes split by TTL where the logged body says it; request
        metadata as tags."""
        import ibis

        write_5m, write_1h, error = cache_write_split(raw)
        columns = {
            "timestamp": (raw.timestamp, "timestamp"),
            "provider": (ibis.literal("aws.bedrock"), "(aws.bedrock)"),
            "model": (
                raw.modelId.re_replace(BEDROCK_ARN.pattern, ""),
                "modelId (an inference-profile or foundation-model ARN: its model id)",
            ),
            "uncached_input_tokens": (raw.input.inputTokenCount, "input.inputTokenCount"),
            "cache_read_tokens": (
                raw.input.cacheReadInputTokenCount,
                "input.cacheReadInputTokenCount",
            ),
            "cache_write_tokens": (
                write_5m,
                "input.cacheWriteInputTokenCount less the 1-hour writes of "
                "output.outputBodyJson (all of it where the body splits none)",
            ),
            "cache_write_1h_tokens": (
                write_1h,
                "output.outputBodyJson: usage.cacheDetails ttl 1h "
                "| usage.cache_creation.ephemeral_1h_input_tokens "
                "| the message_start chunk's message.usage.cache_creation",
            ),
            "output_tokens": (raw.output.outputTokenCount, "output.outputTokenCount"),
            "region": (
                ibis.coalesce(raw.inferenceRegion.nullif(""), raw.region),
                "inferenceRegion | region",
            ),
            "project": (raw.accountId, "accountId"),
            "user": (raw.identity.arn, "identity.arn"),
            "request_id": (raw.requestId, "requestId"),
            "tags": (tags_object(None, raw.requestMetadata), "requestMetadata"),
        }
        extras = {"operation": raw.operation, "model_arn": raw.modelId.re_search("^arn:")
                  .ifelse(raw.modelId, ibis.null("string"))}  # fmt: skip
        notes = [
            "a modelId given as an inference-profile or foundation-model ARN is read as the "
            "model id inside it (the ARN kept as tags.model_arn); an application inference "
            "profile's ARN names no model and stays unpriced",
            "cache writes are split 5-minute / 1-hour by the logged response body (Converse: "
            "usage.cacheDetails; InvokeModel: usage.cache_creation, streamed: its "
            "message_start chunk); a log without the body (text data delivery off) or a body "
            "that splits none prices every write at the 5-minute rate",
        ]
        return Normalized.of(columns, extras, notes=notes, row_error=error)


FORMATS: list[Format] = [FocusCSV(), BedrockInvocationLogs()]
