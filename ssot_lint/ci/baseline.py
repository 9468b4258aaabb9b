"""The baseline file (``.ssot-baseline.json``): known findings that do not fail ``check``.

Entries are identities from ``ssot_lint.ci.fingerprint`` — (path, rule, anchor) with a count for
identical findings — never line numbers, so moving code keeps a finding baselined. The file is
sorted with one entry per line, so concurrent branches merge cleanly. It records the tool
version, a hash of the rule set and each rule's digest (to name rules changed since), and for
rules with a ceiling (``max``) that were over it, the count then: that count may only go down.
For a family at or under its ceiling it records the members (entries marked ``"member": true``,
from the rule's ``details``): they are no findings then, but when the family later grows past
its ``max``, the members recorded are baselined and only the new ones are reported.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ssot_lint import __version__
from ssot_lint.ci.coverage import Coverage
from ssot_lint.ci.fingerprint import anchor_key, identity, in_file_order
from ssot_lint.config.rulefile import RuleSet
from ssot_lint.errors import ConfigError
from ssot_lint.kinds.base import Rule
from ssot_lint.model import BaselineSummary, Finding, Report, severity_rank

FORMAT = 1
Key = tuple[str, str, str]  # (path, rule id, anchor key)


@dataclass
class Baseline:
    tool_version: str = __version__
    ruleset: str = ""
    rules: dict[str, str] = field(default_factory=dict)  # rule id -> RuleMeta.digest
    ceilings: dict[str, int] = field(default_factory=dict)  # rule id -> count allowed
    entries: Counter[Key] = field(default_factory=Counter)
    members: Counter[Key] = field(default_factory=Counter)  # of families at or under their ceiling


# -- reading and writing ---------------------------------------------------------------------


def load(path: Path, shown: str) -> Baseline:
    """Read and validate a baseline; every problem is a ConfigError naming the file."""
    hint = " (fix it, or delete it and run 'ssot-lint baseline')"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {getattr(exc, 'strerror', None) or exc}", shown) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline is not valid JSON: {exc.msg} at column {exc.colno}{hint}", shown, exc.lineno) from None

    def fail(message: str, line: int | None = None) -> ConfigError:
        return ConfigError(f"malformed baseline: {message}{hint}", shown, line)

    if not isinstance(data, dict):
        raise fail("expected a JSON object")
    required = {"ssot_lint_baseline": int, "tool_version": str, "ruleset": str, "rules": dict, "ceilings": dict, "entries": list}
    for key, kind in required.items():
        if key not in data:
            raise fail(f"missing key {key!r}")
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise fail(f"{key!r} must be a{'n' if kind in (int, list) else ''} {_TYPE_NAMES[kind]}")
    extra = sorted(set(data) - set(required))
    if extra:
        raise fail(f"unknown key {extra[0]!r}")
    if data["ssot_lint_baseline"] != FORMAT:
        raise fail(f"format {data['ssot_lint_baseline']} is not supported (this ssot-lint writes format {FORMAT})")
    if not all(isinstance(v, str) for v in data["rules"].values()):
        raise fail("'rules' must map rule ids to digest strings")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in data["ceilings"].values()):
        raise fail("'ceilings' must map rule ids to non-negative integers")
    entry_lines = _entry_lines(text, len(data["entries"]))
    entries: Counter[Key] = Counter()
    members: Counter[Key] = Counter()
    for index, entry in enumerate(data["entries"]):
        where = f"entries[{index}]"
        line = entry_lines[index] if entry_lines else None
        if not isinstance(entry, dict):
            raise fail(f"{where} must be an object", line)
        for key in ("path", "rule", "anchor"):
            if not isinstance(entry.get(key), str):
                raise fail(f"{where} needs {key!r} (a string)", line)
        count = entry.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise fail(f"{where}: 'count' must be a positive integer", line)
        unknown = sorted(set(entry) - {"path", "rule", "anchor", "count", "member"})
        if unknown:
            raise fail(f"{where}: unknown key {unknown[0]!r}", line)
        if entry.get("member", True) is not True:
            raise fail(f"{where}: 'member' must be true (or left out)", line)
        (members if "member" in entry else entries)[(entry["path"], entry["rule"], entry["anchor"])] += count
    return Baseline(data["tool_version"], data["ruleset"], dict(data["rules"]), dict(data["ceilings"]), entries, members)


_TYPE_NAMES = {int: "integer", str: "string", dict: "object", list: "array"}


def _entry_lines(text: str, count: int) -> list[int] | None:
    """Line numbers of the entries when the file has one entry per line, as ``render`` writes."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith('"entries"')), None)
    if start is None:
        return None
    found = [i + 1 for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("{")]
    return found if len(found) == count else None


