"""Shared helpers: build a throwaway project, run the real CLI on it."""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ssot_lint.cli import main

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def write_project(root: Path, files: dict[str, str], rules: str | None = None, config: str | None = None) -> Path:
    """Write ``files`` (dedented) under ``root``; ``rules`` becomes rules.toml, referenced by the config."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n") if isinstance(text, str) else text)
    if rules is not None:
        (root / "rules.toml").write_text(textwrap.dedent(rules))
    if config is not None or rules is not None:
        (root / "ssot-lint.toml").write_text(textwrap.dedent(config if config is not None else 'rule-files = ["rules.toml"]\n'))
    return root


def run_cli(args: list[str], cwd: Path, monkeypatch: Any) -> Result:
    monkeypatch.chdir(cwd)
    outcome = CliRunner().invoke(main, args, catch_exceptions=False)
    return Result(outcome.exit_code, outcome.stdout, outcome.stderr)


def locations(report: dict[str, Any], rule: str | None = None) -> list[tuple[str, int, int]]:
    return [(f["path"], f["line"], f["col"]) for f in report["findings"] if rule is None or f["rule"] == rule]


def sample_project(tmp_path: Path, extra_rules: str = "", extra_config: str = "") -> Path:
    """A copy of the shipped sample (``fixtures/``) with the shipped WebSocket rules as rules.toml."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "fixtures", project)
    (project / "rules.toml").write_text((REPO / "rules" / "websocket-ssot.toml").read_text() + extra_rules)
    (project / "ssot-lint.toml").write_text('rule-files = ["rules.toml"]\n' + extra_config)
    return project


# -- processes (Linux: /proc) ------------------------------------------------------------------------
def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ...
    return None if fields[0] == "Z" else int(fields[1])


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    return _parent_of(pid) is not None


def descendants(pid: int) -> dict[int, str]:
    """The live processes below ``pid`` (children, their children, ...): pid -> command line."""
    parents = {int(p.name): _parent_of(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, of in parents.items():
            if of == parent and child not in found:
                try:
                    found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                except OSError:
                    continue
                frontier.append(child)
    return found


def wait_until(predicate: Any, timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds have passed; its last answer."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return bool(predicate())
        time.sleep(0.05)
    return True


def python_calls(work: Any) -> int:
    """The Python function calls ``work()`` makes, on this thread and on the analysis thread
    (where libcst parses and fixes run): a measure of its cost that no load changes."""
    import sys

    from ssot_lint.analysis.parsing import on_analysis_thread

    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    on_analysis_thread(sys.setprofile, profile)
    try:
        work()
    finally:
        sys.setprofile(None)
        on_analysis_thread(sys.setprofile, None)
    return count
