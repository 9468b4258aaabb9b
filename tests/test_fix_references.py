"""Issue #18 item 6 under issue #13's contract: a reference to a deprecated member through an
import of a package above it (``import collections`` ... ``collections.OrderedDict``) is rewritten
when that is verifiably safe: the replacement exists and is the same kind of thing, its module is
imported (added right after the import the reference comes through, which goes once nothing else
in the file uses it), no name clashes, comments and formatting stay. Otherwise the reference is
left with the reason, and ``check`` says the same per finding (``fixable``/``applicability``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

PROJECT = {
    "old/__init__.py": "",
    # A deprecated shim: its A is new.mod's (a rewrite names the same object and imports nothing
    # new); make and B are its own.
    "old/mod.py": "from new.mod import A\ndef make(): ...\nclass B: ...\n",
    "new/__init__.py": "",
    "new/mod.py": "class A: ...\nclass Manager: ...\n",
    "compat/__init__.py": "",
    "compat/odict.py": "class OrderedDict(dict): ...\n",
}
RULES = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.mod:A" = "new.mod:A", "old.mod:make" = "new.mod:Manager", "old.mod:B" = "new.mod:B", "collections:OrderedDict" = "compat.odict:OrderedDict" }
"""


def fix(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch)


def applicability(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, str | None]]:
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    return [(f["line"], f["col"], f["applicability"]) for f in report["findings"] if f["path"] == "app.py"]


def test_a_reference_is_rewritten_and_its_import_replaced_when_nothing_else_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = '"""App."""\nimport os\nimport old.mod  # the old home\n\nx = old.mod.A()  # build one\nprint(os.sep)\n'
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    assert applicability(tmp_path, monkeypatch) == [(5, 5, "safe")]
    lines = run_cli(["check", "--no-cache"], tmp_path, monkeypatch).stdout.splitlines()
    assert lines[0] == "app.py:5:5: D1 [*] error: old.mod:A is deprecated; import new.mod:A"
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == '"""App."""\nimport os\nimport new.mod  # the old home\n\nx = new.mod.A()  # build one\nprint(os.sep)\n'
    assert fix(tmp_path, monkeypatch).stderr == "0 files changed, 0 findings fixed, 0 findings left.\n"


def test_the_old_import_stays_while_something_else_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # old.mod.make maps a function to a class: refused, so `old` is still used and its import stays.
    app = "import old.mod\n\nx = old.mod.A()\ny = old.mod.make\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    assert applicability(tmp_path, monkeypatch) == [(3, 5, "safe"), (4, 5, None)]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "import old.mod\nimport new.mod\n\nx = new.mod.A()\ny = old.mod.make\n"
    assert result.stderr.splitlines() == [
        "1 file changed, 1 finding fixed, 1 finding left:",
        "  app.py:5:5: D1 not fixable: old.mod.make is a function but new.mod.Manager is a class",
    ]


def test_a_standard_library_reference_moves_to_a_project_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The ruff banned-api case: `import collections` stays (Counter still needs it); the
    # replacement's module is imported right after it; parentheses and layout are kept.
    app = "import collections\nimport sys\n\nd = (\n    collections.OrderedDict\n)()\nc = collections.Counter()\n\n\ndef f(x):\n    return isinstance(x, collections.OrderedDict)\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    # compat.odict's OrderedDict is another class than the standard library's: an unsafe fix.
    assert applicability(tmp_path, monkeypatch) == [(5, 5, "unsafe"), (11, 26, "unsafe")]
    assert fix(tmp_path, monkeypatch, "--unsafe-fixes").exit_code == 0
    assert (tmp_path / "app.py").read_text() == (
        "import collections\nimport compat.odict\nimport sys\n\nd = (\n    compat.odict.OrderedDict\n)()\nc = collections.Counter()\n\n\n"
        "def f(x):\n    return isinstance(x, compat.odict.OrderedDict)\n"
    )


def test_an_import_already_there_is_used_not_repeated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "import compat.odict\nimport collections\n\nd = collections.OrderedDict()\ncompat.odict.OrderedDict\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert (tmp_path / "app.py").read_text() == "import compat.odict\n\nd = compat.odict.OrderedDict()\ncompat.odict.OrderedDict\n"


