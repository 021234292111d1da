"""A small Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no port, no
downloads, no extra package): the system's Chromium reads commands on fd 3 and writes replies and
events on fd 4, each a JSON message ended by a NUL byte."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
]  # fmt: skip


def chromium_binary() -> str | None:
    """The Debian package's binary, if installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def required_chromium() -> str:
    """The binary; without one the test fails in CI (.ci/run installs it) and skips elsewhere."""
    import pytest

    binary = chromium_binary()
    if binary is None:
        if os.environ.get("TOKENECON_CI"):
            pytest.fail("chromium is not installed (.ci/run installs it with apt-get)")
        pytest.skip("chromium is not installed")
    return binary


class Browser:
    """One headless Chromium with a fresh profile; one page at a time."""

    def __init__(self, binary: str, profile: Path, width: int = 1200, height: int = 900) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # bash puts the pipes on fds 3 and 4, where --remote-debugging-pipe expects them.
        r, w = to_chrome_r, from_chrome_w
        script = f'exec "$0" "$@" 3<&{r} 4>&{w} {r}<&- {w}>&-'
        self.process = subprocess.Popen(
            ["bash", "-c", script, binary, *FLAGS, f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session: str | None = None

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_chrome, 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        self._replies[message["id"]] = message
                        self._lock.notify_all()
                else:
                    self.events.put(message)

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        """Send a command (to the page's session once there is one) and wait for its reply."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._next_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or not self._lock.wait(left):
                    raise TimeoutError(f"no reply to {method}")
            reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return dict(reply.get("result", {}))

    def open_page(self) -> None:
        """A new page with console, log, network and page events on."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.call(f"{domain}.enable")

    def wait_for(self, method: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Events up to and including the first ``method`` event; all are returned."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            seen.append(event)
            if event.get("method") == method:
                return seen

    def drain(self, settle: float = 0.5) -> list[dict[str, Any]]:
        """Events that arrive within ``settle`` seconds of quiet."""
        seen = []
        while True:
            try:
                seen.append(self.events.get(timeout=settle))
            except queue.Empty:
                return seen

    def load(self, page: Path) -> list[dict[str, Any]]:
        """Navigate to ``page`` and return the events up to the load and the quiet after it."""
        self.call("Page.navigate", url=page.as_uri())
        return self.wait_for("Page.loadEventFired") + self.drain()

    def load_offline(self, page: Path) -> list[dict[str, Any]]:
        """:meth:`load`, asserting the page threw nothing, logged no error and asked the
        network for nothing but itself."""
        url = page.as_uri()
        events = self.load(page)
        problems = [
            e for e in events
            if e["method"] in ("Runtime.exceptionThrown", "Page.javascriptDialogOpening")
            or (e["method"] == "Runtime.consoleAPICalled"
                and e["params"]["type"] in ("error", "assert"))
            or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        ]  # fmt: skip
        assert problems == [], problems
        requests = [e["params"]["request"]["url"] for e in events
                    if e["method"] == "Network.requestWillBeSent"]  # fmt: skip
        assert requests == [url], requests
        return events

    def charts(self, selector: str) -> list[list[Any]]:
        """Per chart SVG under ``selector``: whether it is drawn at a readable size (over
        100 x 50 px), and how many marks (paths, rects) it holds."""
        return list(
            self.evaluate(
                f"[...document.querySelectorAll({json.dumps(selector)})].map(s => {{"
                " const r = s.getBoundingClientRect();"
                " return [r.width > 100 && r.height > 50, s.querySelectorAll('path,rect').length];"
                "})"
            )
        )

    def evaluate(self, expression: str) -> Any:
        """A JavaScript expression's value in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        """Close the browser and its pipes."""
        with contextlib.suppress(TimeoutError, RuntimeError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
