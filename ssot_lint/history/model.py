"""A snapshot: the counts of one run at one commit (or of the working tree)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field

from ssot_lint import __version__
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.model import OWN_KINDS, Report

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    kind: str
    severity: str
    count: int  # the rule's count (a family's size for single-implementation), as ``check`` reports it
    findings: int
    max: int | None
    key: str = ""  # what decided the count (``history.keys.rule_key``); '' in stores of schema 1


@dataclass
class Snapshot:
    """``series`` groups snapshots comparable in a trend (the same file scope, and today's rules
    or each commit's own); ``ruleset_digest`` is exactly what these counts were computed with.
    ``complete`` is false when the counts could not be computed (``note`` says why)."""

    commit: str | None
    label: str
    series: str
    ruleset_digest: str
    commit_time: int | None = None
    author_time: int | None = None
    subject: str = ""
    recorded_at: int = field(default_factory=lambda: int(time.time()))
    tool_version: str = __version__
    files: int = 0
    parse_errors: int = 0
    rules: list[RuleCount] = field(default_factory=list)
    file_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # path -> rule id -> findings
    note: str = ""
    complete: bool = True
    id: int | None = None
    generation: int | None = None  # the commit's place in the commit graph (``GitRepo.generations``)

    @property
    def time(self) -> int:
        return self.commit_time if self.commit_time is not None else self.recorded_at

    def count(self, rule_id: str) -> int | None:
        return next((r.count for r in self.rules if r.rule_id == rule_id), None)

    def top_files(self, limit: int) -> list[tuple[str, int, dict[str, int]]]:
        """(path, findings, per rule) for the files with the most findings, most first."""
        totals = [(path, sum(rules.values()), rules) for path, rules in self.file_counts.items()]
        return sorted(totals, key=lambda t: (-t[1], t[0]))[:limit]


def scope_digest(config: Config) -> str:
    """What besides the rules decides the counts: which files are in scope and their module names."""
    settings = {key: list(config.get(key)) for key in ("include", "exclude", "extend-exclude", "src")}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def current_series(config: Config) -> str:
    """The series of snapshots computed with the rules of the day (each count is matched to
    today's rule by its key, so editing a rule's description keeps its history)."""
    return f"scope:{scope_digest(config)}"


def at_commit_series(config: Config, select: list[str], ignore: list[str]) -> str:
    """The series of snapshots computed with each commit's own rule files."""
    text = json.dumps([scope_digest(config), sorted(select), sorted(ignore)])
    return "at-commit:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def ruleset_digest(config: Config, ruleset: RuleSet, version: str = __version__) -> str:
    """Exactly what a snapshot of today's rules is computed with: each rule's key, the file scope
    and the tool version (a new version recomputes a commit; the trend shows the newest)."""
    keys = sorted((rule.id, rule.meta.counts_digest) for rule in ruleset.rules)
    return hashlib.sha256(json.dumps([version, scope_digest(config), keys]).encode()).hexdigest()[:16]


def rule_keys(ruleset: RuleSet) -> dict[str, str]:
    """Rule id -> what decides its counts (``RuleMeta.counts_digest``), in the rules' order."""
    return {rule.id: rule.meta.counts_digest for rule in ruleset.rules}


def counts_of(report: Report) -> tuple[list[RuleCount], dict[str, dict[str, int]]]:
    """Per-rule counts and per-file, per-rule finding counts of a finished report."""
    by_rule = Counter(f.rule_id for f in report.findings)
    # SSOT000's row is the snapshot's parse_errors; a trend shows the rules.
    rules = [RuleCount(r.id, r.kind, r.severity, r.count, by_rule[r.id], r.max) for r in report.rules if r.id not in OWN_KINDS]
    files: dict[str, dict[str, int]] = {}
    for f in report.findings:
        per_rule = files.setdefault(f.path, {})
        per_rule[f.rule_id] = per_rule.get(f.rule_id, 0) + 1
    return rules, files


def snapshot_of_report(report: Report, series: str, ruleset_digest: str, keys: dict[str, str] | None = None, **fields: object) -> Snapshot:
    """The snapshot of a finished report; ``keys`` (rule id -> key) are stored with the counts."""
    rules, files = counts_of(report)
    if keys:
        rules = [dataclasses.replace(r, key=keys.get(r.rule_id, "")) for r in rules]
    total = report.files_scanned + report.parse_errors
    return Snapshot(series=series, ruleset_digest=ruleset_digest, files=total, parse_errors=report.parse_errors, rules=rules, file_counts=files, **fields)  # type: ignore[arg-type]
