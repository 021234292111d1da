-- The plain hand-written DuckDB query that does what `tokenecon analyze` does with
-- benchmarks/outcomes.yaml: parse every column, reject impossible rows, keep one row per
-- request id, attribute use cases, and sum tokens at the pricing grain (use case x model x
-- day x service tier x side of the long-context cliff), with distinct tasks per use case.
-- {source} is replaced by the reader of the usage file: read_csv with every column as text
-- (benchmarks/run.py CSV_SOURCE) or read_parquet.
WITH parsed AS (
  SELECT
    TRY_CAST("timestamp" AS TIMESTAMP) AS ts, model, lower(service_tier) AS tier, use_case, team,
    tags, task_id, request_id,
    TRY_CAST(uncached_input_tokens AS DOUBLE) AS ui, TRY_CAST(cache_read_tokens AS DOUBLE) AS cr,
    TRY_CAST(cache_write_tokens AS DOUBLE) AS cw, TRY_CAST(cache_write_1h_tokens AS DOUBLE) AS cw1,
    TRY_CAST(output_tokens AS DOUBLE) AS o, TRY_CAST(reasoning_tokens AS DOUBLE) AS r,
    TRY_CAST(requests AS DOUBLE) AS req
  FROM {source}
), checked AS (
  SELECT *,
    coalesce(ts IS NULL OR model IS NULL OR ui < 0 OR cr < 0 OR cw < 0 OR cw1 < 0 OR o < 0
             OR r < 0 OR r > coalesce(o, 0), false) AS bad,
    CASE
      WHEN use_case = 'support-bot' THEN 'support-triage'
      WHEN use_case = 'lead-scoring' THEN 'lead-scoring'
      WHEN team = 'legal' AND json_extract_string(tags, '$.feature') = 'contract-drafting'
        THEN 'contract-drafting'
      WHEN use_case = 'code-review' THEN 'code-review'
      WHEN use_case = 'meeting-notes' THEN 'meeting-summaries'
    END AS uc
  FROM parsed
), deduped AS (
  SELECT DISTINCT ON (request_id) * FROM checked WHERE NOT bad
), grain AS (
  SELECT uc,
    CASE WHEN uc IN ('support-triage', 'contract-drafting', 'code-review') THEN task_id END
      AS task_key,
    model, ts::DATE AS day, tier,
    CASE WHEN coalesce(ui, 0) + coalesce(cr, 0) + coalesce(cw, 0) + coalesce(cw1, 0) > 200000
      THEN 200000 ELSE 0 END AS prompt_class,
    count(*) AS n, sum(req) AS req, sum(ui) AS ui, sum(cr) AS cr, sum(cw) AS cw,
    sum(cw1) AS cw1, sum(o) AS o, sum(r) AS r
  FROM deduped GROUP BY ALL
)
SELECT 'sums' AS kind, uc, model, day, tier, prompt_class, sum(n) AS n, sum(req) AS req,
  sum(ui) AS ui, sum(cr) AS cr, sum(cw) AS cw, sum(cw1) AS cw1, sum(o) AS o, sum(r) AS r
FROM grain GROUP BY ALL
UNION ALL
SELECT 'tasks', uc, NULL, NULL, NULL, NULL,
  count(DISTINCT task_key) + sum(CASE WHEN task_key IS NULL THEN req ELSE 0 END),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM grain GROUP BY uc
UNION ALL
SELECT 'rejected', NULL, NULL, NULL, NULL, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM checked WHERE bad
