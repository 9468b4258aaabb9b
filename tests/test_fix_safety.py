"""Issue #13: ``fix`` never changes what a program does. Import rewrites are verified against the
project (a name the replacement lacks stays, with the reason; a change of kind is refused unless
allowed), a replacement outside the project is an unsafe fix, event fixes are unsafe and say
where the file still reads the keys they change, ``check`` reports each finding's applicability,
and ``fix`` gives the same bytes for any ``--jobs``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

# old.mod is a deprecated shim: it re-exports new.mod's A and new.impl's B (so that a rewrite to
# them names the same objects and imports nothing new), and has a Factory and a function of its own.
OLD_MOD = "from new.mod import A\nfrom new.impl import B\nclass Factory: ...\ndef create_manager(): ...\n"
NEW_MOD = "from new.impl import *\nclass A: ...\n"
IMPL = "__all__ = ['B']\nclass B: ...\nclass Hidden: ...\n"
PROJECT = {
    "old/__init__.py": "",
    "old/mod.py": OLD_MOD,
    "new/__init__.py": "",
    "new/mod.py": NEW_MOD + "class Manager: ...\n",
    "new/impl.py": IMPL,
}


def rules(replace: str, extra: str = "") -> str:
    return f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n{extra}'


def fix(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch)


def findings(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[tuple[str, int, int, bool, str | None]]:
    report = run_cli(["check", "--no-cache", "-o", "json", *args], root, monkeypatch).json()
    return [(f["path"], f["line"], f["col"], f["fixable"], f["applicability"]) for f in report["findings"]]


def test_only_the_names_the_replacement_defines_move(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A (defined), B (star-exported by new.impl's __all__) move; Factory stays, with the reason.
    write_project(tmp_path, {**PROJECT, "app.py": "from old.mod import A, Factory, B\n"}, rules('"old.mod" = "new.mod"'))
    assert findings(tmp_path, monkeypatch) == [("app.py", 1, 6, False, None)]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from old.mod import Factory\nfrom new.mod import A, B\n"
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "1 file changed, 0 findings fixed, 1 finding left (1 partly fixed):",
        "  app.py:1:6: D1 not fixable: Factory is not defined in new.mod",
    ]
    again = fix(tmp_path, monkeypatch)
    assert again.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        "  app.py:1:6: D1 not fixable: Factory is not defined in new.mod",
    ]


@pytest.mark.parametrize(
    ("imported", "why"),
    [
        ("Hidden", "Hidden is not defined in new.mod"),  # not in new.impl's __all__, so not star-exported
        ("B, Gone", "Gone is not defined in new.mod"),  # Gone: not even in the deprecated module
    ],
)
def test_star_exports_follow_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imported: str, why: str) -> None:
    write_project(tmp_path, {**PROJECT, "app.py": f"from old.mod import {imported}\n"}, rules('"old.mod" = "new.mod"'))
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1].startswith(f"  app.py:1:6: D1 not fixable: {why}")


def test_a_function_mapped_to_a_class_is_refused_unless_allowed_and_then_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from old.mod import create_manager\n\nmanager = create_manager()\n"
    mapping = '"old.mod:create_manager" = "new.mod:Manager"'
    write_project(tmp_path, {**PROJECT, "app.py": app}, rules(mapping))
    assert findings(tmp_path, monkeypatch) == [("app.py", 1, 21, False, None)]
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, (tmp_path / "app.py").read_text()) == (1, app)
    assert result.stderr.splitlines()[1] == "  app.py:1:21: D1 not fixable: old.mod.create_manager is a function but new.mod.Manager is a class"
    write_project(tmp_path, {}, rules(mapping, 'allow-kind-change = ["old.mod:create_manager"]\n'))
    # Allowed, the change of kind is still a change of what runs: an unsafe fix.
    assert findings(tmp_path, monkeypatch) == [("app.py", 1, 21, True, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, (tmp_path / "app.py").read_text()) == (1, app)
    assert result.stderr.splitlines()[1] == (
        "  app.py:1:21: D1 unsafe fix not applied: new.mod.Manager is another definition than old.mod.create_manager, so the rewrite changes what runs"
    )
    assert fix(tmp_path, monkeypatch, "--unsafe-fixes").exit_code == 0
    assert (tmp_path / "app.py").read_text() == "from new.mod import Manager as create_manager\n\nmanager = create_manager()\n"


def test_allow_kind_change_must_name_a_key_of_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, PROJECT, rules('"old.mod:A" = "new.mod:A"', 'allow-kind-change = ["old.mod:B"]\n'))
    result = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.endswith("rule D1: allow-kind-change: 'old.mod:B' is not a key of 'replace'\n")


@pytest.mark.parametrize(
    ("app", "left"),
    [
        ("import old.mod\n\nold.mod.A()\nold.mod.Factory()\n", "app.py:1:8: D1 not fixable: Factory is not defined in new.mod"),
        ("import old.mod as m\n\nm.A()\nm.Factory()\n", "app.py:1:8: D1 not fixable: Factory is not defined in new.mod"),
        ("from old import mod\n\nmod.Factory()\n", "app.py:1:17: D1 not fixable: Factory is not defined in new.mod"),
    ],
    ids=["import-old-mod", "import-as", "from-parent"],
)
def test_attribute_references_to_a_name_the_replacement_lacks_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str, left: str) -> None:
    write_project(tmp_path, {**PROJECT, "app.py": app}, rules('"old.mod" = "new.mod"'))
    assert [f[3:] for f in findings(tmp_path, monkeypatch)] == [(False, None)]
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text(), result.stderr.splitlines()[1:]) == (app, [f"  {left}"])


def test_attribute_references_to_names_the_replacement_has_are_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**PROJECT, "app.py": "import old.mod\n\nold.mod.A(old.mod.B)\n"}, rules('"old.mod" = "new.mod"'))
    assert findings(tmp_path, monkeypatch) == [("app.py", 1, 8, True, "safe")]
    assert fix(tmp_path, monkeypatch).exit_code == 0
    assert (tmp_path / "app.py").read_text() == "import new.mod\n\nnew.mod.A(new.mod.B)\n"


def test_a_replacement_outside_the_project_is_an_unsafe_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from old.mod import A\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, rules('"old.mod:A" = "requests:Session"'))
    assert findings(tmp_path, monkeypatch) == [("app.py", 1, 21, True, "unsafe")]
    check = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert check.stdout.splitlines()[0].startswith("app.py:1:21: D1 error: old.mod:A is deprecated")  # no [*]: not fixed by default
    assert check.stdout.splitlines()[-2] == "1 fixable with `ssot-lint fix --unsafe-fixes`"
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text(), result.exit_code) == (app, 1)
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        "  app.py:1:21: D1 unsafe fix not applied: requests is not part of the project, so requests.Session cannot be verified",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    diff = fix(tmp_path, monkeypatch, "--diff", "--unsafe-fixes")
    header = "# ssot-lint: unsafe fix at app.py:1:21 (D1): requests is not part of the project, so requests.Session cannot be verified\n"
    assert diff.stdout == header + "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-from old.mod import A\n+from requests import Session as A\n"
    applied = fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert (tmp_path / "app.py").read_text() == "from requests import Session as A\n"
    assert applied.stderr.splitlines() == [
        "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:",
        "  app.py:1:21: D1 unsafe fix applied: requests is not part of the project, so requests.Session cannot be verified",
    ]


EVENT_RULES = """
[[rule]]
id = "EV1"
kind = "event-schema"
events = ["agent_started"]
allowed = ["event_type", "user_id", "data"]
rename = { type = "event_type" }
"""
EVENT_APP = """\
def send(user):
    event = {"type": "agent_started", "user_id": user, "agent": "x"}
    emit(**event)
    if "type" in event and event["type"] == "agent_started":
        log(event.get("agent"))
    match event:
        case {"type": kind}:
            return kind
