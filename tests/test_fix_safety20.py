"""Issue #13 (``fix`` never changes behaviour), safety20: a rewrite judged against the importer's
own copy of a package given twice.

A monorepo's ``services/api/app/`` and ``services/worker/app/`` are both the regular package
``app``. A module inside one of them was imported through that copy: in its process ``app`` *is*
that copy, and so is every ``app.*`` module (a regular package's ``__path__`` is its own
directory). So the worker's ``app/main.py`` rewriting ``from app.old import X`` to ``from app.new
import X``, with both services giving ``app.old`` and ``app.new``, is judged against the worker's
copy alone: safe when it holds there, whatever the api's copy holds, and not safe, naming the
worker's files, when it does not. What stays ambiguous stays unsafe: an importer outside the
copies (a script beside them), another top-level name given twice, a namespace package (its
``__path__`` spans every copy on ``sys.path``). A ``src`` configuration that names the copies
apart has no clash at all.

Each test runs the program before and after the fix where it can (``python -c`` with the
services' folder on ``sys.path``, as the service would run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project
from tests.test_fix_review16 import applicability, python, rules


def fix_lines(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    return run_cli(["fix", "--no-cache", *args], root, monkeypatch).stderr.splitlines()


MAIN = "from app.old import X\n\nprint(X.__module__)\n"
FIXED = "from app.new import X\n\nprint(X.__module__)\n"
WORKER = "services/worker/app/main.py"
UNSAFE_LEFT = "1 unsafe fix not applied: `--unsafe-fixes` applies it"
CLASH = "app.old is given by 2 files (services/api/app/old.py, services/worker/app/old.py): which one an importer gets depends on sys.path"


def service(name: str, **modules: str) -> dict[str, str]:
    """The files of ``services/<name>/app``: a regular package, with ``modules`` (name -> text)."""
    return {f"services/{name}/app/__init__.py": "", **{f"services/{name}/app/{m}.py": text for m, text in modules.items()}}


SAME = {"new": "class X:\n    pass\n", "old": "from app.new import X\n", "main": MAIN}


# -- the copies agree, or the other copy differs: judged against the importer's --------------------


def test_both_copies_identical_each_importer_is_judged_in_its_own_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both services give ``app.old``, ``app.new`` and ``app.main`` (the importer's module given
    twice too): each ``main`` runs through its own ``app``, where ``old.X`` is ``new.X``."""
    root = write_project(tmp_path / "p", {**service("api", **SAME), **service("worker", **SAME)}, rules("app.old", "app.new"))
    before = [python(root, "import app.main", f"services/{s}") for s in ("api", "worker")]
    assert before == ["app.new", "app.new"]
    assert applicability(root, monkeypatch) == {("services/api/app/main.py", 1, 6, "D1"): "safe", (WORKER, 1, 6, "D1"): "safe"}
    assert fix_lines(root, monkeypatch) == ["2 files changed, 2 findings fixed, 0 findings left."]
    assert (root / WORKER).read_text() == FIXED
    assert [python(root, "import app.main", f"services/{s}") for s in ("api", "worker")] == before


def test_the_importers_copy_lacks_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's ``app/new.py`` has no ``X`` while the api's has: not fixable, naming the
    worker's file; the api's ``main`` in the same run is safe in its own copy."""
    files = {**service("api", **SAME), **service("worker", new="class Y:\n    pass\n", old="class X:\n    pass\n", main=MAIN)}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    assert python(root, "import app.main", "services/worker") == "app.old"
    assert applicability(root, monkeypatch) == {("services/api/app/main.py", 1, 6, "D1"): "safe", (WORKER, 1, 6, "D1"): None}
    assert fix_lines(root, monkeypatch) == [
        "1 file changed, 1 finding fixed, 1 finding left:",
        f"  {WORKER}:1:6: D1 not fixable: X is not defined in app.new (judged against the importer's copy: services/worker/app/new.py)",
    ]
    assert (root / WORKER).read_text() == MAIN
    assert python(root, "import app.main", "services/worker") == "app.old"


def test_the_other_copy_lacks_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The api's ``app/new.py`` has no ``X``: nothing the worker runs reads it."""
    files = {**service("api", new="class Y:\n    pass\n", old="class X:\n    pass\n"), **service("worker", **SAME)}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    assert python(root, "import app.main", "services/worker:services/api") == "app.new"
    assert applicability(root, monkeypatch) == {(WORKER, 1, 6, "D1"): "safe"}
    assert fix_lines(root, monkeypatch) == ["1 file changed, 1 finding fixed, 0 findings left."]
    assert (root / WORKER).read_text() == FIXED
    assert python(root, "import app.main", "services/worker:services/api") == "app.new"


