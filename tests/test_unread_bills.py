"""Cloud bills tokenecon does not read are named as such (exit 2), never read as a generic table
or met with a hint to --map columns no mapping can make right. The headers are the column names
of each vendor's documented schema (FORMATS.md cites the pages): Google Cloud Billing's
detailed BigQuery export as exported to CSV, AWS CUR (legacy and 2.0), Azure Cost Management."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

BILLS = {
    "gcp.csv": (
        "billing_account_id,service.description,sku.id,sku.description,usage_start_time,"
        "usage_end_time,project.id,location.region,cost,currency,usage.amount,usage.unit\n"
        "01A2B3-C4D5E6-F7G8H9,Vertex AI,9A31-8B4E-1C2D,Gemini Input Tokens,"
        "2026-10-01 00:00:00 UTC,2026-10-01 01:00:00 UTC,acme,us-central1,1.25,USD,1000000,count\n",
        "a Google Cloud Billing export",
    ),
    "cur.csv": (
        "identity/LineItemId,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
        "lineItem/UsageAmount,lineItem/UnblendedCost\n"
        "abc,2026-10-01T00:00:00Z,AmazonBedrock,USE1-Claude-input-tokens,1000,0.003\n",
        "an AWS Cost and Usage Report (CUR)",
    ),
    "cur2.csv": (
        "identity_line_item_id,line_item_usage_start_date,line_item_product_code,"
        "line_item_usage_type,line_item_usage_amount,line_item_unblended_cost\n"
        "abc,2026-10-01T00:00:00Z,AmazonBedrock,USE1-Claude-input-tokens,1000,0.003\n",
        "an AWS Cost and Usage Report 2.0",
    ),
    "azure.csv": (
        "Date,MeterCategory,MeterSubCategory,MeterName,Quantity,CostInBillingCurrency\n"
        "10/01/2026,Cognitive Services,Azure OpenAI,gpt-4o-0806-Inp-glbl Tokens,12.5,0.03\n",
        "an Azure Cost Management export",
    ),
}


@pytest.mark.parametrize("name", list(BILLS))
def test_a_cloud_bill_is_named_not_mapped(tmp_path: Path, name: str) -> None:
    content, what = BILLS[name]
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("analyze", str(path))
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"{path} is {what}" in said and "which tokenecon does not read" in said
    assert "--format focus_csv" in said and "--map" not in said
