"""Module names like the interpreter's, on a generated project that has every hard case: a namespace
directory inside a regular package, a package shadowing a module of the same name, two copies of
one package, a namespace directory below the root, a regular package below a namespace directory.
Each expectation about importability is checked against CPython itself (``importlib`` in a
subprocess with the project root on ``sys.path``), then against what ssot-lint reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lint.config.settings import Config
from ssot_lint.run.discovery import discover
from tests.helpers import write_project
from tests.integrity_helpers import cli_json

PROJECT = {
    "app/__init__.py": "",
    "app/service.py": """\
        from app.plugins.auth import login
        from app.plugins.extra.helpers import helper
        from app.plugins import auth
        from app.plugins.missing import nothing
        from app.core.database import Pool, Engine
        thing = 1
    """,
    # A namespace directory (no __init__.py) inside the regular package app, and one inside it.
    "app/plugins/auth.py": "def login(): ...\nfrom app.service import thing\n",
    "app/plugins/extra/helpers.py": "def helper(): ...\n",
    "app/core/__init__.py": "",
    # The package app/core/database/ wins: database.py can never be imported, nor can Engine.
    "app/core/database.py": "class Engine: ...\n",
    "app/core/database/__init__.py": "from .pool import Pool\n",
    # A missing sibling: no edge back to the package (it made a false 2-cycle). Guarded by a
    # fallback, a missing module is optional by design (a compiled speed-up); a missing name is not.
    "app/core/database/pool.py": (
        "class Pool: ...\ntry:\n    from app.core.database.speedups import fast\n    from app.core import Cache\nexcept ImportError:\n    fast = Cache = None\n"
    ),
    # Two copies of one package: the root's and one below a namespace directory (tools/ is no package),
    # which is `dev_launcher` only for files below tools/ (FileRef.implied).
    "dev_launcher/__init__.py": "from .config import PORT\n",
    "dev_launcher/config.py": "from dev_launcher import PORT, VERSION\nPORT = 8000\n",
    "tools/dev_launcher/__init__.py": "from .config import VERSION\n",
    "tools/dev_launcher/config.py": "from dev_launcher import VERSION\nVERSION = '1.0'\n",
    # A namespace directory below the root: named from the root.
    "scripts/util.py": "def go(): ...\n",
    # Its import of main runs only as a script: no main <-> scripts.run cycle.
    "scripts/run.py": 'from scripts.util import go\nimport scripts.gone\nif __name__ == "__main__":\n    import main\n',
    "main.py": "from dev_launcher import PORT, VERSION\nimport scripts.run\n",
    "tests/test_database.py": """\
        import pytest

        def test_engine_is_gone():
            with pytest.raises(ImportError):
                from app.core.database import Engine
    """,
}

NAMES = {
    "app/__init__.py": "app",
    "app/core/__init__.py": "app.core",
    "app/core/database.py": "app.core.database",
    "app/core/database/__init__.py": "app.core.database",
    "app/core/database/pool.py": "app.core.database.pool",
    "app/plugins/auth.py": "app.plugins.auth",  # was `auth`: names followed __init__.py chains only
    "app/plugins/extra/helpers.py": "app.plugins.extra.helpers",  # was `helpers`
    "app/service.py": "app.service",
    "dev_launcher/__init__.py": "dev_launcher",
    "dev_launcher/config.py": "dev_launcher.config",
    "main.py": "main",
    "scripts/run.py": "scripts.run",  # was `run`
    "scripts/util.py": "scripts.util",  # was `util`
    "tests/test_database.py": "tests.test_database",
    "tools/dev_launcher/__init__.py": "dev_launcher",
    "tools/dev_launcher/config.py": "dev_launcher.config",
}

RULES = """\
[[rule]]
id = "PI001"
kind = "unresolved-import"

[[rule]]
id = "PI003"
kind = "import-cycle"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", PROJECT, RULES)


def interpreter(root: Path, code: str, *path: str) -> str:
    """What CPython says, run with ``path`` (default: the project root) as ``sys.path[0:]``."""
    entries = [str(root / p) for p in path] or [str(root)]
    script = f"import sys\nsys.path[:0] = {entries!r}\n{code}"
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, cwd=root, check=False)
    return (done.stdout + done.stderr).strip().splitlines()[-1] if (done.stdout + done.stderr).strip() else ""


def test_module_names_are_the_interpreters(project: Path) -> None:
    found = {f.ref.path: f.ref.module for f in discover([str(project)], Config(root=project))}
    assert found == NAMES
    # CPython agrees, with the project root on sys.path.
    spec = "import importlib.util as u, os\nprint(os.path.relpath(u.find_spec({!r}).origin))"
    for path in ("app/plugins/auth.py", "app/plugins/extra/helpers.py", "scripts/run.py", "app/core/database/pool.py"):
        assert interpreter(project, spec.format(NAMES[path])) == path
    assert interpreter(project, spec.format("app.core.database")) == "app/core/database/__init__.py"  # the package wins
    assert interpreter(project, "from app.core.database import Engine").endswith(
        "ImportError: cannot import name 'Engine' from 'app.core.database' (" + str(project / "app/core/database/__init__.py") + ")"
    )
    # Which dev_launcher an import finds depends on sys.path.
    assert interpreter(project, spec.format("dev_launcher")) == "dev_launcher/__init__.py"
    assert interpreter(project, spec.format("dev_launcher"), "tools", ".") == "tools/dev_launcher/__init__.py"