def test_another_definition_in_the_importers_copy_names_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's ``old`` defines its own ``X`` (and imports ``new``, so the rewrite imports
    nothing new), the api's re-exports ``new``'s: unsafe, and the reason names the worker's files
    it was judged against."""
    worker_old = "import app.new\n\n\nclass X:\n    pass\n"
    files = {**service("api", **SAME), **service("worker", new="class X:\n    pass\n", old=worker_old, main=MAIN)}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    assert applicability(root, monkeypatch)[(WORKER, 1, 6, "D1")] == "unsafe"
    why = (
        "app.new.X is another definition than app.old.X, so the rewrite changes what runs"
        " (judged against the importer's copy: services/worker/app/new.py, services/worker/app/old.py)"
    )
    assert fix_lines(root, monkeypatch) == [
        "1 file changed, 1 finding fixed, 1 finding left:",
        f"  {WORKER}:1:6: D1 unsafe fix not applied: {why}",
        UNSAFE_LEFT,
    ]
    assert (root / WORKER).read_text() == MAIN
    assert python(root, "import app.main", "services/worker") == "app.old"


# -- a re-export chain through a module both copies give ---------------------------------------------

CHAIN = {"core": "class X:\n    pass\n", "new": "from app.core import X\n", "mid": "from app.new import X\n", "old": "from app.mid import X\n", "main": MAIN}


def test_a_reexport_chain_through_a_module_both_copies_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``app.old`` re-exports through ``app.mid``, which the api's copy defines itself: the
    worker's chain ends at its own ``app.core``, as ``app.new``'s does (``app.mid`` was a clash
    on the way before)."""
    files = {**service("api", mid="class X:\n    pass\n", old="from app.mid import X\n", new="from app.mid import X\n"), **service("worker", **CHAIN)}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    assert python(root, "import app.main", "services/worker:services/api") == "app.core"
    assert applicability(root, monkeypatch) == {(WORKER, 1, 6, "D1"): "safe"}
    assert fix_lines(root, monkeypatch) == ["1 file changed, 1 finding fixed, 0 findings left."]
    assert python(root, "import app.main", "services/worker:services/api") == "app.core"


def test_a_chain_that_ends_elsewhere_in_the_importers_copy_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other way round: the worker's ``mid`` defines its own ``X``, the api's re-exports ``core``'s."""
    files = {**service("api", **CHAIN), **service("worker", **{**CHAIN, "mid": "import app.new\n\n\nclass X:\n    pass\n"})}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    why = (
        "app.new.X (defined as app.core.X) is another definition than app.old.X (defined as app.mid.X), so the rewrite changes what runs"
        " (judged against the importer's copy: services/worker/app/new.py, services/worker/app/core.py, services/worker/app/old.py,"
        " services/worker/app/mid.py)"
    )
    assert applicability(root, monkeypatch) == {("services/api/app/main.py", 1, 6, "D1"): "safe", (WORKER, 1, 6, "D1"): "unsafe"}
    assert fix_lines(root, monkeypatch) == [
        "1 file changed, 1 finding fixed, 1 finding left:",
        f"  {WORKER}:1:6: D1 unsafe fix not applied: {why}",
        UNSAFE_LEFT,
    ]
    assert (root / WORKER).read_text() == MAIN
    assert python(root, "import app.main", "services/worker") == "app.mid"


# -- what stays ambiguous ------------------------------------------------------------------------------


def test_a_script_beside_the_copies_is_no_importer_inside_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``services/worker/run.py`` (a plain folder) gets whichever ``app`` comes first on its
    ``sys.path``: as a script, its own folder's; imported otherwise, either."""
    files = {**service("api", **SAME), **service("worker", **SAME), "services/worker/run.py": MAIN}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    found = applicability(root, monkeypatch)
    assert found[("services/worker/run.py", 1, 6, "D1")] == "unsafe"
    assert f"  services/worker/run.py:1:6: D1 unsafe fix not applied: {CLASH}" in fix_lines(root, monkeypatch)
    assert (root / "services/worker/run.py").read_text() == MAIN


