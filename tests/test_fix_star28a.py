"""star28a: names bound by star imports in fix verification (review28b, networkx 3.4.2).

1. Python binds names in statement order, so of several star imports that may bind a name the
   last one that does wins (networkx's ``__init__`` star-imports ``generators`` and then
   ``algorithms``; both export ``community``). The verifier took the first: a safe fix to
   ``pkg.Community`` rewrote ``pkg.gen.Community`` to ``pkg.alg.Community``. Which star import
   wins is said only where the index can tell; otherwise the rewrite is unsafe, naming both.
2. A star import is read as the fix leaves it: one the fix would rewrite into a module that does
   not exist (a rewrite it refuses) stays as written and binds what it binds today.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

COMMUNITY_RULE = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.gen:Community" = "pkg:Community" }\n'
GEN = 'class Community:\n    kind = "generators"\n'
ALG = 'class Community:\n    kind = "algorithms"\n'
USER = "from pkg.gen import Community\n\nprint(Community.kind)\n"
UNSAFE_LEFT = "1 unsafe fix not applied: `--unsafe-fixes` applies it"


def narrowed(line: int, col: int, module: str = "pkg.gen") -> str:
    """pkg/__init__.py's own finding: its star import of the deprecated member's module."""
    return f"  pkg/__init__.py:{line}:{col}: R1 not fixable: `from {module} import *` cannot be narrowed to Community; import names explicitly"


def fix_output(root: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> list[str]:
    result = run_cli(["fix", "--no-cache", *options, "."], root, monkeypatch)
    return [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith(("---", "+++", "@@", "+", "-", " ")) or line.startswith("  ")]


def community_project(tmp_path: Path, init: str, gen: str = GEN, alg: str = ALG, rule: str = COMMUNITY_RULE) -> Path:
    files = {"pkg/__init__.py": init, "pkg/gen.py": gen, "pkg/alg.py": alg, "user.py": USER}
    return write_project(tmp_path, files, rule)


# -- 1. the last star import that binds the name wins ------------------------------------------------
def test_the_last_of_two_star_imports_binding_a_name_is_what_the_package_binds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reviewer's reproduction: pkg.Community is pkg.alg's class, so the rewrite changes what
    # the program prints ("generators" -> "algorithms"): never safe.
    root = community_project(tmp_path, "from pkg.gen import *\nfrom pkg.alg import *\n")
    assert fix_output(root, monkeypatch) == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        narrowed(1, 21),
        "  user.py:1:21: R1 unsafe fix not applied: pkg.Community (defined as pkg.alg.Community) is another definition than pkg.gen.Community, "
        "so the rewrite changes what runs",
        UNSAFE_LEFT,
    ]
    assert (root / "user.py").read_text() == USER


def test_the_first_star_import_wins_when_the_later_one_surely_lacks_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.alg's literal __all__ does not list Community: its star import binds only `other`.
    root = community_project(tmp_path, "from pkg.gen import *\nfrom pkg.alg import *\n", alg='__all__ = ["other"]\nother = 1\n' + ALG)
    assert fix_output(root, monkeypatch) == ["1 file changed, 1 finding fixed, 1 finding left:", narrowed(1, 21)]
    assert (root / "user.py").read_text() == "from pkg import Community\n\nprint(Community.kind)\n"


def test_a_later_star_import_that_surely_binds_the_name_wins_over_an_earlier_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Under pkg.alg:Community -> pkg:Community, the class pkg binds is the one the file imports.
    rule = COMMUNITY_RULE.replace("pkg.gen:Community", "pkg.alg:Community")
    root = community_project(tmp_path, "from pkg.gen import *\nfrom pkg.alg import *\n", rule=rule)
    (root / "user.py").write_text(USER.replace("pkg.gen", "pkg.alg"))
    assert fix_output(root, monkeypatch) == ["1 file changed, 1 finding fixed, 1 finding left:", narrowed(2, 21, "pkg.alg")]
    assert (root / "user.py").read_text() == "from pkg import Community\n\nprint(Community.kind)\n"


@pytest.mark.parametrize(
    ("init", "alg", "star", "reason"),
    [
        # The later star import's exports cannot be read: it may rebind Community, or not.
        (
            "from pkg.gen import *\nfrom pkg.alg import *\n",
            "__all__ = list(globals())\n" + ALG,
            narrowed(1, 21),
            "pkg binds Community by more than one star import: from pkg.gen import * at line 1 and from pkg.alg import * at line 2, "
            "so which object it is cannot be told",
        ),
        # A star import from outside the project after the one that binds it.
        (
            "from pkg.gen import *\nfrom extlib import *\n",
            ALG,
            narrowed(1, 21),
            "pkg binds Community by more than one star import: from pkg.gen import * at line 1 and from extlib import * at line 2, "
            "so which object it is cannot be told",
        ),
        # The one that binds it runs only under a condition: the earlier one's may be kept.
        (
            "import os\nfrom pkg.alg import *\nif os.environ.get('GEN'):\n    from pkg.gen import *\n",
            ALG,
            narrowed(4, 25),
            "pkg binds Community by more than one star import: from pkg.alg import * at line 2 and from pkg.gen import * at line 4, "
            "so which object it is cannot be told",
        ),
    ],
    ids=["dynamic-all-later", "outside-project-later", "conditional-later"],
)
def test_a_name_several_star_imports_may_bind_is_unsafe_naming_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, init: str, alg: str, star: str, reason: str
) -> None:
    root = community_project(tmp_path, init, alg=alg)
    assert fix_output(root, monkeypatch) == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        star,
        f"  user.py:1:21: R1 unsafe fix not applied: {reason}",
        UNSAFE_LEFT,
    ]
    assert (root / "user.py").read_text() == USER


def test_a_name_one_star_import_binds_only_under_a_condition_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = community_project(tmp_path, "import os\nif os.environ.get('GEN'):\n    from pkg.gen import *\n")
    assert fix_output(root, monkeypatch) == [
        "0 files changed, 0 findings fixed, 2 findings left:",
        narrowed(3, 25),
        "  user.py:1:21: R1 unsafe fix not applied: pkg binds Community more than once, or only under a condition, so which object it is cannot be told",
        UNSAFE_LEFT,
    ]


# -- 2. a star import read as the fix leaves it ------------------------------------------------------
SUB_RULE = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.sub" = "pkg" }\n'


def test_a_star_import_whose_rewrite_the_fix_refuses_binds_what_it_binds_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reviewer's reproduction: `from .impl import *` in pkg.sub would become `from pkg.impl
    # import *`, a module that does not exist, so the fix leaves it; pkg.f is pkg.sub.f.
    files = {
        "pkg/__init__.py": "from pkg.sub import *\n",
        "pkg/sub/__init__.py": "from .impl import *\n",
        "pkg/sub/impl.py": '__all__ = ["f"]\n\n\ndef f():\n    return 1\n',
        "user.py": "from pkg.sub import f\n\nprint(f())\n",
    }
    root = write_project(tmp_path, files, SUB_RULE)
    assert fix_output(root, monkeypatch) == [
        "1 file changed, 1 finding fixed, 2 findings left:",
        "  pkg/__init__.py:1:6: R1 not fixable: the rewritten import would import from pkg, the module itself",
        "  pkg/sub/__init__.py:1:6: R1 not fixable: module pkg.impl does not exist (impl is not a module of pkg)",
    ]
    assert (root / "user.py").read_text() == "from pkg import f\n\nprint(f())\n"


FACADE_LEFT = "  pkg/facade.py:1:6: R1 unsafe fix not applied: a star import binds whatever pkg.new exports, so the names this file uses cannot be verified"
MOVED_RULE = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.legacy" = "pkg.facade"\n"pkg.old" = "pkg.new"\n'


@pytest.mark.parametrize(
    ("old", "expected"),
    [
        # pkg.old is a copy: a safe fix leaves pkg.facade's star import as written (its rewrite is
        # unsafe), and pkg.facade.X is then pkg.old's class, not the pkg.new.X the file imports.
        (
            "class X: ...\n",
            [
                "0 files changed, 0 findings fixed, 2 findings left:",
                FACADE_LEFT,
                "  user.py:1:6: R1 unsafe fix not applied: the same fix rewrites pkg.facade's star import of pkg.old, and whether or which X it binds "
                "depends on whether it applies",
                "2 unsafe fixes not applied: `--unsafe-fixes` applies them",
            ],
        ),
        # pkg.old re-exports pkg.new's class: the same object either way.
        (
            "from pkg.new import X\n",
            [
                "1 file changed, 1 finding fixed, 1 finding left:",
                FACADE_LEFT,
                "1 unsafe fix not applied: `--unsafe-fixes` applies it",
            ],
        ),
    ],
    ids=["copy", "re-export"],
)
def test_a_star_import_the_same_fix_rewrites_must_bind_one_object_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, expected: list[str]
) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/new.py": "class X: ...\n",
        "pkg/old.py": old,
        "pkg/facade.py": "from pkg.old import *\n",
        "pkg/legacy.py": "from pkg.new import X\n",
        "user.py": "from pkg.legacy import X\n",
    }
    root = write_project(tmp_path, files, MOVED_RULE)
    assert fix_output(root, monkeypatch) == expected
    fixed = "from pkg.facade import X\n" if len(expected) == 3 else files["user.py"]
    assert (root / "user.py").read_text() == fixed


# -- the other reader of a module's star imports: shim-module's alias targets ------------------------
ALIAS_USER = "import pkg\nOld = pkg.Community\nprint(Old.kind)\n"  # the print: no re-export-only shim


@pytest.mark.parametrize(
    ("alg", "expected"),
    [
        # Both bind Community: pkg.Community is pkg.alg's, the last star import's.
        (ALG, [("user.py", 2, 1, "alias Old is a shim for pkg.alg:Community; use pkg.alg:Community directly")]),
        # pkg.alg may bind it (its __all__ cannot be read), or not: which class it is is not known.
        ("__all__ = list(globals())\n" + ALG, []),
        # pkg.alg's literal __all__ does not list it: pkg.gen's star import binds it.
        ('__all__ = ["other"]\nother = 1\n' + ALG, [("user.py", 2, 1, "alias Old is a shim for pkg.gen:Community; use pkg.gen:Community directly")]),
    ],
    ids=["both-bind", "later-unknown", "later-lacks"],
)
def test_an_alias_through_two_star_imports_names_the_class_the_last_binds(alg: str, expected: list[tuple[str, int, int, str]]) -> None:
    from ssot_lint.kinds.shim_module import ShimModule
    from tests.integrity_helpers import build, findings

    files = {"pkg/__init__.py": "from pkg.gen import *\nfrom pkg.alg import *\n", "pkg/gen.py": GEN, "pkg/alg.py": alg, "user.py": ALIAS_USER}
    assert findings(build(ShimModule), files) == expected


def test_an_alias_of_a_name_a_later_star_import_may_bind_again_names_no_class() -> None:
    from ssot_lint.kinds.shim_module import ShimModule
    from tests.integrity_helpers import build, findings

    files = {"pkg/__init__.py": "from pkg.gen import Community\nfrom pkg.alg import *\n", "pkg/gen.py": GEN, "pkg/alg.py": ALG, "user.py": ALIAS_USER}
    assert findings(build(ShimModule), files) == []
