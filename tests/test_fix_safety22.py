"""safety22 (review18b on SQLAlchemy 2.0.36): fix findings.

1. A member renamed within its module (``visitors.Traversible`` -> ``visitors.Visitable``), read
   through ``from . import visitors``, was rewritten to an absolute ``sqlalchemy.sql.visitors.
   Visitable`` with a new ``import sqlalchemy.sql.visitors``: read at import time while
   ``sqlalchemy.sql`` was still importing, ``import sqlalchemy`` failed. Now the attribute alone is
   rewritten; an absolute read through a package that may still be importing is unsafe.
2. ``from pkg.mc import X`` was refused ("pkg.mc is a function but pkg.mc is a module") where
   ``pkg`` binds a function over its submodule's name: the import reads ``sys.modules``.
3. ``from .cursor import Old as Old`` -> ``from .cursor import New as Old`` was unsafe in an import
   cycle ("would no longer import ..."): the same module runs before and after.
4. ``immutabledict(sqlalchemy.__dict__)`` was reported as a store "into sqlalchemy.select".
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lint.project.namespace_uses import ANY_ATTRIBUTE, namespace_use
from tests.helpers import run_cli, write_project


def rule(old: str, new: str) -> str:
    return f'[[rule]]\nid = "R001"\nkind = "deprecated-import"\n[rule.replace]\n"{old}" = "{new}"\n'


def left(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """The lines of ``fix --diff`` about findings left (unsafe or not fixable)."""
    result = run_cli(["fix", "--no-cache", "--diff", *args], root, monkeypatch)
    return [line for line in result.stderr.splitlines() if line.startswith("  ")]


def fixed(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """The headline of ``fix`` (``args``: ``--unsafe-fixes``)."""
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch).stderr.splitlines()[0]


def runs(root: Path, code: str) -> str:
    """What ``python -c code`` prints in ``root``, or the last line of how it fails."""
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def check_lines(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return [line for line in run_cli(["check", "--no-cache", "-q"], root, monkeypatch).stdout.splitlines() if "R001" in line]


# -- 1. a reference renamed within its module ------------------------------------------------------
# /tmp/review18b/repro/01-rename-via-module-ref-breaks-import (SQLAlchemy's sql/selectable.py).
VISITORS = {
    "pkg/__init__.py": "from .sub import C\n",
    "pkg/sub/__init__.py": "from .a import C\n",
    "pkg/sub/vis.py": "class New:\n    pass\n\n\nOld = New\n",
    "pkg/sub/other.py": "from .vis import New as New\n",
    "pkg/sub/a.py": "from . import vis\n\n\nclass C(vis.Old):\n    pass\n",
}
MRO = "import pkg; print(pkg.C.__mro__[1].__name__)"


def test_a_member_renamed_within_its_module_is_rewritten_through_the_same_binding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, VISITORS, rule("pkg.sub.vis:Old", "pkg.sub.vis:New"))
    assert runs(tmp_path, MRO) == "New\n"
    assert check_lines(tmp_path, monkeypatch) == ["pkg/sub/a.py:4:9: R001 [*] error: pkg.sub.vis:Old is deprecated; import pkg.sub.vis:New"]
    assert fixed(tmp_path, monkeypatch) == "1 file changed, 1 finding fixed, 0 findings left."
    # No import added, none removed: `vis` is still the module it read the name from.
    assert (tmp_path / "pkg/sub/a.py").read_text() == "from . import vis\n\n\nclass C(vis.New):\n    pass\n"
    assert runs(tmp_path, MRO) == "New\n"
    assert fixed(tmp_path, monkeypatch) == "0 files changed, 0 findings fixed, 0 findings left."


def test_a_renamed_member_read_through_a_package_keeps_the_chain_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {**VISITORS, "app.py": "import pkg\n\n\ndef make():\n    return pkg.sub.vis.Old()\n"}
    write_project(tmp_path, files, rule("pkg.sub.vis:Old", "pkg.sub.vis:New"))
    assert fixed(tmp_path, monkeypatch) == "2 files changed, 2 findings fixed, 0 findings left."
    assert (tmp_path / "app.py").read_text() == "import pkg\n\n\ndef make():\n    return pkg.sub.vis.New()\n"


def test_an_absolute_read_at_import_time_through_a_package_still_importing_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, VISITORS, rule("pkg.sub.vis:Old", "pkg.sub.other:New"))
    reason = (
        "`pkg.sub.other.New` would read pkg.sub as an attribute of pkg at import time (line 4), and pkg.sub is a package above this "
        "module, which may still be importing then: it becomes that attribute only once it has finished"
    )
    assert left(tmp_path, monkeypatch) == [f"  pkg/sub/a.py:4:9: R001 unsafe fix not applied: {reason}"]
    assert check_lines(tmp_path, monkeypatch) == ["pkg/sub/a.py:4:9: R001 error: pkg.sub.vis:Old is deprecated; import pkg.sub.other:New"]
    # What it protects: applied, `import pkg` fails.
    assert fixed(tmp_path, monkeypatch, "--unsafe-fixes") == "1 file changed, 1 finding fixed (1 by unsafe fixes), 0 findings left:"
    assert (tmp_path / "pkg/sub/a.py").read_text() == "import pkg.sub.other\n\n\nclass C(pkg.sub.other.New):\n    pass\n"
    assert runs(tmp_path, MRO) == "AttributeError: partially initialized module 'pkg' has no attribute 'sub' (most likely due to a circular import)"


def test_an_absolute_read_in_a_function_body_runs_after_import_and_stays_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        **VISITORS,
        "pkg/__init__.py": "from .sub import make\n",
        "pkg/sub/__init__.py": "from .a import make\n",
        "pkg/sub/a.py": "from . import vis\n\n\ndef make():\n    return vis.Old()\n",
    }
    write_project(tmp_path, files, rule("pkg.sub.vis:Old", "pkg.sub.other:New"))
    assert fixed(tmp_path, monkeypatch) == "1 file changed, 1 finding fixed, 0 findings left."
    assert (tmp_path / "pkg/sub/a.py").read_text() == "import pkg.sub.other\n\n\ndef make():\n    return pkg.sub.other.New()\n"
    assert runs(tmp_path, "import pkg; print(type(pkg.make()).__name__)") == "New\n"


def test_a_relative_binding_made_absolute_under_an_inferred_name_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As `from .. import future` made absolute is (SQLAlchemy's lib/ has no __init__.py), with the same reason's end.
    files = {f"lib/{path}": text for path, text in VISITORS.items()}
    files["lib/pkg/sub/a.py"] = "from . import vis\n\n\ndef make():\n    return vis.Old()\n"
    write_project(tmp_path, files, rule("pkg.sub.vis:Old", "pkg.sub.other:New"))
    assert left(tmp_path, monkeypatch) == [
        "  lib/pkg/sub/a.py:5:12: R001 unsafe fix not applied: `pkg.sub.other.New` would be read through a new absolute `import pkg.sub.other` "
        "where `vis` was imported relatively, and this module's name is only inferred (a package below a folder without __init__.py): "
        "the absolute name may not import; configure `src` to name it"
    ]


# -- 2. a package binds a name over its submodule ----------------------------------------------------
# /tmp/review18b/repro/03-submodule-shadowed-by-name-refused (sqlalchemy.orm.mapped_collection).
def test_from_a_submodule_a_package_shadows_reads_the_submodule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "from .mc import keyed as keyed\nfrom .mc import mc as mc\nfrom .mc import old_keyed as old_keyed\n",
        "pkg/mc.py": "def keyed():\n    return 1\n\n\ndef mc():\n    return 2\n\n\nold_keyed = keyed\n",
        "app.py": "from pkg.mc import old_keyed\n\nprint(old_keyed())\n",
    }
    write_project(tmp_path, files, rule("pkg.mc:old_keyed", "pkg.mc:keyed"))
    assert runs(tmp_path, "import pkg; print(type(pkg.mc).__name__); import app") == "function\n1\n"
    assert left(tmp_path, monkeypatch) == []
    assert fixed(tmp_path, monkeypatch) == "2 files changed, 2 findings fixed, 0 findings left."
    assert (tmp_path / "app.py").read_text() == "from pkg.mc import keyed as old_keyed\n\nprint(old_keyed())\n"
    assert (tmp_path / "pkg/__init__.py").read_text().splitlines()[2] == "from .mc import keyed as old_keyed"
    assert runs(tmp_path, "import app") == "1\n"


# -- 3. the same module imported before and after ---------------------------------------------------
# /tmp/review18b/repro/02-same-module-rename-unsafe (sqlalchemy/engine/__init__.py:30).
def test_a_rename_within_one_module_in_an_import_cycle_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "from . import eng\n",
        "pkg/eng/__init__.py": "from .cursor import New as New\nfrom .cursor import Old as Old\n",
        "pkg/eng/cursor.py": "from ..sql import visitors\n\n\nclass New:\n    pass\n\n\nOld = New\n",
        "pkg/sql/__init__.py": "",
        "pkg/sql/_has.py": "HAS = False\n",
        "pkg/sql/visitors.py": "import pkg.eng\nfrom ._has import HAS\n\nif not HAS:\n    from ._py_util import x as x\n",
        "pkg/sql/_py_util.py": 'REGISTRY = []\nREGISTRY.append("helper")\nx = 1\n',
    }
    write_project(tmp_path, files, rule("pkg.eng.cursor:Old", "pkg.eng.cursor:New"))
    assert left(tmp_path, monkeypatch) == []
    assert fixed(tmp_path, monkeypatch) == "1 file changed, 1 finding fixed, 0 findings left."
    assert (tmp_path / "pkg/eng/__init__.py").read_text() == "from .cursor import New as New\nfrom .cursor import New as Old\n"
    assert runs(tmp_path, "import pkg; print(pkg.eng.Old is pkg.eng.New)") == "True\n"


def test_another_module_in_an_import_cycle_still_loses_what_only_the_old_one_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only a module both statements import is excused: pkg.eng.legacy's registration is lost.
    files = {
        "pkg/__init__.py": "from . import eng\n",
        "pkg/eng/__init__.py": "from .legacy import Old as Old\n",
        "pkg/eng/cursor.py": "import pkg.eng\n\n\nclass New:\n    pass\n",
        "pkg/eng/legacy.py": "from .cursor import New\n\nREGISTRY = []\nREGISTRY.append(New)\nOld = New\n",
    }
    write_project(tmp_path, files, rule("pkg.eng.legacy:Old", "pkg.eng.cursor:New"))
    assert left(tmp_path, monkeypatch) == [
        "  pkg/eng/__init__.py:1:21: R001 unsafe fix not applied: pkg.eng would no longer import pkg.eng.legacy, whose import-time code does more than define names; "
        "rewriting this import makes pkg.eng -> pkg.eng.cursor -> pkg.eng an import cycle"
    ]


# -- 4. a read of a module's namespace is no store ------------------------------------------------
# /tmp/review18b/repro/08-dict-read-reported-as-store (sqlalchemy/orm/clsregistry.py:557).
SELECT = {
    "pkg/__init__.py": "from pkg.core import select as select\n",
    "pkg/core.py": "def select():\n    return 1\n",
    "pkg/future.py": "from pkg.core import select as select\n",
    "app.py": "from pkg.future import select\n",
}
SAME = "that pkg.select is the same object as pkg.future.select cannot be verified: pkg.future.select is a copy of pkg.core.select, and pkg.registry"


@pytest.mark.parametrize(
    ("registry", "said"),
    [
        ("def lookup(name):\n    import pkg\n\n    return dict(pkg.__dict__)[name]\n", None),
        ("def lookup(name):\n    import pkg\n\n    return pkg.__dict__.get(name)\n", None),
        ("def lookup(name):\n    import pkg\n\n    return name in vars(pkg)\n", None),
        (
            "from pkg.core import select\n\n\ndef lookup(name):\n    import pkg\n\n    return select(pkg.__dict__)\n",
            "passes pkg.__dict__ to a call at pkg/registry.py:7, which may change pkg.select",
        ),
        (
            "def lookup(name):\n    import pkg\n\n    names = vars(pkg)\n    return names\n",
            "hands vars(pkg) on at pkg/registry.py:4, which may change pkg.select",
        ),
        ('def lookup(name):\n    import pkg\n\n    pkg.__dict__["select"] = None\n', "stores into pkg.select at pkg/registry.py:4"),
        ("def lookup(name):\n    import pkg\n\n    vars(pkg).update(select=None)\n", "stores into pkg.select at pkg/registry.py:4"),
        ('def lookup(name):\n    import pkg\n\n    pkg.__dict__["other"] = None\n', None),
    ],
    ids=["dict-copy", "get", "in", "passed-to-a-call", "handed-on", "item-store", "update", "another-key"],
)
def test_a_read_of_a_module_namespace_is_no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: str, said: str | None) -> None:
    write_project(tmp_path, {**SELECT, "pkg/registry.py": registry}, rule("pkg.future", "pkg"))
    found = left(tmp_path, monkeypatch)
    assert len(found) == 1 and found[0].startswith("  app.py:1:6: R001 unsafe fix not applied: ")
    # Every case hands `pkg` around as a value, which stays a reason of its own (fix.attribute_reads).
    assert "app would no longer import pkg.future, which pkg.registry may read through pkg" in found[0]
    assert ("stores into" in found[0] or "passes" in found[0] or "hands" in found[0]) == (said is not None)
    if said is not None:
        assert f"{SAME} {said}" in found[0]


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("d = m.__dict__['a']", []),
        ("m.__dict__['a'] = 1", ["a"]),
        ("del vars(m)['a']", ["a"]),
        ("vars(m)[k] = 1", [ANY_ATTRIBUTE]),
        ("m.__dict__.update(a=1, b=2)", ["a", "b"]),
        ("m.__dict__.update(other)", [ANY_ATTRIBUTE]),
        ("m.__dict__.pop('a')", ["a"]),
        ("m.__dict__.clear()", [ANY_ATTRIBUTE]),
        ("x = sorted(vars(m))", []),
        ("x = {**m.__dict__}", []),
        ("f(**m.__dict__)", []),
        ("for k in vars(m): pass", []),
        ("f(m.__dict__)", ["*passed:__dict__"]),
        ("f(x=vars(m))", ["*passed:vars"]),
        ("dict = f\nx = dict(m.__dict__)", ["*passed:__dict__"]),  # not the builtin
        ("d = m.__dict__", ["*handed:__dict__"]),
        ("x = m.__dict__.setdefault", ["*handed:__dict__"]),
    ],
)
def test_what_a_use_of_a_namespace_may_change(code: str, changes: list[str]) -> None:
    tree = ast.parse(code)
    parents = {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    rebound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    uses = [
        n
        for n in ast.walk(tree)
        if (isinstance(n, ast.Attribute) and n.attr == "__dict__") or (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "vars")
    ]
    assert [change for use in uses for change in namespace_use(use, parents, rebound)] == changes
