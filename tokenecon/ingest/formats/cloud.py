"""Cloud sources: FOCUS 1.x cost-and-usage CSV (token rows), and Bedrock invocation logs.

FOCUS has one row per charge: AI token charges carry tokens in ``ConsumedQuantity`` with a token
``ConsumedUnit`` (``Tokens``, ``1K Tokens``, ``1M Tokens``) and the token type in
``x_TokenType`` or the SKU (``<model>:<type>``). Each row fills one bucket; rows of one model
and period add up in the aggregation. ``EffectiveCost`` (after discounts) is the reported
cost; rows without a token unit (not token usage) are skipped.

Bedrock invocation logs (JSON per request) report ``inputTokenCount`` apart from cache reads
and writes (exclusive); ``requestMetadata`` becomes tags; the region is ``inferenceRegion``
where the request was re-routed.
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
)
from tokenecon.ingest.model_names import BEDROCK_ARN
from tokenecon.ingest.readers import read_json
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
    "output": {"outputTokenCount": "text"},
    "requestMetadata": "json",
}  # fmt: skip


class BedrockInvocationLogs(Format):
    """Amazon Bedrock model invocation logs (CloudWatch/S3 JSON)."""

    name = "bedrock_invocation_log"
    kinds = JSON_KINDS
    title = "Amazon Bedrock model invocation logs"

    def detect(self, probe: Probe) -> bool:
        """The log's schema type."""
        return any(r.get("schemaType") == "ModelInvocationLog" for r in probe.records)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The log fields (bodies are not read)."""
        return read_json(con, source, BEDROCK, lines=True)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Exclusive input; request metadata as tags."""
        import ibis

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
                raw.input.cacheWriteInputTokenCount,
                "input.cacheWriteInputTokenCount",
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
            "profile's ARN names no model and stays unpriced"
        ]
        return Normalized.of(columns, extras, notes=notes)


FORMATS: list[Format] = [FocusCSV(), BedrockInvocationLogs()]
