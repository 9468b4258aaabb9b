"""disc24: the matplotlib 3.10.3 review's discovery findings (``/tmp/review19a/repro``).

1. A stub (``.pyi``) beside its module's ``.py`` describes that module: it is no second
   implementation for ``single-implementation``, ``duplicate-definition`` and ``init``'s class
   families, and no second shim for ``shim-module`` (``module_paths.described_stubs``, the one
   rule they all apply). A stub alone (no ``.py``) still counts. Before, matplotlib's families
   were doubled (``*Inverted*Transform``: 16 classes, really 8) and their ``max`` with them.
2. A listed decorator's first argument that is only a version (``@_api.deprecated("3.10",
   alternative=...)``) is the version, not the declaration's text; ``alternative=`` names the
   replacement, ``message=`` / ``addendum=`` are its text and ``pending=True`` says how.
3. A function named for warning with a ``_warn`` suffix (``_apply_theta_transforms_warn``) is a
   warning helper, not a deprecated function; ``not_deprecations`` names a helper's category,
   not the helper as if it were one.
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
    assert 'name = "Inverted(?![a-z])\\\\w*Transform$"' in starter and "max = 3\n" in starter
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    family = [r for r in report["rules"] if r["kind"] == "single-implementation"]
    assert [(r["count"], r["max"], r["ok"]) for r in family] == [(3, 3, True)]


# -- 2. a listed decorator's version, alternative=, message=, addendum=, pending= ----------------------

DECORATOR = (
    "import functools\nimport warnings\n\n\n"
    'def deprecated(since, *, message="", alternative="", addendum="", pending=False):\n'
    "    def deco(obj):\n        @functools.wraps(obj)\n        def wrapper(*a, **k):\n"
    '            warnings.warn(message or f"deprecated since {since}; use {alternative}", DeprecationWarning)\n'
    "            return obj(*a, **k)\n        return wrapper\n    return deco\n"
)
MPL = {
    "mpl/_api/__init__.py": "from .deprecation import deprecated\n",
    "mpl/_api/deprecation.py": DECORATOR,
    "mpl/cbook.py": "def sanitize_sequence(data):\n    return list(data)\n",
    "mpl/__init__.py": (
        'from mpl import _api, cbook\n\n\n@_api.deprecated("3.10", alternative="mpl.cbook.sanitize_sequence")\n'
        "def sanitize_sequence(data):\n    return cbook.sanitize_sequence(data)\n"
    ),
    "app.py": "from mpl import sanitize_sequence\n\nprint(sanitize_sequence([1]))\n",
}
DD1 = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\ndecorators = ["mpl._api.deprecated"]\n'


def test_a_version_is_no_text_and_alternative_names_the_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", MPL, DD1)
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(f["path"], f["line"], f["message"], f["applicability"]) for f in report["findings"]] == [
        (
            "app.py",
            1,
            'function mpl:sanitize_sequence is deprecated (mpl/__init__.py:5: "Use mpl.cbook.sanitize_sequence instead."); use mpl.cbook:sanitize_sequence',
            "unsafe",  # another definition than the deprecated one: it may not take the same arguments
        )
    ]
    diff = run_cli(["fix", "--diff", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert "+from mpl.cbook import sanitize_sequence\n" in diff.stdout
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert (root / "app.py").read_text() == "from mpl.cbook import sanitize_sequence\n\nprint(sanitize_sequence([1]))\n"


@pytest.mark.parametrize(
    ("decorator", "text", "how", "replacement", "reason"),
    [
        # message= is the whole text (as matplotlib shows it); alternative= still names the replacement
        ('"3.7", message="old is going", alternative="mpl.cbook.sanitize_sequence"', "old is going", "@deprecated", "mpl.cbook:sanitize_sequence", None),
        ('"3.7", addendum="It was never used."', "It was never used.", "@deprecated", None, "the declaration names no replacement"),
        ('"3.7", pending=True', "(no message)", "@deprecated (pending)", None, "the declaration names no replacement"),
        # code in prose: read as the text "Use ... instead." is read
        (
            '"3.7", alternative="``mpl.cbook.sanitize_sequence(data)``", addendum="Same result."',
            "Use ``mpl.cbook.sanitize_sequence(data)`` instead. Same result.",
            "@deprecated",
            "mpl.cbook:sanitize_sequence",
            None,
        ),
        (
            '"3.7", alternative="No replacement.  Please open an issue."',
            "Use No replacement. Please open an issue. instead.",
            "@deprecated",
            None,
            "the declaration names no replacement",
        ),
        # a first argument that is no version is the text, as for any decorator
        ('"use mpl.cbook.sanitize_sequence"', "use mpl.cbook.sanitize_sequence", "@deprecated", "mpl.cbook:sanitize_sequence", None),
        ('"v2.1.0rc1"', "(no message)", "@deprecated", None, "the declaration names no replacement"),
    ],
)
def test_what_a_listed_decorator_s_arguments_say(
    decorator: str, text: str, how: str, replacement: str | None, reason: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {**MPL, "mpl/__init__.py": MPL["mpl/__init__.py"].replace('"3.10", alternative="mpl.cbook.sanitize_sequence"', decorator)}
    root = write_project(tmp_path / "p", files, DD1)
    details = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()["rules"][0]["details"]
    assert [(d["target"], d["text"], d["how"], d["replacement"], d["no_replacement_because"]) for d in details["declarations"]] == [
        ("mpl:sanitize_sequence", text, how, replacement, reason)
    ]


# -- 3. a _warn helper; a helper's category in not_deprecations ----------------------------------------

WARNERS = {
    "pkg/__init__.py": "",
    "pkg/util.py": (
        "import warnings\n\n\nclass PlainWarning(UserWarning):\n    pass\n\n\n"
        "def warn_external(message, category=None):\n    warnings.warn(message, category, stacklevel=2)\n\n\n"
        "def warn_plain(message):\n    warnings.warn(message, PlainWarning)\n\n\n"
        'def warn_deprecated(since, message=""):\n    warn_external(message, category=DeprecationWarning)\n'
    ),
    "pkg/polar.py": (
        "from pkg.util import warn_deprecated, warn_external, warn_plain\n\n\n"
        "def _apply_theta_transforms_warn():\n"
        '    warn_deprecated("3.9", message="Passing `apply_theta_transforms=True` is deprecated")\n\n\n'
        'def _set_ticks_on_axis_warn(*args):\n    warn_external("Use the colorbar set_ticks() method instead.")\n\n\n'
        'def old_external():\n    warn_external("old_external is going")\n\n\n'
        'def old_plain():\n    warn_plain("old_plain is going")\n\n\n'
        "def transform(apply_theta_transforms=True):\n    if apply_theta_transforms:\n        _apply_theta_transforms_warn()\n"
    ),
    "app.py": "from pkg.polar import _apply_theta_transforms_warn, old_external, old_plain\n",
}


def test_a_warn_suffix_names_a_helper_and_a_helper_s_category_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", WARNERS, '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n')
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert report["findings"] == []
    details = report["rules"][0]["details"]
    assert details["declarations"] == []
    assert details["not_deprecations"] == [
        "pkg/polar.py:13: warning helper pkg.util.warn_external warns with the category it is given (category), which is not read from its calls: declares nothing",
        "pkg/polar.py:17: category pkg.util.PlainWarning of warning helper pkg.util.warn_plain is not a deprecation warning",
    ]


def test_init_lists_no_warning_helper_as_a_deprecated_function(tmp_path: Path) -> None:
    survey = api.survey(write_project(tmp_path / "p", WARNERS))
    assert survey.deprecations == []


def test_a_subscripted_alternative_is_no_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # matplotlib's cm.get_cmap: alternative="``matplotlib.colormaps[name]`` or ..." is an item of
    # the registry, not a name to import in place of the function
    files = {
        **MPL,
        "mpl/cbook.py": MPL["mpl/cbook.py"] + "registry = {}\n",
        "mpl/__init__.py": MPL["mpl/__init__.py"].replace(
            'alternative="mpl.cbook.sanitize_sequence"', 'alternative="``mpl.cbook.registry[name]`` or ``mpl.cbook.registry.get()``"'
        ),
    }
    root = write_project(tmp_path / "p", files, DD1)
    details = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()["rules"][0]["details"]
    assert [(d["text"], d["replacement"], d["no_replacement_because"]) for d in details["declarations"]] == [
        (
            "Use ``mpl.cbook.registry[name]`` or ``mpl.cbook.registry.get()`` instead.",
            None,
            "mpl.cbook.registry[...] is an item of mpl.cbook.registry, not a project module or name",
        )
    ]
