"""star28b: one star import under several deprecated targets (review28b 01 and 04, networkx 3.4.2).

1. ``from pkg.dsep import *`` under the mappings of ``pkg.dsep:old_a`` and ``pkg.dsep:old_b`` is
   one finding per target (the kind's "one finding per deprecated target per statement"), as
   ``from pkg.dsep import old_a, old_b`` is; it was one, for the first target only. Whether the
   star import can bind each member (``ImportVerifier.star_lacks``) is asked per target. The
   statement is one decision: it cannot be narrowed, so ``fix`` leaves it as it was.
2. Each "not fixable" reason names its own target: ``deprecated-import``'s and
   ``declared-deprecation``'s both read "cannot be narrowed to old_a".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

DSEP = "def is_sep(g): ...\ndef find_sep(g): ...\ndef old_a(g): ...\ndef old_b(g): ...\n"
ALL = '__all__ = ["is_sep", "find_sep", "old_a", "old_b"]\n'
RULE = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.dsep:old_a" = "pkg.dsep:is_sep", "pkg.dsep:old_b" = "pkg.dsep:find_sep" }\n'
STAR = "from pkg.dsep import *\n"
STAR_A = "pkg/__init__.py:1:22: R1 error: pkg.dsep:old_a is deprecated; import pkg.dsep:is_sep"
STAR_B = "pkg/__init__.py:1:22: R1 error: pkg.dsep:old_b is deprecated; import pkg.dsep:find_sep"
NARROW_A = "  pkg/__init__.py:1:22: R1 not fixable: `from pkg.dsep import *` cannot be narrowed to old_a; import names explicitly"
NARROW_B = "  pkg/__init__.py:1:22: R1 not fixable: `from pkg.dsep import *` cannot be narrowed to old_b; import names explicitly"


def project(tmp_path: Path, dsep: str = ALL + DSEP, rule: str = RULE, **more: str) -> Path:
    files = {"pkg/__init__.py": STAR, "pkg/dsep.py": dsep, **{k.replace("__", "/") + ".py": v for k, v in more.items()}}
    return write_project(tmp_path, files, rule)


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    result = run_cli(["check", "--no-cache", "-q", "."], root, monkeypatch)
    return result.exit_code, result.stdout.splitlines()


def fix_diff(root: Path, monkeypatch: pytest.MonkeyPatch, *more: str) -> tuple[int, list[str]]:
    result = run_cli(["fix", "--no-cache", "--diff", *more, "."], root, monkeypatch)
    return result.exit_code, (result.stdout + result.stderr).splitlines()


# -- 1. one finding per deprecated target the star import falls under ----------------------------
def test_a_star_import_under_two_mapped_members_is_a_finding_for_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reviewer's reproduction 04: user.py's import of both names gives two findings; the
    # star import gave one (networkx's algorithms/__init__.py: minimal_d_separator only).
    root = project(tmp_path, user="from pkg.dsep import old_a, old_b\n")
    assert check(root, monkeypatch) == (
        1,
        [
            STAR_A,
            STAR_B,
            "user.py:1:22: R1 error: pkg.dsep:old_a is deprecated; import pkg.dsep:is_sep",
            "user.py:1:29: R1 error: pkg.dsep:old_b is deprecated; import pkg.dsep:find_sep",
        ],
    )
    report = run_cli(["check", "--no-cache", "-o", "json", "."], root, monkeypatch).json()
    star = [f for f in report["findings"] if f["path"] == "pkg/__init__.py"]
    assert [(f["message"].split()[0], f["applicability"]) for f in star] == [("pkg.dsep:old_a", None), ("pkg.dsep:old_b", None)]
    assert len({f["fingerprint"] for f in star}) == 2


@pytest.mark.parametrize(("star", "at"), [(STAR, "1:22"), ("from .dsep \\\n    import *  # both\n", "2:12")], ids=["plain", "relative-continued"])
def test_each_finding_of_the_star_import_is_left_with_its_own_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, star: str, at: str) -> None:
    # One decision for the statement (a star import cannot be narrowed), one reason per finding,
    # told apart by the findings' anchors (the fix's must be the check's, whitespace and all).
    root = project(tmp_path)
    (root / "pkg/__init__.py").write_text(star)
    narrowed = [NARROW_A.replace("1:22", at), NARROW_B.replace("1:22", at)]
    expected = ["0 files would change, 0 findings would be fixed, 2 findings would be left:", *narrowed]
    assert fix_diff(root, monkeypatch) == (1, expected)
    assert fix_diff(root, monkeypatch, "--unsafe-fixes") == (1, expected)
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    assert (fixed.exit_code, fixed.stderr.splitlines()) == (1, ["0 files changed, 0 findings fixed, 2 findings left:", *narrowed])
    assert (root / "pkg/__init__.py").read_text() == star


@pytest.mark.parametrize(("listed", "left"), [("old_b", STAR_B), ("old_a", STAR_A)], ids=["lacks-old_a", "lacks-old_b"])
def test_whether_the_star_import_binds_a_member_is_asked_per_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: str, left: str) -> None:
    # pyd27a: a literal __all__ without the member makes its finding none; the other one stays,
    # whichever of the two is the first mapping (lacking old_a hid old_b's finding too).
    root = project(tmp_path, f'__all__ = ["is_sep", "find_sep", "{listed}"]\n' + DSEP)
    assert check(root, monkeypatch) == (1, [left])
    narrowed = NARROW_A if listed == "old_a" else NARROW_B
    assert fix_diff(root, monkeypatch) == (1, ["0 files would change, 0 findings would be fixed, 1 finding would be left:", narrowed])


def test_a_star_import_under_a_member_and_its_module_is_a_finding_for_each_and_no_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from pkg.dsep import *` falls under the module mapping (reported at the module path) and
    # under the member's (at the star). Rewritten to `from pkg.fresh import *`, it would no
    # longer bind old_a as the rule has it (pkg.fresh:is_sep): the statement stays, and the
    # module's finding says why.
    rule = '[[rule]]\nid = "R1"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.dsep" = "pkg.fresh"\n"pkg.dsep:old_a" = "pkg.fresh:is_sep"\n'
    root = project(tmp_path, rule=rule, pkg__fresh=ALL + DSEP)
    assert check(root, monkeypatch) == (
        1,
        [
            "pkg/__init__.py:1:6: R1 error: pkg.dsep is deprecated; import pkg.fresh",
            "pkg/__init__.py:1:22: R1 error: pkg.dsep:old_a is deprecated; import pkg.fresh:is_sep",
        ],
    )
    expected = [
        "0 files would change, 0 findings would be fixed, 2 findings would be left:",
        "  pkg/__init__.py:1:6: R1 not fixable: `from pkg.dsep import *` cannot be narrowed to old_a; import names explicitly",
        NARROW_A,
    ]
    assert fix_diff(root, monkeypatch, "--unsafe-fixes") == (1, expected)


def test_a_star_import_under_a_member_another_rule_maps_is_decided_as_that_rules_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # R2's member mapping refines R1's module mapping (as in one table: R2 alone reports old_a).
    # R1's finding for the module is about the same statement: decided under old_a too, it stays
    # (rewritten by R1 to `from pkg.fresh import *`, it would no longer bind old_a as R2 has it).
    rules = (
        '[[rule]]\nid = "R1"\nkind = "deprecated-import"\nreplace = { "pkg.dsep" = "pkg.fresh" }\n\n'
        '[[rule]]\nid = "R2"\nkind = "deprecated-import"\nreplace = { "pkg.dsep:old_a" = "pkg.fresh:is_sep" }\n'
    )
    root = project(tmp_path, rule=rules, pkg__fresh=ALL + DSEP)
    assert check(root, monkeypatch) == (
        1,
        [
            "pkg/__init__.py:1:6: R1 error: pkg.dsep is deprecated; import pkg.fresh",
            "pkg/__init__.py:1:22: R2 error: pkg.dsep:old_a is deprecated; import pkg.fresh:is_sep",
        ],
    )
    report = run_cli(["check", "--no-cache", "-o", "json", "."], root, monkeypatch).json()
    assert [(f["rule"], f["applicability"]) for f in report["findings"]] == [("R1", None), ("R2", None)]
    expected = [
        "0 files would change, 0 findings would be fixed, 2 findings would be left:",
        "  pkg/__init__.py:1:6: R1 not fixable: `from pkg.dsep import *` cannot be narrowed to old_a; import names explicitly",
        NARROW_A.replace("R1", "R2"),
    ]
    assert fix_diff(root, monkeypatch, "--unsafe-fixes") == (1, expected)
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    assert (fixed.exit_code, (root / "pkg/__init__.py").read_text()) == (1, STAR)


# -- 2. declared-deprecation: each reason names its own function ----------------------------------
WARNS = "    warnings.warn('{name} is deprecated. Please use `is_sep(g)`.', DeprecationWarning, stacklevel=2)\n    return is_sep(g)\n"
DECLARED = (
    'import warnings\n\n__all__ = ["is_sep", "old_a", "old_b"]\n\n\ndef is_sep(g):\n    return True\n\n\n'
    + "def old_a(g):\n"
    + WARNS.format(name="old_a")
    + "\n\ndef old_b(g):\n"
    + WARNS.format(name="old_b")
)


def test_declared_deprecations_reached_by_one_star_import_are_each_left_with_their_own_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The reviewer's reproduction 01 (networkx's d_separated and minimal_d_separator).
    files = {"pkg/__init__.py": "", "pkg/sub/__init__.py": "from pkg.sub.dsep import *\n", "pkg/sub/dsep.py": DECLARED}
    root = write_project(tmp_path, files, '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n')
    fixed = run_cli(["fix", "--no-cache", "--unsafe-fixes", "."], root, monkeypatch)
    narrowed = "  pkg/sub/__init__.py:1:26: DD1 not fixable: `from pkg.sub.dsep import *` cannot be narrowed to {}; import names explicitly"
    assert (fixed.exit_code, fixed.stderr.splitlines()) == (
        1,
        ["0 files changed, 0 findings fixed, 2 findings left:", narrowed.format("old_a"), narrowed.format("old_b")],
    )
    assert (root / "pkg/sub/__init__.py").read_text() == "from pkg.sub.dsep import *\n"
