"""verify26: a failure inside fix verification costs the one rewrite it was verifying its safety,
never the run. review26a's NumPy check stopped with ``internal error: StopIteration`` (exit 2, no
file) when one rewrite's statement-order check failed; that cause is fixed (numpy26a), and any
other such bug now leaves its rewrite unsafe, with a reason saying so, while the rest of the run,
the same file's other rewrites included, is verified as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssot_lint.fix import verify
from tests.helpers import run_cli, write_project

RULES = '[[rule]]\nid = "MV"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old:X" = "pkg.new:X"\n"pkg.legacy:Y" = "pkg.new:Y"\n'
FILES = {
    "pkg/__init__.py": "",
    "pkg/new.py": "X = 1\nY = 2\n",
    "pkg/old.py": "from pkg.new import X\n",
    "pkg/legacy.py": "from pkg.new import Y\n",
    "app.py": "from pkg.old import X\nfrom pkg.legacy import Y\n\nprint(X, Y)\n",
}
FAILED = "not verified: ssot-lint failed while verifying it (RuntimeError: boom); this is a bug in ssot-lint, please report it"


@pytest.fixture
def failing_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification of the rewrite of pkg.old raises; of pkg.legacy it runs as written."""
    original = verify.ImportVerifier._verify

    def _verify(self: verify.ImportVerifier, need: verify.Need, *args: object, **kwargs: object) -> verify.Verdict:
        if need.old.startswith("pkg.old"):
            raise RuntimeError("boom")
        return original(self, need, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verify.ImportVerifier, "_verify", _verify)


def test_check_reports_the_rewrite_whose_verification_failed_as_unsafe_and_the_other_as_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_verification: None
) -> None:
    root = write_project(tmp_path, FILES, RULES)
    result = run_cli(["check", "--no-cache", "-o", "json", "app.py"], root, monkeypatch)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(f["line"], f["applicability"]) for f in report["findings"]] == [(1, "unsafe"), (2, "safe")]


def test_fix_leaves_that_rewrite_with_the_reason_and_applies_the_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_verification: None) -> None:
    root = write_project(tmp_path, FILES, RULES)
    result = run_cli(["fix", "--no-cache", "app.py"], root, monkeypatch)
    assert result.exit_code == 1, result.stderr
    assert (root / "app.py").read_text() == "from pkg.old import X\nfrom pkg.new import Y\n\nprint(X, Y)\n"
    assert FAILED in result.stdout + result.stderr
