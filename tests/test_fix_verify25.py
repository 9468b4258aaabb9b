"""``check`` on Django spent 2.8x the CPU of the run without fix verification (issue #17,
verify25): most of what was left was the per-file analyses verification asks of possible readers
and storers, each a whole-file parse. A rewrite that leaves a module without a name asked every
module that imports it, or a package above it, and spells the name, for its ``ImportUse`` facts
(``fix.binding_reads._reader``): 188 of Django's files for three names. Only a file that spells
the read can read it (``_may_read_through``); these tests check that the others are no longer
analyzed and that the verdicts are those of before."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.run.modules import ProjectModules
from ssot_lint.run.word_tests import names_module, spells_after_dot
from tests.helpers import run_cli, write_project

LEGACY = {
    "legacy/__init__.py": "",
    "legacy/tools.py": "from modern.tools import X\n\nY = 'only in legacy.tools'\n",
    "modern/__init__.py": "",
    "modern/tools.py": "def X():\n    return 'x'\n",
    "pkg/__init__.py": "",
    "pkg/compat.py": "from legacy import tools\n\n\ndef helper():\n    return tools.X()\n",
}
RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "legacy.tools:X" = "modern.tools:X" }\n'
# Modules that import pkg.compat (or pkg above it) and spell `tools`, but cannot read pkg.compat.tools.
BYSTANDERS = {
    "spells_it_as_a_name.py": "import pkg\n\ntools = 1\nprint(tools, pkg.compat.helper())\n",
    "spells_it_in_a_comment.py": "import pkg.compat\n\n# tools\nprint(pkg.compat.helper())\n",
    # `.tools`, but not through anything reaching pkg.compat
    "names_another_module.py": "import pkg\n\n# as legacy.tools\nprint(pkg.__name__)\n",
}


def import_uses_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths verification analyzes for ``ImportUse`` facts, recorded as it asks."""
    asked: list[str] = []
    file_facts = ProjectModules.file_facts

    def recording(self: ProjectModules, paths: Any, rule: Any) -> dict[str, Any]:
        paths = list(paths)
        if rule.id == "SSOT-import-uses":
            asked.extend(paths)
        return file_facts(self, paths, rule)

    monkeypatch.setattr(ProjectModules, "file_facts", recording)
    return asked


@pytest.mark.parametrize(
    ("reader", "line"),
    [
        pytest.param("import pkg.compat\n\nprint(pkg.compat.tools.Y)\n", 1, id="through-the-module"),
        pytest.param("import pkg\nimport pkg.compat\n\nprint(pkg.compat.tools.Y)\n", 1, id="through-the-package"),
        pytest.param("from pkg import compat\n\nprint(compat.tools.Y)\n", 1, id="through-a-bound-module"),
        pytest.param("import pkg.compat as c\n\nprint(c.  # a comment between\n    tools.Y)\n", 1, id="spelt-apart"),
        pytest.param('from pkg import compat\n\nprint(getattr(compat, "tools").Y)\n', 1, id="by-getattr"),
    ],
)
def test_only_the_modules_that_may_read_the_name_are_analyzed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str, line: int) -> None:
    root = write_project(tmp_path, {**LEGACY, **BYSTANDERS, "user.py": reader}, RULES)
    asked = import_uses_asked(monkeypatch)
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    assert [(f["path"], f["line"], f["applicability"]) for f in report["findings"]] == [("pkg/compat.py", 5, "unsafe")]
    assert sorted(set(asked)) == ["user.py"]  # before verify25: the bystanders too
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (
        f"pkg/compat.py:5:12: D1 unsafe fix not applied: pkg.compat.tools is read by user.py:{line}, and the rewrite leaves pkg.compat without it"
        in result.stderr
    )


def test_without_a_reader_the_rewrite_is_safe_and_nothing_is_analyzed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {**LEGACY, **BYSTANDERS}, RULES)
    asked = import_uses_asked(monkeypatch)
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    assert [(f["path"], f["line"], f["applicability"]) for f in report["findings"]] == [("pkg/compat.py", 5, "safe")]
    assert asked == []  # before verify25: the three bystanders


