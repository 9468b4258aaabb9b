"""deprecated-import: references through a package import (``collections.OrderedDict``, #18 item
6), chained replacements resolved at load (#18 item 13), and what the fix verifier calls
verified, refused or unverified."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.fix.verify import REFUSED, UNVERIFIED, VERIFIED, ImportVerifier, Need
from ssot_lint.kinds.base import RuleMeta
from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
from ssot_lint.model import FileRef
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.module_names import ModuleNamer
from ssot_lint.run.modules import ProjectModules
from ssot_lint.run.verification import SummariseFiles
from tests.helpers import run_cli, write_project

REF = FileRef("app.py", "app")


def rule(replace: dict[str, str]) -> DeprecatedImport:
    return DeprecatedImport(RuleMeta("D1", "{target} is deprecated; {what} {imported}; use {replacement}"), {"replace": replace})


def found(code: str, replace: dict[str, str]) -> list[tuple[int, int, str]]:
    return [(f.line, f.col, f.message) for f in analyze_source(code.encode(), REF, [rule(replace)]).findings]


ORDERED = {"collections:OrderedDict": "collections.ordered:OrderedDict"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import collections\nd = collections.OrderedDict()\n", [(2, 5, "attribute collections.OrderedDict")]),
        ("import collections as c\nd = c.OrderedDict.fromkeys(x)\n", [(2, 5, "attribute c.OrderedDict")]),
        ("import collections.abc\nd = collections.OrderedDict\n", [(2, 5, "attribute collections.OrderedDict")]),
        ("import collections\nd = (collections.\n     OrderedDict)\n", [(2, 6, "attribute collections.OrderedDict")]),
        ("from collections import OrderedDict\nd = OrderedDict()\n", [(1, 25, "member collections.OrderedDict")]),  # the import, once
        ("import collections\nOrderedDict = 1\ncollections.abc.Mapping\n", []),
        ("import json\njson.OrderedDict\n", []),
    ],
    ids=["import-package", "aliased", "import-submodule", "split-line", "from-import-flagged-once", "other-attribute", "other-module"],
)
def test_references_through_a_package_import_are_flagged(code: str, expected: list[tuple[int, int, str]]) -> None:
    assert [(line, col, message.split("; ")[1]) for line, col, message in found(code, ORDERED)] == expected


def test_a_reference_to_a_module_target_through_its_parent() -> None:
    replace = {"os.path": "posixpath"}
    assert found("import os\nos.path.join(a, b)\n", replace) == [(2, 1, "os.path is deprecated; attribute os.path; use posixpath")]
    assert found("import os.path\nos.path.join(a, b)\n", replace) == [(1, 8, "os.path is deprecated; module os.path; use posixpath")]  # the import's finding


def test_a_file_with_a_reference_is_parsed_and_one_without_is_not() -> None:
    (finding,) = analyze_source(b"import collections\nx = collections.OrderedDict\n", REF, [rule(ORDERED)]).findings
    assert finding.line == 2
    assert not analyze_source(b"import collections\nfrom x import OrderedDict\n", REF, [rule(ORDERED)]).parsed


@pytest.mark.parametrize(
    ("replace", "code", "message"),
    [
        ({"a:X": "b:X", "b:X": "c:Y"}, "from a import X\n", "a:X is deprecated; member a.X; use c:Y"),
        ({"a:X": "b:X", "b": "c"}, "from a import X\n", "a:X is deprecated; member a.X; use c:X"),
        ({"a": "b", "b.sub:X": "c:Y"}, "from a.sub import X\n", "a.sub:X is deprecated; member a.sub.X; use c:Y"),
        ({"a": "b", "b": "c.d"}, "import a.x as m\n", "a is deprecated; module a.x; use c.d"),
    ],
    ids=["member-to-member", "member-into-replaced-module", "module-whose-replacement-has-a-replaced-member", "module-to-module"],
)
def test_chained_replacements_recommend_the_final_target(replace: dict[str, str], code: str, message: str) -> None:
    assert [m for _, _, m in found(code, replace)] == [message]


def test_a_chain_is_fixed_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a and b are shims of c's Y under the old name: the one fix names the same object.
    files = {"a.py": "import c\nX = c.Y\n", "b.py": "import c\nX = c.Y\n", "c.py": "class Y: ...\n", "app.py": "from a import X\n"}
    write_project(tmp_path, files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "a:X" = "b:X", "b:X" = "c:Y" }\n')
    result = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == "from c import Y as X\n"


@pytest.mark.parametrize(
    ("replace", "cycle"),
    [
        ('"a:X" = "b:X", "b:X" = "a:X"', "a:X -> b:X -> a:X comes back under a:X"),
        ('"a" = "a.legacy"', "a -> a.legacy comes back under a"),
    ],
)
def test_a_cycle_is_refused_at_load_with_its_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: str, cycle: str) -> None:
    write_project(tmp_path, {"app.py": ""}, f'# rules\n[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n')
    result = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert result.stderr.startswith("ssot-lint: error: ")
    assert "rules.toml:5" in result.stderr and f"rule D1: replace: the chain {cycle} (a cycle)" in result.stderr  # at the replace key


SHIMS = {"pkg/__init__.py": "", "pkg/old.py": "from pkg.mid import f\n", "pkg/mid.py": "from pkg.new import f\n", "pkg/new.py": "def f():\n    return 1\n"}
TWO_RULES = (
    '[[rule]]\nid = "MOVE001"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.mid" }\n\n'
    '[[rule]]\nid = "MOVE002"\nkind = "deprecated-import"\n{scope}replace = { "pkg.mid" = "pkg.new" }\n'
)


def test_a_replacement_another_rule_deprecates_is_followed_to_its_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**SHIMS, "app.py": "from pkg.old import f\nprint(f())\n"}, TWO_RULES.replace("{scope}", ""))
    checked = run_cli(["check", "--no-cache", "--select", "MOVE001"], tmp_path, monkeypatch)  # followed whether MOVE002 runs or not
    assert "app.py:1:6: MOVE001 [*] error: pkg.old is deprecated; import pkg.new\n" in checked.stdout
    fixed = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (fixed.exit_code, fixed.stderr) == (0, "2 files changed, 2 findings fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == "from pkg.new import f\nprint(f())\n"


def test_a_rule_limited_to_some_paths_is_not_followed_and_what_its_fix_writes_says_why_it_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**SHIMS, "app.py": "from pkg.old import f\nprint(f())\n"}, TWO_RULES.replace("{scope}", 'paths = ["app.py"]\n'))
    fixed = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from pkg.mid import f\nprint(f())\n"
    assert fixed.stderr == (
        "1 file changed, 1 finding fixed, 1 finding left:\n"
        "  app.py:1:6: MOVE002 written by this file's fix of another finding; `ssot-lint fix` again fixes it or says why not: "
        "pkg.mid is deprecated; import pkg.new\n"
    )
    again = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (again.exit_code, again.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == "from pkg.new import f\nprint(f())\n"


def test_a_cycle_through_other_rules_is_refused_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    back = '\n[[rule]]\nid = "MOVE003"\nkind = "deprecated-import"\nreplace = { "pkg.new" = "pkg.old" }\n'
    write_project(tmp_path, {"app.py": ""}, TWO_RULES.replace("{scope}", "") + back)
    result = run_cli(["check", "--no-cache"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout) == (2, "")
    # named at the mapping that closes the loop (the rule loaded last), the others with theirs
    assert result.stderr == (
        "ssot-lint: error: rules.toml:14: rule MOVE003: replace: the chain pkg.mid -> pkg.new -> pkg.old -> pkg.mid comes back under pkg.mid (a cycle), "
        "through rules MOVE001, MOVE002 (rules.toml:4, rules.toml:9)\n"
    )


def test_a_cycle_closed_by_a_rule_file_loaded_later_is_named_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"app.py": ""}, '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "a.x" = "b.x" }\n')
    (tmp_path / "r3.toml").write_text('# more\n\n[[rule]]\nid = "X1"\nkind = "deprecated-import"\nreplace = { "b.x" = "a.x" }\n')
    result = run_cli(["check", "--no-cache", "--rules", "r3.toml"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "ssot-lint: error: r3.toml:6: rule X1: replace: the chain b.x -> a.x -> b.x comes back under b.x (a cycle), through rule R1 (rules.toml:4)\n"
    )
    # a scoped first rule is still part of the loop (it follows X1), and X1 still closes it
    (tmp_path / "rules.toml").write_text('[[rule]]\nid = "R1"\nkind = "deprecated-import"\npaths = ["app.py"]\nreplace = { "a.x" = "b.x" }\n')
    scoped = run_cli(["check", "--no-cache", "--rules", "r3.toml"], tmp_path, monkeypatch)
    assert (scoped.exit_code, scoped.stderr) == (2, result.stderr.replace("rules.toml:4", "rules.toml:5"))


CONFLICT_FILES = {
    "old/__init__.py": "",
    "old/mod.py": "def f():\n    return 1\n",
    "new/__init__.py": "",
    "new/mod.py": "def f():\n    return 1\n",
    "other/__init__.py": "",
    "other/mod.py": "def f():\n    return 1\n",
    "app.py": "from old.mod import f\n",
}
APP001 = '[[rule]]\nid = "APP001"\nkind = "deprecated-import"\nreplace = { "old.mod" = "new.mod" }\n'


@pytest.mark.parametrize("command", [["check"], ["fix", "--unsafe-fixes"], ["rules", "--check"]])
def test_one_target_mapped_to_two_replacements_by_rules_that_apply_everywhere_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    write_project(tmp_path, CONFLICT_FILES, APP001)
    (tmp_path / "r2.toml").write_text('# moved again\n[[rule]]\nid = "X1"\nkind = "deprecated-import"\nreplace = { "old.mod" = "other.mod" }\n')
    result = run_cli([*command, "--no-cache", "--rules", "r2.toml"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "ssot-lint: error: r2.toml:5: rule X1: 'old.mod' is already mapped to 'new.mod' by rule APP001 (rules.toml:4)\n"
    assert (tmp_path / "app.py").read_text() == "from old.mod import f\n"


def test_a_conflict_a_scope_limits_is_a_warning_of_rules_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, CONFLICT_FILES, APP001)
    (tmp_path / "r2.toml").write_text('[[rule]]\nid = "X1"\nkind = "deprecated-import"\npaths = ["legacy/"]\nreplace = { "old.mod" = "other.mod" }\n')
    checked = run_cli(["check", "--no-cache", "-q", "--rules", "r2.toml"], tmp_path, monkeypatch)
    assert (checked.exit_code, checked.stdout) == (1, "app.py:1:6: APP001 error: old.mod is deprecated; import new.mod\n")
    result = run_cli(["rules", "--check", "--no-cache", "--rules", "r2.toml"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout) == (
        1,
        "r2.toml:5: X1 maps old.mod to other.mod, but rule APP001 (rules.toml:4) maps it to new.mod; "
        "in a file both rules apply to (their paths and exclude), check gives both advices and fix applies one\n"
        "2 mappings checked, 1 warning\n",
    )


@pytest.mark.parametrize("split", [False, True], ids=["one-rule", "two-rules"])
def test_a_member_mapping_under_a_module_mapping_refines_it_in_one_rule_or_across_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: bool) -> None:
    files = {
        "old/__init__.py": "",
        "old/mod.py": "class X: ...\nclass Y: ...\n",
        "a/__init__.py": "",
        "a/mod.py": "from old.mod import Y\n",
        "b/__init__.py": "",
        "b/mod.py": "from old.mod import X\n",
        "app.py": "from old.mod import X, Y\n",
    }
    if split:
        rules = (
            '[[rule]]\nid = "APP001"\nkind = "deprecated-import"\nreplace = { "old.mod" = "a.mod" }\n'
            '[[rule]]\nid = "APP002"\nkind = "deprecated-import"\nreplace = { "old.mod:X" = "b.mod:X" }\n'
        )
    else:
        rules = '[[rule]]\nid = "APP001"\nkind = "deprecated-import"\nreplace = { "old.mod" = "a.mod", "old.mod:X" = "b.mod:X" }\n'
    write_project(tmp_path, files, rules)
    member = "APP002" if split else "APP001"
    checked = run_cli(["check", "--no-cache", "-q"], tmp_path, monkeypatch)
    assert checked.stdout == (
        "a/mod.py:1:6: APP001 error: old.mod is deprecated; import a.mod\n"
        "app.py:1:6: APP001 [*] error: old.mod is deprecated; import a.mod\n"
        f"app.py:1:21: {member} [*] error: old.mod:X is deprecated; import b.mod:X\n"
        f"b/mod.py:1:21: {member} error: old.mod:X is deprecated; import b.mod:X\n"
    )  # app's rewrites are safe: a.mod and b.mod, which it runs anew, only bind names (safety21)
    mappings = run_cli(["rules", "--check", "--no-cache"], tmp_path, monkeypatch)
    assert (mappings.exit_code, mappings.stdout) == (0, "2 mappings checked, 0 warnings\n")
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)
    assert fixed.exit_code == 1  # the shims' own imports are left
    assert (tmp_path / "app.py").read_text() == "from b.mod import X\nfrom a.mod import Y\n"


# -- the verifier ----------------------------------------------------------------------------------
LIBRARY = {
    "lib/__init__.py": "",
    "lib/api.py": (
        "from typing import TYPE_CHECKING\n"
        "from lib.impl import Engine as Motor, make\n"
        "from lib import impl\n"
        "Alias = Motor\n"
        "__all__ = ['Phantom']\n"
        "if TYPE_CHECKING:\n"
        "    from lib.impl import Typed\n"
        "def helper(): ...\n"
    ),
    "lib/impl.py": "class Engine: ...\ndef make(): ...\nclass Typed: ...\n",
    "lib/dynamic.py": "def __getattr__(name): ...\n",
    "lib/starry.py": "from os.path import *\n",
    "lib/stub_only.pyi": "class S: ...\n",
    "lib/broken.py": "def f(:\n",
}


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[ImportVerifier]:
    write_project(tmp_path, LIBRARY)
    namer = ModuleNamer([])
    files = [SourceFile(str(tmp_path / name), namer.ref(str(tmp_path / name), name)) for name in sorted(LIBRARY)]
    modules = ProjectModules(None, SummariseFiles(None, 1), files)
    yield ImportVerifier(modules)
    modules.close()  # its kept worker, not left to garbage collection (a later test counts children)


@pytest.mark.parametrize(
    ("dotted", "status", "kind_or_reason"),
    [
        ("lib.api.Motor", VERIFIED, "class"),  # bound by an import: the kind follows it
        ("lib.api.make", VERIFIED, "function"),
        ("lib.api.Alias", VERIFIED, "class"),  # an alias follows its target
        ("lib.api.helper", VERIFIED, "function"),
        ("lib.api.impl", VERIFIED, "module"),  # a submodule
        ("lib.api.Phantom", REFUSED, "Phantom is not defined in lib.api"),  # only in __all__
        ("lib.api.Typed", REFUSED, "Typed is not defined in lib.api"),  # bound only under TYPE_CHECKING
        ("lib.nothing", REFUSED, "nothing is not defined in lib"),
        ("lib.dynamic.anything", UNVERIFIED, "lib.dynamic defines __getattr__, so anything cannot be verified there"),
        ("lib.starry.join", UNVERIFIED, "join may come from a star import of os.path, outside the project"),
        ("lib.stub_only.S", UNVERIFIED, "lib.stub_only has only a stub (.pyi), which says nothing of run time, so S cannot be verified there"),
        ("lib.broken.f", UNVERIFIED, "lib/broken.py could not be analyzed (SSOT000), so f cannot be verified there"),
        ("requests.Session", UNVERIFIED, "requests is not part of the project, so requests.Session cannot be verified"),
    ],
)
def test_what_the_verifier_calls_verified(verifier: ImportVerifier, dotted: str, status: str, kind_or_reason: str) -> None:
    verdict = verifier.resolve(dotted)
    assert verdict.status == status
    assert (verdict.kind if status == VERIFIED else verdict.reason) == kind_or_reason


def test_import_of_a_name_that_is_not_a_module_is_refused(verifier: ImportVerifier) -> None:
    assert verifier.verify(Need("old.x", "lib.api.helper", module=True)).reason == "module lib.api.helper does not exist (helper is not a module of lib.api)"
    assert verifier.verify(Need("lib.impl.make", "lib.impl.Engine")).reason == "lib.impl.make is a function but lib.impl.Engine is a class"
    allowed = verifier.verify(Need("lib.impl.make", "lib.impl.Engine"), allow_kind_change=True)  # not refused; another object
    assert (allowed.status, allowed.reason) == (UNVERIFIED, "lib.impl.Engine is another definition than lib.impl.make, so the rewrite changes what runs")


def test_fix_rewrites_references_unsafely_when_the_replacement_cannot_be_verified() -> None:
    from ssot_lint.kinds.base import FixContext
    from tests.fix_contract import fix_checked

    before = "import collections\nd = collections.OrderedDict()\n"
    # No project: collections.ordered cannot be verified, so the rewrite is unsafe.
    why = "there is no project to verify the rewrite against"
    assert fix_checked(rule(ORDERED), before, REF, FixContext()) == (before, 0, [(2, 5, f"unsafe fix not applied: {why}")])
    # With unsafe fixes: `collections` was imported only for the reference, so its import goes.
    assert fix_checked(rule(ORDERED), before, REF) == ("import collections.ordered\nd = collections.ordered.OrderedDict()\n", 1, [])
