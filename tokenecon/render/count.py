"""`tokenecon count` as a JSON document and as a table."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group

from tokenecon.render.formats import count, usd
from tokenecon.render.tables import Column, fitted_tables


def count_document(estimate: Any, source: str, at: str) -> dict[str, Any]:
    """The JSON form: counts are estimates (text, not a billed call); money to 1e-6."""
    from tokenecon.report.figures import money

    return {
        "source": source,
        "model": estimate.model,
        "price_model": estimate.price_model,
        "encoding": estimate.encoding.name,
        "estimated": True,
        "approximation": not estimate.encoding.exact,
        "chat": estimate.chat,
        "input_tokens": estimate.input_tokens,
        "output_tokens": estimate.output_tokens,
        "prices_at": at,
        "input_cost": money(estimate.input_cost),
        "output_cost": money(estimate.output_cost),
        "cost": money(estimate.cost),
    }


def render_count(document: dict[str, Any], console: Console) -> None:
    """One row: the counts and the cost of one call, flagged as estimates."""
    columns = [Column("model", "left"), Column("encoding", "left"), Column("input tokens"),
               Column("output tokens"), Column("one call")]  # fmt: skip
    encoding = document["encoding"] + (" ≈" if document["approximation"] else "")
    rows = [[
        document["price_model"] or f"{document['model']} (unpriced)", encoding,
        f"{count(document['input_tokens'])} est.", count(document["output_tokens"]),
        usd(document["cost"]),
    ]]  # fmt: skip
    title = f"Tokens of {document['source']}"
    console.print(Group(*fitted_tables(title, columns, rows, console.width, wider="--json")))
    note = (
        f"input {usd(document['input_cost'])} + output {usd(document['output_cost'])}; "
        "token counts estimated with tiktoken from the text"
    )
    if document["approximation"]:
        note += f"; {document['model']} is not an OpenAI model: its own tokenizer may differ"
    console.print(f"{note}; prices of {document['prices_at']}", markup=False)
