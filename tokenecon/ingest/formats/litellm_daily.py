"""LiteLLM proxy: saved daily activity, the answer of the Usage page's endpoints.

``GET /user/daily/activity`` and its siblings ``/team/``, ``/tag/``, ``/organization/``,
``/customer/`` and ``/agent/daily/activity`` (and the ``/aggregated`` form of the user and team
ones) answer a ``SpendAnalyticsPaginatedResponse``: ``{"results": [{date, metrics,
breakdown}], "metadata": {total_spend, …, page, total_pages, has_more}}`` (BerriAI/litellm,
``litellm/types/proxy/management_endpoints/common_daily_activity.py``). A day's ``metrics`` sum
the daily table's rows of that day (``LiteLLM_DailyUserSpend``, ``…TeamSpend``…: one per date,
entity, API key, model and provider); ``breakdown`` sums the same rows again by model, model
group, provider, API key, MCP server, endpoint and entity, each a map keyed by name
(``litellm/proxy/management_endpoints/common_daily_activity.py``, ``update_breakdown_metrics``).

**Rows.** The breakdowns are views of the same spend, so only ``models`` is read (the one that
prices): nothing is counted twice. Inside a model, ``api_key_breakdown`` splits it by key: one
row per day x model x API key, with the key's alias, team and user from its ``metadata``. What
a model's keys do not cover (keys past ``metadata.api_key_limit``: the response lists the top
keys by spend; PTU rows) is a row of the model without a key; a model without keys is one row.
What the models do not cover (a day's rows without a model: MCP tool calls) is a row of model
:data:`REST_MODEL` with the gap's spend and counts. So a day's rows add up to its ``metrics``;
a breakdown that adds up to *more* than its total is a rejected row that says so. Proxies of
v1.65 wrote a model's counts flat in its entry, without ``metrics``: both shapes are read.

**Tokens.** ``prompt_tokens`` includes cache reads and writes, as in the spend logs
(:mod:`.litellm`): ``litellm/proxy/db/db_spend_update_writer.py``
(``_common_add_spend_log_transaction_to_daily_transaction``) adds each spend log's own
``prompt_tokens`` to the daily row, and its ``metadata.usage_object``'s
``cache_read_input_tokens`` and ``cache_creation_input_tokens``; on Anthropic routes that
``prompt_tokens`` already holds both (``litellm/llms/anthropic/chat/transformation.py``,
``calculate_usage``: ``prompt_tokens += cache_creation_input_tokens`` and ``+=
cache_read_input_tokens``). So uncached = prompt - read - creation. Creation has no 1-hour
split here (priced as 5-minute writes). Since v1.87.0 the writer also takes OpenAI's shape
(``prompt_tokens_details.cached_tokens``); older proxies wrote no cache reads for it, and that
input is priced as uncached (an upper bound; docs/sources.md). ``api_requests``
(failed ones included) are the requests, ``spend`` (USD) the reported cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.csv_shape import ROW_ERROR
from tokenecon.ingest.formats.base import JSON_KINDS, Format, JSONReport, Normalized, Probe, fields
from tokenecon.ingest.json_objects import json_elements, json_entries, json_type
from tokenecon.ingest.json_records import record_key, unnest_records
from tokenecon.ingest.readers import json_struct, on_duckdb, read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

METRICS = (
    "spend", "prompt_tokens", "completion_tokens", "cache_read_input_tokens",
    "cache_creation_input_tokens", "api_requests", "successful_requests", "failed_requests",
)  # fmt: skip
"""The ``SpendMetrics`` fields read (spend in USD, the rest counts)."""
COUNTS = dict.fromkeys(METRICS, "text")
DAY = {"date": "text", "metrics": COUNTS, "breakdown": {"models": "json"}}
MODEL = {"metrics": COUNTS, **COUNTS, "api_key_breakdown": "json"}
"""A model's entry: ``{metrics, metadata, api_key_breakdown}``, or (v1.65) its counts flat."""
KEY_FIELDS = ("key_alias", "team_id", "user_id", "user_email")
KEY = {"metrics": COUNTS, "metadata": dict.fromkeys(KEY_FIELDS, "text")}
TOKEN_METRICS = METRICS[1:5]
"""The token counts of :data:`METRICS`."""
REST_MODEL = "(not in breakdown.models)"
"""The model of a day's spend and counts that its models do not cover."""
TOLERANCE = 1e-9
"""A gap in spend smaller than this is the float sums' rounding, not spend (USD)."""
STEPS = ("results", "breakdown.models{}", "api_key_breakdown{}")
"""Where a row's record is: a day, a model in it, a key in that (see json_records)."""
NOTES = [
    "one row per day x model x API key (breakdown.models[].api_key_breakdown); what a "
    "model's keys do not cover is a row of the model without a key, what a day's models do "
    f"not cover (calls without a model, e.g. MCP tools) a row of model {REST_MODEL!r}: the "
    "rows add up to each day's metrics, the other breakdowns are not read (docs/sources.md)",
    "prompt_tokens includes cache reads and writes (LiteLLM's convention); cache writes have "
    "no 1-hour split here: priced as 5-minute writes",
]