def render(baseline: Baseline) -> str:
    """Sorted, one rule / ceiling / entry per line: diffs and merges touch only changed lines."""

    def block(items: list[str], open_: str, close: str) -> str:
        if not items:
            return open_ + close
        return open_ + "\n" + ",\n".join("    " + item for item in items) + "\n  " + close

    dump = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
    rules = [f"{dump(k)}: {dump(v)}" for k, v in sorted(baseline.rules.items())]
    ceilings = [f"{dump(k)}: {v}" for k, v in sorted(baseline.ceilings.items())]
    entries = []
    marked = [(key, count, False) for key, count in baseline.entries.items()] + [(key, count, True) for key, count in baseline.members.items()]
    for (path, rule, anchor), count, member in sorted(marked):
        if count > 0:
            entry = {"path": path, "rule": rule, "anchor": anchor, **({"count": count} if count > 1 else {}), **({"member": True} if member else {})}
            entries.append(dump(entry))
    return (
        "{\n"
        f'  "ssot_lint_baseline": {FORMAT},\n'
        f'  "tool_version": {dump(baseline.tool_version)},\n'
        f'  "ruleset": {dump(baseline.ruleset)},\n'
        f'  "rules": {block(rules, "{", "}")},\n'
        f'  "ceilings": {block(ceilings, "{", "}")},\n'
        f'  "entries": {block(entries, "[", "]")}\n'
        "}\n"
    )


# -- building --------------------------------------------------------------------------------


def current_counts(findings: Sequence[Finding]) -> Counter[Key]:
    return Counter(identity(f) for f in findings)


def over_ceiling(report: Report) -> dict[str, int]:
    return {r.id: r.count for r in report.rules if r.max is not None and r.count > r.max}


def family_members(report: Report, within_ceiling: bool) -> Counter[Key]:
    """The members a ceiling rule's ``details`` lists (of the families at or under their
    ``max`` only, with ``within_ceiling``), as baseline identities."""
    members: Counter[Key] = Counter()
    for rule in report.rules:
        if rule.max is None or (within_ceiling and rule.count > rule.max):
            continue
        for member in (rule.details or {}).get("members", ()):
            # (a plugin kind's details may use the key for something else: only this shape counts)
            if isinstance(member, dict) and isinstance(member.get("path"), str) and isinstance(member.get("anchor"), str):
                members[(member["path"], rule.id, anchor_key(member["anchor"]))] += 1
    return members


def build(report: Report, ruleset: RuleSet, coverage: Coverage, previous: Baseline | None) -> Baseline:
    """A baseline of today's findings. Entries and ceilings this run could not judge (other
    rules, other paths, project-wide rules in a partial run) are kept from ``previous``."""
    entries = current_counts(report.findings)
    ceilings = {rule: count for rule, count in over_ceiling(report).items() if coverage.judges_rule(rule)}
    members = Counter({key: count for key, count in family_members(report, within_ceiling=True).items() if coverage.judges_rule(key[1])})
    if previous is not None:
        for (path, rule, anchor), count in previous.entries.items():
            if not coverage.judges(rule, path):
                entries[(path, rule, anchor)] = count
        for rule, count in previous.ceilings.items():
            if not coverage.judges_rule(rule):
                ceilings[rule] = count
        for key, count in previous.members.items():
            if not coverage.judges_rule(key[1]):
                members[key] = count
    return Baseline(__version__, ruleset_hash(ruleset.known), rule_digests(ruleset.known), ceilings, entries, members)


