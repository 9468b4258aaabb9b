"""The language server after review17a: project-wide findings follow the rules, the
``projectWide`` and ``baseline`` settings and the baseline file; an unsafe fix says why it is
unsafe, on its diagnostic and its action; and only the newest version of a buffer is checked."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp_client import Client
from tests.test_server import applied, codes, run

DI1 = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n'
FAM1 = '\n[[rule]]\nid = "FAM1"\nkind = "single-implementation"\nname = "Manager$"\nmax = 1\n'
EV1 = (
    '\n[[rule]]\nid = "EV1"\nkind = "event-schema"\ndiscriminator = ["event_type", "type"]\nevents = ["started"]\n'
    'required = ["event_type", "data"]\nallowed = ["event_type", "data"]\nrename = { type = "event_type" }\n'
)
M1 = "class AManager: ...\n"
APP = "from pkg.old import X\nprint(X)\n"
EVENT = "def f(emit):\n    e = {'type': 'started', 'data': {}}\n    emit(e)\n    return e['type']\n"
EVENT_FIXED = "def f(emit):\n    e = {'event_type': 'started', 'data': {}}\n    emit(e)\n    return e['type']\n"
WHY = "reshaping an event changes the data the program sends and reads; the file still reads 'type' at pkg/ev.py:4; e is passed to emit at line 3: its reads are not known"
EV1_MESSAGE = "non-canonical event dict: legacy key 'type' (use 'event_type')"


def project(root: Path, rules: str = DI1 + FAM1) -> Path:
    files = {
        "ssot-lint.toml": 'rule-files = ["rules.toml"]\n',
        "rules.toml": rules,
        "pkg/__init__.py": "",
        "pkg/m1.py": M1,
        "pkg/m2.py": "class BManager: ...\n",
        "pkg/new.py": "X = 1\n",
        "pkg/old.py": "from pkg.new import X\n",
        "pkg/app.py": APP,
        "pkg/ev.py": EVENT,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def has(code: str):  # type: ignore[no-untyped-def]
    return lambda params: code in codes(params)


def lacks(code: str):  # type: ignore[no-untyped-def]
    return lambda params: code not in codes(params)


def watched(client: Client, name: str, kind: lsp.FileChangeType = lsp.FileChangeType.Changed) -> None:
    event = lsp.FileEvent(uri=client.uri(name), type=kind)
    client.client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([event]))


def configure(client: Client, settings: dict[str, object]) -> None:
    client.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=settings))


async def quiet(client: Client, uri: str, seconds: float = 1.5) -> list[str]:
    """The codes of the last diagnostics for ``uri`` once nothing has been published for it for
    ``seconds``: what the editor shows when the server is done (once it has shown anything: a
    first check can take longer than ``seconds`` on a loaded machine)."""
    while True:
        seen = client.count(uri)
        await asyncio.sleep(seconds)
        if client.count(uri) == seen and seen:
            return codes(client.published[uri][-1])


# -- 01: project-wide findings follow the rules and the projectWide setting -----------------------
def test_project_wide_findings_go_when_their_rules_are_removed(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m1.py", M1)
        await client.wait(uri, 0, has("FAM1"))
        seen = client.count(uri)
        (root / "rules.toml").write_text(DI1)
        watched(client, "rules.toml")
        assert codes(await client.wait(uri, seen, lacks("FAM1"))) == []
        client.save(uri)
        assert await quiet(client, uri) == []

    run(root, scenario)


def test_project_wide_findings_go_and_come_back_with_the_project_wide_setting(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/m1.py", M1)
        await client.wait(uri, 0, has("FAM1"))
        seen = client.count(uri)
        configure(client, {"ssot-lint": {"projectWide": False}})
        assert codes(await client.wait(uri, seen, lacks("FAM1"))) == []
        client.save(uri)
        assert await quiet(client, uri) == []
        seen = client.count(uri)
        configure(client, {"projectWide": True})
        assert codes(await client.wait(uri, seen, has("FAM1"))) == ["FAM1"]

    run(root, scenario)


# -- 02: a baseline change checks the project-wide rules again ------------------------------------
def test_a_baseline_written_while_files_are_open_applies_to_the_project_wide_findings(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(client: Client) -> None:
        m1 = client.open("pkg/m1.py", M1)
        app = client.open("pkg/app.py", APP)
        await client.wait(m1, 0, has("FAM1"))
        assert codes(await client.current(app)) == ["DI1"]
        done = subprocess.run([sys.executable, "-m", "ssot_lint", "baseline"], cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        seen = client.count(m1)
        watched(client, ".ssot-baseline.json", lsp.FileChangeType.Created)
        await client.wait(m1, seen, lacks("FAM1"))
        assert await quiet(client, m1) == []
        assert codes(client.published[app][-1]) == []

    run(root, scenario)


def test_the_baseline_setting_applies_to_the_project_wide_findings(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = subprocess.run([sys.executable, "-m", "ssot_lint", "baseline"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    async def scenario(client: Client) -> None:
        m1 = client.open("pkg/m1.py", M1)
        app = client.open("pkg/app.py", APP)
        assert await quiet(client, m1) == []
        assert codes(client.published[app][-1]) == []
        configure(client, {"baseline": False})
        await client.wait(m1, 0, has("FAM1"))
        assert await quiet(client, m1) == ["FAM1"]
        assert codes(client.published[app][-1]) == ["DI1"]

    run(root, scenario)


# -- 06: an unsafe fix says why ----------------------------------------------------------------------
def unsafe_note(diagnostic: lsp.Diagnostic) -> tuple[str, list[tuple[int, str]]]:
    related = [(r.location.range.start.line, r.message) for r in diagnostic.related_information or []]
    return diagnostic.message, related


RELATED = [(3, "the file still reads 'type' at pkg/ev.py:4"), (2, "e is passed to emit at line 3: its reads are not known")]


def test_an_unsafe_fix_says_why_on_its_action_and_diagnostic(tmp_path: Path) -> None:
    root = project(tmp_path, DI1 + EV1)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/ev.py", EVENT)
        published = await client.wait(uri, 0, lambda p: bool(p.diagnostics) and "\nunsafe fix" in p.diagnostics[0].message)
        (diagnostic,) = published.diagnostics
        assert unsafe_note(diagnostic) == (f"{EV1_MESSAGE}\nunsafe fix: {WHY}", RELATED)
        assert [r.location.uri for r in diagnostic.related_information or []] == [uri, uri]
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(4, 0))
        context = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.QuickFix])
        actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, context))
        fix = next(a for a in actions or [] if isinstance(a, lsp.CodeAction) and "fix EV1" in a.title)
        assert fix.title == f"ssot-lint: fix EV1 (unsafe: {WHY})"
        assert not fix.is_preferred
        assert [unsafe_note(d) for d in fix.diagnostics or []] == [(f"{EV1_MESSAGE}\nunsafe fix: {WHY}", RELATED)]
        assert applied(EVENT, fix) == EVENT_FIXED

    run(root, scenario, initialization_options={"unsafeFixes": True})


def test_without_unsafe_fixes_the_diagnostic_says_an_unsafe_fix_exists_and_why(tmp_path: Path) -> None:
    root = project(tmp_path, DI1 + EV1)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/ev.py", EVENT)
        published = await client.wait(uri, 0, lambda p: bool(p.diagnostics) and "\nunsafe fix" in p.diagnostics[0].message)
        (diagnostic,) = published.diagnostics
        note = f"{EV1_MESSAGE}\nunsafe fix, offered with the `unsafeFixes` setting: {WHY}"
        assert unsafe_note(diagnostic) == (note, RELATED)
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(4, 0))
        actions = await client.client.text_document_code_action_async(
            lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, lsp.CodeActionContext(diagnostics=[]))
        )
        assert [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)] == ["ssot-lint: suppress EV1 on this line (# ssot: ignore[EV1])"]
        # the note follows the setting without an edit
        seen = client.count(uri)
        configure(client, {"unsafeFixes": True})
        again = await client.wait(uri, seen, lambda p: bool(p.diagnostics) and "unsafe fix: " in p.diagnostics[0].message)
        assert unsafe_note(again.diagnostics[0]) == (f"{EV1_MESSAGE}\nunsafe fix: {WHY}", RELATED)

    run(root, scenario)


# -- 03: only the newest version of a buffer is checked -------------------------------------------
def test_only_the_newest_version_of_a_buffer_is_checked_and_published(tmp_path: Path) -> None:
    root = project(tmp_path, DI1)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/app.py", APP)
        await client.current(uri)
        seen = client.count(uri)
        text = APP
        for character in "# comment ":  # ten keystrokes, faster than a check
            text += character
            client.change(uri, text)
        last = await client.current(uri, seen)
        assert last.version == 11 and codes(last) == ["DI1"]
        await asyncio.sleep(1.0)
        assert [p.version for p in client.published[uri][seen:]] == [11]

    run(root, scenario)


def test_a_code_action_asked_before_its_version_is_checked_is_for_that_version(tmp_path: Path) -> None:
    root = project(tmp_path, DI1)

    async def scenario(client: Client) -> None:
        uri = client.open("pkg/app.py", "print(1)\n")
        await client.current(uri)
        text = "import os\n" + APP
        client.change(uri, text)  # and at once, before its diagnostics
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))
        context = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.QuickFix])
        actions = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, context))
        fix = next(a for a in actions or [] if isinstance(a, lsp.CodeAction) and a.title == "ssot-lint: fix DI1")
        assert fix.edit is not None and fix.edit.document_changes is not None
        (change,) = fix.edit.document_changes
        assert isinstance(change, lsp.TextDocumentEdit) and change.text_document.version == 2
        assert applied(text, fix) == "import os\nfrom pkg.new import X\nprint(X)\n"

    run(root, scenario)