@pytest.mark.parametrize(
    ("text", "spelt"),
    [
        ("x.tools", True),
        ("x . tools", True),
        ("x.\\\n    tools", True),
        ("(x.  # why\n    tools)", True),
        ("(x.  # why\n    # and why\n    tools)", True),
        ("x.\r\ntools", True),
        ("x.\rtools", True),
        ('"pkg.tools"', True),  # a module name in a string: sys.modules["pkg.tools"]
        ("x.toolsy", False),
        ("x.mytools", False),
        ("tools", False),
        ("a # a comment\nb = tools", False),  # the comment's line has no `.` before it that could hold
        ("a = 1  # x\n    tools", True),  # after a comment, which might follow a `.`: counted (a superset)
    ],
)
def test_what_spells_a_word_after_a_dot(text: str, spelt: bool) -> None:
    assert spells_after_dot(text.encode(), "tools") is spelt
    assert spells_after_dot(None, "tools") is True  # an unreadable file spells everything


TOKENS = ["x", "tools", ".", " ", "\n", "\\\n", "(", ")", "#", "# c\n", "=", "'", '"', ",", "[", "]", "\r\n", "\t", "toolsy", "1"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=14))
def test_every_attribute_read_of_the_word_spells_it_after_a_dot(tokens: list[str]) -> None:
    text = "".join(tokens)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return
    reads = any(isinstance(node, ast.Attribute) and node.attr == "tools" for node in ast.walk(tree))
    if reads:
        assert spells_after_dot(text.encode(), "tools"), text


# A copy (pkg.old.MODE of pkg.config.MODE) whose rewrite is safe unless a module stores into the
# source: verification reads the stores of the modules that may (``fix.copied_values``).
CONFIG = {
    "pkg/__init__.py": "",
    "pkg/config.py": 'MODE = "dev"\n',
    "pkg/old.py": "from pkg.config import MODE\n",
    "app.py": "from pkg.old import MODE\n\nprint(MODE)\n",
}
COPY_RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.config" }\n'
COPY = "that pkg.config.MODE is the same object as pkg.old.MODE cannot be verified: pkg.old.MODE is a copy of pkg.config.MODE, "
# Modules that spell `config` and `setattr`/`vars`/`__dict__` but cannot name pkg.config.
NOT_STORERS = {
    "imports_from_it.py": 'from pkg.config import MODE\n\n\nclass A:\n    pass\n\n\nsetattr(A, "MODE", MODE)\n',
    "a_name_of_its_own.py": 'config = type("C", (), {})\nsetattr(config, "MODE", "prod")\nprint(vars(config), config.__dict__)\n',
    "imports_it_plainly.py": 'import pkg.config\n\nsetattr(object(), "x", pkg.__name__)\n',
}


