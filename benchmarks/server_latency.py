"""The language server's latency: from ``textDocument/didChange`` to the diagnostics of that
version, on a 2,000-line file checked with the shipped rules (target: under 100 ms).

    python benchmarks/server_latency.py               # 2,000 lines, 50 changes
    python benchmarks/server_latency.py --lines 5000 --changes 100

A copy of the sample project (``fixtures/``) with the shipped rule files (``rules/*.toml``) is
made in a temporary directory; a real ``ssot-lint server`` subprocess is driven by pygls's LSP
client (``tests/lsp_client.py``, as the tests drive it). The generated file holds imports,
classes, functions and event dicts, with a few findings in it. Each change edits one line (it
alternates between adding and removing a deprecated import, so the diagnostics differ) and is
timed until the ``publishDiagnostics`` for its version arrives. Prints the median, the 90th
percentile and the range, with the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.lsp_client import Client  # noqa: E402  (the tests' client: one way to drive the server)

DEPRECATED = "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n"

BLOCK = '''

class Service{n}:
    """Service number {n}: a class, methods, an event dict."""

    def __init__(self, manager, user_id):
        self.manager = manager
        self.user_id = user_id

    def started(self, thread_id):
        return {{
            "event_type": "agent_started",
            "timestamp": time.time(),
            "user_id": self.user_id,
            "thread_id": thread_id,
            "data": {{"agent_name": "agent_{n}"}},
        }}

    def total(self, values):
        return sum(v * {n} for v in values if v > {n})
'''


def generate(lines: int) -> str:
    head = "import time\n\nfrom netra_backend.app.websocket_core.websocket_manager import WebSocketManager\n" + DEPRECATED
    text, n = head, 0
    while text.count("\n") + BLOCK.count("\n") <= lines:
        text += BLOCK.format(n=n)
        n += 1
    while text.count("\n") < lines:  # whole blocks, then one-line statements up to the count
        text += f"VALUE_{n} = {n}\n"
        n += 1
    return text


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


async def measure(root: Path, text: str, changes: int, warmup: int) -> tuple[float, list[float]]:
    client = Client(root)
    await client.start()
    try:
        started = time.perf_counter()
        uri = client.open("netra_backend/app/services/big.py", text)
        await client.current(uri)
        opened = time.perf_counter() - started
        timings = []
        for i in range(warmup + changes):
            edited = text if i % 2 else text.replace(DEPRECATED, "", 1)
            seen = client.count(uri)
            started = time.perf_counter()
            client.change(uri, edited)
            published = await client.current(uri, seen)
            elapsed = time.perf_counter() - started
            expected = 1 if i % 2 else 0
            found = sum(1 for d in published.diagnostics if d.code == "WS002")
            assert found == expected, (
                f"change {i}: {found} WS002 diagnostics, expected {expected}: {[(d.code, d.range.start.line) for d in published.diagnostics]}"
            )
            if i >= warmup:
                timings.append(elapsed)
        return opened, timings
    finally:
        await client.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssot-lint-server-bench-") as work:
        root = Path(work) / "project"
        shutil.copytree(REPO / "fixtures", root)
        shutil.copytree(REPO / "rules", root / "rules")
        (root / "ssot-lint.toml").write_text('rule-files = ["rules/*.toml"]\n')
        text = generate(args.lines)
        opened, timings = asyncio.run(measure(root, text, args.changes, args.warmup))
    ms = sorted(t * 1000 for t in timings)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"ssot-lint server: didChange -> publishDiagnostics, {args.lines}-line file ({len(text.encode())} bytes), shipped rules")
    print(f"  median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms, min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} changes")
    print(f"  (first open, with start-up: {opened * 1000:.0f} ms)")
    print(f"  machine: {machine()}; {datetime.now(timezone.utc):%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
