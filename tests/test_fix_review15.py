"""Issue #13 (``fix`` never changes behaviour), review15a and review15b: a safe fix that changed
what runs, or a fix summary that said the wrong thing.

1. two top-level packages of one name (``services/api/app``, ``services/worker/app``): the
   verifier read the first file binding the name, and a safe rewrite swapped in another class;
2. a file named on the command line that git ignores was fixed with no module index entry of
   its own, so no check keyed on it (its readers) ran; ``api.fix_source`` / ``check_source`` on
   a path the project does not check judged it anyway;
3. declared-deprecation findings in ``fix --stdin-filename`` and the editor;
5. two findings at one star import got one reason (keyed by position)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project


def applicability(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[tuple[str, int, int, str], str]:
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json", *args], root, monkeypatch).stdout)
    return {(f["path"], f["line"], f["col"], f["rule"]): f["applicability"] for f in report["findings"]}


def python(cwd: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    return (done.stdout + done.stderr).strip().splitlines()[-1]


# -- 1. one module name given by files in two places ----------------------------------------------

TWO_APPS_RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\n[rule.replace]\n"app.old" = "app.new"\n'
MAIN = "from app.old import Client\n\nprint(Client.__module__, Client.__doc__)\n"
TWO_APPS = {
    **{f"services/{s}/app/__init__.py": "" for s in ("api", "worker")},
    **{f"services/{s}/app/main.py": MAIN for s in ("api", "worker")},
    "services/api/app/new.py": 'class Client:\n    """canonical"""\n',
    "services/api/app/old.py": "from app.new import Client\n",
    "services/worker/app/old.py": 'class Client:\n    """worker legacy client"""\n',
    "services/worker/app/new.py": 'class Client:\n    """worker NEW client, another class"""\n',
}
# Judged against the importer's own copy of ``app`` (safety20): the worker's rewrite swaps its
# class. (Running the worker's app.new anew is no reason of its own: it only defines a class, safety21.)
WORKER_WHY = (
    "app.new.Client is another definition than app.old.Client, so the rewrite changes what runs"
    " (judged against the importer's copy: services/worker/app/new.py, services/worker/app/old.py)"
)


def test_a_module_name_two_places_give_is_no_safe_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review15a 01: the worker's ``app.old.Client`` is its own class; ``app.new.Client`` another.
    Each ``main`` is judged in the copy of ``app`` it runs through (safety20): the api's rewrite
    keeps its class, the worker's would swap it."""
    root = write_project(tmp_path / "p", TWO_APPS, TWO_APPS_RULES)
    worker, api = root / "services/worker", root / "services/api"
    assert python(worker, "import app.main") == "app.old worker legacy client"
    assert python(api, "import app.main") == "app.new canonical"
    assert applicability(root, monkeypatch) == {("services/api/app/main.py", 1, 6, "D1"): "safe", ("services/worker/app/main.py", 1, 6, "D1"): "unsafe"}
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "1 file changed, 1 finding fixed, 1 finding left:",
        f"  services/worker/app/main.py:1:6: D1 unsafe fix not applied: {WORKER_WHY}",
    ]
    assert (worker / "app/main.py").read_text() == MAIN
    assert python(worker, "import app.main") == "app.old worker legacy client"
    assert python(api, "import app.main") == "app.new canonical"


def test_a_package_above_given_twice_is_the_importers_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``app.old`` only in the worker's copy, but ``app`` itself in both: the worker's ``main``
    runs through the worker's ``app`` (a clash of ``app`` until safety20), and is judged there."""
    files = {k: v for k, v in TWO_APPS.items() if k != "services/api/app/old.py"}
    root = write_project(tmp_path / "p", files, TWO_APPS_RULES)
    result = run_cli(["fix", "--no-cache", "--diff", "services/worker"], root, monkeypatch)
    assert result.stderr.splitlines()[1] == f"  services/worker/app/main.py:1:6: D1 unsafe fix not applied: {WORKER_WHY}"


# -- 2. a file named on the command line that the walk skips --------------------------------------

OLD_NEW_RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old" = "pkg.new"\n'
APP = "import pkg.old as t\n\nprint(t.X)\n"
READ_BY_USER = {
    "pkg/__init__.py": "",
    "pkg/new.py": "class X:\n    pass\n",
    "pkg/old.py": 'from pkg.new import X\n\n\ndef g():\n    return "g from pkg.old"\n',
    "pkg/app.py": APP,
    "pkg/user.py": "from pkg.app import t\n\nprint(t.g())\n",
}
READ = "  pkg/app.py:1:8: D1 unsafe fix not applied: pkg.app.t is read by pkg/user.py:1, and the rewrite binds it to another module"