def test_unresolved_import_on_the_generated_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = cli_json(["check", "--select", "PI001"], project, monkeypatch)
    assert code == 1
    assert [(f["path"], f["line"], f["col"], f["message"]) for f in report["findings"]] == [
        (
            "app/core/database.py",
            1,
            1,
            "unresolved import: app/core/database.py can never be imported: the package app.core.database (app/core/database/__init__.py) is found first",
        ),
        ("app/core/database/pool.py", 4, 26, "unresolved import: Cache is not defined in app.core"),
        ("app/service.py", 4, 6, "unresolved import: no module named app.plugins.missing"),
        ("app/service.py", 5, 37, "unresolved import: Engine is not defined in app.core.database"),
        (
            "dev_launcher/__init__.py",
            1,
            1,
            "unresolved import: 2 places define module dev_launcher (dev_launcher/__init__.py, tools/dev_launcher/__init__.py):"
            " which one an import finds depends on sys.path",
        ),
        ("dev_launcher/config.py", 1, 32, "unresolved import: VERSION is not defined in dev_launcher"),  # its own copy has no VERSION
        # From the root, `dev_launcher` is the root's copy: tools/ is on the path only for files below it.
        ("main.py", 1, 32, "unresolved import: VERSION is not defined in dev_launcher"),
        ("scripts/run.py", 2, 8, "unresolved import: no module named scripts.gone"),
    ]
    details = report["rules"][0]["details"]
    assert details["shadowed"] == ["app/core/database.py"]
    assert details["ambiguous"] == {
        "dev_launcher": ["dev_launcher", "tools/dev_launcher"],
        "dev_launcher.config": ["dev_launcher/config", "tools/dev_launcher/config"],
    }


def test_import_cycle_on_the_generated_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, report = cli_json(["check", "--select", "PI003"], project, monkeypatch)
    assert code == 1
    assert [(f["path"], f["line"], f["col"], f["message"]) for f in report["findings"]] == [
        # Seen only now that app/plugins/auth.py is named app.plugins.auth.
        ("app/service.py", 1, 1, "import cycle: app.plugins.auth -> app.service -> app.plugins.auth"),
        # Two copies, two nodes each: two cycles (merged, they were one).
        (
            "dev_launcher/config.py",
            1,
            1,
            "import cycle: dev_launcher (dev_launcher/__init__.py) -> dev_launcher.config (dev_launcher/config.py) -> dev_launcher (dev_launcher/__init__.py)",
        ),
        (
            "tools/dev_launcher/config.py",
            1,
            1,
            "import cycle: dev_launcher (tools/dev_launcher/__init__.py) -> dev_launcher.config (tools/dev_launcher/config.py)"
            " -> dev_launcher (tools/dev_launcher/__init__.py)",
        ),
    ]
    details = report["rules"][0]["details"]
    assert details["two_cycles"] == 3 and details["cycles"] == 3
    assert details["ambiguous_imports"] == 0  # main.py's import of dev_launcher: the root's copy


def test_the_root_on_the_path_makes_root_relative_imports_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A regular package below a namespace directory is named from its own parent (as the sample's
    # fixtures/netra_backend is), yet `import backend.app.models` works from the root too.
    files = {
        "backend/app/__init__.py": "",
        "backend/app/models.py": "class User: ...\n",
        "backend/app/views.py": "from backend.app.models import User, Group\nfrom app.models import User as U\nimport backend.app.gone\n",
    }
    project = write_project(tmp_path / "p", files, RULES)
    assert {f.ref.path: f.ref.module for f in discover([str(project)], Config(root=project))}["backend/app/views.py"] == "app.views"
    assert interpreter(project, "import backend.app.models; print('ok')") == "ok"
    code, report = cli_json(["check", "--select", "PI001"], project, monkeypatch)
    assert [(f["line"], f["message"]) for f in report["findings"]] == [
        (1, "unresolved import: Group is not defined in backend.app.models"),
        (3, "unresolved import: no module named backend.app.gone"),
    ]
    assert json.dumps(report["rules"][0]["details"]["ambiguous"]) == "{}"


def test_a_package_named_from_a_directory_off_the_path_is_seen_only_from_below_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Django's sdist: tests/sphinx/ is a test package named `sphinx` (runtests.py puts tests/ on the
    # path), while docs/conf.py imports the real Sphinx. Only files below tests/ see the project's.
    files = {
        "tests/sphinx/__init__.py": "",
        "tests/sphinx/test_links.py": "from sphinx import missing_helper\n",
        "tests/runtests.py": "from sphinx import other_missing\n",
        "docs/conf.py": "from sphinx import version_info\nimport sphinx.util\n",
    }
    project = write_project(tmp_path / "p", files, RULES)
    refs = {f.ref.path: (f.ref.module, f.ref.implied) for f in discover([str(project)], Config(root=project))}
    assert refs["tests/sphinx/__init__.py"] == ("sphinx", True) and refs["docs/conf.py"] == ("docs.conf", False)
    code, report = cli_json(["check", "--select", "PI001"], project, monkeypatch)
    assert [(f["path"], f["line"], f["message"]) for f in report["findings"]] == [
        ("tests/runtests.py", 1, "unresolved import: other_missing is not defined in sphinx"),
        ("tests/sphinx/test_links.py", 1, "unresolved import: missing_helper is not defined in sphinx"),
    ]
