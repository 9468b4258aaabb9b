"""decl20: declared-deprecation fixed in one text. ``fix --stdin-filename``, ``api.fix_source`` and
the language server's code actions apply its fix as ``ssot-lint fix F`` applies it to the saved
file: the project-wide facts come from the project's files (through the result cache) with the
text, and an editor's other unsaved buffers, in place of their files. Before, the finding was
left "not fixed in one text", and ``check --stdin-filename`` did not mark it ``[*]``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from ssot_lint import api
from ssot_lint.kinds.declared_deprecation import DeclaredDeprecation
from tests.helpers import REPO, run_cli, sample_project, write_project

RULES = '[[rule]]\nid = "DD"\nkind = "declared-deprecation"\n'
APP = "from pkg.old import X\n\nprint(X)\n"
OLD = 'import warnings\nfrom pkg.{new} import X\nwarnings.warn("pkg.old is deprecated; use pkg.{new} instead", DeprecationWarning)\n'
PROJECT = {
    "pkg/__init__.py": "",
    "pkg/new.py": "class X:\n    pass\n",
    "pkg/newer.py": "class X:\n    pass\n",
    "pkg/old.py": OLD.format(new="new"),
    "pkg/app.py": APP,
}
MESSAGE = 'module pkg.old is deprecated (pkg/old.py:3: "pkg.old is deprecated; use pkg.new instead"); use pkg.new'
# A function replaced by one of another name: an unsafe fix (the declaration does not say it
# takes the same arguments).
RENAMED = {
    "lib/__init__.py": "",
    "lib/api.py": "from typing_extensions import deprecated\n\n@deprecated('use new_call instead')\ndef old_call(): ...\ndef new_call(): ...\n",
    "app.py": "from lib.api import old_call\n\nold_call()\n",
}
UNSAFE_WHY = "lib.api:old_call is replaced by lib.api:new_call, under another name: the declaration does not say it takes the same arguments"


def stdin(args: list[str], text: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from ssot_lint.cli import main

    monkeypatch.chdir(root)
    outcome = CliRunner().invoke(main, args, input=text.encode(), catch_exceptions=False)
    return outcome.exit_code, outcome.stdout, outcome.stderr


def marks(report: str) -> dict[tuple[str, int, int, str], str | None]:
    return {(f["path"], f["line"], f["col"], f["rule"]): f["applicability"] for f in json.loads(report)["findings"]}


# -- fix --stdin-filename ---------------------------------------------------------------------------


def test_fix_stdin_applies_a_declared_deprecation_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", PROJECT, RULES)
    fixed = APP.replace("pkg.old", "pkg.new")
    assert stdin(["fix", "--no-cache", "--stdin-filename", "pkg/app.py", "-"], APP, root, monkeypatch) == (0, fixed, "1 finding fixed, 0 findings left.\n")
    code, out, err = stdin(["fix", "--no-cache", "--diff", "--stdin-filename", "pkg/app.py", "-"], APP, root, monkeypatch)
    assert (code, out.splitlines()[-4:], err) == (
        1,
        ["-from pkg.old import X", "+from pkg.new import X", " ", " print(X)"],
        "1 finding would be fixed, 0 findings would be left.\n",
    )
    assert (root / "pkg/app.py").read_text() == APP  # nothing written
    # With the result cache (what an editor's pipeline runs): the same text, twice (cold, then warm).
    for _ in range(2):
        assert stdin(["fix", "--stdin-filename", "pkg/app.py", "-"], APP, root, monkeypatch) == (0, fixed, "1 finding fixed, 0 findings left.\n")


def test_check_stdin_marks_a_declared_deprecation_finding_as_check_on_the_file_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", PROJECT, RULES)
    code, out, _ = stdin(["check", "--no-cache", "-q", "--stdin-filename", "pkg/app.py", "-"], APP, root, monkeypatch)
    assert (code, out.splitlines()) == (1, [f"pkg/app.py:1:6: DD [*] error: {MESSAGE}"])
    on_stdin = stdin(["check", "--no-cache", "-o", "json", "--stdin-filename", "pkg/app.py", "-"], APP, root, monkeypatch)[1]
    on_file = run_cli(["check", "--no-cache", "-o", "json", "pkg/app.py"], root, monkeypatch).stdout
    assert marks(on_stdin) == marks(on_file) == {("pkg/app.py", 1, 6, "DD"): "safe"}


def test_fix_stdin_leaves_an_unsafe_declared_deprecation_fix_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", RENAMED, RULES)
    text = RENAMED["app.py"]
    code, out, err = stdin(["fix", "--no-cache", "--stdin-filename", "app.py", "-"], text, root, monkeypatch)
    assert (code, out, err.splitlines()) == (1, text, ["0 findings fixed, 1 finding left:", f"  app.py:1:21: DD unsafe fix not applied: {UNSAFE_WHY}"])
    code, out, err = stdin(["fix", "--no-cache", "--unsafe-fixes", "--stdin-filename", "app.py", "-"], text, root, monkeypatch)
    fixed = "from lib.api import new_call as old_call\n\nold_call()\n"
    assert (code, out, err.splitlines()) == (0, fixed, ["1 finding fixed, 0 findings left:", f"  app.py:1:21: DD unsafe fix applied: {UNSAFE_WHY}"])
    assert run_cli(["fix", "--no-cache", "--unsafe-fixes", "app.py"], root, monkeypatch).exit_code == 0
    assert (root / "app.py").read_text() == fixed


def test_fix_stdin_gives_the_reason_fix_gives_for_a_finding_without_a_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding in a text with nothing to rewrite gets the project-wide view's reason, as
    ``fix`` on the file gives it (not "left by the fix without a reason")."""
    vague = {**PROJECT, "pkg/old.py": 'import warnings\nfrom pkg.new import X\nwarnings.warn("pkg.old is deprecated", DeprecationWarning)\n'}
    root = write_project(tmp_path / "p", vague, RULES)
    code, out, err = stdin(["fix", "--no-cache", "--stdin-filename", "pkg/app.py", "-"], APP, root, monkeypatch)
    on_file = run_cli(["fix", "--no-cache", "--diff", "pkg/app.py"], root, monkeypatch).stderr.splitlines()
    assert on_file == [
        "0 files would change, 0 findings would be fixed, 1 finding would be left:",
        "  pkg/app.py:1:6: DD not fixable: the declaration names no replacement",
    ]
    assert (code, out, err.splitlines()) == (1, APP, ["0 findings fixed, 1 finding left:", on_file[1]])  # the same reason


