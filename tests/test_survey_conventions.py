"""ssot-lint init sets framework conventions and test code apart from the duplicates it ranks,
and counts what it ranks as the starter's rules count it in a check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_lint.api import survey
from ssot_lint.survey.conventions import Layout, looked_up
from tests.helpers import run_cli, write_project

MIGRATION = "from db import migrations\n\nclass Migration(migrations.Migration):\n    operations = []\n"

FILES = {
    "db/__init__.py": "class Base: ...\n",
    # Django's loader reads each migrations/*.py's Migration: a convention in every such folder.
    "shop/__init__.py": "",
    "shop/models.py": "from blog.conf import Settings\n\nclass Order: ...\n",
    "shop/conf.py": "class Settings: ...\n",
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": MIGRATION,
    "shop/migrations/0002_more.py": MIGRATION,
    "shop/migrations/0003_last.py": MIGRATION,
    "blog/__init__.py": "",
    "blog/models.py": "class Post: ...\n",
    "blog/conf.py": "class Settings: ...\n",
    "blog/migrations/__init__.py": "",
    # Defined twice in one module (if/else, as Django's gis test migrations do): one module.
    "blog/migrations/0001_initial.py": "import sys\nif sys.platform == 'win32':\n    class Migration: ...\nelse:\n    class Migration: ...\n",
    # One backend per sibling folder, each base.py with its DatabaseWrapper; base/ holds the
    # abstract BaseDatabaseWrapper, which follows the convention under another spelling.
    "backends/__init__.py": "",
    "backends/base/__init__.py": "",
    "backends/base/base.py": "class BaseDatabaseWrapper: ...\n",
    "backends/mysql/__init__.py": "",
    "backends/mysql/base.py": "class DatabaseWrapper: ...\n",
    "backends/mysql/client.py": "class Client: ...\n",
    "backends/pg/__init__.py": "",
    "backends/pg/base.py": "class DatabaseWrapper: ...\n",
    "backends/pg/client.py": "class Client: ...\n",
    "backends/lite/__init__.py": "",
    "backends/lite/base.py": "class DatabaseWrapper: ...\n",
    # A real duplicate: three modules among many define Settings.
    "api/__init__.py": "",
    "api/conf.py": "class Settings: ...\n",
    "api/views.py": "from shop.conf import Settings\n\nclass View: ...\n",  # imported across packages: no loader's
    # Homonyms: one name for three concepts, bodies with nothing in common (Django's Node).
    "shop/graph.py": "class Node:\n    def add_child(self, child): ...\n    def add_parent(self, parent): ...\n",
    "blog/tree.py": "class Node:\n    default = None\n    def add(self, data, conn_type): ...\n",
    "api/render.py": "class Node:\n    def render(self, context): ...\n",
    # Test models: the same names in every test app, test code.
    "tests/__init__.py": "",
    "tests/a/models.py": "class Article: ...\n",
    "tests/a/tests.py": "def test_a(): ...\n",
    "tests/b/models.py": "class Article: ...\n",
    "tests/b/tests.py": "def test_b(): ...\n",
    "tests/c/models.py": "class Article: ...\nclass Settings: ...\n",
    "tests/c/tests.py": "def test_c(): ...\n",
}


def test_conventions_and_test_code_are_set_apart_and_counts_agree_with_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", FILES)
    found = survey(project, cache=False)
    assert [(d.name, [p for p, _ in d.places]) for d in found.duplicates] == [("Settings", ["api/conf.py", "blog/conf.py", "shop/conf.py"])]
    assert found.duplicate_names == 1
    assert [(c.what, c.count, c.pattern) for c in found.conventions] == [
        ("Migration", 4, "*/migrations/*.py"),
        ("DatabaseWrapper", 3, "backends/*/base.py"),
        ("*Database*Wrapper", 4, "backends/*/base.py"),
    ]
    assert found.families == []  # the one family there is, one class per backend, is the convention
    assert [(d.name, len(d.places)) for d in found.test_duplicates] == [("Article", 3)]
    assert found.test_duplicate_names == 1
    assert [(d.name, [p for p, _ in d.places]) for d in found.homonyms] == [("Node", ["api/render.py", "blog/tree.py", "shop/graph.py"])]
    assert found.homonym_names == 1
    assert (found.files, found.scanned, found.parse_errors) == (len(FILES), len(FILES), 0)

    printed = run_cli(["init", "--no-cache"], project, monkeypatch)
    assert printed.exit_code == 0, printed.stderr
    assert printed.stdout.startswith(f"SSOT debt survey: {len(FILES)} files scanned, 0 parse errors\n")
    text = printed.stdout
    assert "Class names defined in 3+ modules outside tests: 1; most duplicated:\n       3  Settings\n" in text
    assert (
        "Set aside as conventions (defined by nearly every module of the folders they are in, for a loader to find): 3\n"
        "       4  Migration (*/migrations/*.py)\n"
        "       3  DatabaseWrapper (backends/*/base.py)\n"
        "       4  *Database*Wrapper (backends/*/base.py)\n"
    ) in text
    assert "Set aside as test code (class names in 3+ modules only when tests count): 1; most: Article (3)\n" in text
    assert "Set aside as homonyms (class names in 3+ modules outside tests whose bodies are not copies of each other): 1; most: Node (3)\n" in text
    rules = (project / "ssot-rules.toml").read_text()
    assert 'exclude-names = "^(?:DatabaseWrapper|Migration)$"' in rules
    dup1 = rules[rules.index('id = "DUP1"') : rules.index("[[rule.example]]", rules.index('id = "DUP1"'))]
    assert 'severity = "info"\nmin-count = 3\nmin-similarity = 0.5\n' in dup1
    assert "Not counted: 1 name whose bodies differ (one name for different concepts)." in dup1
    assert run_cli(["test-rules"], project, monkeypatch).exit_code == 0
    # The check counts what the survey ranked: Settings in 3 modules (the test one left out; empty
    # bodies are copies), not the Node homonyms.
    result = run_cli(["check", "--no-cache", "--select", "DUP1", "--output-format", "json"], project, monkeypatch)
    assert result.exit_code == 0  # info: below the default fail-on (warning), CI passes on day one
    checked = json.loads(result.stdout)
    assert sorted((f["path"], f["severity"], f["message"]) for f in checked["findings"]) == [
        (
            "blog/conf.py",
            "info",
            "Settings is defined in 3 modules with similar bodies (empty bodies, as api/conf.py:1; also at shop/conf.py:1)",
        ),
        (
            "shop/conf.py",
            "info",
            "Settings is defined in 3 modules with similar bodies (empty bodies, as api/conf.py:1; also at blog/conf.py:1)",
        ),
    ]
    assert checked["files"]["scanned"] == found.scanned


def test_layout_coverage_and_the_loader_test() -> None:
    paths = [f"app{i}/{name}.py" for i in range(4) for name in ("models", "views", "tests")]
    layout = Layout(paths)
    # Every sibling models.py defines it: laid out as a convention ...
    assert layout.convention([f"app{i}/models.py" for i in range(4)]) == "*/models.py"
    # ... not when one in three of them does, nor in 4 of the 12 modules of their folders.
    assert Layout([*paths, *(f"app{i}/models.py" for i in range(4, 12))]).convention([f"app{i}/models.py" for i in range(4)]) is None
    # Three lone files in three folders: no folder shows a convention.
    assert Layout(["a/x.py", "b/y.py", "c/z.py"]).convention(["a/x.py", "b/y.py", "c/z.py"]) is None
    # A folder whose modules all define it (Django's mail backends); base.py's BaseEmailBackend conforms.
    plugins = ["mail/backends/smtp.py", "mail/backends/console.py", "mail/backends/locmem.py", "mail/backends/base.py", "mail/utils.py"]
    assert Layout(plugins).convention(plugins[:3], conforming=plugins[3:4]) == "*/backends/*.py"
    assert Layout(plugins).convention(plugins[:3]) is None  # 3 of 4
    # A loader finds a convention: when most definitions are imported by name, they are copies.
    copies = [(f"app{i}/models.py", "Manager") for i in range(4)]
    assert looked_up(copies, lambda path, name, among: path in {"app0/models.py", "app1/models.py"})  # half
    assert not looked_up(copies, lambda path, name, among: path != "app3/models.py")  # three in four
    assert looked_up(copies, lambda path, name, among: False)


def test_copies_in_sibling_packages_that_callers_import_are_duplicates(tmp_path: Path) -> None:
    files = {
        "services/__init__.py": "",
        **{f"services/{s}/__init__.py": "" for s in ("chat", "jobs", "feed")},
        **{f"services/{s}/manager.py": "class WebSocketManager: ...\n" for s in ("chat", "jobs", "feed")},
        # Each copy is imported by a caller outside its package: one concept, three homes (a
        # caller inside its own package would be a plugin wiring itself: see conventions.py).
        **{f"api/{s}.py": f"from services.{s}.manager import WebSocketManager\n" for s in ("chat", "jobs", "feed")},
    }
    found = survey(write_project(tmp_path / "p", files), cache=False)
    assert [(d.name, len(d.places)) for d in found.duplicates] == [("WebSocketManager", 3)]
    assert found.conventions == []
