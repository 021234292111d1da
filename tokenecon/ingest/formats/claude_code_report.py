"""Anthropic's Claude Code usage report (``GET /v1/organizations/usage_report/claude_code``).

One record per actor and UTC day, its ``model_breakdown`` one entry per model: ``tokens``
(``input`` uncached, ``output``, ``cache_read``, ``cache_creation``: exclusive buckets, the
writes without their retention split, read as 5-minute) and ``estimated_cost`` in minor units
(cents: ``1025`` is $10.25). One usage row per record and model; the request count is not
reported (null). ``customer_type: subscription`` usage is covered by a plan: its estimated cost
is kept as reported but is no pay-as-you-go bill (tag ``customer_type``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import Format, JSONReport, Normalized, Probe
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

RECORD = {
    "date": "text", "customer_type": "text", "subscription_type": "text",
    "terminal_type": "text", "organization_id": "text",
    "actor": {"type": "text", "email_address": "text", "api_key_name": "text"},
    "model_breakdown": [{
        "model": "text",
        "tokens": {"input": "text", "output": "text", "cache_read": "text",
                   "cache_creation": "text"},
        "estimated_cost": {"amount": "text", "currency": "text"},
    }],
}  # fmt: skip
"""The fields of a report record that are read."""


def _records(probe: Probe) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in probe.records:
        data = page.get("data")  # a damaged page's "data": -1 detects as no report
        out += [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []
    return out


class ClaudeCodeUsageReport(JSONReport):
    """Pages of the Admin API's Claude Code usage report."""

    name = "claude_code_usage_report"
    title = "Anthropic Claude Code usage report (Admin API pages)"

    def detect(self, probe: Probe) -> bool:
        """Records with a model breakdown and Claude Code's core metrics."""
        records = _records(probe)
        if records:
            return any("model_breakdown" in r and "core_metrics" in r for r in records)
        return '"model_breakdown"' in probe.text and '"core_metrics"' in probe.text

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """One row per record and model."""
        pages = read_json(con, source, {"data": [RECORD]})
        records = pages.unnest("data")
        records = records.select(record=records.data)
        rows = records.select(record=records.record, entry=records.record.model_breakdown).unnest(
            "entry"
        )
        r, e = rows.record, rows.entry
        return rows.select(
            date=r.date,
            customer_type=r.customer_type,
            subscription_type=r.subscription_type,
            terminal_type=r.terminal_type,
            organization_id=r.organization_id,
            actor=r.actor.email_address.nullif("").fill_null(r.actor.api_key_name),
            actor_type=r.actor["type"],
            model=e.model,
            input=e.tokens.input,
            output=e.tokens.output,
            cache_read=e.tokens.cache_read,
            cache_creation=e.tokens.cache_creation,
            cost_cents=e.estimated_cost.amount,
            currency=e.estimated_cost.currency,
        )

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Exclusive buckets; the estimated cost from cents."""
        import ibis

        cents = raw.cost_cents.try_cast("decimal(38, 9)")
        cost = ibis.cases(
            (cents.notnull(), (cents / 100).cast("decimal(38, 9)").cast("string")),
            else_=raw.cost_cents,
        )
        return Normalized(
            {
                "timestamp": raw.date,
                "provider": ibis.literal("anthropic"),
                "model": raw.model,
                "uncached_input_tokens": raw.input,
                "cache_read_tokens": raw.cache_read,
                "cache_write_tokens": raw.cache_creation,
                "output_tokens": raw.output,
                "requests": ibis.null("string"),
                "reported_cost": cost,
                "user": raw.actor,
                "project": raw.organization_id,
            },
            {
                "timestamp": "date",
                "provider": "(anthropic)",
                "model": "model_breakdown.model",
                "uncached_input_tokens": "tokens.input",
                "cache_read_tokens": "tokens.cache_read",
                "cache_write_tokens": "tokens.cache_creation (no 5m/1h split: 5-minute)",
                "output_tokens": "tokens.output",
                "requests": "(not reported)",
                "reported_cost": "estimated_cost.amount (cents) / 100",
                "user": "actor.email_address | actor.api_key_name",
                "project": "organization_id",
            },
            {
                "customer_type": raw.customer_type,
                "subscription_type": raw.subscription_type,
                "terminal_type": raw.terminal_type,
                "actor_type": raw.actor_type,
                "currency": raw.currency,
            },
            notes=[
                "Claude Code usage report: one row per actor, day and model; its cache writes "
                "have no retention split (read as 5-minute) and its estimated_cost is in cents; "
                "customer_type 'subscription' usage is covered by a plan (tags.customer_type)",
            ],
        )


FORMATS: list[Format] = [ClaudeCodeUsageReport()]