# -- api.fix_source -------------------------------------------------------------------------------


def test_fix_source_follows_an_unsaved_buffer_that_changes_the_declaration(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", PROJECT, RULES)
    config = root / "ssot-lint.toml"
    app = root / "pkg/app.py"
    as_saved = api.fix_source(app, APP, config=config, cache=False)
    assert (as_saved.code, as_saved.fixed, as_saved.refused) == (APP.replace("pkg.old", "pkg.new"), 1, "")
    # pkg/old.py edited, not saved: it now points at pkg.newer, whose X it imports.
    edited = {root / "pkg/old.py": OLD.format(new="newer")}
    follows = api.fix_source(app, APP, config=config, buffers=edited, cache=False)
    assert (follows.code, follows.fixed, follows.refused) == (APP.replace("pkg.old", "pkg.newer"), 1, "")
    # ... or no longer warns: nothing is deprecated, nothing to fix.
    quiet = {root / "pkg/old.py": "from pkg.new import X\n"}
    assert api.fix_source(app, APP, config=config, buffers=quiet, cache=False) == api.SourceFixed(APP, 0)
    # Through the result cache, cold and warm: the same.
    for _ in range(2):
        assert api.fix_source(app, APP, config=config, buffers=edited).code == follows.code
    assert (root / "pkg/app.py").read_text() == APP and (root / "pkg/old.py").read_text() == OLD.format(new="new")


def test_fix_source_of_the_declaring_module_itself(tmp_path: Path) -> None:
    """The text being fixed is the declaration: its buffer, not its file, says what is deprecated."""
    files = {**PROJECT, "pkg/old.py": "from pkg.new import X\n"}
    root = write_project(tmp_path / "p", files, RULES)
    config = root / "ssot-lint.toml"
    assert api.fix_source(root / "pkg/app.py", APP, config=config, cache=False).fixed == 0
    # The file app.py imports is the one being edited: its findings are in other files, never in it.
    assert api.fix_source(root / "pkg/old.py", OLD.format(new="new"), config=config, cache=False) == api.SourceFixed(OLD.format(new="new"), 0)
    fixed = api.fix_source(root / "pkg/app.py", APP, config=config, buffers={root / "pkg/old.py": OLD.format(new="newer")}, cache=False)
    assert fixed.code == APP.replace("pkg.old", "pkg.newer")


def test_a_project_view_reads_the_project_once_while_the_rules_and_buffers_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The language server's code actions: ``api.ProjectView`` keeps what one call read of the
    project for the next with the same rules and buffers (the text fixed among them)."""
    import importlib

    project_fixes = importlib.import_module("ssot_lint.fix.project_fixes")
    root = write_project(tmp_path / "p", PROJECT, RULES)
    project = api.load_project(root / "ssot-lint.toml")
    reads: list[str] = []
    discover = project_fixes.discover
    monkeypatch.setattr(project_fixes, "discover", lambda paths, config: reads.append("read") or discover(paths, config))
    view = api.ProjectView()
    app, old = root / "pkg/app.py", root / "pkg/old.py"
    for unsafe in (False, True, False):
        assert api.fix_source(app, APP, config=project, unsafe_fixes=unsafe, view=view).code == APP.replace("pkg.old", "pkg.new")
    assert len(reads) == 1
    old.write_text(OLD.format(new="newer"))  # a change on disk that no buffer shows: kept until forgotten
    assert api.fix_source(app, APP, config=project, view=view).code == APP.replace("pkg.old", "pkg.new")
    assert len(reads) == 1
    view.forget()
    assert api.fix_source(app, APP, config=project, view=view).code == APP.replace("pkg.old", "pkg.newer")
    assert len(reads) == 2
    edited = {old: OLD.format(new="new")}  # a buffer: it, not the file, is the project
    for _ in range(2):
        assert api.fix_source(app, APP, config=project, buffers=edited, view=view).code == APP.replace("pkg.old", "pkg.new")
    assert len(reads) == 3
    assert api.fix_source(app, "import os\n" + APP, config=project, buffers=edited, view=view).code == "import os\n" + APP.replace("pkg.old", "pkg.new")
    assert len(reads) == 4  # the text fixed is one of the buffers too


# -- equal to `ssot-lint fix F`, byte for byte -------------------------------------------------------


def same_as_fix_on_the_file(root: Path, unsafe: bool) -> dict[str, bytes]:
    """Each Python file's text fixed by ``api.fix_source`` equals what ``ssot-lint fix F`` (a
    partial ``api.fix`` of that file) gives it; the files that change, with their new bytes."""
    config = root / "ssot-lint.toml"
    changed: dict[str, bytes] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(".ssot-lint/"):
            continue
        data = path.read_bytes()
        on_file = api.fix([path], config=config, write=False, unsafe_fixes=unsafe, cache=False, jobs=1)
        written = {f.ref.path: f.after for f in on_file.files}
        one_text = api.fix_source(path, data, config=config, unsafe_fixes=unsafe, cache=False)
        assert one_text.code == written.get(relative, data), (relative, unsafe)
        assert one_text.fixed == sum(f.fixed for f in on_file.files), (relative, unsafe)
        if one_text.code != data:
            assert isinstance(one_text.code, bytes)
            changed[relative] = one_text.code
    return changed


@pytest.mark.parametrize("example", range(len(DeclaredDeprecation.INVALID) + len(DeclaredDeprecation.VALID)))
def test_the_kinds_examples_fix_in_one_text_as_on_the_file(tmp_path: Path, example: int) -> None:
    given = [*DeclaredDeprecation.INVALID, *DeclaredDeprecation.VALID][example]
    root = write_project(tmp_path / "p", given.files, RULES)
    for unsafe in (False, True):
        same_as_fix_on_the_file(root, unsafe)


# Into the sample: an import of a name the deprecated factory module re-exports (DD1 and WS002
# both fix it, safely; the sample's own DD1 findings have no fix that verifies).
USES_FACTORY = "from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManager\n\nprint(WebSocketManager)\n"


def dd_sample(tmp_path: Path) -> Path:
    root = sample_project(tmp_path, '\n[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n')
    (root / "netra_backend/app/services/uses_factory.py").write_text(USES_FACTORY)
    return root


def test_the_sample_fixes_in_one_text_as_on_the_file(tmp_path: Path) -> None:
    root = dd_sample(tmp_path)
    assert same_as_fix_on_the_file(root, False) == {
        "netra_backend/app/services/notifier.py": (
            (REPO / "fixtures/netra_backend/app/services/notifier.py")
            .read_bytes()
            .replace(b"from netra_backend.app.websocket_core import (", b"from netra_backend.app.websocket_core.websocket_manager import (")
        ),
        "netra_backend/app/services/uses_factory.py": USES_FACTORY.replace("_factory import", " import").encode(),
    }
    unsafe = same_as_fix_on_the_file(root, True)
    handlers = unsafe["netra_backend/app/websocket_core/handlers.py"].decode()
    assert "from .websocket_manager import WebSocketManager as UnifiedWebSocketManager\n" in handlers  # DD1's and WS002's rewrite
    assert sorted(unsafe) == [
        "netra_backend/app/services/agent_service.py",
        "netra_backend/app/services/notifier.py",
        "netra_backend/app/services/uses_factory.py",
        "netra_backend/app/websocket_core/handlers.py",
    ]


def test_the_sample_marks_on_stdin_as_on_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = dd_sample(tmp_path)
    found: dict[tuple[str, int, int, str], str | None] = {}
    for name in (
        "netra_backend/app/services/uses_factory.py",
        "netra_backend/app/services/agent_service.py",
        "netra_backend/app/websocket_core/handlers.py",
        "netra_backend/app/services/notifier.py",
    ):
        text = (root / name).read_text()
        on_stdin = stdin(["check", "--no-cache", "-o", "json", "--stdin-filename", name, "-"], text, root, monkeypatch)[1]
        on_file = run_cli(["check", "--no-cache", "-o", "json", name], root, monkeypatch).stdout
        assert marks(on_stdin) == marks(on_file), name
        found.update(marks(on_file))
    assert {at: mark for at, mark in found.items() if at[3] == "DD1"} == {
        ("netra_backend/app/services/uses_factory.py", 1, 6, "DD1"): "safe",
        ("netra_backend/app/services/agent_service.py", 13, 10, "DD1"): None,
        ("netra_backend/app/websocket_core/handlers.py", 3, 6, "DD1"): None,
        ("netra_backend/app/websocket_core/handlers.py", 4, 15, "DD1"): None,
        ("netra_backend/app/services/notifier.py", 6, 8, "DD1"): None,
    }


# -- the language server ----------------------------------------------------------------------------


def test_the_server_offers_the_declared_deprecation_fix(tmp_path: Path) -> None:
    from lsprotocol import types as lsp

    from tests.lsp_client import Client
    from tests.test_server import SUPPRESS, action, applied, codes, titles_by_code

    root = write_project(tmp_path / "p", PROJECT, RULES)
    fixed = APP.replace("pkg.old", "pkg.new")

    async def main() -> None:
        client = Client(root)
        await client.start()
        try:
            uri = client.open("pkg/app.py", APP)
            wide = await client.wait(uri, 0, lambda p: codes(p) == ["DD"])  # the project job's finding
            assert await titles_by_code(client, uri, wide) == {
                "DD": ["ssot-lint: fix DD", SUPPRESS.format("DD")],
                "fixAll": ["ssot-lint: fix all (1 finding)"],
            }
            quick = await action(client, uri, "ssot-lint: fix DD")
            assert quick.is_preferred and applied(APP, quick) == fixed
            fix_all = await action(client, uri, "ssot-lint: fix all (1 finding)", lsp.CodeActionKind.SourceFixAll)
            assert applied(APP, fix_all) == fixed
            # The declaring module edited, not saved: the fix follows its buffer.
            old = client.open("pkg/old.py", OLD.format(new="newer"))
            await client.wait(old, 0)
            follows = await action(client, uri, "ssot-lint: fix DD")
            assert applied(APP, follows) == APP.replace("pkg.old", "pkg.newer")
            # Closed, its file is the project again; a change on disk no buffer shows counts
            # from the next project-wide check on (what the server read is kept until then).
            client.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(old)))
            assert applied(APP, await action(client, uri, "ssot-lint: fix DD")) == fixed
            (root / "pkg/old.py").write_text(OLD.format(new="newer"))
            assert applied(APP, await action(client, uri, "ssot-lint: fix DD")) == fixed
            seen = client.count(uri)
            client.save(uri)
            await client.wait(uri, seen)  # the project-wide check's diagnostics
            assert applied(APP, await action(client, uri, "ssot-lint: fix DD")) == APP.replace("pkg.old", "pkg.newer")
        finally:
            await client.stop()

    asyncio.run(main())


DD_UNSAFE = (
    "ssot-lint: fix DD (unsafe: lib.api:old_call is replaced by lib.api:new_call, under another name: the declaration does not say it takes the same arguments)"
)


def test_the_server_offers_an_unsafe_declared_deprecation_fix_only_when_asked(tmp_path: Path) -> None:
    from tests.lsp_client import Client
    from tests.test_server import SUPPRESS, action, applied, codes, titles_by_code

    root = write_project(tmp_path / "p", RENAMED, RULES)
    text = RENAMED["app.py"]

    async def offered(unsafe: bool) -> dict[str, list[str]]:
        client = Client(root)
        await client.start(initialization_options={"unsafeFixes": unsafe})
        try:
            uri = client.open("app.py", text)
            wide = await client.wait(uri, 0, lambda p: codes(p) == ["DD"])
            titles = await titles_by_code(client, uri, wide)
            if unsafe:
                fix = await action(client, uri, DD_UNSAFE)
                assert not fix.is_preferred
                assert applied(text, fix) == "from lib.api import new_call as old_call\n\nold_call()\n"
            return titles
        finally:
            await client.stop()

    assert asyncio.run(offered(False)) == {"DD": [SUPPRESS.format("DD")], "fixAll": []}
    assert asyncio.run(offered(True)) == {
        "DD": [DD_UNSAFE, SUPPRESS.format("DD")],
        "fixAll": ["ssot-lint: fix all (1 finding, 1 unsafe)"],
    }
