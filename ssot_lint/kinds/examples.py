"""Run a rule's examples (from its rule file, or a kind's VALID/INVALID lists) as tests."""

from __future__ import annotations

from dataclasses import dataclass

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.base import Example, Rule
from ssot_lint.model import PARSE_ERROR_ID, FileRef, Finding
from ssot_lint.run.engine import aggregate


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
        return f"expected {want}; got {len(self.findings)}: {got}"


def example_ref(path: str) -> FileRef:
    """An example's pretend location, as if every directory on its path were a package."""
    parts = path.removesuffix(".pyi").removesuffix(".py").split("/")
    is_package = parts[-1] == "__init__"
    return FileRef(path, ".".join(parts[:-1] if is_package else parts), is_package)


def run_example(rule: Rule, example: Example) -> ExampleOutcome:
    results = []
    for path, code in sorted(example.files.items()):
        ref = example_ref(path)
        rules = [rule] if rule.in_scope(path) else []
        results.append((ref, analyze_source(code.encode("utf-8"), ref, rules)))
    report = aggregate([rule], results, "info")
    relevant = tuple(f for f in report.findings if f.rule_id in (rule.id, PARSE_ERROR_ID))
    return ExampleOutcome(rule, example, relevant)
