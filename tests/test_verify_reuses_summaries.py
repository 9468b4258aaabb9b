"""check's fix verification takes a module's summary from the run's own per-file results when a
project-wide kind there computed it (#17): same bytes, same module name, so the same summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssot_lint.fix import project_fixes
from ssot_lint.model import PARSE_ERROR_ID, FileRef, FileResult, Finding, Suppression
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.run import modules as run_modules
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.module_summaries import run_summaries
from tests.helpers import sample_project

# The modules that verify the sample's WS002 rewrites (the deprecated and replacement modules,
# the importers and the packages above them): what verification summarises with no reuse.
CORE = "netra_backend/app/websocket_core/"
VERIFIED_WITH = sorted(
    [
        "netra_backend/__init__.py",
        "netra_backend/app/__init__.py",
        "netra_backend/app/services/__init__.py",
        "netra_backend/app/services/agent_service.py",
        "netra_backend/app/services/notifier.py",
        *(CORE + name for name in ("__init__.py", "handlers.py", "unified_manager.py", "websocket_manager.py", "websocket_manager_factory.py")),
    ]
)


def _summarised_by_verification(
    project: Path, monkeypatch: pytest.MonkeyPatch, reuse: bool = True, buffers: dict[Path, str] | None = None
) -> tuple[list[str], list[Any]]:
    from ssot_lint.api import check

    summarised: list[str] = []
    real = run_modules.ProjectModules._analyze

    def counted(self: run_modules.ProjectModules, files: list[SourceFile]) -> dict[str, Any]:
        summarised.extend(source.ref.path for source in files)
        return real(self, files)

    with monkeypatch.context() as patched:
        patched.setattr(run_modules.ProjectModules, "_analyze", counted)
        if not reuse:
            patched.setattr(project_fixes, "run_summaries", lambda *args: {})
            patched.setattr("ssot_lint.run.engine.run_summaries", lambda *args: {})
        result = check(config=project / "ssot-lint.toml", cache=False, jobs=1, buffers=buffers)
    findings = [(f.rule_id, f.path, f.line, f.col, f.message, f.applicability) for f in result.report.findings]
    return sorted(summarised), findings


@pytest.mark.parametrize("kind", ["unresolved-import", "shim-module", "declared-deprecation"], ids=["unresolved-import", "shim-module", "declared-deprecation"])
def test_a_project_wide_kind_in_the_run_leaves_verification_nothing_to_summarise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    project = sample_project(tmp_path, extra_rules=f'\n[[rule]]\nid = "WIDE1"\nkind = "{kind}"\n')
    summarised, findings = _summarised_by_verification(project, monkeypatch)
    again, without_reuse = _summarised_by_verification(project, monkeypatch, reuse=False)
    assert summarised == []
    assert again == VERIFIED_WITH
    assert findings == without_reuse  # the same verdicts, from the same summaries
    ws002 = [(f[1].rsplit("/", 1)[1], f[2], f[5]) for f in findings if f[0] == "WS002"]
    assert ws002 == [
        ("agent_service.py", 13, "unsafe"),
        ("notifier.py", 4, "safe"),
        ("notifier.py", 6, ""),
        ("notifier.py", 10, ""),
        ("handlers.py", 3, "unsafe"),
        ("handlers.py", 4, ""),
        ("handlers.py", 13, ""),
    ]


def test_only_the_files_outside_the_kinds_paths_are_summarised_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = '\n[[rule]]\nid = "WIDE1"\nkind = "unresolved-import"\npaths = ["netra_backend/app/services/**"]\n'
    project = sample_project(tmp_path, extra_rules=rule)
    summarised, findings = _summarised_by_verification(project, monkeypatch)
    assert summarised == [path for path in VERIFIED_WITH if not path.startswith("netra_backend/app/services/")]
    assert findings == _summarised_by_verification(project, monkeypatch, reuse=False)[1]


def test_an_editors_buffer_is_verified_against_as_the_run_read_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The run analyzed the buffer's bytes, and verification reads the buffer in place of the
    # file too: the run's summary of the buffer is the one verification needs, nothing is
    # summarised again, and the verdicts are those of a verification that summarises it anew.
    project = sample_project(tmp_path, extra_rules='\n[[rule]]\nid = "WIDE1"\nkind = "unresolved-import"\n')
    notifier = project / "netra_backend" / "app" / "services" / "notifier.py"
    buffers = {notifier: notifier.read_text() + "\nEDITED = 1\n"}
    summarised, findings = _summarised_by_verification(project, monkeypatch, buffers=buffers)
    again, without_reuse = _summarised_by_verification(project, monkeypatch, reuse=False, buffers=buffers)
    assert summarised == []
    assert "netra_backend/app/services/notifier.py" in again
    assert findings == without_reuse


def test_a_run_without_a_project_wide_kind_summarises_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summarised, _ = _summarised_by_verification(sample_project(tmp_path), monkeypatch)
    assert summarised == VERIFIED_WITH


# -- run_summaries and ProjectModules.prefetch, without a run ---------------------------------------
def _summary(name: str) -> ModuleSummary:
    from ssot_lint.analysis.file_context import FileContext
    from ssot_lint.project.summary_walk import summarise

    return summarise(FileContext(FileRef(f"{name}.py", name), f"X_{name} = 1\n"))


def test_run_summaries_takes_each_files_summary_from_a_carrier_and_skips_failed_files() -> None:
    from ssot_lint.kinds.base import Rule

    class Carrier(Rule):  # its facts carry the summary second in a tuple (declared-deprecation: first)
        def __init__(self) -> None:  # no rule file: only what run_summaries reads
            self.id = "C1"

        def module_summary(self, fact: Any) -> ModuleSummary | None:
            return fact[1]

    class Plain(Rule):
        def __init__(self) -> None:
            self.id = "P1"

    a, b, c, d = (FileRef(f"{n}.py", n) for n in "abcd")
    error = Finding(PARSE_ERROR_ID, 1, 1, 1, 1, "invalid syntax", "error")
    results = [
        (a, FileResult(facts={"C1": ("decls", _summary("a")), "P1": "other"})),
        (b, FileResult(facts={"P1": "other"})),  # out of the carrier's scope: no summary
        (c, FileResult(parse_error=error)),
        (d, FileResult(facts={"C1": ("decls", _summary("d"))})),
    ]
    known = run_summaries([Plain(), Carrier()], results)
    shown = {path: (ref.module, sorted(summary.defined), comments) for path, (ref, summary, comments) in known.items()}
    assert shown == {"a.py": ("a", ["X_a"], ()), "d.py": ("d", ["X_d"], ())}
    assert run_summaries([Plain()], results) == {}


def test_prefetch_reuses_a_known_summary_only_for_the_same_file_under_the_same_module_name(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.py").write_text(f"X_{name} = 2\n")
    files = [SourceFile(str(tmp_path / f"{n}.py"), FileRef(f"{n}.py", n)) for n in ("a", "b")]
    asked: list[str] = []

    def summarise_files(sources: list[SourceFile], here: bool, rule: Any = None) -> list[tuple[FileRef, FileResult]]:
        asked.extend(source.ref.path for source in sources)
        return [(s.ref, FileResult(facts={"SSOT-modules": _summary(s.ref.module + "_disk")})) for s in sources]

    known_calls: list[int] = []
    comment = Suppression(1, 10, 30, ("MOVE1",), text="# ssot: ignore[MOVE1]")

    def known() -> dict[str, tuple[FileRef, ModuleSummary, tuple[Suppression, ...]]]:
        known_calls.append(1)
        # a.py as the run named it; b.py under another module name (another src root, say)
        return {"a.py": (FileRef("a.py", "a"), _summary("a"), (comment,)), "b.py": (FileRef("b.py", "pkg.b"), _summary("b"), ())}

    source = run_modules.ProjectModules(None, summarise_files, files, known)
    source.prefetch(["a", "b"])
    assert asked == ["b.py"]
    assert [sorted(s.defined) if s else None for s in source.summaries("a")] == [["X_a"]]
    assert [sorted(s.defined) if s else None for s in source.summaries("b")] == [["X_b_disk"]]
    assert source.suppressions("a") == [comment]  # a finding it silences is never fixed: kept with the summary
    source.prefetch(["a", "b"])
    assert known_calls == [1]  # asked once, at the first prefetch
    assert "_known" not in {k for k, v in source.__getstate__().items() if v is not None}  # not sent to fix workers
