"""review16a (``fix`` on networkx 3.4.2 with a hand-written rule file, issue #13): verdicts and
reasons. A store through a package reference (``utils.configs.config = 1`` after ``from pkg
import utils``) was rewritten by ``--unsafe-fixes`` into a store into another module; a star
import with a literal ``__all__`` was blamed for it; a star import was "cannot be narrowed to" a
name only another rule's member mapping names; and an unsafe rewrite elsewhere made an unrelated
rewrite unsafe, blaming it for a module only that other rewrite stops running."""

from __future__ import annotations

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