def _pages(record: dict[str, Any]) -> bool | None:
    """Whether a probed record is a daily activity page (None: it does not say)."""
    results = record.get("results")
    if not isinstance(results, list):
        return False if "results" not in record else None
    for day in results:
        if isinstance(day, dict) and "date" in day:
            return isinstance(day.get("metrics"), dict) and isinstance(day.get("breakdown"), dict)
    metadata = record.get("metadata")
    return (isinstance(metadata, dict) and "total_spend" in metadata) or None


def _number(value: Any) -> ir.FloatingValue:
    return value.cast("string").try_cast("float64")


def _own(entry: ir.StructValue, name: str) -> ir.StringValue:
    """A model's count as written: in its ``metrics``, or flat in the entry (v1.65)."""
    import ibis

    return ibis.coalesce(entry.metrics[name], entry[name])


def _keys_total(keys: ir.ArrayValue, name: str, duckdb: bool) -> ir.FloatingValue:
    """The sum of a count over a model's API keys (null without keys that give it).
    ``duckdb``: the engine (the lambda's argument cannot say)."""

    def count(key: ir.StructValue) -> ir.FloatingValue:
        return _number(json_struct(key["value"], KEY, duckdb).metrics[name])

    return keys.map(count).sums()


def _keys_sum(keys: ir.ArrayValue, name: str, duckdb: bool) -> ir.FloatingValue:
    """The sum of a count over a model's API keys (0 without keys)."""
    return _keys_total(keys, name, duckdb).fill_null(0)


def _model_count(value: Any, name: str, duckdb: bool) -> ir.FloatingValue:
    """A model's count: its own, else the sum of its keys' (null where neither gives it)."""
    import ibis

    entry = json_struct(value, MODEL, duckdb)
    keys = json_entries(entry.api_key_breakdown, duckdb)
    return ibis.coalesce(_number(_own(entry, name)), _keys_total(keys, name, duckdb))


def _model_total(value: Any, name: str, duckdb: bool) -> ir.FloatingValue:
    """A model's count, 0 where it gives none."""
    return _model_count(value, name, duckdb).fill_null(0)


def _blind(entries: ir.ArrayValue, rest: dict[str, ir.StringValue], duckdb: bool) -> Any:
    """Why a day's rest cannot be told, or null: a model gives its spend but no token count
    of a kind (its own row is rejected for it) while the day's count of that kind is more
    than its other models' (the rest would take that model's tokens without its spend). An
    entry that gives neither (not an object) leaves both to the rest, which stays whole."""
    import ibis

    def known(name: str) -> Any:
        def given(e: Any) -> Any:
            spend = _model_count(e["value"], "spend", duckdb)
            return _model_count(e["value"], name, duckdb).notnull() | spend.isnull()

        return given

    return ibis.cases(
        *[
            (
                (~entries.map(known(name)).alls()).fill_null(False)
                & (_number(rest[name]).abs() > TOLERANCE).fill_null(False),
                f"a model of breakdown.models gives no {name}: the day's {name} beyond its "
                "other models cannot be told apart from that model's",
            )
            for name in TOKEN_METRICS
        ],
        else_=ibis.null("string"),
    )


def _covered(entries: ir.ArrayValue, name: str, duckdb: bool) -> ir.FloatingValue:
    """The sum of a count over a day's models (null without models)."""
    return entries.map(lambda e: _model_total(e["value"], name, duckdb)).sums()


def _written(gap: ir.FloatingValue, name: str) -> ir.StringValue:
    """A computed gap as text: counts whole, spend to 12 places."""
    if name == "spend":
        return gap.round(12).cast("string")
    return gap.round(0).cast("int64").cast("string")


