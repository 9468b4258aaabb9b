"""The language server's latency for a code action whose fix reads the whole project: a
``declared-deprecation`` quick fix on Django, from ``textDocument/codeAction`` to its answer.

    python benchmarks/corpora.py django                      # once: the corpus
    python benchmarks/server_code_action.py                  # 20 requests
    python benchmarks/server_code_action.py --requests 50 --corpus PATH

The corpus is copied to a temporary directory (the shared one is never written), ``ssot-lint
init`` writes its rules there (a declared-deprecation rule among them: on Django 5.2.8 its two
findings are in ``tests/forms_tests/tests/test_renderers.py``, both unsafe fixes), and a real
``ssot-lint server`` subprocess is driven by pygls's LSP client (``tests/lsp_client.py``, as the
tests drive it) with ``unsafeFixes`` on. The file is opened, the project-wide check (the server's
project job, which fills the result cache) places its findings, the server reads the project in
the background (every file's result from the cache the project job filled; timed from the check's
diagnostics until the diagnostics that say why the fixes are unsafe, which that read gives), and
then each request asks for the quick fixes at the first finding and, separately, for
``source.fixAll``; each is timed until its answer arrives. The server keeps what it read until the
next project-wide check (``api.ProjectView``), so no request reads the project. Prints the median, the 90th percentile and the
range of each, with the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.lsp_client import Client  # noqa: E402  (the tests' client: one way to drive the server)

FILE = "tests/forms_tests/tests/test_renderers.py"
CORPUS = Path.home() / ".cache/ssot-lint/corpora/django-5.2.8"


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return f"| {name} ({len(ms)}) | {statistics.median(ms):.0f} ms | {p90:.0f} ms | {ms[0]:.0f} ms | {ms[-1]:.0f} ms |"


async def measure(root: Path, requests: int) -> tuple[str, list[float], list[float], list[float]]:
    from lsprotocol import types as lsp

    client = Client(root)
    await client.start(initialization_options={"unsafeFixes": True})
    try:
        text = (root / FILE).read_text()
        uri = client.open(FILE, text)
        await client.wait(uri, 0, lambda p: any(str(d.code).startswith("DD") for d in p.diagnostics))
        published = time.perf_counter()
        # The server then reads the project in the background, and says why each unsafe fix is
        # unsafe once it has: the first request is asked after that, as a person would ask it.
        noted = await client.wait(uri, 0, lambda p: any(str(d.code).startswith("DD") and "\nunsafe fix" in d.message for d in p.diagnostics))
        background = time.perf_counter() - published
        diagnostic = next(d for d in noted.diagnostics if str(d.code).startswith("DD"))
        quick: list[float] = []
        fix_all: list[float] = []
        titles: list[str] = []
        for _ in range(requests):
            started = time.perf_counter()
            context = lsp.CodeActionContext(diagnostics=[diagnostic], only=[lsp.CodeActionKind.QuickFix])
            actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), diagnostic.range, context))
            quick.append(time.perf_counter() - started)
            titles = [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)]
            started = time.perf_counter()
            whole = lsp.Range(lsp.Position(0, 0), lsp.Position(len(text.splitlines()), 0))
            only = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll])
            await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, only))
            fix_all.append(time.perf_counter() - started)
        if not any(t.startswith(f"ssot-lint: fix {diagnostic.code}") for t in titles):
            raise SystemExit(f"no fix offered at {FILE}: {titles}")
        return ", ".join(titles), [background], quick, fix_all
    finally:
        await client.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="Django 5.2.8's tree (benchmarks/corpora.py django)")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssot-code-action-") as temp:
        root = Path(temp) / "django"
        shutil.copytree(args.corpus, root, symlinks=True)
        if not (root / "ssot-lint.toml").exists():  # a corpus given with its rules keeps them
            done = subprocess.run([sys.executable, "-m", "ssot_lint", "init", str(root)], cwd=root, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"ssot-lint init failed: {done.stderr.strip()}")
        titles, background, quick, fix_all = asyncio.run(measure(root, args.requests))
    print(f"offered: {titles}")
    print("| request | median | p90 | min | max |\n| --- | ---: | ---: | ---: | ---: |")
    print(summary("the project read in the background, from the check's diagnostics to the notes'", background))
    print(summary("first quick fixes after the project-wide check", quick[:1]))
    print(summary("quick fixes at a DD finding, then on", quick[1:]))
    print(summary("source.fixAll", fix_all))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load:.1f}, {when}")


if __name__ == "__main__":
    main()