"""


def test_an_event_fix_is_unsafe_and_lists_the_readers_of_the_keys_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"app.py": EVENT_APP}, EVENT_RULES)
    assert findings(tmp_path, monkeypatch) == [("app.py", 2, 13, True, "unsafe")]
    reads = "'agent' at app.py:3, 'agent' at app.py:5, 'type' at app.py:3, 'type' at app.py:4, 'type' at app.py:4, 'type' at app.py:7"
    why = f"reshaping an event changes the data the program sends and reads; the file still reads {reads}"
    refused = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text(), refused.exit_code) == (EVENT_APP, 1)
    assert refused.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        f"  app.py:2:13: EV1 unsafe fix not applied: {why}",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    applied = fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert applied.exit_code == 0
    assert (tmp_path / "app.py").read_text() == EVENT_APP.replace(
        '{"type": "agent_started", "user_id": user, "agent": "x"}', '{"event_type": "agent_started", "user_id": user, "data": {"agent": "x"}}'
    )
    assert applied.stderr.splitlines() == [
        "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:",
        f"  app.py:2:13: EV1 unsafe fix applied: {why}",
    ]


def test_check_marks_fixable_findings_and_ends_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**PROJECT, "app.py": "from old.mod import A\nfrom old.mod import Factory\nimport json\njson.OrderedDict\n", "ev.py": EVENT_APP}
    write_project(tmp_path, files, rules('"old.mod" = "new.mod"') + EVENT_RULES)
    assert findings(tmp_path, monkeypatch) == [("app.py", 1, 6, True, "safe"), ("app.py", 2, 6, False, None), ("ev.py", 2, 13, True, "unsafe")]
    lines = run_cli(["check", "--no-cache"], tmp_path, monkeypatch).stdout.splitlines()
    assert lines[0] == "app.py:1:6: D1 [*] error: old.mod is deprecated; import new.mod"
    assert lines[1] == "app.py:2:6: D1 error: old.mod is deprecated; import new.mod"
    assert lines[-2:] == [
        "[*] 1 fixable with `ssot-lint fix` (1 more with `ssot-lint fix --unsafe-fixes`)",
        "7 files scanned, 0 parse errors, 3 findings; 5 files not parsed in full, as no rule reads all of them (--check-syntax parses every file)",
    ]
    quiet = run_cli(["check", "--no-cache", "-q"], tmp_path, monkeypatch).stdout.splitlines()
    assert quiet[0] == lines[0] and len(quiet) == 3


def test_per_file_runs_keep_the_rule_and_its_applicability(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # deprecated-import decides applicability after aggregation, but is not project-wide: the
    # pre-commit hook (--per-file) still runs it, verified against the whole project.
    write_project(tmp_path, {**PROJECT, "app.py": "from old.mod import A\n"}, rules('"old.mod" = "new.mod"'))
    result = run_cli(["check", "--no-cache", "--per-file", "-o", "json", "app.py"], tmp_path, monkeypatch)
    assert "skipped" not in result.stderr
    assert [(f["rule"], f["applicability"]) for f in result.json()["findings"]] == [("D1", "safe")]


def test_fixes_are_the_same_bytes_for_any_number_of_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apps = {f"app{i:02}.py": f"from old.mod import A, Factory\nimport old.mod\nold.mod.B\nx{i} = 1\n" for i in range(40)}
    write_project(tmp_path, {**PROJECT, **apps, "ev.py": EVENT_APP}, rules('"old.mod" = "new.mod"') + EVENT_RULES)
    runs = [fix(tmp_path, monkeypatch, "--diff", "--unsafe-fixes", "--jobs", jobs) for jobs in ("1", "2")]
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    assert runs[0].stdout.count("+++ b/") == 41
    assert (
        runs[0].stderr.splitlines()[0] == "41 files would change, 41 findings would be fixed (1 by unsafe fixes), 40 findings would be left (40 partly fixed):"
    )
    before = {name: (tmp_path / name).read_bytes() for name in apps}
    fix(tmp_path, monkeypatch, "--jobs", "2")
    after = {name: (tmp_path / name).read_bytes() for name in apps}
    assert after != before and len(set(after.values())) == 40


def test_json_report_validates_against_its_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).resolve().parent.parent / "ssot_lint" / "schemas" / "report.schema.json").read_text())
    write_project(
        tmp_path,
        {**PROJECT, "app.py": "from old.mod import A, Factory\nfrom old.mod import B\n", "ev.py": EVENT_APP},
        rules('"old.mod" = "new.mod"') + EVENT_RULES,
    )
    report = run_cli(["check", "--no-cache", "-o", "json"], tmp_path, monkeypatch).json()
    jsonschema.validate(report, schema)
    assert report["schema_version"] == 3
    assert {(f["fixable"], f["applicability"]) for f in report["findings"]} == {(False, None), (True, "safe"), (True, "unsafe")}


def test_the_replacements_own_import_from_the_deprecated_module_stays_and_vouches_for_its_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # new.mod re-exports A from old.mod (as Django's django.utils.text does cached_property from
    # django.utils.functional): rewriting that import would make new.mod import from itself, so it
    # stays, and A exists in new.mod for everyone else.
    # (old.mod defines A here; app.py imports new.mod already, so the rewrite imports nothing new.)
    files = {
        **PROJECT,
        "old/mod.py": "from new.impl import B\nclass A: ...\nclass Factory: ...\n",
        "new/mod.py": "from old.mod import A\nfrom new.impl import B\n",
        "app.py": "import new.mod\nfrom old.mod import A, B, Factory\n",
    }
    write_project(tmp_path, files, rules('"old.mod" = "new.mod"'))
    assert [f[3:] for f in findings(tmp_path, monkeypatch)] == [(False, None), (False, None)]
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "new/mod.py").read_text(), (tmp_path / "app.py").read_text()) == (
        files["new/mod.py"],
        "import new.mod\nfrom old.mod import Factory\nfrom new.mod import A, B\n",
    )
    assert result.stderr.splitlines()[1:] == [
        "  app.py:2:6: D1 not fixable: Factory is not defined in new.mod",
        "  new/mod.py:1:6: D1 not fixable: the rewritten import would import from new.mod, the module itself",
    ]


def test_a_member_mapping_wins_over_its_modules_and_is_verified_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # old.mod:Factory has a mapping of its own, to new.impl, which lacks it: the import stays,
    # although new.mod (the module mapping's replacement) binds a Factory.
    files = {**PROJECT, "new/mod.py": "from old.mod import Factory\n", "app.py": "from old.mod import Factory\n"}
    write_project(tmp_path, files, rules('"old.mod" = "new.mod", "old.mod:Factory" = "new.impl:Factory"'))
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1:] == [
        "  app.py:1:21: D1 not fixable: Factory is not defined in new.impl",
        "  new/mod.py:1:21: D1 not fixable: Factory is not defined in new.impl",
    ]


def test_work_started_on_the_analysis_thread_can_analyze_another_file() -> None:
    # A fix runs on the analysis thread; verifying it may summarise a module in the same process,
    # which analyzes on that thread too: it must run there, not wait for the thread it is on.
    import concurrent.futures

    from ssot_lint.analysis.parsing import on_analysis_thread

    with concurrent.futures.ThreadPoolExecutor(1) as outside:
        nested = outside.submit(on_analysis_thread, on_analysis_thread, sum, [1, 2])
        assert nested.result(timeout=30) == 3


def test_a_replacement_whose_kind_cannot_be_told_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # old.mod.A is a class; new.mod's A is a value (it may be anything): unverified, so unsafe.
    files = {**PROJECT, "old/mod.py": "class A: ...\n", "new/mod.py": "A = make_a()\n", "app.py": "from old.mod import A\n"}
    write_project(tmp_path, files, rules('"old.mod" = "new.mod"'))
    assert [f[3:] for f in findings(tmp_path, monkeypatch)] == [(True, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (
        result.stderr.splitlines()[1]
        == "  app.py:1:6: D1 unsafe fix not applied: new.mod.A exists, but that it is a class, as old.mod.A is, cannot be verified;"
        " app did not import new.mod before, whose import-time code does more than define names"
    )


def test_check_fix_applies_unsafe_fixes_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"app.py": EVENT_APP}, EVENT_RULES)
    safe = run_cli(["check", "--no-cache", "--fix", "-q"], tmp_path, monkeypatch)
    assert safe.stderr == "ssot-lint: fix: 0 files changed, 0 findings fixed, 1 finding left; 1 unsafe fix not applied: `--unsafe-fixes` applies it\n"
    assert (tmp_path / "app.py").read_text() == EVENT_APP
    unsafe = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "-q"], tmp_path, monkeypatch)
    assert (unsafe.exit_code, unsafe.stdout) == (0, "")
    assert unsafe.stderr == "ssot-lint: fix: 1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left\n"
    alone = run_cli(["check", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)
    assert (alone.exit_code, alone.stderr) == (2, "ssot-lint: error: --unsafe-fixes applies only with --fix\n")
