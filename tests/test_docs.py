"""The documentation: the generated rule kind pages are current, the README is a short door whose
commands do what it says, the CLI reference names every option, and no relative link is broken.

The README's two set-up commands (install and ``ssot-lint check fixtures``; ``python -m pytest``)
are exercised by CI itself: ``.ci/run`` runs them as written (the first must exit 1). Here they are
only required to be present verbatim. Every other command in the README's ``bash`` blocks is run
below, in README order, through click's CliRunner on a copy of the checkout's sample
(``fixtures/``, ``rules/`` and ``pyproject.toml``, committed to a fresh git repository so that
``history`` has a commit to read), and must exit with the code its ``# exit N`` comment gives.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import REPO, Result, run_cli

README = REPO / "README.md"
DOCS = REPO / "docs"
SETUP_COMMANDS = (
    'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && ssot-lint check fixtures',
    ". .venv/bin/activate && python -m pytest",
)
_FENCE = re.compile(r"^(`{3,})([\w-]*)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)


def code_blocks(text: str, language: str) -> list[str]:
    return [m.group(3) for m in _FENCE.finditer(text) if m.group(2) == language]


def readme_commands() -> list[tuple[str, str]]:
    """(command, comment) for every command line in the README's ``bash`` blocks."""
    commands = []
    for block in code_blocks(README.read_text(encoding="utf-8"), "bash"):
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            command, _, comment = line.partition("  #")  # a comment is set off by spaces
            commands.append((command.strip(), comment.strip(" #")))
    return commands


# -- (a) the generated rule kind pages ------------------------------------------------------------
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_kind_pages", DOCS / "gen_kind_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kind_pages_are_generated_from_the_current_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert generator().main(["--check"]) == 0, capsys.readouterr().err


