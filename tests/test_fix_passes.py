"""One ``fix`` is complete: fixing its output changes nothing. Found on SymPy 1.14.0, where a
rule mapping ``sympy.simplify`` to ``sympy`` (a module to the package above it) made ``fix``
refuse 16 files as "a bug in ssot-lint": ``from sympy.simplify.simplify import nsimplify``
became ``from sympy.simplify import nsimplify``, deprecated by the same mapping again, so the
engine's second pass (``fix.apply``) moved it once more and the file was refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.fix.destinations import FromDest, ModDest
from ssot_lint.kinds.base import Target
from ssot_lint.kinds.deprecated_import.rewrite import destination, settle
from tests.helpers import run_cli, write_project

# SymPy's shape, reduced: the package re-exports what its subpackage re-exports from a module of
# the subpackage's own name.
SYMPY_LIKE = {
    "pkg/__init__.py": "from pkg.simplify import nsimplify\n",
    "pkg/simplify/__init__.py": "from pkg.simplify.simplify import nsimplify\n",
    "pkg/simplify/simplify.py": "def nsimplify(): ...\n",
}
RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.simplify" = "pkg" }\n'
APP = "from pkg.simplify.simplify import nsimplify\nimport pkg.simplify.simplify\n\npkg.simplify.simplify.nsimplify()\n"


def test_a_submodule_named_like_its_deprecated_package_goes_to_the_final_place_in_one_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**SYMPY_LIKE, "app.py": APP}, RULES)
    result = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from pkg import nsimplify\nimport pkg\n\npkg.nsimplify()\n"
    assert result.stderr.splitlines() == [
        "1 file changed, 2 findings fixed, 2 findings left:",
        "  pkg/__init__.py:1:6: D1 not fixable: the rewritten import would import from pkg, the module itself",
        "  pkg/simplify/__init__.py:1:6: D1 unsafe fix not applied: rewriting this import makes pkg.simplify -> pkg -> pkg.simplify an import cycle",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    again = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert again.stderr.splitlines()[0] == "0 files changed, 0 findings fixed, 2 findings left:"


def test_check_and_fix_verify_the_final_place_not_a_step_towards_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.simplify binds nsimplify but pkg does not: the one step that exists would write an
    # import deprecated again, and the final place lacks the name, so the import stays.
    write_project(tmp_path, {**SYMPY_LIKE, "pkg/__init__.py": "", "app.py": "from pkg.simplify.simplify import nsimplify\n"}, RULES)
    report = run_cli(["check", "--no-cache", "-o", "json", "app.py"], tmp_path, monkeypatch).json()
    assert [(f["line"], f["fixable"], f["applicability"]) for f in report["findings"]] == [(1, False, None)]
    result = run_cli(["fix", "--no-cache", "app.py"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from pkg.simplify.simplify import nsimplify\n"
    assert result.stderr.splitlines() == [
        "0 files changed, 0 findings fixed, 1 finding left:",
        "  app.py:1:6: D1 not fixable: nsimplify is not defined in pkg",
    ]


PAIRS = [(Target("a.b"), Target("a")), (Target("x"), Target("y.x")), (Target("y.x.q"), Target("z"))]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        # a.b.b -> a.b -> a: one fix goes all the way
        ((False, "a.b.b", "f", None), FromDest("a", "f", None)),
        ((False, "a.b.b.b", "f", None), FromDest("a", "f", None)),
        ((True, "a.b.b", None, "m"), ModDest("a", "m")),
        # a module whose derived place falls under another mapping: x.q -> y.x.q -> z
        ((False, "x.q", "f", "g"), FromDest("z", "f", "g")),
        # nothing deprecated about the first step's result: one step
        ((False, "a.b.c", "f", None), FromDest("a.c", "f", None)),
    ],
)
def test_destination_follows_the_mappings_until_nothing_is_deprecated(statement: tuple[bool, str, str | None, str | None], expected: object) -> None:
    is_import, module, name, asname = statement
    hit = next((old, new) for old, new in PAIRS if module == old.module or module.startswith(old.module + "."))
    assert destination(is_import, module, name, asname, *hit, PAIRS) == expected
    assert destination(is_import, module, name, asname, *hit) != expected or module == "a.b.c"  # one step only without the rule's mappings


def test_settle_names_the_prefix_that_maps_to_the_final_place() -> None:
    # `a.b.b.f` written through `import a.b.b`: the prefix `a.b.b` becomes `a`, so `a.f`.
    assert settle(PAIRS, Target("a.b"), Target("a"), "a.b.b.f") == (Target("a.b.b"), Target("a"))
    assert settle(PAIRS, Target("a.b"), Target("a"), "a.b.c.f") == (Target("a.b"), Target("a"))
    assert settle(PAIRS, Target("x"), Target("y.x"), "x.q.f") == (Target("x.q"), Target("z"))
