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
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lint.run.modules import ProjectModules
from ssot_lint.run.word_tests import spells_after_dot
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