def test_the_check_fails_when_a_kind_changes_and_its_page_was_not_regenerated(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    gen = generator()
    kind = gen.builtin_kinds()["event-schema"]
    monkeypatch.setattr(kind, "summary", kind.summary + " (changed)")
    assert gen.main(["--check"]) == 1
    assert "docs/kinds/event-schema.md: out of date" in capsys.readouterr().err


def test_every_builtin_kind_has_a_page_with_its_options_and_examples() -> None:
    gen = generator()
    for name, kind in gen.builtin_kinds().items():
        page = (DOCS / "kinds" / f"{name}.md").read_text(encoding="utf-8")
        for option in kind.options:
            assert f"| `{option}` |" in page, f"{name}: option {option} missing from its page"
        assert page.count("#### Valid ") == len(kind.VALID) and page.count("#### Invalid ") == len(kind.INVALID)


# -- (b) the README is a door -------------------------------------------------------------------
def test_readme_is_at_most_10_kb() -> None:
    assert README.stat().st_size <= 10_000  # 10 KB, read the strict way


def test_readme_keeps_the_two_set_up_commands_verbatim() -> None:
    """CI (.ci/run) runs these two; changing them here without changing CI would be a lie."""
    commands = [command for command, _ in readme_commands()]
    assert commands[:2] == list(SETUP_COMMANDS)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert SETUP_COMMANDS[1] in ci
    assert 'python3 -m venv .venv && . .venv/bin/activate && pip install -q -e ".[test]" && ssot-lint check fixtures' in ci


# -- (c) the README's commands do what it says --------------------------------------------------
def sample_checkout(root: Path, git: bool) -> Path:
    """The parts of the checkout the README's commands read, as a fresh (git) repository."""
    root.mkdir()
    shutil.copytree(REPO / "fixtures", root / "fixtures")
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")  # the config, with the inline SELF001 rule
    if git:
        identity = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER") for what, value in (("NAME", "t"), ("EMAIL", "t@example.com"))}
        env = {**os.environ, **identity, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the sample"]):
            subprocess.run(["git", *args], cwd=root, env=env, check=True)
    return root


def test_the_excerpt_of_set_up_command_1_is_what_it_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    excerpt = code_blocks(README.read_text(encoding="utf-8"), "text")[0]
    result = run_cli(["check", "fixtures"], sample_checkout(tmp_path / "checkout", git=False), monkeypatch)
    assert result.exit_code == 1
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    shown = [line.rstrip() for line in excerpt.splitlines() if line.strip() not in ("", "...")]
    assert len(shown) >= 5
    missing = [line for line in shown if line not in printed]
    assert not missing, "README excerpt is not current:\n" + "\n".join(missing)
    assert shown[-1] == printed[-1]  # the summary line


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _statistics(r: Result, root: Path) -> None:
    assert _lines(r.stdout)[0] == "     7  WS002      deprecated-import"
    assert "     1  SSOT000    parse-error" in _lines(r.stdout)


def _fix_diff(r: Result, root: Path) -> None:
    assert _lines(r.stdout)[:2] == ["--- a/fixtures/netra_backend/app/services/notifier.py", "+++ b/fixtures/netra_backend/app/services/notifier.py"]
    # The event fix is unsafe, and so are the two rewrites of UnifiedWebSocketManager to another class.
    assert _lines(r.stderr)[0] == "1 file would change, 1 finding would be fixed, 21 findings would be left:"
    assert _lines(r.stderr)[-1] == "3 unsafe fixes not applied: `--unsafe-fixes` applies them"
    assert (root / "fixtures/netra_backend/app/services/notifier.py").read_bytes() == (REPO / "fixtures/netra_backend/app/services/notifier.py").read_bytes()


def _fix_diff_unsafe(r: Result, root: Path) -> None:
    assert '+    yield {"event_type": "tool_executing"' in r.stdout  # the event moved into data
    # agent_service.py:29's event is reshaped in part (a value never converted stays): said so
    assert _lines(r.stderr)[0] == "3 files would change, 4 findings would be fixed (3 by unsafe fixes), 18 findings would be left (1 partly fixed):"
    assert "  fixtures/netra_backend/app/services/agent_service.py:29:12: WS003 unsafe fix applied in part: " in r.stderr
    assert (root / "fixtures/netra_backend/app/services/notifier.py").read_bytes() == (REPO / "fixtures/netra_backend/app/services/notifier.py").read_bytes()


def _baseline(r: Result, root: Path) -> None:
    assert _lines(r.stdout) == ["ssot-lint: recorded 22 findings; .ssot-baseline.json holds 22 findings"]
    assert json.loads((root / ".ssot-baseline.json").read_text())["tool_version"]


def _check_baselined(r: Result, root: Path) -> None:
    assert _lines(r.stdout)[-1] == (
        "19 files scanned, 1 parse error, 0 new findings, 22 baselined, 0 fixed since the baseline;"
        " 11 files not parsed in full, as no rule reads all of them (--check-syntax parses every file)"
    )


def _ci_formats(r: Result, root: Path) -> None:
    assert (
        _lines(r.stdout)[0]
        == "::error file=fixtures/netra_backend/app/routes/broken.py,line=5,col=11,endLine=5,endColumn=11,title=SSOT000 (parse-error)::syntax error: invalid syntax"
    )
    assert len(_lines(r.stdout)) == 23  # the 22 findings of the sample run (PI004 at its rule) and a note on GitHub's limit
    assert _lines(r.stdout)[-1] == "ssot-lint: 22 findings; GitHub shows at most 10 error and 10 warning annotations per step (use SARIF for all)"
    sarif = json.loads((root / ".ssot-lint/ssot.sarif").read_text())
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 22


def _history(r: Result, root: Path) -> None:
    header, row = _lines(r.stdout)[:2]
    assert header.split()[3:] == ["PI001", "PI002", "PI003", "PI004", "WS001", "WS002", "WS003", "WS004", "SELF001", "top", "file"]
    assert row.split()[3:11] == ["2", "3", "1", "1", "3", "7", "4", "1"]
    assert r.stderr.startswith("ssot-lint: 1 commit: 1 snapshot computed, 0 reused;")


def _trend(r: Result, root: Path) -> None:
    assert _lines(r.stdout)[0] == "## ssot-lint trend"
    assert "| WS002 | deprecated-import | 7 |  |  | ▄ |" in _lines(r.stdout)  # one snapshot: its count, no change
    assert "One snapshot: nothing to compare." in _lines(r.stdout)


def _rules(r: Result, root: Path) -> None:
    rows = [line.split() for line in _lines(r.stdout)]
    assert rows[0] == ["id", "kind", "severity", "scope", "message"]
    assert ["WS002", "deprecated-import", "error", "all", "files", "{target}", "is", "deprecated;", "import", "{replacement}"] in rows


def _explain(r: Result, root: Path) -> None:
    assert r.stdout.startswith("WS002 (deprecated-import, error)\ndefined at rules/websocket-ssot.toml:")
    assert "kind deprecated-import:\n  deprecated-import: imports of deprecated module paths" in r.stdout


def _test_rules(r: Result, root: Path) -> None:
    assert re.fullmatch(r"\d+ passed, 0 failed", _lines(r.stdout)[-1])


# Every ssot-lint command of the README's tour, in README order: the exit code it must have and
# exact assertions on what it prints. A command added to the README needs an entry here.
def _init(r: Result, root: Path) -> None:
    assert r.stdout.startswith("SSOT debt survey: 19 files scanned, 1 parse error\n")
    assert "  *WebSocket*Manager: 3 classes in 3 modules; most imported: netra_backend.app.websocket_core.websocket_manager:WebSocketManager" in r.stdout
    assert "module netra_backend.app.websocket_core.unified_manager (warns at import" in r.stdout
    assert (root / "fixtures/ssot-rules.toml").is_file() and (root / "fixtures/ssot-lint.toml").is_file()


def _test_starter(r: Result, root: Path) -> None:
    assert _lines(r.stdout)[-1] == "13 passed, 0 failed"


TOUR: dict[str, tuple[int, Callable[[Result, Path], None]]] = {
    "ssot-lint init fixtures": (0, _init),
    "ssot-lint test-rules fixtures/ssot-rules.toml": (0, _test_starter),
    "ssot-lint check fixtures --statistics": (1, _statistics),
    "ssot-lint fix --diff fixtures": (1, _fix_diff),
    "ssot-lint fix --diff --unsafe-fixes fixtures": (1, _fix_diff_unsafe),
    "ssot-lint baseline fixtures": (0, _baseline),
    "ssot-lint check fixtures": (0, _check_baselined),
    "ssot-lint check fixtures -q -o github -o sarif:.ssot-lint/ssot.sarif": (1, _ci_formats),
    "ssot-lint history --max-commits 20": (0, _history),
    "ssot-lint trend --format markdown": (0, _trend),
    "ssot-lint rules": (0, _rules),
    "ssot-lint rules --explain WS002": (0, _explain),
    "ssot-lint test-rules": (0, _test_rules),
}


def test_every_readme_command_runs_as_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = readme_commands()[len(SETUP_COMMANDS) :]
    tour = [command for command, _ in commands if command.startswith("ssot-lint ")]
    assert tour == list(TOUR), "the README's tour and TOUR here differ: keep them in step"
    root = sample_checkout(tmp_path / "checkout", git=True)
    for command, comment in commands:
        argv = shlex.split(command)
        if argv[0] == "rm":  # the tour's clean-up: the sample must go on failing
            for name in argv[1:]:
                assert (root / name).is_file(), f"{command}: nothing to remove"
                (root / name).unlink()
            continue
        assert argv[0] == "ssot-lint", f"README command not exercised by this test: {command}"
        documented = re.match(r"exit (\d+)\b", comment)
        assert documented, f"{command}: the README must give its exit code as '# exit N: ...'"
        expected_code, check_output = TOUR[command]
        assert int(documented.group(1)) == expected_code, f"{command}: README says exit {documented.group(1)}"
        result = run_cli(argv[1:], root, monkeypatch)
        assert result.exit_code == expected_code, f"{command}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        check_output(result, root)


def test_getting_started_own_project_runs_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The page's files (each block's first line names it) and its terminal session, exactly: a
    # newcomer copies these, and the example once left out the module the rule deprecates.
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    section = page[page.index("## Your own project") :].split("\nNext:", 1)[0]
    written = []
    for language in ("toml", "python"):
        for block in code_blocks(section, language):
            first, _, content = block.partition("\n")
            assert first.startswith("# "), f"a {language} block of the page names no file: {first}"
            path = tmp_path / first[2:].strip()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            written.append(first[2:].strip())
    assert sorted(written) == ["app/__init__.py", "app/config.py", "app/settings.py", "app/views.py", "pyproject.toml", "ssot-rules.toml"]
    (session,) = code_blocks(section, "text")
    steps = re.split(r"^\$ ", session, flags=re.M)[1:]
    assert [step.partition("\n")[0] for step in steps] == ["ssot-lint test-rules", "ssot-lint check", "ssot-lint fix", "cat app/views.py"]
    for step in steps:
        command, _, shown = step.partition("\n")
        argv = shlex.split(command)
        if argv[0] == "cat":
            assert (tmp_path / argv[1]).read_text(encoding="utf-8") == shown
            continue
        result = run_cli(argv[1:], tmp_path, monkeypatch)
        assert result.stdout + result.stderr == shown, f"$ {command}"


# -- (d) relative links -------------------------------------------------------------------------
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_INLINE_CODE = re.compile(r"`+[^`\n]*`+")


def slugify(heading: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's toc slugify)."""
    text = re.sub(r"[`*_]", "", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slugify(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def test_every_relative_link_points_to_an_existing_file_and_heading() -> None:
    broken = []
    checked = 0
    for source in markdown_files():
        text = _INLINE_CODE.sub("", _FENCE.sub("", source.read_text(encoding="utf-8")))
        for target in _LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                continue
            path_part, _, anchor = target.partition("#")
            resolved = (source.parent / path_part).resolve() if path_part else source
            checked += 1
            if not resolved.is_file():
                broken.append(f"{source.relative_to(REPO)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{source.relative_to(REPO)}: {target} (no such heading)")
    assert checked > 50
    assert not broken, "\n".join(broken)


def test_slugs_are_mkdocs_slugs() -> None:
    assert slugify("Baseline (ratchet)") == "baseline-ratchet"
    assert slugify("`[[rule.example]]`") == "ruleexample"


# -- the CLI reference names every command and option ---------------------------------------------
def _commands(result: Result) -> list[str]:
    section = result.stdout.partition("\nCommands:\n")[2]
    return [line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.strip()]


def test_cli_reference_names_every_command_and_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = []
    pending = [[]]
    seen = 0
    while pending:
        path = pending.pop()
        result = run_cli([*path, "--help"], tmp_path, monkeypatch)
        assert result.exit_code == 0
        seen += 1
        if path and f"ssot-lint {' '.join(path)}" not in reference:
            missing.append(f"command: ssot-lint {' '.join(path)}")
        for option in set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", result.stdout.partition("\nOptions:\n")[2])):
            if not re.search(rf"`{re.escape(option)}(?![\w-])", reference):
                missing.append(f"ssot-lint {' '.join(path)} {option}")
        pending += [[*path, sub] for sub in _commands(result)]
    assert seen >= 10
    assert not missing, "docs/cli.md does not mention:\n" + "\n".join(missing)
