"""Many plain imports of a deprecated module in one text are verified in time linear in their
number (issue #13's note): each rewrite's question whether another statement reads the module
as an attribute (``fix.attribute_reads``) went through every other import of the text, asking
the rule where it sends it and whether a comment silences it, so 400 of them took 2.7 s."""

from __future__ import annotations

from pathlib import Path

from ssot_lint import api
from tests.helpers import write_project
from tests.test_fix_latency20 import calls

RULES = """
[[rule]]
id = "DI1"
kind = "deprecated-import"
replace = { "pkg.old" = "pkg.new" }
"""


def project(root: Path) -> Path:
    return write_project(root, {"pkg/__init__.py": "", "pkg/new.py": "X = 1\n", "pkg/old.py": "from pkg.new import X\n"}, RULES)


def plain(n: int) -> str:
    """``benchmarks/source_latency.py``'s plain case: ``import pkg.old`` and ``import pkg.old as
    oI`` in turn, each read through the name it binds."""
    return "".join("import pkg.old\nprint(pkg.old.X)\n" if i % 2 == 0 else f"import pkg.old as o{i}\nprint(o{i}.X)\n" for i in range(n))


def fixed(n: int) -> str:
    return "".join(
        "import pkg.new\nprint(pkg.new.X)\n" if i == 0 else "print(pkg.new.X)\n" if i % 2 == 0 else f"import pkg.new as o{i}\nprint(o{i}.X)\n" for i in range(n)
    )


def test_plain_imports_of_a_deprecated_module_are_each_fixed_safely(tmp_path: Path) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    found = api.check_source(root / "pkg/app.py", plain(40), config=loaded)
    assert [(f.rule_id, f.line, f.col, f.applicability, f.message) for f in found] == [
        ("DI1", 2 * i + 1, 8, "safe", "pkg.old is deprecated; import pkg.new") for i in range(40)
    ]
    result = api.fix_source(root / "pkg/app.py", plain(40), config=loaded)
    assert (result.code, result.fixed, result.reasons) == (fixed(40), 40, ())


def test_n_plain_imports_in_one_text_cost_about_n_times_one(tmp_path: Path) -> None:
    root = project(tmp_path)
    loaded = api.load_project(root / "ssot-lint.toml")
    cost = {n: calls(lambda n=n: api.check_source(root / "pkg/app.py", plain(n), config=loaded)) for n in (100, 200)}
    # Each rewrite asked of every other import statement whether the fix rewrites it (twice:
    # whether it runs pkg.old before, whether it carries the reads of pkg.old): twice the
    # imports cost 3.5 times as much.
    assert cost[200] < 2.3 * cost[100], cost
    fixes = {n: calls(lambda n=n: api.fix_source(root / "pkg/app.py", plain(n), config=loaded)) for n in (100, 200)}
    assert fixes[200] < 2.3 * fixes[100], fixes