def test_a_packages_init_keeps_the_import_others_may_import_from_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**PROJECT, "app/__init__.py": "import collections\n\nD = collections.OrderedDict\n"}
    write_project(tmp_path, files, RULES)
    fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert (tmp_path / "app/__init__.py").read_text() == "import collections\nimport compat.odict\n\nD = compat.odict.OrderedDict\n"


@pytest.mark.parametrize(
    ("app", "reason"),
    [
        (
            "import collections\ncollections.OrderedDict = dict\n",
            "`collections.OrderedDict` is assigned to or deleted here: rewriting it would change another module",
        ),
        ("import collections\nd = collections.OrderedDict()\ncollections = None\n", "`collections` is also bound by an assignment at line 3"),
        ("import collections\nd = collections.OrderedDict()\n\n\ndef g(compat):\n    pass\n", "`compat` is already bound by a parameter at line 5"),
        ("import collections\nfrom x import compat\nd = collections.OrderedDict()\n", "`compat` is already bound by an import at line 2"),
        ("import collections\nd = collections.OrderedDict()\nprint(compat)\n", "`compat` is already used in this file (as a name that no import binds)"),
        (
            "def f():\n    import collections\n    return collections.OrderedDict()\n",
            "`collections` is imported inside a block or function at line 2; rewrite the reference by hand",
        ),
        ("import collections\nfrom os import *\nd = collections.OrderedDict()\n", "the star import at line 2 might bind `compat`"),
        ("import collections\nd = (collections.  # why\n    OrderedDict)\n", "`collections.OrderedDict` holds a comment; rewrite it by hand"),
        ("import old.mod\nb = old.mod.B\n", "B is not defined in new.mod"),
    ],
    ids=["assigned", "head-rebound", "clash-parameter", "clash-import", "clash-unbound", "in-function", "star", "comment", "missing"],
)
def test_references_that_cannot_be_rewritten_safely_stay_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str, reason: str) -> None:
    write_project(tmp_path, {**PROJECT, "app.py": app}, RULES)
    found = applicability(tmp_path, monkeypatch)
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == app
    left = [line for line in result.stderr.splitlines()[1:] if line.startswith("  app.py:")]
    assert left and left[-1].endswith(f" D1 not fixable: {reason}")
    assert found[-1][2] is None


def test_a_replacement_outside_the_project_is_an_unsafe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "collections:OrderedDict" = "builtins:dict" }\n'
    app = "import collections\n\nd = collections.OrderedDict()\n"
    write_project(tmp_path, {**PROJECT, "app.py": app}, rules)
    assert applicability(tmp_path, monkeypatch) == [(3, 5, "unsafe")]
    why = "builtins is not part of the project, so builtins.dict cannot be verified"
    refused = fix(tmp_path, monkeypatch)
    assert ((tmp_path / "app.py").read_text(), refused.stderr.splitlines()[1:]) == (
        app,
        [f"  app.py:3:5: D1 unsafe fix not applied: {why}", "1 unsafe fix not applied: `--unsafe-fixes` applies it"],
    )
    applied = fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert (tmp_path / "app.py").read_text() == "import builtins\n\nd = builtins.dict()\n"
    assert applied.stderr.splitlines() == [
        "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:",
        f"  app.py:3:5: D1 unsafe fix applied: {why}",
    ]


# Issue #18 item 6, every form of module-attribute reference, with a module mapping and with a
# member mapping: what the file reads through the module it binds is verified and rewritten.
# old.mod is a shim of new.mod: its X is new.mod's X, or, for the member rule, new.mod's Y.
FORMS = {"old/__init__.py": "", "old/mod.py": "from new.mod import X\nclass Z: ...\n", "new/__init__.py": "", "new/mod.py": "class X: ...\nclass Y: ...\n"}
MODULE_RULE = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.mod" = "new.mod" }\n'
MEMBER_RULE = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old.mod:X" = "new.mod:Y" }\n'