def test_a_named_file_git_ignores_is_verified_with_its_readers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review15a 03: ``fix pkg/app.py`` with pkg/app.py ignored by git, and no project-wide rule."""
    root = write_project(tmp_path / "p", {**READ_BY_USER, ".gitignore": "pkg/app.py\n"}, OLD_NEW_RULES)
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    assert python(root, "import pkg.user") == "g from pkg.old"
    assert applicability(root, monkeypatch, "pkg/app.py") == {("pkg/app.py", 1, 8, "D1"): "unsafe"}
    result = run_cli(["fix", "--no-cache", "pkg/app.py"], root, monkeypatch)
    assert (result.exit_code, result.stderr.splitlines()[1]) == (1, READ)
    assert (root / "pkg/app.py").read_text() == APP
    assert python(root, "import pkg.user") == "g from pkg.old"


@pytest.mark.parametrize("where", ["excluded", "outside"])
def test_source_calls_on_a_path_the_project_does_not_check(tmp_path: Path, where: str) -> None:
    """review15a 03: ``fix_source`` rewrote an excluded file's text, and ``check_source`` on a
    path outside the root judged it against another project; both now do as ``--stdin-filename``."""
    from ssot_lint import api

    config = 'rule-files = ["rules.toml"]\nextend-exclude = ["pkg/app.py"]\n' if where == "excluded" else None
    root = write_project(tmp_path / "p", READ_BY_USER, OLD_NEW_RULES, config)
    path = root / "pkg/app.py" if where == "excluded" else tmp_path / "elsewhere/pkg/app.py"
    fixed = api.fix_source(path, APP, config=root / "ssot-lint.toml")
    why = "not one of the project's files (outside its root, not included, excluded or ignored by git): not checked"
    assert (fixed.code, fixed.fixed, fixed.refused) == (APP, 0, why)
    assert api.check_source(path, APP, config=root / "ssot-lint.toml") == []
    assert api.check_source(root / "pkg/user.py", READ_BY_USER["pkg/user.py"], config=root / "ssot-lint.toml") == []  # in the project, no finding
    assert [f.rule_id for f in api.check_source(root / "pkg/app.py", APP, config=root / "ssot-lint.toml")] == ([] if where == "excluded" else ["D1"])


# -- 5. findings that share a position keep their own reasons -------------------------------------

DD_RULES = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n'
TRIADS = """\
import warnings
__all__ = ["all_triplets", "random_triad"]

def all_triplets(G):
    warnings.warn("all_triplets is deprecated. Use `itertools.combinations(G, 3)` instead.", DeprecationWarning)

def random_triad(G):
    warnings.warn("random_triad is deprecated. Use {use} instead", DeprecationWarning)
"""


def test_two_findings_at_one_star_import_keep_their_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review15b 01 (networkx's ``from networkx.algorithms.triads import *``): both were given
    the last one's reason."""
    files = {"pkg/triads.py": TRIADS.format(use="random.sample"), "pkg/__init__.py": "from pkg.triads import *\n"}
    root = write_project(tmp_path / "p", files, DD_RULES)
    result = run_cli(["fix", "--no-cache", "--diff"], root, monkeypatch)
    assert [line for line in result.stderr.splitlines() if "DD1" in line] == [
        "  pkg/__init__.py:1:24: DD1 not fixable: itertools.combinations is not a project module or name",
        "  pkg/__init__.py:1:24: DD1 not fixable: random.sample is not a project module or name",
    ]


def test_shared_position_in_a_file_the_fix_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same in a file the fix works on (one of the names has a project replacement): the
    reasons come from the file's fix, not from the project-wide view."""
    files = {
        "pkg/triads.py": TRIADS.format(use="pkg.fresh.random_triad"),
        "pkg/fresh.py": "def random_triad(G):\n    return G\n",
        "pkg/__init__.py": "from pkg.triads import *\n",
    }
    root = write_project(tmp_path / "p", files, DD_RULES)
    result = run_cli(["fix", "--no-cache", "--diff"], root, monkeypatch)
    assert [line for line in result.stderr.splitlines() if "DD1" in line] == [
        "  pkg/__init__.py:1:24: DD1 not fixable: itertools.combinations is not a project module or name",
        "  pkg/__init__.py:1:24: DD1 not fixable: `from pkg.triads import *` cannot be narrowed to random_triad; import names explicitly",
    ]


# -- 3. declared-deprecation findings in one text (stdin, the editor) ----------------------------

DD_APP = "from pkg.old import X\n\nprint(X)\n"
DD_PROJECT = {
    "pkg/__init__.py": "",
    "pkg/new.py": "class X:\n    pass\n",
    "pkg/old.py": 'import warnings\nfrom pkg.new import X\nwarnings.warn("pkg.old is deprecated; use pkg.new instead", DeprecationWarning)\n',
    "pkg/app.py": DD_APP,
}
DD_MESSAGE = 'module pkg.old is deprecated (pkg/old.py:3: "pkg.old is deprecated; use pkg.new instead"); use pkg.new'


def stdin(args: list[str], text: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from ssot_lint.cli import main

    monkeypatch.chdir(root)
    outcome = CliRunner().invoke(main, args, input=text.encode(), catch_exceptions=False)
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_declared_deprecation_in_one_text_is_fixed_as_on_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review15a 02: ``fix --stdin-filename`` left the finding "without a reason (please report
    it)", and ``check --stdin-filename`` marked it ``[*]``; ``fix`` on the file fixes it. Since
    decl20, one text is fixed as the file is (``tests/test_fix_decl20.py``), and marked ``[*]``
    as ``check`` marks the file."""
    root = write_project(tmp_path / "p", DD_PROJECT, '[[rule]]\nid = "DD"\nkind = "declared-deprecation"\n')
    fixed = DD_APP.replace("pkg.old", "pkg.new")
    code, out, err = stdin(["fix", "--no-cache", "--stdin-filename", "pkg/app.py", "-"], DD_APP, root, monkeypatch)
    assert (code, out, err.splitlines()) == (0, fixed, ["1 finding fixed, 0 findings left."])
    code, out, _ = stdin(["check", "--no-cache", "-q", "--stdin-filename", "pkg/app.py", "-"], DD_APP, root, monkeypatch)
    assert (code, out.splitlines()) == (1, [f"pkg/app.py:1:6: DD [*] error: {DD_MESSAGE}"])
    assert applicability(root, monkeypatch, "pkg/app.py") == {("pkg/app.py", 1, 6, "DD"): "safe"}  # the file on disk: fix fixes it
    assert run_cli(["fix", "--no-cache", "pkg/app.py"], root, monkeypatch).exit_code == 0
    assert (root / "pkg/app.py").read_text() == fixed