def _gaps(
    totals: dict[str, Any], parts: dict[str, Any], whose: str, add_up: str
) -> tuple[dict[str, ir.StringValue], ir.BooleanValue, ir.StringValue]:
    """``totals`` (text) less ``parts``, per count: the gaps as text (null where the total is
    not given), whether any is not zero, and why the row is damage: a total that is no number,
    or parts that exceed it (``{add_up} more than {whose} spend``)."""
    import ibis

    gaps = {name: _number(totals[name]) - parts[name] for name in METRICS}
    nonzero = ibis.or_(*[gap.abs() > TOLERANCE for gap in gaps.values()]).fill_null(False)
    reasons = [
        (totals[name].notnull() & _number(totals[name]).isnull(),
         f"{whose} {name}: '" + totals[name].cast("string") + "' is not a number")
        for name in METRICS
    ]  # fmt: skip
    reasons += [
        (gap < -TOLERANCE, f"{add_up} more than {whose} {name}") for name, gap in gaps.items()
    ]
    reason = ibis.cases(*reasons, else_=ibis.null("string"))
    return {name: _written(gap, name) for name, gap in gaps.items()}, nonzero, reason


KEEP = "tokenecon_keep"


def _row(
    table: ir.Table, model: Any, counts: dict[str, Any], error: Any, keep: Any = True, **key: Any
) -> ir.Table:
    """The raw rows: day, model, the key's fields, the counts as text, why a row is damage;
    only those that ``keep`` holds for."""
    import ibis

    fields = {name: key.get(name, ibis.null("string")) for name in ("api_key", *KEY_FIELDS)}
    rows = table.select(
        *record_key(table),
        date=table.date,
        model=model,
        **fields,
        **{name: counts[name].cast("string") for name in METRICS},
        **{ROW_ERROR: error, KEEP: ibis.literal(True) if keep is True else keep},
    )
    return rows.filter(rows[KEEP]).drop(KEEP)


def _not_object(value: Any, what: str) -> ir.StringValue:
    """Why a value that must be an object is damage (null when it is one, or is null)."""
    import ibis

    kind = json_type(value)
    return ibis.cases((kind.notnull() & (kind != "OBJECT"), f"{what}: not an object"), else_=None)


def _not_map(value: Any, what: str) -> ir.StringValue:
    """As :func:`_not_object`, for a map that may be left out (absent or JSON null)."""
    import ibis

    return ibis.cases(
        (json_type(value) == "NULL", ibis.null("string")), else_=_not_object(value, what)
    )


