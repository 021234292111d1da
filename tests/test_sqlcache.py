"""The compiled-SQL cache (tokenecon/engine/sqlcache.py, tokenecon/aggregate/memo.py): a run
that reads the same inputs again replays its SQL without Ibis and gives the same report, and a
changed file, price book or mapping, or a corrupt entry, never yields another run's figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli
from tokenecon.engine import sqlcache


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A copy of the hand-checked fixture (usage, book, mapping and its outcome files)."""
    folder = tmp_path / "inputs"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("conformance", "exports"))
    return folder


def report(folder: Path, *extra: str) -> dict[str, Any]:
    result = run_cli(
        "analyze", str(folder / "small.csv"), "--prices", str(folder / "book.yaml"),
        "--no-default-prices", "--outcomes", str(folder / "mapping.yaml"), "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def cold(folder: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> dict[str, Any]:
    """The report with the cache off."""
    with monkeypatch.context() as m:
        m.setenv("TOKENECON_CACHE_DIR", "off")
        return report(folder, *extra)


def test_a_second_run_replays_and_gives_the_same_report(
    cache: Path, replays: list[int], inputs: Path
) -> None:
    first = report(inputs)
    assert replays == [] and len(list((cache / "sql").glob("*.entry"))) == 1
    second = report(inputs)
    assert replays == [2]  # the duplicate pre-pass (its recorded result) and the main query
    assert second == first
    # the figures are the hand-checked ones (test_analyze_small.py): replayed, not guessed
    assert second["totals"]["rows_read"] == 12
    assert second["totals"]["cost"] == first["totals"]["cost"]


def test_changed_usage_at_the_same_path_is_read_afresh(
    cache: Path, replays: list[int], inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = report(inputs)
    usage = inputs / "small.csv"
    stat = usage.stat()
    text = usage.read_text()
    # same size and modification time, other tokens: only the content tells them apart
    changed = text.replace(",1000,4000,,,500,", ",9000,4000,,,500,", 1)
    assert changed != text and len(changed) == len(text)
    usage.write_text(changed)
    os.utime(usage, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = report(inputs)
    assert replays == []  # a new key: compiled again
    assert after == cold(inputs, monkeypatch)
    assert after["totals"]["tokens"]["uncached_input"] == (
        before["totals"]["tokens"]["uncached_input"] + 8000
    )


def test_changed_prices_with_a_warm_cache(
    cache: Path, replays: list[int], inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = report(inputs)
    book = inputs / "book.yaml"
    book.write_text(book.read_text().replace("input: 0.40,", "input: 4.00,"))
    after = report(inputs)
    assert replays == [2]  # prices are applied after the query: the SQL is the same
    assert after == cold(inputs, monkeypatch)
    assert after["totals"]["cost"] != before["totals"]["cost"]


def test_changed_outcome_events_with_a_warm_cache(
    cache: Path, replays: list[int], inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = report(inputs)
    events = inputs / "outcomes" / "support.csv"
    lines = events.read_text().splitlines(keepends=True)
    events.write_text("".join(lines[:1] + lines[2:]))  # one verified outcome fewer (or one row)
    after = report(inputs)
    assert replays == []
    assert after == cold(inputs, monkeypatch)
    assert after != before


def test_changed_mapping_with_a_warm_cache(
    cache: Path, replays: list[int], inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report(inputs)
    mapping = inputs / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("use_case: code-*", "use_case: nothing-*"))
    after = report(inputs)
    assert replays == []
    assert after == cold(inputs, monkeypatch)
    names = {u["name"]: u for u in after["use_cases"]}
    assert names["code-review"]["requests"] == 0 or "code-review" not in names


def test_other_options_are_other_keys(cache: Path, replays: list[int], inputs: Path) -> None:
    report(inputs)
    by_team = report(inputs, "--by", "team")
    assert replays == []
    assert by_team["breakdown"]
    report(inputs, "--by", "team")
    assert replays == [2]


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_corrupt_entry_is_ignored(
    cache: Path, replays: list[int], inputs: Path, garbage: bytes
) -> None:
    first = report(inputs)
    (entry,) = (cache / "sql").glob("*.entry")
    entry.write_bytes(garbage)
    assert report(inputs) == first
    assert replays == []
    assert entry.read_bytes() != garbage  # written again, whole
    assert report(inputs) == first and replays == [2]


def test_an_entry_under_another_name_is_not_used(
    cache: Path, replays: list[int], inputs: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.csv"
    other.write_text((inputs / "small.csv").read_text().replace(",500,", ",700,"))
    report(inputs)
    (entry,) = (cache / "sql").glob("*.entry")
    run = run_cli(
        "analyze", str(other), "--prices", str(inputs / "book.yaml"), "--no-default-prices",
        "--outcomes", str(inputs / "mapping.yaml"), "--json",
    )  # fmt: skip
    keys = {p.name for p in (cache / "sql").glob("*.entry")} - {entry.name}
    (new,) = keys
    shutil.copy(entry, cache / "sql" / new)  # the first run's entry under the second's key
    again = run_cli(
        "analyze", str(other), "--prices", str(inputs / "book.yaml"), "--no-default-prices",
        "--outcomes", str(inputs / "mapping.yaml"), "--json",
    )  # fmt: skip
    assert replays == []
    assert json.loads(again.stdout) == json.loads(run.stdout)


def test_the_cache_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inputs: Path
) -> None:
    monkeypatch.setenv("TOKENECON_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    report(inputs)
    assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv("TOKENECON_CACHE_DIR")
    assert sqlcache.cache_folder() == tmp_path / "xdg" / "tokenecon" / "sql"


def test_rejected_rows_keep_their_lines_when_replayed(
    cache: Path, replays: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ("analyze", "examples/usage-2026-10.csv", "--outcomes", "examples/outcomes.yaml")
    first = run_cli(*args, "--json")
    second = run_cli(*args, "--json")
    assert replays == [2]
    assert second.stdout == first.stdout
    rejected = json.loads(second.stdout)["rejected"]
    assert rejected["count"] == 3
    assert [r["line"] for r in rejected["rows"]] == [2504, 6506, 10508]


def test_a_replayed_run_imports_no_ibis(tmp_path: Path) -> None:
    usage = tmp_path / "two.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens\n"
        "2026-10-01T00:00:00Z,gpt-4.1-mini,100,20\n"
        "2026-10-01T01:00:00Z,gpt-4.1-mini,200,30\n"
    )
    script = (
        "import sys\n"
        "from tokenecon.cli.main import app\n"
        f"try: app(['analyze', {str(usage)!r}, '--json'])\n"
        "except SystemExit: pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'ibis', 'sqlglot', 'pandas'}),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "TOKENECON_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONPATH"] = str(ROOT)
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert runs[0].stderr.strip().endswith("['ibis', 'sqlglot']")
    assert runs[1].stderr.strip().endswith("[]")
    assert runs[1].stdout == runs[0].stdout
    assert json.loads(runs[1].stdout)["totals"]["tokens"]["billable"] == 350


def test_only_the_duckdb_compiler_is_imported() -> None:
    script = (
        "import sys\n"
        "from tokenecon.engine.connect import EngineOptions, connect\n"
        "con = connect(EngineOptions())\n"
        "print(con.to_pyarrow(con.sql('SELECT 41 + 1 AS n'))['n'][0].as_py())\n"
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules"
        " if m.startswith('ibis.backends.sql.compilers.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "42"
    assert out[1] == "['_compat', 'base', 'duckdb']"


def test_replayed_results_are_typed_by_duckdb() -> None:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    sql = "SELECT SUM(x) AS n, 'a' AS k FROM (VALUES (1), (2), (9007199254740993)) t(x)"
    raw = con.sql(sql).to_arrow_table()
    assert pa.types.is_decimal(raw.schema.field("n").type)  # DuckDB's sum of integers
    wanted = pa.schema([("n", pa.int64()), ("k", pa.string())])
    typed = con.sql(sqlcache._typed(sql, raw.schema, wanted)).to_arrow_table()
    assert typed.schema == wanted
    assert typed.equals(raw.cast(wanted))
    assert typed["n"][0].as_py() == 9007199254740996  # exact, past 2^53
    ordered = sql + " ORDER BY n"
    assert sqlcache._typed(ordered, raw.schema, wanted) == ordered  # order kept as it is
    assert sqlcache._ordered("SELECT * FROM (SELECT a FROM t ORDER BY a) AS s") is False
    assert sqlcache._ordered("SELECT 'ORDER BY' AS a FROM t") is False


def test_a_recording_refuses_what_a_list_of_statements_cannot_repeat() -> None:
    import pyarrow as pa

    from tokenecon.engine.connect import EngineOptions, connect

    con = connect(EngineOptions())
    with sqlcache.recording(con) as notes:
        con.con.execute("CREATE TEMP VIEW v AS SELECT 1 AS a")
    assert notes.replayable and notes.statements == [
        ("execute", "CREATE TEMP VIEW v AS SELECT 1 AS a", None)
    ]
    with sqlcache.recording(con) as notes:
        con.con.register("python_table", pa.table({"a": [1]}))
    assert not notes.replayable
    with sqlcache.recording(con) as notes:
        con.con.sql("CREATE TEMP TABLE t AS SELECT 1 AS a")
    assert not notes.replayable


def test_concurrent_writers_never_leave_half_an_entry(cache: Path) -> None:
    import threading

    key = "k" * 64
    state = list(range(200_000))
    seen: list[object] = []
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            sqlcache.store(sqlcache.Entry(key, state=state))

    def read() -> None:
        for _ in range(200):
            entry = sqlcache.load(key)
            seen.append(None if entry is None else entry.state == state)

    sqlcache.store(sqlcache.Entry(key, state=state))  # one in place before the race
    writers = [threading.Thread(target=write) for _ in range(2)]
    for w in writers:
        w.start()
    read()
    stop.set()
    for w in writers:
        w.join()
    assert seen == [True] * 200  # replaced whole, never missing nor half-written
    assert not [p for p in (cache / "sql").iterdir() if p.name.startswith(".entry-")]


def test_a_json_source_read_into_a_table_replays_its_rows(cache: Path) -> None:
    # JSON sources are parsed once into a temporary table that Ibis creates and then fills
    # on the connection DuckDB hands back: a replay that created the table without filling
    # it priced nothing ($0.00, 0 rows read) from the second run on.
    otel = FIXTURES / "conformance" / "same_call_otel.jsonl"
    args = ("analyze", str(otel), "--prices", str(FIXTURES / "book.yaml"), "--no-default-prices")
    runs = [json.loads(run_cli(*args, "--json").stdout) for _ in range(3)]
    assert [r["totals"]["cost"] for r in runs] == ["0.007412"] * 3
    assert [r["totals"]["rows_read"] for r in runs] == [1, 1, 1]


def test_a_mapping_read_again_is_kept_parsed_with_its_lines(cache: Path, inputs: Path) -> None:
    from tokenecon.attribute.mapping import load_mapping
    from tokenecon.errors import MappingError

    mapping = inputs / "mapping.yaml"
    first = load_mapping(mapping)
    assert len(list((cache / "yaml").glob("*.entry"))) == 1
    again = load_mapping(mapping)
    assert again == first
    assert [u.name for u in again.use_cases] == [u.name for u in first.use_cases]
    # a changed file is a new key: its own content, never the kept one
    text = mapping.read_text()
    mapping.write_text(
        text.replace("use_cases:", "use_cases:\n  extra-case:\n    match: {team: nobody}", 1)
    )
    changed = load_mapping(mapping)
    assert changed.use_cases[0].name == "extra-case"
    assert changed.sha256 != first.sha256
    # a file that fails to load fails the same way every time, with its line, and is not kept
    mapping.write_text("use_cases:\n  a: [\n")
    errors = []
    for _ in range(2):
        with pytest.raises(MappingError) as caught:
            load_mapping(mapping)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and f"{mapping}:" in errors[0]
    assert len(list((cache / "yaml").glob("*.entry"))) == 2


def test_a_replayed_run_with_a_mapping_imports_no_yaml(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from tokenecon.cli.main import run\n"
        f"sys.argv = ['tokenecon', 'analyze', {str(ROOT / 'examples' / 'usage-2026-10.csv')!r},"
        f" '--outcomes', {str(ROOT / 'examples' / 'outcomes.yaml')!r}, '--json']\n"
        "try: run()\n"
        "except SystemExit: pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'ibis', 'sqlglot'}),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "TOKENECON_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert runs[0].stderr.strip().endswith("['ibis', 'sqlglot', 'yaml']")
    assert runs[1].stderr.strip().endswith("[]")
    assert runs[1].stdout == runs[0].stdout


def test_a_replay_queries_only_the_main_query(
    cache: Path, inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The duplicate pre-pass reads only files whose content is in the key: a replay takes its
    recorded result instead of querying it again; the rehearsal before an entry is stored
    runs every query."""
    sent: list[list[str]] = []
    real = sqlcache._send

    def noted(raw: Any, entry: sqlcache.Entry, known: int) -> Any:
        results = real(raw, entry, known)
        sent.append(["queried" if t is not None else "recorded" for t in results])
        return results

    monkeypatch.setattr(sqlcache, "_send", noted)
    first = report(inputs)
    assert sent == [["queried", "queried"]]  # the rehearsal
    second = report(inputs)
    assert sent[1:] == [["recorded", "queried"]]
    assert second == first
    assert second["duplicates"] == first["duplicates"] and first["duplicates"]["count"] > 0
