"""Run a rule's examples (from its rule file, or a kind's VALID/INVALID lists) as tests."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.base import Example, FixContext, Rule
from ssot_lint.model import PARSE_ERROR_ID, FileRef, FileResult, Finding
from ssot_lint.project.module_paths import is_compiled
from ssot_lint.run.aggregation import aggregate, refute
from ssot_lint.run.check_syntax import syntax_rule
from ssot_lint.run.module_names import ModuleNamer


@dataclass(frozen=True)
class ExampleOutcome:
    rule: Rule
    example: Example
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        if len(self.findings) != self.example.expect:
            return False
        return self.example.lines is None or sorted(f.line for f in self.findings) == sorted(self.example.lines)

    def explain(self) -> str:
        got = ", ".join(f"{f.path}:{f.line}:{f.col} {f.rule_id} {f.message}" for f in self.findings) or "none"
        want = (
            f"{self.example.expect} finding"
            + ("" if self.example.expect == 1 else "s")
            + (f" on lines {list(self.example.lines)}" if self.example.lines is not None else "")
        )
        return f"expected {want}; got {len(self.findings)}: {got}{self.scope_hint()}"

    def scope_hint(self) -> str:
        """Why the rule did not look at some of the example's files: outside its ``paths``, or
        matched by its ``exclude`` (an example's path is ``example.py`` unless it gives one)."""
        misses = {path: self.rule.out_of_scope(path) for path in sorted(self.example.files)}
        hints = []
        outside = [path for path, why in misses.items() if why == "paths"]
        if outside:
            prefix = re.split(r"[*?\[!]", self.rule.meta.paths[0], maxsplit=1)[0].lstrip("/")
            where = f'give the example a path = "{prefix}…"' if prefix else f"give the example a path they match ({', '.join(self.rule.meta.paths)})"
            hints.append(f"the example's {_paths(outside)} outside the rule's paths; {where}")
        excluded = [path for path, why in misses.items() if why == "exclude"]
        if excluded:
            hints.append(f"the example's {_paths(excluded)} excluded by the rule's exclude; give the example a path it does not match")
        return f" ({'; '.join(hints)})" if hints else ""


def _paths(paths: list[str]) -> str:
    return f"path {paths[0]} is" if len(paths) == 1 else f"paths {', '.join(paths)} are"


_EXAMPLE_ROOT = os.path.join(os.sep, "example")


def example_refs(paths: Iterable[str]) -> dict[str, FileRef]:
    """The examples' pretend locations, named as discovery names files in a project holding
    exactly these paths (``/``-separated, relative to the project root)."""
    paths = list(paths)
    packages = {os.path.join(_EXAMPLE_ROOT, *path.split("/")[:-1]) for path in paths if path.rsplit("/", 1)[-1] == "__init__.py"}
    namer = ModuleNamer([], is_package=packages.__contains__, root=_EXAMPLE_ROOT)
    return {path: namer.ref(os.path.join(_EXAMPLE_ROOT, *path.split("/")), path) for path in paths}


def example_ref(path: str) -> FileRef:
    """One path's pretend location, on its own: every directory on it part of the name."""
    return example_refs([path])[path]


def run_example(rule: Rule, example: Example) -> ExampleOutcome:
    """``rule``'s findings in ``example``, and a syntax error anywhere in its files (SSOT000,
    as ``check --check-syntax`` reports it): an example that does not parse shows nothing."""
    results = []
    refs = example_refs(example.files)
    whole = syntax_rule()
    for path, code in sorted(example.files.items()):
        ref = refs[path]
        if is_compiled(ref):  # a compiled extension module (util.pyx): a module, no text to analyze
            results.append((ref, FileResult()))
            continue
        rules = [rule, whole] if rule.in_scope(path) else [whole]
        results.append((ref, analyze_source(code.encode("utf-8"), ref, rules)))
    report = aggregate([rule], results, "info")
    refute(report, [rule], results, lambda: _example_context(results, example))
    relevant = tuple(f for f in report.findings if f.rule_id in (rule.id, PARSE_ERROR_ID))
    return ExampleOutcome(rule, example, relevant)


def _example_context(results: list[tuple[FileRef, FileResult]], example: Example) -> FixContext:
    """The verification context of an example's files, a project of their own (each file a
    buffer, as ``history.refuting`` has a commit's): what ``check`` drops as the project shows it
    to be no finding (``Rule.refuted``) an example drops too, so examples and ``check`` agree."""
    from ssot_lint.fix.verify import ImportVerifier
    from ssot_lint.run.discovery import SourceFile
    from ssot_lint.run.modules import ProjectModules

    files = [SourceFile(os.path.join(_EXAMPLE_ROOT, *ref.path.split("/")), ref) for ref, _ in results]
    texts = {source.abspath: example.files[source.ref.path].encode("utf-8") for source in files}
    # Every file is a buffer, so nothing is summarised from disk.
    return FixContext(False, ImportVerifier(ProjectModules(None, lambda *_: [], files, None, texts)))
