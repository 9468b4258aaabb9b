"""Issue #15's fixes under issue #13's contract: an import of what the project declares deprecated
is rewritten, as deprecated-import rewrites it, when the declaration names a replacement that
resolves to one project module or name; every rewrite is verified against the project (safe),
a name the replacement lacks stays with the reason, and an unresolvable or ambiguous replacement
means no fix, with the reason. ``check`` says the same per finding (fixable, applicability)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

WARN = "import warnings\nwarnings.warn({text!r}, DeprecationWarning, stacklevel=2)\n"
PROJECT = {
    "old/__init__.py": "",
    # A deprecated shim: A and make are new.mod's (a rewrite names the same objects), Gone its own.
    "old/mod.py": WARN.format(text="old.mod is deprecated. Use new.mod instead") + "from new.mod import A, make\nclass Gone: ...\n",
    "new/__init__.py": "",
    "new/mod.py": "class A: ...\ndef make(): ...\nclass Manager: ...\n",
    "new/other.py": "Value = 1\n",
    "new/third.py": "Value = 1\n",
    "amb.py": WARN.format(text="amb is deprecated; use Value instead") + "Value = 2\n",
    "vague.py": WARN.format(text="vague is deprecated") + "Y = 1\n",
}
LIB = {
    "lib/__init__.py": "from .api import old_call\n",
    "lib/api.py": (
        "from typing_extensions import deprecated\n\n"
        "@deprecated('old_call is deprecated; use new_call instead')\ndef old_call(): ...\ndef new_call(): ...\n"
        "@deprecated('Thing is deprecated; use new.mod.A')\nclass Thing: ...\n"
        "@deprecated('Factory is deprecated; use new.mod.Manager')\ndef Factory(): ...\n"
    ),
}
RULES = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n'


def fix(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch)


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, bool, str | None]]:
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    return [(f["line"], f["col"], f["fixable"], f["applicability"]) for f in report["findings"] if f["path"] == "app.py"]


def test_imports_of_a_module_declared_deprecated_are_rewritten_to_its_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from old.mod import A, make  # both moved\nimport old.mod as om\n\nom.A()\n\n\ndef f():\n    from old import mod\n    return mod.make()\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    assert findings(tmp_path, monkeypatch) == [(1, 6, True, "safe"), (2, 8, True, "safe"), (8, 21, True, "safe")]
    check = run_cli(["check", "--no-cache"], tmp_path, monkeypatch).stdout.splitlines()
    assert check[0].startswith(
        'app.py:1:6: DD1 [*] error: module old.mod is deprecated (old/mod.py:2: "old.mod is deprecated. Use new.mod instead"); use new.mod'
    )
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "1 file changed, 3 findings fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == (
        "from new.mod import A, make  # both moved\nimport new.mod as om\n\nom.A()\n\n\ndef f():\n    from new import mod\n    return mod.make()\n"
    )
    assert fix(tmp_path, monkeypatch).stderr == "0 files changed, 0 findings fixed, 0 findings left.\n"
    assert (tmp_path / "old/mod.py").read_text() == PROJECT["old/mod.py"]  # the declaration itself is never touched


def test_a_name_the_replacement_lacks_stays_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from old.mod import Gone, A as B\nimport old.mod\n\nold.mod.A()\nold.mod.Gone()\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    assert findings(tmp_path, monkeypatch) == [(1, 6, False, None), (2, 8, False, None)]
    result = fix(tmp_path, monkeypatch)
    # The statement is split: A moves (as B), Gone stays; `import old.mod` is used for Gone too.
    assert (tmp_path / "app.py").read_text() == "from old.mod import Gone\nfrom new.mod import A as B\nimport old.mod\n\nold.mod.A()\nold.mod.Gone()\n"
    assert result.stderr.splitlines() == [
        "1 file changed, 0 findings fixed, 2 findings left (1 partly fixed):",
        "  app.py:1:6: DD1 not fixable: Gone is not defined in new.mod",
        "  app.py:3:8: DD1 not fixable: Gone is not defined in new.mod",
    ]


def test_an_ambiguous_or_missing_replacement_means_no_fix_and_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from amb import Value\nimport vague\n"
    files = {**PROJECT, "app.py": app}
    write_project(tmp_path, files, RULES)
    assert findings(tmp_path, monkeypatch) == [(1, 6, False, None), (2, 8, False, None)]
    result = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text(), result.exit_code) == (app, 1)
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        "  app.py:1:6: DD1 not fixable: ambiguous replacement: new.other:Value or new.third:Value",
        "  app.py:2:8: DD1 not fixable: the declaration names no replacement",
    ]


def test_a_declared_class_moves_safely_a_renamed_function_only_unsafely_and_a_change_of_kind_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A function or class replaced by one of another name may take other arguments: unsafe.
    app = "from lib import old_call\nfrom lib.api import Factory\nfrom lib.api import Thing\n"
    write_project(tmp_path, {**PROJECT, **LIB, "app.py": app}, RULES)
    assert findings(tmp_path, monkeypatch) == [(1, 17, True, "unsafe"), (2, 21, False, None), (3, 21, True, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == app
    renamed = "lib.api:old_call is replaced by lib.api:new_call, under another name: the declaration does not say it takes the same arguments"
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 4 findings left:",
        f"  app.py:1:17: DD1 unsafe fix not applied: {renamed}",
        "  app.py:2:21: DD1 not fixable: lib.api.Factory is a function but new.mod.Manager is a class",
        "  app.py:3:21: DD1 unsafe fix not applied: lib.api:Thing is replaced by new.mod:A, under another name: the declaration does not say it takes the same arguments",
        f"  lib/__init__.py:1:18: DD1 unsafe fix not applied: {renamed}",
        "3 unsafe fixes not applied: `--unsafe-fixes` applies them",
    ]
    applied = fix(tmp_path, monkeypatch, "--unsafe-fixes")
    # Through its re-export too: the package's own import is rewritten (it names the declared function).
    assert (tmp_path / "app.py").read_text() == "from lib.api import new_call as old_call\nfrom lib.api import Factory\nfrom new.mod import A as Thing\n"
    assert (tmp_path / "lib/__init__.py").read_text() == "from .api import new_call as old_call\n"  # relative, as written
    assert applied.stderr.splitlines()[0] == "2 files changed, 3 findings fixed (3 by unsafe fixes), 1 finding left:"


def test_a_replacement_that_is_deprecated_itself_is_no_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        **PROJECT,
        "new/mod.py": WARN.format(text="new.mod is deprecated too") + PROJECT["new/mod.py"],
        "app.py": "from old.mod import A\n",
    }
    write_project(tmp_path, files, RULES)
    result = fix(tmp_path, monkeypatch)
    assert result.stderr.splitlines()[1] == "  app.py:1:6: DD1 not fixable: the replacement new.mod is deprecated too (declared at new/mod.py:2)"


def test_the_diff_and_the_fix_agree_for_any_number_of_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apps = {f"app{i:02}.py": "from old.mod import A, Gone\nimport amb\n" for i in range(20)}
    write_project(tmp_path, {**PROJECT, **apps}, RULES)
    runs = [fix(tmp_path, monkeypatch, "--diff", "--jobs", jobs) for jobs in ("1", "2")]
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    assert runs[0].stdout.count("+from new.mod import A\n") == 20
    assert runs[0].stderr.splitlines()[0] == "20 files would change, 0 findings would be fixed, 40 findings would be left (20 partly fixed):"
