"""Build a small git history of the sample's consolidation and report its trend.

    python docs/demo_history.py [--html FILE] [--screenshot PNG]

Copies ``fixtures/`` and ``rules/`` into a temporary repository, commits the sample as shipped and
then one fix per week, runs ``ssot-lint history`` and prints ``ssot-lint trend --format markdown``
(what docs/history.md shows). ``--html`` also writes the HTML report; ``--screenshot`` renders it
with headless Chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = "fixtures/netra_backend"
WEEK = 7 * 86_400
START = 1_767_225_600  # 2026-01-01

CANONICAL_STARTED = """    return {
        "event_type": "agent_started",
        "timestamp": time.time(),
        "user_id": user_id,
        "thread_id": "legacy",
        "data": {"agent_name": "cost_optimizer"},
    }"""

# (commit subject, {path: [(old, new), ...] or None to delete the file})
STEPS: list[tuple[str, dict[str, list[tuple[str, str]] | None]]] = [
    ("routes: fix the half-edited route (it shows one more legacy import)", {f"{PKG}/app/routes/broken.py": [("def route(:", "def route():")]}),
    (
        "notifier: canonical manager import, tool name inside data",
        {
            f"{PKG}/app/services/notifier.py": [
                (
                    "from netra_backend.app.websocket_core import (\n    WebSocketManager,  # moved to websocket_manager\n)\n"
                    "import netra_backend.app.websocket_core.websocket_manager_factory as factory\n",
                    "from netra_backend.app.websocket_core.websocket_manager import WebSocketManager\n",
                ),
                ("manager = factory.create_websocket_manager()\n    return manager or WebSocketManager()", "return WebSocketManager()"),
                ('"tool": "search", "data": {}', '"data": {"tool": "search"}'),
            ]
        },
    ),
    (
        "handlers: no per-user manager copy, no legacy modules",
        {
            f"{PKG}/app/websocket_core/handlers.py": [
                ("from .unified_manager import UnifiedWebSocketManager\nfrom . import websocket_manager_factory\n", ""),
                (
                    '\n\nclass IsolatedWebSocketManager(WebSocketManager):\n    """A per-user copy of the manager: one more implementation to consolidate."""\n',
                    "",
                ),
                ("websocket_manager_factory.create_websocket_manager()", "WebSocketManager()"),
                ("\n\ndef legacy_manager():\n    return UnifiedWebSocketManager()\n", "\n"),
            ]
        },
    ),
    (
        "agent events in the canonical shape",
        {
            f"{PKG}/app/services/agent_service.py": [
                ("if TYPE_CHECKING:\n    from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n", ""),
                (
                    """    return {
        "type": "agent_started",
        "time": "2023-10-01T10:00:00Z",
        "user": user_id,
        "agent_name": "cost_optimizer",
    }""",
                    CANONICAL_STARTED,
                ),
                (
                    '{"event_type": "agent_thinking", **base, "user_id": user_id}',
                    '{"event_type": "agent_thinking", "timestamp": base["timestamp"], "user_id": user_id, "thread_id": base["thread_id"], "data": {}}',
                ),
                ('timestamp="now"', "timestamp=time.time()"),
            ]
        },
    ),
    (
        "routes use the canonical manager",
        {
            f"{PKG}/app/routes/broken.py": [
                ("websocket_core.unified_manager import UnifiedWebSocketManager", "websocket_core.websocket_manager import WebSocketManager"),
                ("return UnifiedWebSocketManager()", "return WebSocketManager()"),
            ]
        },
    ),
    ("delete the legacy UnifiedWebSocketManager", {f"{PKG}/app/websocket_core/unified_manager.py": None}),
    (
        "tests share one MockWebSocketManager",
        {
            f"{PKG}/tests/test_tool_events.py": [
                (
                    'class MockWebSocketManager:\n    """Another copy of the same test double."""\n\n    def __init__(self):\n        self.sent = []\n',
                    "from netra_backend.tests.test_agent_events import MockWebSocketManager\n",
                )
            ]
        },
    ),
]


def git(repo: Path, *args: str, when: int | None = None) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Demo",
        "GIT_AUTHOR_EMAIL": "demo@example.com",
        "GIT_COMMITTER_NAME": "Demo",
        "GIT_COMMITTER_EMAIL": "demo@example.com",
    }
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def build(repo: Path) -> None:
    shutil.copytree(ROOT / "fixtures", repo / "fixtures")
    shutil.copytree(ROOT / "rules", repo / "rules")
    (repo / "pyproject.toml").write_text('[tool.ssot-lint]\nrule-files = ["rules/*.toml"]\n')
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the sample as shipped", when=START)
    for week, (subject, edits) in enumerate(STEPS, start=1):
        for path, replacements in edits.items():
            target = repo / path
            if replacements is None:
                target.unlink()
                continue
            text = target.read_text()
            for old, new in replacements:
                if old not in text:
                    sys.exit(f"demo_history: {path} no longer contains {old!r}: update docs/demo_history.py")
                text = text.replace(old, new)
            target.write_text(text)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", subject, when=START + week * WEEK)


def ssot_lint(repo: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "ssot_lint", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "demo"
        build(repo)
        ssot_lint(repo, "history", "--no-color")
        print(ssot_lint(repo, "trend", "--format", "markdown"), end="")
        html = args.html or (Path(tmp) / "trend.html" if args.screenshot else None)
        if html:
            ssot_lint(repo, "trend", "--format", "html", "--output", str(html.resolve()))
        if args.screenshot:
            subprocess.run(
                [
                    "chromium",
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-sync",
                    "--disable-background-networking",
                    "--disable-component-update",
                    f"--user-data-dir={tmp}/profile",
                    f"--screenshot={args.screenshot.resolve()}",
                    "--window-size=1000,2150",
                    html.resolve().as_uri(),
                ],
                check=True,
                capture_output=True,
            )


if __name__ == "__main__":
    main()