def test_a_top_level_module_beside_the_copies_stays_a_clash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``main.py`` at the project root is the top-level module ``main``: no copy of ``app`` is its own."""
    files = {**service("api", **SAME), **service("worker", **{k: v for k, v in SAME.items() if k != "main"}), "main.py": MAIN}
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"))
    assert fix_lines(root, monkeypatch)[1] == f"  main.py:1:6: D1 unsafe fix not applied: {CLASH}"


def test_another_top_level_name_given_twice_stays_a_clash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's ``app.main`` imports ``lib.old``; ``lib`` is given by both services: the copy
    of ``app`` the importer runs through says nothing of which ``lib`` it gets."""
    lib = {"__init__": "", "new": "class X:\n    pass\n", "old": "from lib.new import X\n"}
    files = {
        **{f"services/{s}/lib/{m}.py": text for s in ("api", "worker") for m, text in lib.items()},
        **service("api"),
        **service("worker", main="from lib.old import X\n"),
    }
    root = write_project(tmp_path / "p", files, rules("lib.old", "lib.new"))
    why = "lib.old is given by 2 files (services/api/lib/old.py, services/worker/lib/old.py): which one an importer gets depends on sys.path"
    assert fix_lines(root, monkeypatch)[1] == f"  {WORKER}:1:6: D1 unsafe fix not applied: {why}"


def test_a_namespace_package_spans_every_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``src`` roots and no ``app/__init__.py``, ``app`` is a namespace package whose
    ``__path__`` holds both services' folders: the worker's ``main`` may get the api's ``app.old``."""
    files = {
        "services/api/app/old.py": "class X:\n    pass\n",
        "services/api/app/new.py": "class Y:\n    pass\n",
        **{f"services/worker/app/{m}.py": text for m, text in SAME.items()},
    }
    config = 'rule-files = ["rules.toml"]\nsrc = ["services/api", "services/worker"]\n'
    root = write_project(tmp_path / "p", files, rules("app.old", "app.new"), config)
    assert python(root, "import app.main", "services/api:services/worker") == "app.old"
    assert applicability(root, monkeypatch) == {(WORKER, 1, 6, "D1"): "unsafe"}
    why = f"{CLASH}; app.new.X is another definition than app.old.X, so the rewrite changes what runs"  # both copies read
    assert fix_lines(root, monkeypatch)[1] == f"  {WORKER}:1:6: D1 unsafe fix not applied: {why}"
    assert (root / WORKER).read_text() == MAIN


def test_src_roots_that_name_the_copies_apart_have_no_clash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``src = ["services"]``: ``api.app`` and ``worker.app``, each given once."""
    worker = {"new": "class X:\n    pass\n", "old": "from worker.app.new import X\n", "main": "from worker.app.old import X\n\nprint(X.__module__)\n"}
    files = {**service("api", new="class Y:\n    pass\n", old="class X:\n    pass\n"), **{f"services/worker/app/{m}.py": t for m, t in worker.items()}}
    files["services/worker/app/__init__.py"] = ""
    root = write_project(tmp_path / "p", files, rules("worker.app.old", "worker.app.new"), 'rule-files = ["rules.toml"]\nsrc = ["services"]\n')
    assert python(root, "import worker.app.main", "services") == "worker.app.new"
    assert applicability(root, monkeypatch) == {(WORKER, 1, 6, "D1"): "safe"}
    assert fix_lines(root, monkeypatch) == ["1 file changed, 1 finding fixed, 0 findings left."]
    assert python(root, "import worker.app.main", "services") == "worker.app.new"


# -- a later round of fix_source: the fixed text over the importer's copy ----------------------------


class _Project:
    """A ``ModuleSource`` whose ``own_copy`` pins ``app`` to a view with its own summaries."""

    def __init__(self, name: str, pinned: _Project | None = None) -> None:
        self.name, self.pinned = name, pinned
        self.top, self.home = "app", "services/worker"

    def in_project(self, dotted: str) -> bool:
        return True

    def exists(self, module: str) -> bool:
        return True

    def summaries(self, module: str) -> list[object]:
        return [f"{self.name}:{module}"]

    def own_copy(self, importer: str, path: str = "") -> _Project | None:
        return self.pinned


def test_a_later_round_judges_its_fixed_text_over_the_importers_copy() -> None:
    """``fix.fixed_text.FixedText``: the view from the importer's copy keeps the file's fixed text
    as its module's summary, and asks the copy for every other module."""
    from ssot_lint.fix.fixed_text import FixedText
    from ssot_lint.model import FileRef

    fixed = FixedText(_Project("both", _Project("worker")), FileRef(WORKER, "app.main"), FIXED)  # type: ignore[arg-type]
    view = fixed.own_copy("app.main", WORKER)
    assert view is not None and (view.top, view.home) == ("app", "services/worker")
    assert view.summaries("app.new") == ["worker:app.new"]
    assert view.summaries("app.main") == fixed.summaries("app.main") != ["worker:app.main"]
    assert FixedText(_Project("both"), FileRef(WORKER, "app.main"), FIXED).own_copy("app.main", WORKER) is None  # type: ignore[arg-type]
