"""Project-wide aggregations reused from the previous run when their inputs are the same.

A rule's ``aggregate`` is a function of the facts it is given (each file's ``FileRef`` and its
facts for the rule) and of the rules: with one file edited, every other file's facts come from
the result cache unchanged, and the edited file's facts are often equal to its previous ones (an
edit inside a function body, a comment: the module summary and the top-level definitions read
from the outline do not change). On Home Assistant the aggregation over all 7,981 files'
facts took 1.2-1.4 s of such a run, most of its own work.

So, with the result cache on, the aggregation's inputs and outputs are kept in the cache (one
row per project root): each file's result key, and per rule a digest of its input (each fact's
file and result key, in order) with its output. A rule whose input digest is the one stored
gets the stored output. When it differs, the files whose keys changed are looked at: where a
file's previous result (by its previous key, from the cache) holds facts for the rule equal to
the new ones, the previous key stands in for the new one; if the digest then matches, the stored
output is reused. Anything else (another rule set or version of ssot-lint, a plugin kind, a
previous result no longer cached, a value that does not load) aggregates as before.

Equal inputs give equal outputs only because ``aggregate`` reads nothing but its facts and the
rules (the context digest covers every rule's definition, the tool's code and Python), so plugin
kinds, which may read anything, are never reused.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from typing import Any

from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef
from ssot_lint.run.cache import ResultCache, context_digest, load_restricted

_FORMAT = "ssot-lint aggregates 1"
Output = tuple[list[Any], "int | None", dict[str, Any]]


class AggregationMemo:
    """The previous run's aggregation of one project, and this run's, to be saved after it."""

    def __init__(self, cache: ResultCache, root: str, rules: Sequence[Rule], keys: dict[str, str]) -> None:
        self.cache = cache
        self.keys = keys  # path -> result key of this run's result for the file
        self.row = "project " + root
        h = hashlib.sha256(context_digest(rules))
        for rule in rules:
            h.update(f"{rule.id}\0{rule.meta.report_path}\0{rule.meta.origin}\0".encode("utf-8", "surrogateescape"))
        self.context = h.hexdigest()
        self.before_keys: dict[str, str] = {}
        self.before: dict[str, tuple[str, bytes]] = {}  # rule id -> (input digest, pickled output)
        self.after: dict[str, tuple[str, bytes]] = {}
        self.reused: list[str] = []  # rule ids, for --show-timings
        self.computed: list[str] = []
        self._digests: dict[str, str] = {}  # rule id -> this run's input digest, once per rule
        row = cache.get_aggregate(self.row)
        stored = load_restricted(row) if row is not None else None
        if isinstance(stored, tuple) and len(stored) == 4 and stored[0] == _FORMAT and stored[1] == self.context:
            self.before_keys, self.before = stored[2], stored[3]

    def reuse(self, rule: Rule, facts: list[tuple[FileRef, Any]]) -> Output | None:
        """The stored output of ``rule.aggregate(facts)``, when its input is the stored one."""
        if not facts or not type(rule).__module__.startswith("ssot_lint."):
            return None
        digest = self._digests[rule.id] = _digest(facts, self.keys)
        stored = self.before.get(rule.id)
        if stored is None:
            return None
        if stored[0] != digest and _digest(facts, self._previous_keys(rule, facts)) != stored[0]:
            return None
        output = load_restricted(stored[1])
        if not (isinstance(output, tuple) and len(output) == 3):
            return None
        self.after[rule.id] = (digest, stored[1])
        self.reused.append(rule.id)
        return output

    def store(self, rule: Rule, facts: list[tuple[FileRef, Any]], output: Output) -> None:
        if not facts or not type(rule).__module__.startswith("ssot_lint."):
            return
        self.computed.append(rule.id)
        try:
            value = pickle.dumps(output, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an output that does not pickle is aggregated every time
            return
        digest = self._digests.get(rule.id) or _digest(facts, self.keys)
        self.after[rule.id] = (digest, value)

    def save(self) -> None:
        """Write this run's row when anything in it changed."""
        if self.after == self.before and self.keys == self.before_keys:
            return
        self.cache.put_aggregate(self.row, pickle.dumps((_FORMAT, self.context, self.keys, self.after), protocol=pickle.HIGHEST_PROTOCOL))

    def _previous_keys(self, rule: Rule, facts: list[tuple[FileRef, Any]]) -> dict[str, str]:
        """This run's keys, except that a file whose facts for ``rule`` equal those of its
        previous result has its previous key."""
        changed = {
            ref.path: self.before_keys[ref.path] for ref, _ in facts if ref.path in self.before_keys and self.keys.get(ref.path) != self.before_keys[ref.path]
        }
        if not changed:
            return self.keys
        previous = self.cache.get_many(changed.values())
        keys = dict(self.keys)
        for ref, fact in facts:
            old_key = changed.get(ref.path)
            old = previous.get(old_key) if old_key is not None else None
            if old is not None and old.facts.get(rule.id) == fact:
                keys[ref.path] = old_key  # type: ignore[assignment]
        return keys


def _digest(facts: list[tuple[FileRef, Any]], keys: dict[str, str]) -> str:
    h = hashlib.sha256()
    h.update(
        "\n".join(f"{ref.path}\0{ref.module}\0{ref.is_package:d}{ref.implied:d}{fact is None:d}\0{keys.get(ref.path, '')}" for ref, fact in facts).encode(
            "utf-8", "surrogateescape"
        )
    )
    return h.hexdigest()
