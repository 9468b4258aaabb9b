"""Build small git repositories whose history adds and then removes violations (for history tests)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DAY = 86_400
START = 1_700_000_000  # 2023-11-14: commits are one day apart, so --by day/week have something to group

RULES = """
[[rule]]
id = "SI001"
kind = "single-implementation"
name = "(?i)websocket.*manager"
exclude-names = "^(Test|Mock)"
canonical = ["app.ws:WebSocketManager"]
max = 1

[[rule]]
id = "DI001"
kind = "deprecated-import"

[rule.replace]
"app.old_ws" = "app.ws"

[[rule]]
id = "EV001"
kind = "event-schema"
discriminator = ["event_type", "type"]
events = ["agent_started", "agent_completed"]
required = ["event_type", "timestamp", "data"]
allowed = ["event_type", "timestamp", "data"]
rename = { type = "event_type", time = "timestamp" }
"""

PYPROJECT = '[tool.ssot-lint]\nrule-files = ["rules/*.toml"]\n'

GOOD_EVENT = '{"event_type": "agent_started", "timestamp": 1.0, "data": {}}'
BAD_EVENT = '{"type": "agent_started", "time": 1.0, "data": {}}'
BAD_EVENT_2 = '{"type": "agent_completed", "timestamp": 2.0}'

# Each step: (subject, {path: content, or None to delete}). Violations go up, then down to zero
# but for one WebSocket manager duplicate.
STEPS: list[tuple[str, dict[str, str | None]]] = [
    (
        "start",
        {
            "pyproject.toml": PYPROJECT,
            "rules/ssot.toml": RULES,
            "app/__init__.py": "",
            "app/ws.py": "class WebSocketManager:\n    pass\n",
            "README.txt": "demo\n",
        },
    ),
    ("legacy manager", {"app/old_ws.py": "class LegacyWebSocketManager:\n    pass\n"}),
    ("handlers use legacy", {"app/handlers.py": "from app.old_ws import LegacyWebSocketManager\nimport app.old_ws\n\nx = 1\n"}),
    ("events", {"app/events.py": f"a = {BAD_EVENT}\nb = {BAD_EVENT_2}\nc = {GOOD_EVENT}\n"}),
    ("unified manager", {"app/more.py": "from app import old_ws\n\n\nclass UnifiedWebSocketManager:\n    pass\n"}),
    ("subpackage, relative import", {"app/sub/__init__.py": "", "app/sub/x.py": "from ..old_ws import LegacyWebSocketManager\n"}),
    ("broken file, excluded build dir", {"app/broken.py": "import app.old_ws\ndef f(:\n", "build/gen.py": "from app.old_ws import X\n"}),
    ("docs only", {"README.txt": "demo, more docs\n"}),
    ("fix one event", {"app/events.py": f"a = {GOOD_EVENT}\nb = {BAD_EVENT_2}\n"}),
    ("drop unified", {"app/more.py": None}),
    ("canonical imports", {"app/handlers.py": "from app.ws import WebSocketManager\n\nx = 1\n", "app/broken.py": "def f():\n    pass\n"}),
    # app/ becomes a namespace directory: its modules keep their names, app/sub/ (still a regular
    # package) is now a top-level package named `sub`, whose `..old_ws` climbs above the top.
    ("last event, app no longer a package", {"app/events.py": f"a = {GOOD_EVENT}\n", "app/__init__.py": None}),
]


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Dev",
        GIT_AUTHOR_EMAIL="dev@example.com",
        GIT_COMMITTER_NAME="Dev",
        GIT_COMMITTER_EMAIL="dev@example.com",
    )
    return env


def git(repo: Path, *args: str, when: int | None = None) -> str:
    env = git_env()
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def apply(repo: Path, files: dict[str, str | None]) -> None:
    for path, content in files.items():
        target = repo / path
        if content is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)


def build_repo(repo: Path, steps: list[tuple[str, dict[str, str | None]]] = STEPS, start: int = START) -> list[str]:
    """Commit each step, one day apart; returns the commit ids, oldest first."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    shas = []
    for n, (subject, files) in enumerate(steps):
        apply(repo, files)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", subject, when=start + n * DAY)
        shas.append(git(repo, "rev-parse", "HEAD").strip())
    return shas


def export_commit(repo: Path, sha: str, target: Path) -> Path:
    """The commit's files in a fresh directory (``git archive | tar -x``), to run ``check`` on."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", sha], cwd=repo, env=git_env(), check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target
