"""Issue #13, review10: what ``fix`` got wrong in the adversarial review's projects (/tmp/rv10-*).
Text cases check exactly what is written; program tests run the project before and after."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULE = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {} }}\n'
SPLIT = {"pkg/__init__.py": "", "pkg/a.py": "A = 1\n", "pkg/b.py": "B = 2\n", "pkg/old.py": "from pkg.a import A\nfrom pkg.b import B\nC = 3\n"}
SPLIT_RULE = RULE.format('"pkg.old:A" = "pkg.a:A", "pkg.old:B" = "pkg.b:B"')


def fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: str, files: dict[str, str] = SPLIT, rule: str = SPLIT_RULE) -> str:
    root = write_project(tmp_path, {**files, "pkg/app.py": app}, rule)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert "left:" not in result.stderr, result.stderr
    return (root / "pkg/app.py").read_text()


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param(
            "from pkg.old import A, B, C  # noqa: F401\n",
            "from pkg.old import C  # noqa: F401\nfrom pkg.a import A  # noqa: F401\nfrom pkg.b import B  # noqa: F401\n",
            id="one-line",
        ),
        pytest.param(
            "from pkg.old import (\n    A as A2, B as B2, C,  # noqa: F401\n)\n",
            "from pkg.old import (\n    C,  # noqa: F401\n)\nfrom pkg.a import A as A2  # noqa: F401\nfrom pkg.b import B as B2  # noqa: F401\n",
            id="parenthesised",
        ),
        pytest.param(
            # the last name of the line leaves, another one stays: the line keeps its end
            "from pkg.old import (\n    C, A,  # noqa: F401\n    B,\n)\n",
            "from pkg.old import (\n    C,  # noqa: F401\n)\nfrom pkg.a import A  # noqa: F401\nfrom pkg.b import B\n",
            id="last-of-line-leaves",
        ),
        pytest.param(
            "from pkg.old import A as A3, \\\n    B as B3  # type: ignore[attr-defined]\n",
            "from pkg.a import A as A3\nfrom pkg.b import B as B3  # type: ignore[attr-defined]\n",
            id="backslash",
        ),
        pytest.param(
            "from pkg.old import (A,\n    B)  # pyright: ignore[reportUnusedImport]\n",
            "from pkg.a import A\nfrom pkg.b import B  # pyright: ignore[reportUnusedImport]\n",
            id="after-closing-parenthesis",
        ),
        pytest.param(
            # another comment is kept once: where it was when its line keeps a name, else with the first
            "from pkg.old import A, B, C  # why\nfrom pkg.old import (\n    A as A4, B as B4,  # because\n)\n",
            "from pkg.old import C  # why\nfrom pkg.a import A\nfrom pkg.b import B\nfrom pkg.a import (\n    A as A4,  # because\n)\nfrom pkg.b import B as B4\n",
            id="no-pragma",
        ),
    ],
)
def test_a_pragma_ending_a_line_goes_with_every_name_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str) -> None:
    assert fixed(tmp_path, monkeypatch, before) == after


def test_an_explicit_re_export_is_no_duplicate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `B as B` re-exports B for mypy --no-implicit-reexport and pyright: dropping it as a copy of
    # `from pkg.b import B` would break `from pkg.app import B` under them. Both stay; the
    # parentheses left around one name go.
    before = "from pkg.a import A\nfrom pkg.old import (A,\n    B)  # noqa: F401\nfrom pkg.old import B as B\n"
    after = "from pkg.a import A\nfrom pkg.b import B  # noqa: F401\nfrom pkg.b import B as B\n"
    assert fixed(tmp_path, monkeypatch, before) == after


def test_a_plain_duplicate_still_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = "from pkg.b import B as B\nfrom pkg.old import B as B, C\nfrom pkg.old import (B)\n"
    assert fixed(tmp_path, monkeypatch, before) == "from pkg.b import B as B\nfrom pkg.old import C\nfrom pkg.b import (B)\n"  # as written
