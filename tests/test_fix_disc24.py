"""disc24: the matplotlib 3.10.3 review's discovery findings (``/tmp/review19a/repro``).

1. A stub (``.pyi``) beside its module's ``.py`` describes that module: it is no second
   implementation for ``single-implementation``, ``duplicate-definition`` and ``init``'s class
   families, and no second shim for ``shim-module`` (``module_paths.described_stubs``, the one
   rule they all apply). A stub alone (no ``.py``) still counts. Before, matplotlib's families
   were doubled (``*Inverted*Transform``: 16 classes, really 8) and their ``max`` with them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint import api
from tests.helpers import run_cli, write_project

# -- 1. a stub beside its module -----------------------------------------------------------------------

STUBBED = {
    "lib/__init__.py": "",
    "lib/scale.py": "class InvertedLogTransform: ...\nclass InvertedPolarTransform: ...\n",
    "lib/scale.pyi": "class InvertedLogTransform: ...\nclass InvertedPolarTransform: ...\n",
    "lib/geo.py": "class InvertedGeoTransform: ...\n",
    "lib/geo.pyi": "class InvertedGeoTransform: ...\n",
    "lib/table.py": "class Cell: ...\nCustomCell = Cell\n",
    "lib/table.pyi": "class Cell: ...\nCustomCell = Cell\n",
    "app.py": "from lib.scale import InvertedLogTransform\nfrom lib.geo import InvertedGeoTransform\nfrom lib.table import Cell\n\n"
    "USED = [InvertedLogTransform, InvertedGeoTransform, Cell]\n",
}
FAMILY = '[[rule]]\nid = "FAM1"\nkind = "single-implementation"\nname = "Inverted\\\\w*Transform$"\nmax = 3\n\n[[rule]]\nid = "PI2"\nkind = "shim-module"\n'


def findings_and_rows(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[tuple[str, int, bool]]]:
    lines = run_cli(["check", "--no-cache", "-q"], root, monkeypatch).stdout.splitlines()
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    return lines, [(r["id"], r["count"], r["ok"]) for r in report["rules"]]


NONE_CANONICAL = "none is canonical: name the one to keep in `canonical`"


def test_a_stub_beside_its_module_is_no_second_implementation_or_shim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", STUBBED, FAMILY)
    assert findings_and_rows(root, monkeypatch) == (
        ["lib/table.py:2:1: PI2 error: alias CustomCell is a shim for lib.table:Cell; use lib.table:Cell directly"],
        [("FAM1", 3, True), ("PI2", 1, False)],
    )


def test_a_stub_alone_still_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ext.pyi describes a compiled module (no ext.py): the one place its class is written
    files = {**STUBBED, "lib/ext.pyi": "class InvertedExtTransform: ...\nAlias = InvertedExtTransform\n"}
    root = write_project(tmp_path / "p", files, FAMILY)
    assert findings_and_rows(root, monkeypatch) == (
        [
            f"lib/ext.pyi:1:7: FAM1 error: InvertedExtTransform is one of 4 implementations (max 3); {NONE_CANONICAL}",
            "lib/ext.pyi:2:1: PI2 error: alias Alias is a shim for lib.ext:InvertedExtTransform; use lib.ext:InvertedExtTransform directly",
            f"lib/geo.py:1:7: FAM1 error: InvertedGeoTransform is one of 4 implementations (max 3); {NONE_CANONICAL}",
            f"lib/scale.py:1:7: FAM1 error: InvertedLogTransform is one of 4 implementations (max 3); {NONE_CANONICAL}",
            f"lib/scale.py:2:7: FAM1 error: InvertedPolarTransform is one of 4 implementations (max 3); {NONE_CANONICAL}",
            "lib/table.py:2:1: PI2 error: alias CustomCell is a shim for lib.table:Cell; use lib.table:Cell directly",
        ],
        [("FAM1", 4, False), ("PI2", 2, False)],
    )


def test_a_package_stub_beside_its_init_and_a_stub_naming_what_the_module_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg/__init__.pyi describes pkg/__init__.py; other.pyi describes other.py, which imports its
    # class from a compiled module: the stub is the module's description, not a second definition
    files = {
        "pkg/__init__.py": "class Manager: ...\n",
        "pkg/__init__.pyi": "class Manager: ...\n",
        "pkg/other.py": "from pkg._speedups import Manager\n",
        "pkg/other.pyi": "class Manager: ...\n",
        "pkg/third.py": "class Manager: ...\n",
    }
    rules = '[[rule]]\nid = "DUP1"\nkind = "duplicate-definition"\n\n[[rule]]\nid = "FAM1"\nkind = "single-implementation"\nname = "^Manager$"\n'
    root = write_project(tmp_path / "p", files, rules)
    assert findings_and_rows(root, monkeypatch) == (
        [
            f"pkg/__init__.py:1:7: FAM1 error: Manager is one of 2 implementations (max 1); {NONE_CANONICAL}",
            "pkg/third.py:1:7: DUP1 error: Manager is defined in 2 modules (also at pkg/__init__.py:1)",
            f"pkg/third.py:1:7: FAM1 error: Manager is one of 2 implementations (max 1); {NONE_CANONICAL}",
        ],
        [("DUP1", 1, False), ("FAM1", 2, False)],
    )


def test_init_counts_a_family_once_and_its_max_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", STUBBED)
    survey = api.survey(root)
    assert [(f.stem, len(f.members), f.modules) for f in survey.families] == [("*Inverted*Transform", 3, 2)]
    assert sorted(m.target for m in survey.families[0].members) == [
        "lib.geo:InvertedGeoTransform",
        "lib.scale:InvertedLogTransform",
        "lib.scale:InvertedPolarTransform",
    ]
    assert survey.project_wide["shim-module"] == 1
    written = run_cli(["init", ".", "--no-cache"], root, monkeypatch)
    assert written.exit_code == 0, written.stderr
    starter = (root / "ssot-rules.toml").read_text()
    assert 'name = "Inverted\\\\w*Transform$"' in starter and "max = 3\n" in starter
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    family = [r for r in report["rules"] if r["kind"] == "single-implementation"]
    assert [(r["count"], r["max"], r["ok"]) for r in family] == [(3, 3, True)]
