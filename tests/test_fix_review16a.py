"""review16a (``fix`` on networkx 3.4.2 with a hand-written rule file, issue #13): verdicts and
reasons. A store through a package reference (``utils.configs.config = 1`` after ``from pkg
import utils``) was rewritten by ``--unsafe-fixes`` into a store into another module; a star
import with a literal ``__all__`` was blamed for it; a star import was "cannot be narrowed to" a
name only another rule's member mapping names; and an unsafe rewrite elsewhere made an unrelated
rewrite unsafe, blaming it for a module only that other rewrite stops running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

CONFIGS = '__all__ = ["Config", "config"]\n\n\nclass Config:\n    pass\n\n\nconfig = None\n'
UTILS_RULE = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.utils.configs" = "pkg.utils" }\n'


def left(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """The lines of ``fix --diff`` about findings left (unsafe or not fixable)."""
    result = run_cli(["fix", "--no-cache", "--diff", *args], root, monkeypatch)
    return [line for line in result.stderr.splitlines() if line.startswith("  ")]


# -- a store through a module reference (repro 03, 02) -------------------------------------------------------
def test_a_store_through_a_module_reference_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review16a/repro/03-store-through-package-rewritten: --unsafe-fixes wrote
    # `pkg.utils.config = 1`, a store into another module than the one the program patches.
    files = {
        "pkg/__init__.py": "from pkg import utils\n\nutils.configs.config = 1\n",
        "pkg/utils/__init__.py": "from pkg.utils.configs import *\n",
        "pkg/utils/configs.py": CONFIGS,
    }
    root = write_project(tmp_path, files, UTILS_RULE)
    assert left(root, monkeypatch, "--unsafe-fixes", "pkg/__init__.py") == [
        "  pkg/__init__.py:3:1: R1 not fixable: `utils.configs.config` is assigned to or deleted here: rewriting it would change another module"
    ]
    run_cli(["fix", "--no-cache", "--unsafe-fixes", "pkg/__init__.py"], root, monkeypatch)
    assert (root / "pkg/__init__.py").read_text() == files["pkg/__init__.py"]


@pytest.mark.parametrize("store", ["utils.configs.config.level = 1", "del utils.configs.config", "utils.configs.config += 1"])
def test_a_store_or_delete_at_any_depth_through_a_module_reference_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str) -> None:
    files = {
        "pkg/__init__.py": f"from pkg import utils\n\n{store}\n",
        "pkg/utils/__init__.py": "from pkg.utils.configs import *\n",
        "pkg/utils/configs.py": CONFIGS,
    }
    root = write_project(tmp_path, files, UTILS_RULE)
    stored = store.removeprefix("del ").split(" ")[0]
    assert left(root, monkeypatch, "--unsafe-fixes", "pkg/__init__.py") == [
        f"  pkg/__init__.py:3:{len(store) - len(store.removeprefix('del ')) + 1}: R1 not fixable: `{stored}` is assigned to or deleted here: rewriting it would change another module"
    ]


def test_a_store_is_the_reason_not_a_star_import_with_a_literal_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review16a/repro/02-star-all-might-bind (networkx/__init__.py:24): the reason was
    # "the star import at line 1 might bind `pkg`"; the store is what decides.
    files = {
        "pkg/__init__.py": "from pkg.exception import *\n\nfrom pkg import utils\n\nutils.config = utils.configs.config = 1\n",
        "pkg/exception.py": '__all__ = ["Boom"]\n\n\nclass Boom(Exception):\n    pass\n',
        "pkg/utils/__init__.py": "from pkg.utils.configs import *\n",
        "pkg/utils/configs.py": CONFIGS,
    }
    root = write_project(tmp_path, files, UTILS_RULE)
    assert left(root, monkeypatch, "pkg/__init__.py") == [
        "  pkg/__init__.py:5:16: R1 not fixable: `utils.configs.config` is assigned to or deleted here: rewriting it would change another module"
    ]


def test_a_copy_through_a_star_import_is_named_as_the_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reason said "pkg.utils.configs.config is a copy of pkg.utils.configs.config": the copy
    # is pkg.utils.config, bound by pkg.utils's star import.
    files = {
        "pkg/__init__.py": "import pkg.utils.configs\n\npkg.utils.configs.config = 1\n",
        "pkg/utils/__init__.py": "from pkg.utils.configs import *\n",
        "pkg/utils/configs.py": CONFIGS,
    }
    root = write_project(tmp_path, files, UTILS_RULE)
    assert left(root, monkeypatch, "pkg/__init__.py") == [
        "  pkg/__init__.py:1:8: R1 unsafe fix not applied: line 3 assigns to or deletes pkg.utils.configs.config, which would then change another module; "
        "that pkg.utils.config is the same object as pkg.utils.configs.config cannot be verified: pkg.utils.config is a copy of pkg.utils.configs.config, "
        "and pkg stores into pkg.utils.configs.config at pkg/__init__.py:3"
    ]


# -- a star import and another rule's member mapping (repro 05) --------------------------------------------
def test_a_star_import_is_not_narrowed_to_a_member_only_the_replacement_is_mapped_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review16a/repro/05-star-narrowed-to-unrelated-name (networkx/utils/__init__.py): R2's
    # `pkg:pairwise` under R1's `pkg.configs -> pkg` derives `pkg.configs:pairwise`, which said
    # nothing about what pkg.configs binds; the star import was "cannot be narrowed to pairwise".
    files = {
        "pkg/__init__.py": "from pkg.misc import *\nfrom pkg.configs import *\n",
        "pkg/misc.py": '__all__ = ["pairwise"]\n\n\ndef pairwise(x):\n    return x\n',
        "pkg/configs.py": '__all__ = ["Config"]\n\n\nclass Config:\n    pass\n',
        "app.py": "from pkg import Config\n",
    }
    rules = (
        '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.configs" = "pkg" }\n\n'
        '[[rule]]\nid = "R2"\nkind = "deprecated-import"\nreplace = { "pkg:pairwise" = "itertools:pairwise" }\n'
    )
    root = write_project(tmp_path, files, rules)
    assert left(root, monkeypatch) == ["  pkg/__init__.py:2:6: R1 not fixable: the rewritten import would import from pkg, the module itself"]


def test_a_star_import_is_still_not_narrowed_to_a_member_the_rule_maps_on_its_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rule's own `old:X` says old has X: a star import of old may bind it.
    files = {"old.py": "X = 1\nY = 2\n", "new.py": "X = 1\n", "app.py": "from old import *\n"}
    root = write_project(tmp_path, files, '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "old:X" = "new:X" }\n')
    assert left(root, monkeypatch) == ["  app.py:1:17: R1 not fixable: `from old import *` cannot be narrowed to X; import names explicitly"]


# -- an unsafe rewrite elsewhere (repro 01) ---------------------------------------------------------------
GRAPH = "REGISTRY = []\n\n\nclass Graph:\n    pass\n\n\nREGISTRY.append(Graph)\n"
HELPER = "def helper():\n    return 1\n"
APP = "import sys\n\nfrom pkg.old import helper\n\nprint(helper(), 'pkg.sub.graph' in sys.modules)\n"
R2_CORE = (
    "  pkg/sub/__init__.py:1:6: R2 unsafe fix not applied: pkg.core.Graph is another definition than pkg.sub.graph.Graph, so the rewrite changes what runs; "
    "pkg.sub would no longer import pkg.sub.graph, whose import-time code does more than define names"
)
R1 = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n\n'


def runs(root: Path) -> str:
    """What ``python app.py`` prints in ``root`` (or how it fails)."""
    done = subprocess.run([sys.executable, "app.py"], cwd=root, capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def graph_project(tmp_path: Path, sub: str, second: str, old: str = "from pkg.new import helper\n", options: str = "") -> dict[str, str]:
    """``pkg`` runs ``pkg.sub``, which runs ``pkg.sub.graph`` (a registration) as written;
    ``second`` maps ``pkg.sub.graph`` away, so that its unsafe rewrite of ``sub`` stops it."""
    files = {
        "pkg/__init__.py": "from pkg.sub import Graph\n",
        "pkg/sub/__init__.py": sub,
        "pkg/sub/graph.py": GRAPH,
        "pkg/core.py": "class Graph:\n    pass\n",
        "pkg/new.py": HELPER,
        "pkg/old.py": old,
        "app.py": APP,
    }
    write_project(tmp_path, files, R1 + f'[[rule]]\nid = "R2"\nkind = "deprecated-import"\nreplace = {{ "pkg.sub.graph" = "{second}" }}\n{options}')
    return files


def test_an_unsafe_rewrite_elsewhere_does_not_make_a_rewrite_that_runs_the_same_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/review16a/repro/01-other-rewrite-blamed: app.py's statement and its replacement both
    # run `pkg` first, hence pkg.sub.graph as long as pkg.sub imports it; only R2's own rewrite
    # (unsafe: it closes a cycle) stops that. app.py was "unsafe: app would no longer import
    # pkg.sub.graph once the fix's other rewrites apply".
    graph_project(tmp_path, "from .graph import Graph\n", "pkg")
    assert left(tmp_path, monkeypatch) == [
        "  pkg/sub/__init__.py:1:6: R2 unsafe fix not applied: pkg.sub would no longer import pkg.sub.graph, whose import-time code does more than "
        "define names; rewriting this import makes pkg.sub -> pkg -> pkg.sub an import cycle"
    ]
    assert runs(tmp_path) == "1 True\n"
    run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == APP.replace("pkg.old", "pkg.new")
    assert runs(tmp_path) == "1 True\n"


def test_the_rewrite_keeps_what_runs_whether_the_unsafe_rewrite_elsewhere_applies_or_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # R2's rewrite is unsafe for another definition (no cycle), so the program runs with it
    # applied too: R1's rewrite changes nothing either way.
    sub = "from .graph import Graph\n"
    graph_project(tmp_path, sub, "pkg.core")
    assert left(tmp_path, monkeypatch) == [R2_CORE]
    (tmp_path / "pkg/sub/__init__.py").write_text("from pkg.core import Graph\n")  # R2 applied, R1 not
    assert runs(tmp_path) == "1 False\n"
    (tmp_path / "pkg/sub/__init__.py").write_text(sub)
    assert runs(tmp_path) == "1 True\n"
    run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)  # R1 applied, R2 not
    assert (tmp_path / "app.py").read_text() == APP.replace("pkg.old", "pkg.new")
    assert runs(tmp_path) == "1 True\n"
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], tmp_path, monkeypatch)  # both
    assert (tmp_path / "pkg/sub/__init__.py").read_text() == "from ..core import Graph\n"
    assert runs(tmp_path) == "1 False\n"


def test_a_module_only_the_old_import_runs_once_the_other_rewrite_applies_keeps_the_rewrite_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg.old imports pkg.sub.graph itself (R2 leaves it alone): with R2 applied, only app's old
    # statement runs it, and R1 would stop that. Safe only if R2 is not applied: unsafe.
    old = "import pkg.sub.graph\nfrom pkg.new import helper\n"
    graph_project(tmp_path, "from .graph import Graph\n", "pkg.core", old=old, options='exclude = ["pkg/old.py"]\n')
    assert left(tmp_path, monkeypatch) == [
        "  app.py:3:6: R1 unsafe fix not applied: app would no longer import pkg.sub.graph once the fix's other rewrites apply, "
        "whose import-time code does more than define names",
        R2_CORE,
    ]
    (tmp_path / "pkg/sub/__init__.py").write_text("from pkg.core import Graph\n")  # R2 applied: R1's rewrite would change the output
    assert runs(tmp_path) == "1 True\n"
    (tmp_path / "app.py").write_text(APP.replace("pkg.old", "pkg.new"))
    assert runs(tmp_path) == "1 False\n"
