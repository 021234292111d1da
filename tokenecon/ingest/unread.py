"""Cloud bills that tokenecon recognises but does not read, so that the error names the export
and the way to its usage instead of suggesting ``--map`` on a file no mapping can make right.

In: a probe of a source no format matched. Out: nothing, or a :class:`UsageInputError`.
"""

from __future__ import annotations

from tokenecon.errors import UsageInputError
from tokenecon.ingest.probe import Probe

WAY_IN = (
    "export the same spend in its FOCUS 1.x form and read it with --format focus_csv, or read "
    "the service's own per-request usage (docs/sources.md lists what is read)"
)

KNOWN_BILLS = (
    (
        "a Google Cloud Billing export (BigQuery detailed usage)",
        ("billing_account_id", "sku_description", "usage_start_time"),
        "its token counts sit in `usage.amount` per SKU, whose wording tokenecon does not parse",
    ),
    (
        "an AWS Cost and Usage Report (CUR)",
        ("lineitem_usagestartdate", "lineitem_productcode"),
        "its Bedrock token counts are per usage type, in `lineItem/UsageAmount`",
    ),
    (
        "an AWS Cost and Usage Report 2.0 (CUR 2.0)",
        ("line_item_usage_start_date", "line_item_product_code"),
        "its Bedrock token counts are per usage type, in `line_item_usage_amount`",
    ),
    (
        "an Azure Cost Management export",
        ("metercategory", "metername"),
        "its Azure OpenAI token counts are per meter, in `Quantity` of 1K-token units",
    ),
)
"""(what it is, the normalised columns that tell it, why its rows are not usage records)."""


def refuse_known_bill(probe: Probe) -> None:
    """Fail, naming the export, when the source is a cloud bill tokenecon does not read."""
    for what, columns, why in KNOWN_BILLS:
        if probe.has(*columns):
            raise UsageInputError(
                f"{probe.source.display} is {what}, which tokenecon does not read: {why}",
                WAY_IN,
            )
