"""Exit codes (docs/exit-codes.md): 2 bad input with a Hint, 3 an internal error in one line
(the traceback under --debug), 130 on Ctrl-C with no file written, 1 only for a threshold."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

SMALL = str(FIXTURES / "small.csv")
BOOK = ("--prices", str(FIXTURES / "book.yaml"), "--no-default-prices")


def _boom(*_: object, **__: object) -> None:
    raise ValueError("boom\nsecond line of an engine's message")


def test_internal_error_is_exit_3_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tokenecon.report.analyze.analyze", _boom)
    result = run_cli("analyze", SMALL, *BOOK)
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: internal error: ValueError: boom"
    assert lines[1].startswith("Hint: this is a bug in tokenecon") and "--debug" in lines[1]
    assert len(lines) == 2
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tokenecon.report.analyze.analyze", _boom)
    result = run_cli("--debug", "analyze", SMALL, *BOOK)
    assert result.exit_code == 3
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert 'in _boom\n    raise ValueError("boom' in result.stderr
    assert "Error: internal error: ValueError: boom" in result.stderr


def test_debug_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tokenecon.report.analyze.analyze", _boom)
    monkeypatch.setenv("TOKENECON_DEBUG", "1")
    assert "Traceback" in run_cli("analyze", SMALL, *BOOK).stderr


def test_an_error_raised_without_a_hint_still_gets_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenecon.errors import MappingError, OptionError

    def bad_option(*_: object, **__: object) -> None:
        raise OptionError("--max-attempts: 'abc' is not a number")

    monkeypatch.setattr("tokenecon.whatif.run.run_whatif", bad_option)
    result = run_cli("whatif", SMALL, *BOOK, "--max-attempts", "2")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --max-attempts: 'abc' is not a number\n"
        "Hint: `tokenecon whatif --help` lists the options and their values (docs/cli.md)\n"
    )
    hint = MappingError("m.yaml:3: no outcomes").hint
    assert hint == "see docs/mapping.md for the outcome mapping"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("whatif",), "Missing argument 'USAGE'"),  # analyze alone reads the agent logs
        (("analyze", SMALL, "--bogus"), "No such option: --bogus"),
        (("nosuchcommand",), "No such command 'nosuchcommand'"),
        (("diff", "a.json"), "Missing argument 'HEAD.json'"),
    ],
)
def test_usage_errors_are_exit_2_with_a_hint(args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {message}")
    assert "\nHint: `tokenecon" in result.stderr and "--help` lists what it takes" in result.stderr


def test_keyboard_interrupt_is_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("tokenecon.report.analyze.analyze", interrupted)
    result = run_cli("analyze", SMALL, *BOOK, "--save", str(tmp_path / "r.json"))
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: no file was left half-written.\n"
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_that_the_engine_reports_as_its_own_error_is_still_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DuckDB turns Ctrl-C into an InterruptException, which a reader wraps as a "cannot read"
    error with a hint about --map: that used to be exit 2. A real SIGINT arrives here."""
    from tokenecon.errors import UsageInputError

    def engine(*_: object, **__: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the signal interrupts this
        except BaseException as exc:  # as an engine catches it
            raise UsageInputError("usage.csv: cannot read: INTERRUPT Error", "check --map") from exc

    monkeypatch.setattr("tokenecon.report.analyze.analyze", engine)
    result = run_cli("analyze", SMALL, *BOOK)
    assert result.exit_code == 130
    assert "--map" not in result.stderr


def _sigint_after(
    args: list[str], started: float, read: int = 0, **kwargs: object
) -> subprocess.CompletedProcess:
    """Run tokenecon in a process of its own and send it SIGINT after ``started`` seconds, or,
    given ``read``, once it has read that many bytes (the engine is then scanning: a fixed
    delay can come after a fast machine has finished)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tokenecon.cli.main", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell may start background jobs with SIGINT ignored: give the child the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kwargs,  # type: ignore[call-overload]
    )
    deadline = time.monotonic() + started
    while time.monotonic() < deadline and process.poll() is None:
        if read and _bytes_read(process.pid) >= read:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def _bytes_read(pid: int) -> int:
    """What a process has read so far (Linux's count of its reads, cached ones included)."""
    try:
        with open(f"/proc/{pid}/io") as io:
            return next(int(line.split()[1]) for line in io if line.startswith("rchar:"))
    except (OSError, StopIteration):
        return 0


def test_sigint_to_a_running_process_is_130_and_keeps_the_previous_file(tmp_path: Path) -> None:
    """Ctrl-C while the usage is still arriving on stdin: exit 130, and the report saved the
    month before is left as it was."""
    previous = tmp_path / "report.json"
    previous.write_text("last month's report\n")
    read, write = os.pipe()
    os.write(write, b"timestamp,model,input_tokens,output_tokens\n2026-10-01,gpt-4.1,10,5\n")
    try:
        done = _sigint_after(
            ["analyze", "-", "--save", str(previous), "--quiet"], started=4.0, stdin=read
        )
    finally:
        os.close(write)
        os.close(read)
    assert done.returncode == 130, done.stderr
    assert done.stderr.endswith("Interrupted: no file was left half-written.\n")
    assert "Traceback" not in done.stderr
    assert previous.read_text() == "last month's report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.slow  # writes and scans a 300,000-row file
def test_sigint_while_the_engine_scans_is_130(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    subprocess.run(
        [sys.executable, "benchmarks/generate_usage.py", "--rows", "1000000", "-o", str(usage)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    args = ["analyze", str(usage), "--outcomes", "benchmarks/outcomes.yaml", "--quiet"]
    # the file is 166 MB, read twice (the duplicate pre-pass, then the query): past 100 MB
    # the engine is scanning it, whatever the machine's speed
    done = _sigint_after([*args, "--save", str(tmp_path / "r.json")], started=30, read=100 << 20)
    assert done.returncode == 130, done.stderr
    assert done.stderr.endswith("Interrupted: no file was left half-written.\n")
    assert not (tmp_path / "r.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["usage.csv"]


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("tokenecon ")


def test_a_closed_stdout_is_141_not_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tokenecon analyze ... | head`: Rich answers the broken pipe with SystemExit(1), raised
    while handling the BrokenPipeError; that is neither a threshold (1) nor a bug (3)."""

    def closed_pipe(*_: object, **__: object) -> None:
        try:
            raise BrokenPipeError(32, "Broken pipe")
        except BrokenPipeError:
            raise SystemExit(1) from None

    monkeypatch.setattr("tokenecon.render.console.render_console", closed_pipe)
    result = run_cli("analyze", SMALL, *BOOK)
    assert result.exit_code == 141
    assert "Error" not in result.stderr


def test_a_bare_tokenecon_prints_the_help() -> None:
    result = run_cli()
    assert result.exit_code == 2  # as Click always did: no command is a usage error
    assert result.stderr.startswith("Usage: tokenecon [OPTIONS] COMMAND [ARGS]...")
    assert "Error" not in result.stderr
