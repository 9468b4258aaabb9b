"""A fix offered in the editor is verified against the project as the editor shows it: the
other open (unsaved) buffers in place of their files, in the code actions (``api.fix_source``),
in a buffer's diagnostics (``api.check_source``) and in a run with buffers (``api.check``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types as lsp

import ssot_lint
from tests.lsp_client import Client
from tests.test_server import SUPPRESS, applied, run, titles_by_code

RULES = '[[rule]]\nid = "DI1"\nkind = "deprecated-import"\nreplace = { "old.mod" = "new.mod" }\n'
APP = "from old.mod import X\nprint(X)\n"
# What a multi-file rename leaves unsaved: new.mod no longer defines X, old.mod re-exports Y as X.
RENAMED = {"new/mod.py": "Y = 1\n", "old/mod.py": "from new.mod import Y as X\n"}


def renamed_project(root: Path) -> Path:
    files = {
        "ssot-lint.toml": 'rule-files = ["rules.toml"]\n',
        "rules.toml": RULES,
        "new/__init__.py": "",
        "new/mod.py": "X = 1\n",
        "old/__init__.py": "",
        "old/mod.py": "from new.mod import X\n",
        "app.py": APP,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_code_actions_verify_a_fix_against_the_other_unsaved_buffers(tmp_path: Path) -> None:
    project = renamed_project(tmp_path)
    seen: dict[str, dict[str, list[str]]] = {}

    async def scenario(client: Client) -> None:
        app = client.open("app.py", APP)
        seen["saved"] = await titles_by_code(client, app, await client.current(app))
        others = [client.open(name, text) for name, text in RENAMED.items()]
        for uri in others:
            await client.current(uri)
        before = client.count(app)
        client.change(app, APP)  # checked again: the other buffers are open now
        seen["edited"] = await titles_by_code(client, app, await client.current(app, before))
        fix_all = lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll])
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(2, 0))
        assert list(await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(app), whole, fix_all)) or []) == []
        for uri in others:  # closed unsaved: the files on disk are the project again
            client.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
        await asyncio.sleep(0.2)
        before = client.count(app)
        client.change(app, APP)
        seen["closed"] = await titles_by_code(client, app, await client.current(app, before))
        fix = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(app), whole, fix_all))
        assert fix is not None and isinstance(fix[0], lsp.CodeAction)
        assert applied(APP, fix[0]) == "from new.mod import X\nprint(X)\n"

    run(project, scenario)
    offered = {"DI1": ["ssot-lint: fix DI1", SUPPRESS.format("DI1")], "fixAll": ["ssot-lint: fix all (1 finding)"]}
    assert seen == {"saved": offered, "edited": {"DI1": [SUPPRESS.format("DI1")], "fixAll": []}, "closed": offered}


def test_fix_source_and_check_source_read_the_given_buffers_in_place_of_their_files(tmp_path: Path) -> None:
    project = renamed_project(tmp_path)
    config = ssot_lint.load_project(project / "ssot-lint.toml")
    buffers = {project / name: text for name, text in RENAMED.items()}
    assert ssot_lint.fix_source(project / "app.py", APP, config=config).code == "from new.mod import X\nprint(X)\n"
    edited = ssot_lint.fix_source(project / "app.py", APP, config=config, buffers=buffers)
    assert (edited.code, edited.fixed) == (APP, 0)
    assert [(r[0], r[1], r[3]) for r in edited.reasons] == [("DI1", 1, "not fixable: X is not defined in new.mod")]
    on_disk = ssot_lint.check_source(project / "app.py", APP, config=config)
    in_editor = ssot_lint.check_source(project / "app.py", APP, config=config, buffers=buffers)
    assert [(f.rule_id, f.line, f.applicability) for f in on_disk] == [("DI1", 1, "safe")]
    assert [(f.rule_id, f.line, f.applicability) for f in in_editor] == [("DI1", 1, "")]


def test_a_replacement_that_exists_only_in_a_buffer_verifies_the_fix(tmp_path: Path) -> None:
    project = renamed_project(tmp_path)
    (project / "new" / "mod.py").unlink()  # created in the editor, not saved yet
    config = ssot_lint.load_project(project / "ssot-lint.toml")
    unsaved = {project / "new" / "mod.py": "X = 1\n"}
    assert [f.applicability for f in ssot_lint.check_source(project / "app.py", APP, config=config)] == [""]
    assert [f.applicability for f in ssot_lint.check_source(project / "app.py", APP, config=config, buffers=unsaved)] == ["safe"]
    assert ssot_lint.fix_source(project / "app.py", APP, config=config, buffers=unsaved).fixed == 1


def test_a_run_with_buffers_verifies_against_them(tmp_path: Path) -> None:
    # The project-wide check the server runs: api.check with the open buffers.
    project = renamed_project(tmp_path)
    config = project / "ssot-lint.toml"
    saved = ssot_lint.check(config=config, cache=False, jobs=1)
    edited = ssot_lint.check(config=config, cache=False, jobs=1, buffers={project / name: text for name, text in RENAMED.items()})
    assert [(f.path, f.line, f.applicability) for f in saved.findings] == [("app.py", 1, "safe")]
    assert [(f.path, f.line, f.applicability) for f in edited.findings] == [("app.py", 1, "")]


def test_an_untitled_document_is_not_checked_and_the_log_says_so(tmp_path: Path) -> None:
    # Its path (pygls: "app.py", relative) would otherwise be read in the server's directory.
    project = renamed_project(tmp_path)
    untitled = "untitled:app.py"
    seen: dict[str, object] = {}

    async def scenario(client: Client) -> None:
        client.versions[untitled] = 1
        client.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(untitled, "python", 1, APP)))
        client.change(untitled, APP)
        app = client.open("app.py", APP)  # answered after the untitled document's messages
        await client.current(app)
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(2, 0))
        context = lsp.CodeActionContext(diagnostics=[])
        seen["actions"] = await client.client.text_document_code_action_async(lsp.CodeActionParams(lsp.TextDocumentIdentifier(untitled), whole, context))
        seen["hover"] = await client.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(untitled), lsp.Position(0, 6)))

    client = run(project, scenario)
    assert untitled not in client.published
    assert list(seen["actions"] or []) == [] and seen["hover"] is None  # type: ignore[call-overload]
    assert [m for m in client.logs if "untitled" in m] == ["ssot-lint: untitled:app.py: not checked: only files are (save it into a project to check it)"]


def test_the_other_open_buffers_are_checked_again_when_one_changes_opens_or_closes(tmp_path: Path) -> None:
    # app.py is never edited: which fixes it is offered follows the other buffers by itself.
    project = renamed_project(tmp_path)
    seen: dict[str, dict[str, list[str]]] = {}

    async def scenario(client: Client) -> None:
        app = client.open("app.py", APP)
        seen["saved"] = await titles_by_code(client, app, await client.current(app))
        mod = client.open("new/mod.py", "X = 1\n")
        await client.current(mod)
        before = client.count(app)
        client.change(mod, RENAMED["new/mod.py"])  # X renamed, unsaved
        seen["renamed"] = await titles_by_code(client, app, await client.wait(app, before))
        before = client.count(app)
        client.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(mod)))  # unsaved: the file is the project again
        seen["closed"] = await titles_by_code(client, app, await client.wait(app, before))
        before = client.count(app)
        client.open("new/mod.py", RENAMED["new/mod.py"])  # reopened with the unsaved text
        seen["reopened"] = await titles_by_code(client, app, await client.wait(app, before))

    run(project, scenario)
    offered = {"DI1": ["ssot-lint: fix DI1", SUPPRESS.format("DI1")], "fixAll": ["ssot-lint: fix all (1 finding)"]}
    refused = {"DI1": [SUPPRESS.format("DI1")], "fixAll": []}
    assert seen == {"saved": offered, "renamed": refused, "closed": offered, "reopened": refused}
