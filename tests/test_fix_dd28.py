"""dd28: two declared-deprecation findings of the pandas 2.2.3 review (``/tmp/review28a/repro``).

1. A module-level warning that runs only under a condition that can be false at import (an
   environment or option test, a ``try``) and whose text does not name the module declares no
   module deprecation: pandas 2.2.3's ``if "PANDAS_DATA_MANAGER" in os.environ: warnings.warn("...
   The data_manager option is deprecated ...", FutureWarning)`` made every ``import pandas`` a
   finding. It is listed under ``not_deprecations`` with the condition. A condition that holds
   (``if True``, a Python version check, ``if not TYPE_CHECKING``) or a text that names the
   module keeps the declaration.
2. "PandasArray has been renamed NumpyExtensionArray" names ``NumpyExtensionArray`` (``renamed Y``
   as ``renamed to Y``); "renamed `a` to `b`" names ``b``, never the old name ``a``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from ssot_lint.kinds.declared_deprecation.replacement import Candidate, candidates
from tests.helpers import run_cli, write_project

DD1_MV1 = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n\n[[rule]]\nid = "MV1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old" = "pkg.new"\n'
OPTION_WARNING = (
    "    warnings.warn(\n"
    '        "The env variable PKG_DATA_MANAGER is set. The data_manager option is "\n'
    '        "deprecated and will be removed in a future version.",\n'
    "        FutureWarning,\n"
    "        stacklevel=2,\n"
    "    )\n"
)
OPTION_TEXT = "The env variable PKG_DATA_MANAGER is set. The data_manager option is deprecated and will be removed in a future version."


def project(init: str) -> dict[str, str]:
    return {
        "pkg/__init__.py": init,
        "pkg/old.py": "def old(): ...\n",
        "pkg/new.py": "def old(): ...\n",
        "user.py": "import pkg\nfrom pkg.old import old\n",
    }


def dd1(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], dict[str, Any]]:
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    findings = [f"{f['path']}:{f['line']}: {f['rule']}" for f in report["findings"]]
    return findings, next(r for r in report["rules"] if r["id"] == "DD1")["details"]


# -- 1. a conditional warning about something else ------------------------------------------------------


def test_the_reviewers_environment_test_declares_no_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    init = 'import os\nimport warnings\n\nif "PKG_DATA_MANAGER" in os.environ:\n' + OPTION_WARNING
    root = write_project(tmp_path / "p", project(init), DD1_MV1)
    findings, details = dd1(root, monkeypatch)
    assert findings == ["user.py:2: MV1"]  # no DD1: neither the imports nor MV1's canonical target pkg.new
    assert details["declarations"] == []
    assert details["not_deprecations"] == [
        "pkg/__init__.py:5: warns only under `if 'PKG_DATA_MANAGER' in os.environ`, which can be false at import, "
        "and its text does not name package pkg: a warning about something else, not a deprecation of the package"
    ]


@pytest.mark.parametrize(
    ("init", "condition"),
    [
        (
            'import os\nimport warnings\n\nif os.environ.get("PKG_DATA_MANAGER"):\n    pass\nelse:\n' + OPTION_WARNING,
            "`else` of `if os.environ.get('PKG_DATA_MANAGER')`",
        ),
        ("import warnings\n\ntry:\n    import fastpath\n" + OPTION_WARNING + "except ImportError:\n    pass\n", "a `try`"),
        ("import warnings\n\nfor option in OPTIONS:\n" + OPTION_WARNING, "`for option in OPTIONS`"),
        ('import os\nimport warnings\n\nif True:\n    if os.getenv("X"):\n' + textwrap.indent(OPTION_WARNING, "    "), "`if os.getenv('X')`"),
    ],
    ids=["else-branch", "try-body", "loop", "nested-under-if-true"],
)
def test_other_conditions_that_can_be_false_at_import(init: str, condition: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", project(init), DD1_MV1)
    findings, details = dd1(root, monkeypatch)
    assert findings == ["user.py:2: MV1"]
    assert details["declarations"] == []
    assert [line.split(": ", 1)[1] for line in details["not_deprecations"]] == [
        f"warns only under {condition}, which can be false at import, and its text does not name package pkg: "
        "a warning about something else, not a deprecation of the package"
    ]


@pytest.mark.parametrize(
    ("init", "text"),
    [
        # a condition that holds at import
        ("import warnings\n\nif True:\n" + OPTION_WARNING, OPTION_TEXT),
        ("import sys\nimport warnings\n\nif sys.version_info >= (3, 8):\n" + OPTION_WARNING, OPTION_TEXT),
        ("import sys\nimport warnings\n\nif sys.version_info < (3, 8):\n    pass\nelse:\n" + OPTION_WARNING, OPTION_TEXT),
        ("import warnings\nfrom typing import TYPE_CHECKING\n\nif not TYPE_CHECKING:\n" + OPTION_WARNING, OPTION_TEXT),
        ("import warnings\n\nwith open(__file__):\n" + OPTION_WARNING, OPTION_TEXT),
        # a conditional text that names the module (or says "this package")
        (
            'import os\nimport warnings\n\nif "PKG_QUIET" not in os.environ:\n    warnings.warn("pkg is deprecated, use other", FutureWarning)\n',
            "pkg is deprecated, use other",
        ),
        (
            'import os\nimport warnings\n\nif "PKG_QUIET" not in os.environ:\n    warnings.warn("`pkg` will be removed", DeprecationWarning)\n',
            "`pkg` will be removed",
        ),
        (
            'import os\nimport warnings\n\nif "PKG_QUIET" not in os.environ:\n    warnings.warn("This package is deprecated.", DeprecationWarning)\n',
            "This package is deprecated.",
        ),
    ],
    ids=["if-true", "version-check", "else-of-version-check", "not-type-checking", "with", "names-module", "names-module-quoted", "this-package"],
)
def test_a_condition_that_holds_or_a_text_that_names_the_module_declares(init: str, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", project(init), DD1_MV1)
    findings, details = dd1(root, monkeypatch)
    # MV1's canonical target pkg.new runs the package, and so do both imports
    assert findings == ["rules.toml:9: DD1", "user.py:1: DD1", "user.py:2: DD1", "user.py:2: MV1"]
    assert [(d["target"], d["text"]) for d in details["declarations"]] == [("pkg", text)]
    assert details["not_deprecations"] == []


def test_a_conditional_text_naming_another_module_is_not_the_module_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pkg/old.py names ``pkg.old.helper`` (a name in it) and the word "old" in prose: neither is the module
    files = {
        **project(""),
        "pkg/old.py": 'import os\nimport warnings\n\nif os.environ.get("OLD_MODE"):\n'
        '    warnings.warn("pkg.old.helper in the old mode is deprecated", DeprecationWarning)\n\n\ndef old(): ...\n',
    }
    root = write_project(tmp_path / "p", files, DD1_MV1)
    findings, details = dd1(root, monkeypatch)
    assert findings == ["user.py:2: MV1"]
    assert [line.split(": ", 1)[0] for line in details["not_deprecations"]] == ["pkg/old.py:5"]


# -- 2. "renamed Y" ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PandasArray has been renamed NumpyExtensionArray. Use that instead.", [Candidate("NumpyExtensionArray", True)]),
        ("The module was renamed `pkg.new`.", [Candidate("pkg.new", True)]),
        ("old_call has been renamed new_call", [Candidate("new_call", True)]),
        ("We renamed `old_call` to `new_call`.", [Candidate("new_call", True)]),
        ("OldName was renamed as NewName", [Candidate("NewName", True)]),
        ("It was renamed in 2.0 and will be removed.", []),
        ("renamed and moved to pkg.new", [Candidate("pkg.new", True)]),
        ("The option was renamed silently.", [Candidate("silently", False)]),  # a prose word: counts only if it resolves
    ],
)
def test_renamed_y_names_y(text: str, expected: list[Candidate]) -> None:
    assert candidates(text, "Old") == expected


def test_the_reviewers_renamed_alias_resolves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/numpy_.py": "class NumpyExtensionArray: ...\n",
        "pkg/arrays/__init__.py": (
            "from pkg.numpy_ import NumpyExtensionArray\n\n"
            '__all__ = ["NumpyExtensionArray"]\n\n\n'
            "def __getattr__(name: str) -> type[NumpyExtensionArray]:\n"
            '    if name == "PandasArray":\n'
            "        import warnings\n\n"
            "        warnings.warn(\n"
            '            "PandasArray has been renamed NumpyExtensionArray. Use that "\n'
            '            "instead. This alias will be removed in a future version.",\n'
            "            FutureWarning,\n"
            "            stacklevel=2,\n"
            "        )\n"
            "        return NumpyExtensionArray\n"
            "    raise AttributeError(f\"module 'pkg.arrays' has no attribute '{name}'\")\n"
        ),
        "user.py": "from pkg.arrays import PandasArray\n",
    }
    root = write_project(tmp_path / "p", files, '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n')
    findings, details = dd1(root, monkeypatch)
    assert findings == ["user.py:1: DD1"]
    assert [(d["target"], d["replacement"], d["no_replacement_because"]) for d in details["declarations"]] == [
        ("pkg.arrays:PandasArray", "pkg.numpy_:NumpyExtensionArray", None)
    ]