def tighten(previous: Baseline, report: Report, coverage: Coverage) -> tuple[Baseline, int]:
    """``previous`` without the entries fixed since; never adds one. Returns it and the number of
    findings removed. Rule digests stay as they were: tightening accepts nothing new."""
    now = current_counts(report.findings)
    entries: Counter[Key] = Counter()
    removed = 0
    for key, count in previous.entries.items():
        path, rule, _ = key
        kept = min(count, now[key]) if coverage.judges(rule, path) else count
        removed += count - kept
        if kept:
            entries[key] = kept
    summaries = {r.id: r for r in report.rules}
    ceilings: dict[str, int] = {}
    for rule, allowed in previous.ceilings.items():
        summary = summaries.get(rule)
        if not coverage.judges_rule(rule):
            ceilings[rule] = allowed
        elif summary is not None and summary.max is not None and min(allowed, summary.count) > summary.max:
            ceilings[rule] = min(allowed, summary.count)  # at or under the max (or rule gone): none needed
    present = family_members(report, within_ceiling=False)
    members = Counter({key: count if not coverage.judges_rule(key[1]) else min(count, present[key]) for key, count in previous.members.items()})
    return dataclasses.replace(previous, entries=entries, ceilings=ceilings, members=+members), removed


def ruleset_hash(rules: Sequence[Rule]) -> str:
    return RuleSet(list(rules)).digest


def rule_digests(rules: Sequence[Rule]) -> dict[str, str]:
    return {rule.id: rule.meta.digest for rule in rules}


# -- comparing -------------------------------------------------------------------------------


def changed_rules(baseline: Baseline, known: Sequence[Rule]) -> list[str]:
    """Rules whose definition differs from the baseline's, as ``changed WS002`` etc."""
    now = rule_digests(known)
    out = [f"changed {i}" for i in sorted(now) if i in baseline.rules and baseline.rules[i] != now[i]]
    out += [f"new {i}" for i in sorted(now) if i not in baseline.rules]
    out += [f"removed {i}" for i in sorted(baseline.rules) if i not in now]
    return out


def apply(report: Report, baseline: Baseline, shown: str, known: Sequence[Rule], coverage: Coverage, fail_on: str) -> Report:
    """The report with baselined findings taken out, what the baseline says about it attached,
    and each rule's status judged on its new findings and its ceiling."""
    remaining = Counter(baseline.entries)
    members = Counter(baseline.members)  # a family's members when it was at or under its max
    new: list[Finding] = []
    baselined: Counter[str] = Counter()
    for finding in in_file_order(report.findings):
        key = identity(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            baselined[finding.rule_id] += 1
        elif members[key] > 0:
            members[key] -= 1
            baselined[finding.rule_id] += 1
        else:
            new.append(finding)
    # A family recorded at or under its max may grow to its max again, no further.
    recorded = {rule for (_, rule, _), count in baseline.members.items() if count > 0}
    fixed = sum(count for (path, rule, _), count in remaining.items() if count > 0 and coverage.judges(rule, path))
    summary = BaselineSummary(shown, sum(baselined.values()), fixed, changed_rules=changed_rules(baseline, known))
    threshold = severity_rank(fail_on)
    rules = []
    for rule in report.rules:
        allowed = baseline.ceilings.get(rule.id)
        limit = rule.max if allowed is None and rule.id in recorded else allowed
        # A partial run shows the project's count but judges only its paths: no ceiling verdict.
        breach = rule.max is not None and rule.count > rule.max and limit is not None and rule.count > limit and coverage.judges_rule(rule.id)
        if breach and limit is not None and rule.max is not None:  # (breach implies both: said for mypy)
            summary.breaches.append((rule.id, rule.count, limit, rule.max))
        elif allowed is not None and rule.max is not None and coverage.judges_rule(rule.id) and (rule.count < allowed or allowed <= rule.max):
            summary.stale_ceilings.append(rule.id)  # tighten would lower (or drop) the ceiling
        failing = breach or any(f.rule_id == rule.id and severity_rank(f.severity) >= threshold for f in new)
        rules.append(dataclasses.replace(rule, ok=not failing, baselined=baselined[rule.id]))
    ran = {r.id for r in report.rules}
    summary.stale_ceilings += sorted(rule for rule in baseline.ceilings if rule not in ran and coverage.judges_rule(rule))
    new.sort(key=Finding.sort_key)
    return dataclasses.replace(report, findings=new, rules=rules, baseline=summary)
