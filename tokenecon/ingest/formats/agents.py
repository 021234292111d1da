"""Coding-agent logs: Claude Code session JSONL and OpenAI Codex CLI rollouts.

Claude Code (``~/.claude/projects/<dir>/<session>.jsonl``, subagents under
``<session>/subagents/``; pass the folder): one line per content block of a response, so a
response repeats under one (message id, request id) and only its last block carries the final
output count — the duplicate rule (largest count per bucket) keeps that one. Inputs are
exclusive (Anthropic usage); ``<synthetic>`` lines are written by Claude Code itself, never
billed, and skipped. The session id (shared by a session's subagents) is the task.

Codex (``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl``): ``token_count`` events carry
cumulative totals and the last turn's usage; the per-turn ``last_token_usage`` is read (where
an event lacks it, the difference from the file's previous cumulative total), and a repeated
event (same cumulative total) is one turn. Input includes cached input; reasoning is
part of output (Codex's own ``blended_total`` = non-cached input + output). The model is the
one of the latest ``turn_context`` before the event in the same file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.ingest.csv_shape import ROW_ERROR
from tokenecon.ingest.formats.base import JSON_KINDS, Format, Normalized, Probe
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

CLAUDE_CODE = {
    **dict.fromkeys(
        ("type", "timestamp", "sessionId", "requestId", "cwd", "gitBranch", "agentId",
         "isSidechain", "version", "costUSD", "isApiErrorMessage"),
        "text",
    ),
    "message": {
        "id": "text",
        "role": "text",
        "model": "text",
        "usage": {
            **dict.fromkeys(
                ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
                 "output_tokens", "service_tier", "inference_geo", "speed"),
                "text",
            ),
            "cache_creation": {"ephemeral_5m_input_tokens": "text",
                               "ephemeral_1h_input_tokens": "text"},
        },
    },
}  # fmt: skip
USAGE = {k: "text" for k in ("input_tokens", "cached_input_tokens", "output_tokens",
                             "reasoning_output_tokens", "total_tokens")}  # fmt: skip
CODEX = {
    "timestamp": "text",
    "type": "text",
    "payload": {
        "type": "text",
        "model": "text",
        "cwd": "text",
        "info": {"model": "text", "last_token_usage": USAGE, "total_token_usage": USAGE},
    },
}


def _is_response(message: object) -> bool:
    """Whether a line's ``message`` is a model response with usage (Anthropic's shape)."""
    return (
        isinstance(message, dict)
        and isinstance(message.get("usage"), dict)
        and "output_tokens" in message["usage"]
        and isinstance(message.get("model"), str)
    )


def _billed(raw: ir.Table) -> ir.BooleanValue:
    """Assistant lines with usage, other than the <synthetic> ones Claude Code writes itself
    (never billed). Older logs (and ccusage's fixtures) write no line type: the message's role
    tells."""
    import ibis

    assistant = ibis.coalesce(raw.type, raw.message.role, ibis.literal("assistant"))
    return (
        (assistant == "assistant")
        & raw.message.usage.output_tokens.notnull()
        & (raw.message.model.fill_null("") != "<synthetic>")
    )


def request_key(raw: ir.Table) -> tuple[ir.StringValue, ir.BooleanValue]:
    """A Claude Code response's dedup key, ``message.id:requestId``, and whether the line is a
    /btw replay.

    A /btw side question writes sidechain copies of parent lines: the same message id under a
    new request id. Such a copy (a replay) takes the request id of the parent (non-sidechain)
    line with that message id, so that it is the same request. A line with neither id has no
    key (null): it is never merged with another.
    """
    import ibis

    message_id = raw.message.id.nullif("")
    request_id = raw.requestId.nullif("")
    sidechain = (raw.isSidechain.lower() == "true").fill_null(False)
    main_line = ibis.cases((~sidechain, request_id), else_=ibis.null("string"))
    parent = main_line.max().over(ibis.window(group_by=message_id))
    replay = sidechain & message_id.notnull() & parent.notnull()
    own = ibis.cases((replay, parent), else_=request_id)
    key = ibis.cases(
        (message_id.isnull() & request_id.isnull(), ibis.null("string")),
        else_=message_id.fill_null("") + ":" + own.fill_null(""),
    )
    return key, replay


def _token_fields(raw: ir.Table) -> dict[str, ir.StringValue]:
    """A line's token counts by canonical bucket (5m/1h cache writes where the line splits
    them, else its one cache-write count)."""
    import ibis

    usage = raw.message.usage
    split = usage.cache_creation
    has_split = split.ephemeral_5m_input_tokens.notnull() | (
        split.ephemeral_1h_input_tokens.notnull()
    )
    return {
        "uncached_input_tokens": usage.input_tokens,
        "cache_read_tokens": usage.cache_read_input_tokens,
        "cache_write_tokens": ibis.cases(
            (has_split, split.ephemeral_5m_input_tokens), else_=usage.cache_creation_input_tokens
        ),
        "cache_write_1h_tokens": ibis.cases(
            (has_split, split.ephemeral_1h_input_tokens), else_=ibis.null("string")
        ),
        "output_tokens": usage.output_tokens,
    }


def _parent_count(keyed: ir.Table, name: str) -> ir.IntegerScalar:
    """The largest count of a bucket over the non-replay lines of a key (to be windowed)."""
    import ibis

    value = keyed[name].try_cast("int64")
    return ibis.cases((~keyed.replay, value), else_=ibis.null("int64")).max()


class ClaudeCodeJSONL(Format):
    """Claude Code session logs."""

    name = "claude_code_jsonl"
    kinds = JSON_KINDS
    title = "Claude Code session logs (folder or file)"

    def detect(self, probe: Probe) -> bool:
        """Session lines: session id, uuid and parent uuid; or (older logs, without those or a
        line type) a session or request id beside a message with a model and usage."""
        if probe.source.kind != "jsonl":
            return False
        if probe.has("sessionid", "uuid", "parentuuid"):
            return True
        return probe.any_of("sessionid", "requestid") and any(
            _is_response(record.get("message")) for record in probe.records
        )

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The billed lines' fields (content is not read), with each response's dedup key and
        the time of its earliest copy.

        Lines that are not billed responses (prompts, tool results, <synthetic> lines: a
        third of a session) are dropped before the windows that key and date the copies,
        which then sort only the billed lines."""
        import ibis

        raw = read_json(con, source, CLAUDE_CODE, lines=True)
        unreadable = raw[ROW_ERROR].notnull() if ROW_ERROR in raw.columns else False
        raw = raw.filter(_billed(raw) | unreadable)  # a line that is not JSON: rejected
        key, replay = request_key(raw)
        keyed = raw.mutate(request_key=key, replay=replay, **_token_fields(raw))
        by_key = ibis.window(group_by=keyed.request_key)
        # The copies of one response can straddle midnight: all take the earliest copy's time,
        # so that the one kept is counted on the day the request was made.
        first = keyed.timestamp.min().over(by_key)
        # A /btw replay carries the side question's context, not the parent call's: it counts
        # as a copy of the parent line, with the parent's usage (as ccusage keeps it).
        parents = {
            name: ibis.cases(
                (keyed.replay, _parent_count(keyed, name).over(by_key).cast("string")),
                else_=keyed[name],
            )
            for name in _token_fields(raw)
        }
        return keyed.mutate(
            first_time=ibis.cases((keyed.request_key.notnull(), first), else_=keyed.timestamp),
            **parents,
        )

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Assistant lines with usage; 5m/1h cache writes where the line splits them."""
        import ibis

        usage = raw.message.usage
        columns = {
            "timestamp": raw.first_time,
            "provider": ibis.literal("anthropic"),
            "model": raw.message.model,
            **{name: raw[name] for name in _token_fields(raw)},
            "reported_cost": raw.costUSD,
            "service_tier": usage.service_tier,
            "region": usage.inference_geo,
            "project": raw.cwd,
            "task_id": raw.sessionId,
            "session_id": raw.sessionId,
            "request_id": raw.request_key,
        }
        sources = {
            "timestamp": "timestamp (the earliest copy's)", "provider": "(anthropic)",
            "model": "message.model", "uncached_input_tokens": "message.usage.input_tokens",
            "cache_read_tokens": "message.usage.cache_read_input_tokens",
            "cache_write_tokens": "message.usage.cache_creation.ephemeral_5m_input_tokens "
            "| cache_creation_input_tokens",
            "cache_write_1h_tokens": "message.usage.cache_creation.ephemeral_1h_input_tokens",
            "output_tokens": "message.usage.output_tokens", "reported_cost": "costUSD (old logs)",
            "service_tier": "message.usage.service_tier", "region": "message.usage.inference_geo",
            "project": "cwd", "task_id": "sessionId", "session_id": "sessionId",
            "request_id": "message.id:requestId (a /btw sidechain copy: its parent's)",
        }  # fmt: skip
        extras = {"git_branch": raw.gitBranch, "agent_id": raw.agentId,
                  "is_sidechain": raw.isSidechain, "version": raw.version,
                  "speed": usage.speed}  # fmt: skip
        notes = [
            "only assistant lines with usage; <synthetic> lines (written by Claude Code, "
            "never billed) skipped; a response's repeated lines, and /btw sidechain copies "
            "of a parent line, are one request"
        ]
        return Normalized(columns, sources, extras, notes=notes)


class CodexRollouts(Format):
    """Codex CLI session rollouts."""

    name = "codex_jsonl"
    kinds = JSON_KINDS
    title = "OpenAI Codex CLI rollouts (folder or file)"

    def detect(self, probe: Probe) -> bool:
        """Lines of timestamp, type and payload, with Codex's line types."""
        return (
            probe.source.kind == "jsonl"
            and probe.has("timestamp", "type", "payload")
            and any(
                r.get("type") in ("session_meta", "turn_context", "event_msg", "response_item")
                for r in probe.records
            )
        )

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """Every line's type, model and token counts, with its file and latest model."""
        import ibis

        raw = read_json(con, source, CODEX, filename=True, lines=True)
        # Only turn contexts (and lines naming a model) and token events matter: the rest
        # (messages, tool calls: most lines) are dropped before the windows sort each file.
        # A dropped line names no model, so it never starts a turn nor gives one its model.
        unreadable = raw[ROW_ERROR].notnull() if ROW_ERROR in raw.columns else False
        raw = raw.filter(
            (raw.type == "turn_context")
            | raw.payload["model"].nullif("").notnull()
            | ((raw.type == "event_msg") & (raw.payload["type"] == "token_count"))
            | unreadable
        )
        context = raw.payload["model"].nullif("")

        def order(t: ir.Table) -> list[ir.Value]:
            return [t.timestamp, (t.type != "turn_context").cast("int8")]

        # The latest model so far: a running count of turn contexts numbers each turn, and
        # the turn's first line (its context) names the model (portable: no IGNORE NULLS).
        running = ibis.window(
            group_by=raw.filename, order_by=order(raw), preceding=None, following=0
        )
        numbered = raw.mutate(turn=context.count().over(running))
        turn = ibis.window(group_by=[numbered.filename, numbered.turn], order_by=order(numbered))
        modelled = numbered.mutate(model=numbered.payload["model"].nullif("").first().over(turn))
        # Token events with a cumulative total; where an event has no per-turn usage (older
        # logs), the turn is the difference from the file's previous total.
        # The cumulative total: total_tokens, or (a log that leaves it out, as tokscale's
        # fixtures do) input + output, which is what Codex's total_tokens adds up.
        total = modelled.payload.info.total_token_usage
        modelled = modelled.mutate(
            cumulative_total=ibis.coalesce(
                total.total_tokens.try_cast("int64"),
                total.input_tokens.try_cast("int64") + total.output_tokens.try_cast("int64"),
            ).cast("string")
        )
        events = modelled.filter(
            (
                (modelled.type == "event_msg")
                & (modelled.payload["type"] == "token_count")
                & modelled.cumulative_total.notnull()
            )
            | modelled[ROW_ERROR].notnull()  # a line that is not JSON: rejected, not skipped
        )
        previous = ibis.window(group_by=events.filename, order_by=events.timestamp)
        cumulative = events.payload.info.total_token_usage
        # A turn's key: the first time its cumulative total appears in the file. A repeated
        # event shares it; so does a forked session's copy of its parent's events (same times,
        # same totals), which a key by file would count again.
        first_seen = events.timestamp.min().over(
            ibis.window(group_by=[events.filename, events.cumulative_total])
        )
        deltas = {
            f"delta_{field}": cumulative[field].try_cast("int64")
            - cumulative[field].try_cast("int64").lag().over(previous).fill_null(0)
            for field in USAGE
        }
        return events.mutate(first_seen=first_seen, **deltas)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """The last turn's usage of each token_count event; inclusive input."""
        import ibis

        last = raw.payload.info.last_token_usage

        def turn(field: str) -> ir.Value:
            return ibis.coalesce(last[field], raw[f"delta_{field}"].cast("string"))

        session = raw.filename.re_extract(r"([0-9a-f]{8}-[0-9a-f-]{27})\.jsonl$", 1).nullif("")
        session = ibis.coalesce(session, raw.filename)
        columns = {
            "timestamp": raw.timestamp,
            "provider": ibis.literal("openai"),
            "model": ibis.coalesce(raw.payload.info.model.nullif(""), raw.model),
            "input_tokens": turn("input_tokens"),
            "cache_read_tokens": turn("cached_input_tokens"),
            "output_tokens": turn("output_tokens"),
            "reasoning_tokens": turn("reasoning_output_tokens"),
            "task_id": session,
            "session_id": session,
            "request_id": raw.first_seen + "|" + raw.cumulative_total,
        }
        sources = {
            "timestamp": "timestamp", "provider": "(openai)",
            "model": "payload.info.model | payload.model of the latest turn_context",
            "input_tokens": "payload.info.last_token_usage.input_tokens (inclusive of cached; "
            "else the difference of total_token_usage)",
            "cache_read_tokens": "last_token_usage.cached_input_tokens",
            "output_tokens": "last_token_usage.output_tokens",
            "reasoning_tokens": "last_token_usage.reasoning_output_tokens",
            "task_id": "session (file name)", "session_id": "session (file name)",
            "request_id": "first time of total_token_usage.total_tokens (else input + output) "
            "in the file|the total",
        }  # fmt: skip
        notes = [
            "per-turn usage of token_count events (or the difference of cumulative totals); "
            "a repeated event, and a forked session's copy of its parent's, is one turn"
        ]
        return Normalized(columns, sources, {}, convention="inclusive", notes=notes)


FORMATS: list[Format] = [ClaudeCodeJSONL(), CodexRollouts()]