def stores_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths verification analyzes for their stores, recorded as it asks."""
    asked: list[str] = []
    file_facts = ProjectModules.file_facts

    def recording(self: ProjectModules, paths: Any, rule: Any) -> dict[str, Any]:
        paths = list(paths)
        if rule.id == "SSOT-attribute-stores":
            asked.extend(paths)
        return file_facts(self, paths, rule)

    monkeypatch.setattr(ProjectModules, "file_facts", recording)
    return asked


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        pytest.param("settings.py", 'import pkg.config\n\nsetattr(pkg.config, "MODE", "prod")\n', 3, id="dotted"),
        pytest.param("settings.py", 'from pkg import config\n\nsetattr(config, "MODE", "prod")\n', 3, id="bound"),
        pytest.param("settings.py", 'import pkg.config as c\n\nvars(c).update(MODE="prod")\n', 3, id="bound-as"),
        pytest.param("settings.py", 'import importlib\n\nm = importlib.import_module("pkg.config")\nm.__dict__["MODE"] = "prod"\n', 4, id="import-module"),
        pytest.param("settings.py", 'import sys\n\nsetattr(sys.modules["pkg.config"], "MODE", "prod")\n', 3, id="sys-modules"),
        pytest.param("settings.py", 'from pkg import *\n\nsetattr(config, "MODE", "prod")\n', 3, id="star"),
        pytest.param("pkg/settings.py", 'from . import *\n\nsetattr(config, "MODE", "prod")\n', 3, id="relative-star"),
    ],
)
def test_only_the_modules_that_may_name_the_source_are_read_for_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, text: str, line: int
) -> None:
    root = write_project(tmp_path, {**CONFIG, **NOT_STORERS, path: text}, COPY_RULES)
    asked = stores_asked(monkeypatch)
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    assert [(f["path"], f["line"], f["applicability"]) for f in report["findings"]] == [("app.py", 1, "unsafe")]
    assert sorted(set(asked)) == [path]  # before verify25: the three others too
    storer = path.removesuffix(".py").replace("/", ".")
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert f"app.py:1:6: D1 unsafe fix not applied: {COPY}and {storer} stores into pkg.config.MODE at {path}:{line}" in result.stderr, result.stderr


def test_without_a_storer_the_copy_is_the_same_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {**CONFIG, **NOT_STORERS}, COPY_RULES)
    asked = stores_asked(monkeypatch)
    report = json.loads(run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).stdout)
    assert [(f["path"], f["line"], f["applicability"]) for f in report["findings"]] == [("app.py", 1, "safe")]
    assert asked == []  # before verify25: the three that spell config and setattr/vars/__dict__


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("pkg.config.MODE = 1", True),
        ('m = import_module("pkg.config")', True),
        ('m = import_module("config")', True),
        ('sys.modules["pkg.config"]', True),
        ("import os; pkg.config.X = 1", True),  # code after an import on its line
        ("x = (yield\n     from pkg.config)", True),  # a `from` line that is no import
        ("from . import *\nconfig.X = 1", True),
        ("from pkg import \\\n    *\nconfig", True),
        ("(pkg.  # why\n    config)", True),
        ("from pkg.config import X", False),
        ("from .config import X", False),
        ("import pkg.config", False),  # binds pkg: a store spells pkg.config again
        ("config = {}", False),
        ("x = myconfig.y; z = a.configs", False),
    ],
)
def test_what_may_name_a_module(text: str, named: bool) -> None:
    assert names_module(text.encode(), "config") is named
    assert names_module(None, "config") is True


def test_the_rounds_of_a_per_file_step_share_their_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification asks a per-file step (a store, an import's uses) of a few files at a time, in
    many rounds (Django: 30); each round started workers of its own, as the summaries' did
    before their workers were kept (verify25)."""
    from ssot_lint.fix.copied_values import ATTRIBUTE_STORES
    from ssot_lint.kinds.import_uses import IMPORT_USES
    from ssot_lint.model import FileRef
    from ssot_lint.run import parallel
    from ssot_lint.run.discovery import SourceFile
    from ssot_lint.run.verification import SummariseFiles
    from tests.helpers import descendants, wait_until

    texts = {"a.py": "import os\n\nos.sep = '/'\n", "b.py": "import os.path\n\nprint(os.path.sep)\n"}
    write_project(tmp_path, texts)
    files = [SourceFile(str(tmp_path / name), FileRef(name, name.removesuffix(".py"))) for name in sorted(texts)]
    started: list[int] = []
    worker = parallel._Worker.__init__

    def counting(self: Any, *args: Any) -> None:
        started.append(1)
        worker(self, *args)

    monkeypatch.setattr(parallel._Worker, "__init__", counting)
    others = set(descendants(os.getpid()))  # under pytest-xdist, the worker's own
    summarise = SummariseFiles(None, 1)
    rounds = [summarise([files[0]], False, IMPORT_USES), summarise([files[1]], False, IMPORT_USES), summarise(files, False, ATTRIBUTE_STORES)]
    uses = [[(ref.path, [(use.module, use.chains) for use in result.facts[IMPORT_USES.id]]) for ref, result in found] for found in rounds[:2]]
    assert uses == [[("a.py", [("os", ("os.sep",))])], [("b.py", [("os.path", ("os.path", "os.path.sep"))])]]
    assert [(ref.path, result.facts[ATTRIBUTE_STORES.id]) for ref, result in rounds[2]] == [("a.py", (("os", "sep", 3),)), ("b.py", ())]
    assert len(started) == 2  # one worker for each step, kept across its rounds (before: one a round, 3)
    summarise.close()
    assert wait_until(lambda: set(descendants(os.getpid())) <= others)