@pytest.mark.parametrize(
    ("rules", "app", "fixed"),
    [
        (MODULE_RULE, "import old.mod\nold.mod.X()\n", "import new.mod\nnew.mod.X()\n"),
        (MODULE_RULE, "import old\nold.mod.X()\n", "import new.mod\nnew.mod.X()\n"),
        (MODULE_RULE, "from old import mod\nmod.X()\n", "from new import mod\nmod.X()\n"),
        (MODULE_RULE, "import old.mod as m\nm.X()\n", "import new.mod as m\nm.X()\n"),
        (MEMBER_RULE, "import old.mod\nold.mod.X()\n", "import new.mod\nnew.mod.Y()\n"),
        (MEMBER_RULE, "import old\nold.mod.X()\n", "import new.mod\nnew.mod.Y()\n"),
        (MEMBER_RULE, "from old import mod\nmod.X()\n", "import new.mod\nnew.mod.Y()\n"),
        (MEMBER_RULE, "import old.mod as m\nm.X()\n", "import new.mod\nnew.mod.Y()\n"),
        (MEMBER_RULE, "import old.mod as m\nm.X()\nm.Z()\n", "import old.mod as m\nimport new.mod\nnew.mod.Y()\nm.Z()\n"),
    ],
)
def test_every_form_of_module_attribute_reference_is_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, app: str, fixed: str) -> None:
    shim = {"old/mod.py": "from new.mod import Y as X\nclass Z: ...\n"} if rules == MEMBER_RULE else {}
    write_project(tmp_path, {**FORMS, **shim, "app.py": app}, rules)
    assert [a for _, _, a in applicability(tmp_path, monkeypatch)] == ["safe"]
    result = fix(tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (0, "1 file changed, 1 finding fixed, 0 findings left.\n")
    assert (tmp_path / "app.py").read_text() == fixed


WHOLE = "the file uses the module as a value (assigned or passed around), so what it reads from new.mod cannot be verified"


def used_alone(name: str) -> str:
    """The reason a rewrite of the module binding ``name``, used on its own at line 2, stays."""
    return f"`{name}` is also used on its own at line 2 (a value, or another binding of the name), so what the file reads through it from new.mod cannot be verified"


@pytest.mark.parametrize(
    ("app", "left", "why"),
    [
        ("import old.mod\nx = old.mod\nx.Z()\n", "app.py:1:8", used_alone("old.mod")),
        ("import old.mod\nf(old.mod)\n", "app.py:1:8", used_alone("old.mod")),
        ("import old.mod as m\nx = m\nx.Z()\n", "app.py:1:8", used_alone("m")),
        ("from old import mod\ng(mod)\n", "app.py:1:17", used_alone("mod")),
        ('import old.mod as m\ngetattr(m, "Z")\n', "app.py:1:8", used_alone("m")),
    ],
)
def test_a_module_used_as_a_value_is_an_unsafe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str, left: str, why: str) -> None:
    # `x = old.mod; x.Z()` would become `x = new.mod; x.Z()`, and new.mod has no Z: what is read
    # through a module passed around cannot be verified, so the rewrite is unsafe; the reason
    # says where the module is used on its own.
    write_project(tmp_path, {**FORMS, "app.py": app}, MODULE_RULE)
    assert [a for _, _, a in applicability(tmp_path, monkeypatch)] == ["unsafe"]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == app
    assert result.stderr.splitlines()[1] == f"  {left}: D1 unsafe fix not applied: {why}"
    applied = fix(tmp_path, monkeypatch, "--unsafe-fixes")
    assert applied.exit_code == 0 and (tmp_path / "app.py").read_text() == app.replace("old.mod", "new.mod").replace("from old import", "from new import")


def test_a_reference_to_a_module_used_as_a_value_through_a_package_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "import old\nold.mod.X()\nx = old.mod\nx.Z\n"
    write_project(tmp_path, {**FORMS, "app.py": app}, MODULE_RULE)
    assert applicability(tmp_path, monkeypatch) == [(2, 1, "safe"), (3, 5, "unsafe")]
    result = fix(tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "import old\nimport new.mod\nnew.mod.X()\nx = old.mod\nx.Z\n"
    assert result.stderr.splitlines()[1] == f"  app.py:4:5: D1 unsafe fix not applied: {WHOLE}"