class LiteLLMDailyActivity(JSONReport):
    """Saved pages of LiteLLM's daily activity: one row per day x model x API key."""

    name = "litellm_daily_activity"
    title = "LiteLLM daily activity (/user/daily/activity, team, tag, org pages)"
    materialize = True

    def detect(self, probe: Probe) -> bool:
        """``{results: [{date, metrics, breakdown}], metadata}`` pages (a damaged page among
        them is read, and rejected)."""
        if probe.source.kind not in JSON_KINDS:
            return False
        if probe.records:
            said = [_pages(r) for r in probe.records]
            return False not in said and True in said
        head = probe.text  # a file too large to parse whole: its head
        return all(f'"{k}"' in head for k in ("results", "date", "metrics", "breakdown"))

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """Days unnested from pages, models from the days' ``breakdown.models``, keys from the
        models' ``api_key_breakdown``; each level's rest beside its parts."""
        import ibis

        raw = read_json(con, source, {"results": "json"}, lines=True)
        broken = raw[ROW_ERROR] if ROW_ERROR in raw.columns else ibis.null("string")
        page_error = ibis.coalesce(
            broken,
            ibis.cases(
                (raw.results.isnull(), "no results: not a daily activity page"),
                (json_type(raw.results) != "ARRAY", "results: not a list"),
                else_=ibis.null("string"),
            ),
        )
        pages = raw.select(*record_key(raw), page_error=page_error, day=json_elements(raw.results))
        days = unnest_records(pages, "day", keep_empty=True)
        days = days.filter(days.day.notnull() | days.page_error.notnull())
        day = json_struct(days.day, DAY)
        models = day.breakdown.models
        days = days.select(
            *record_key(days),
            date=day.date,
            entries=json_entries(models),
            error=ibis.coalesce(
                days.page_error,
                _not_object(days.day, "a day of results"),
                _not_map(models, "breakdown.models"),
            ),
            **{f"day_{name}": day.metrics[name] for name in METRICS},
        )
        duckdb = on_duckdb(days.date) is not False
        covered = {name: _covered(days.entries, name, duckdb) for name in METRICS}
        rest, uncovered, over = _gaps(
            {name: days[f"day_{name}"] for name in METRICS},
            {name: part.fill_null(0) for name, part in covered.items()},
            "the day's",
            "breakdown.models add up to",
        )
        error = ibis.coalesce(days.error, over, _blind(days.entries, rest, duckdb))
        rest_rows = _row(days, ibis.literal(REST_MODEL), rest, error, error.notnull() | uncovered)
        return ibis.union(*self._model_rows(days, duckdb), rest_rows)

    def _model_rows(self, days: ir.Table, duckdb: bool) -> tuple[ir.Table, ir.Table]:
        """The rows of the days' models: a row per key, and each model's rest."""
        import ibis

        models = unnest_records(days, "entries")
        value = models.entries["value"]
        entry = json_struct(value, MODEL)
        breakdown = entry.api_key_breakdown
        models = models.select(
            *record_key(models),
            date=models.date,
            model=models.entries["name"],
            api_keys=json_entries(breakdown),
            error=ibis.coalesce(
                _not_object(value, "the model's entry"), _not_map(breakdown, "api_key_breakdown")
            ),
            **{f"own_{name}": _own(entry, name) for name in METRICS},
        )
        own = {name: models[f"own_{name}"] for name in METRICS}
        keyed = models.api_keys.length().fill_null(0) > 0
        rest, uncovered, over = _gaps(
            own,
            {name: _keys_sum(models.api_keys, name, duckdb) for name in METRICS},
            "the model's",
            "api_key_breakdown adds up to",
        )
        # without keys the model's counts are its row, as written (their own checks apply)
        counts = {name: ibis.cases((keyed, rest[name]), else_=own[name]) for name in METRICS}
        idle = ibis.and_(*[_number(c).fill_null(0) == 0 for c in own.values()])
        error = ibis.coalesce(models.error, ibis.cases((keyed, over), else_=None))
        keep = error.notnull() | ibis.cases((keyed, uncovered), else_=~idle)
        rest_rows = _row(models, models.model, counts, error, keep)
        keys = unnest_records(models, "api_keys")
        key = json_struct(keys.api_keys["value"], KEY)
        key_rows = _row(
            keys,
            keys.model,
            {name: key.metrics[name] for name in METRICS},
            _not_object(keys.api_keys["value"], "the key's entry"),
            api_key=keys.api_keys["name"],
            **{name: key.metadata[name] for name in KEY_FIELDS},
        )
        return key_rows, rest_rows

    def record_steps(self, source: SourceFile) -> tuple[str, ...]:
        """Keys in models in days of pages."""
        return STEPS

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive prompt tokens, cache reads and writes apart; the key's alias as the key."""
        import ibis

        return Normalized.of(
            {
                "timestamp": (raw.date, "results[].date"),
                "model": (raw.model, f"breakdown.models key; the rest of a day: {REST_MODEL}"),
                "input_tokens": (raw.prompt_tokens, "prompt_tokens (inclusive of cache)"),
                **fields(raw, cache_read_tokens="cache_read_input_tokens"),
                "cache_write_tokens": (
                    raw.cache_creation_input_tokens,
                    "cache_creation_input_tokens (5-minute)",
                ),
                **fields(raw, output_tokens="completion_tokens"),
                "requests": (raw.api_requests, "api_requests (failed included)"),
                "reported_cost": (raw.spend, "spend (USD)"),
                "api_key": (
                    ibis.coalesce(raw.key_alias.nullif(""), raw.api_key),
                    "api_key_breakdown: metadata.key_alias | the key's hash",
                ),
                "team": (raw.team_id, "api_key_breakdown[].metadata.team_id"),
                "user": (raw.user_id, "api_key_breakdown[].metadata.user_id"),
            },
            {
                "api_key_hash": raw.api_key,
                "user_email": raw.user_email,
                "successful_requests": raw.successful_requests,
                "failed_requests": raw.failed_requests,
            },
            convention="inclusive",
            notes=NOTES,
        )


FORMATS: list[Format] = [LiteLLMDailyActivity()]
