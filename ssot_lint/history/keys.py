"""History keyed by what changes counts: the view of a store for today's rules.

A snapshot stores, with each rule's count, the rule's key (``RuleMeta.counts_digest``: its id,
kind, options and scope, not its description, message, severity or examples). A trend of today's
rules shows, for each rule, the counts whose key is the rule's key today; so editing a message
keeps the whole trend, and editing one rule's options blanks that rule's line only (``history``
recomputes the commits; a ``check --record`` snapshot cannot be recomputed and keeps its other
rules' counts). Stores written before keys existed (schema 1) are adopted where their series
shows they were computed with exactly today's rules.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Sequence

from ssot_lint.config.rulefile import RuleSet
from ssot_lint.config.settings import Config
from ssot_lint.history.model import Snapshot, at_commit_series, current_series, rule_keys, ruleset_digest
from ssot_lint.history.store import HistoryStore
from ssot_lint.report import plural


def _legacy_scope(config: Config, version: str) -> str:
    settings = {key: list(config.get(key)) for key in ("include", "exclude", "extend-exclude", "src")}
    return hashlib.sha256(json.dumps([version, settings], sort_keys=True).encode()).hexdigest()[:16]


def legacy_series(config: Config, ruleset: RuleSet, version: str) -> str:
    """The series schema 1 gave snapshots of ``ruleset`` (as written, every key counted) computed by ``version``."""
    h = hashlib.sha256(version.encode())
    for rule in sorted(ruleset.rules, key=lambda r: r.id):
        h.update(rule.meta.digest.encode())
    return hashlib.sha256(f"rules:{h.hexdigest()[:16]}:{_legacy_scope(config, version)}".encode()).hexdigest()[:16]


def legacy_at_commit_series(config: Config, select: list[str], ignore: list[str], version: str) -> str:
    text = json.dumps(["at-commit", _legacy_scope(config, version), sorted(select), sorted(ignore)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def adopt(store: HistoryStore, config: Config, ruleset: RuleSet | None, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[str]:
    """Migrate the schema-1 snapshots of these rules (``ruleset`` None: of rules at each commit)
    into today's series, with today's rule keys; return notes about those left behind."""
    legacy = store.legacy()
    if not legacy:
        return []
    versions = {s.tool_version for s in legacy}
    if ruleset is not None:
        wanted = {legacy_series(config, ruleset, version) for version in versions}
        mine = [s for s in legacy if s.series in wanted]
        digests = {s.id: ruleset_digest(config, ruleset, s.tool_version) for s in mine if s.id is not None}
        store.adopt_legacy([s.id for s in mine if s.id is not None], current_series(config), digests, rule_keys(ruleset))
    else:
        wanted = {legacy_at_commit_series(config, list(select), list(ignore), version) for version in versions}
        mine = [s for s in legacy if s.series in wanted]
        # Each commit's own rules are in git: the next `history --rules-at-commit` recomputes them.
        store.adopt_legacy([s.id for s in mine if s.id is not None], at_commit_series(config, list(select), list(ignore)), {}, {})
    adopted = {s.id for s in mine}
    left = [s for s in legacy if s.id not in adopted]
    if not left:
        return []
    records = sum(1 for s in left if s.commit is None)
    return [
        f"{plural(len(left), 'snapshot')} written by an earlier ssot-lint {'was' if len(left) == 1 else 'were'} computed with other rules "
        "and cannot be matched to today's: `ssot-lint history` recomputes the commits"
        + (f"; {plural(records, 'working-tree record')} ({'it stays' if records == 1 else 'they stay'} in the store) cannot be recomputed" if records else "")
    ]


def for_rules(snapshots: list[Snapshot], keys: dict[str, str] | None) -> tuple[list[Snapshot], list[str]]:
    """One snapshot per commit (and per working-tree record), in the order given, holding for
    each of today's rules (``keys``: rule id -> key) the count computed with that key, from the
    newest snapshot of the commit that has it; with ``keys`` None (rules at each commit), the
    newest snapshot of each commit. Also notes on counts left out (computed with another key)."""
    groups: dict[object, list[Snapshot]] = {}
    for snapshot in snapshots:
        groups.setdefault(snapshot.commit if snapshot.commit is not None else ("record", snapshot.id, snapshot.recorded_at), []).append(snapshot)
    out: list[Snapshot] = []
    earlier: Counter[str] = Counter()
    for group in groups.values():
        newest_first = sorted(group, key=lambda s: (s.recorded_at, s.id or 0), reverse=True)
        if keys is None:
            out.append(newest_first[0])
            continue
        rules = []
        for rule_id, key in keys.items():
            found = next((r for s in newest_first for r in s.rules if r.rule_id == rule_id and r.key == key), None)
            if found is not None:
                rules.append(found)
            elif any(r.rule_id == rule_id for s in group for r in s.rules):
                earlier[rule_id] += 1
        # The rest of the snapshot (files, notes, top files) comes from the one that computed the
        # most of today's rules (the newest of equals); its file counts only for those rules.
        base = max(newest_first, key=lambda s: sum(1 for r in s.rules if keys.get(r.rule_id) == r.key))
        matched = {r.rule_id for r in base.rules if keys.get(r.rule_id) == r.key}
        files = {path: kept for path, per_rule in base.file_counts.items() if (kept := {r: n for r, n in per_rule.items() if r in matched})}
        out.append(dataclasses.replace(base, rules=rules, file_counts=files))
    notes = [
        f"{rule_id}: {plural(count, 'snapshot')} computed with an earlier definition of the rule {'is' if count == 1 else 'are'} left off its line "
        "(`ssot-lint history` recomputes the commits; a working-tree record keeps its old count in the store)"
        for rule_id, count in earlier.items()
    ]
    return out, notes
