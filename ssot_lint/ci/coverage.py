"""What a run saw completely, so that absence of a finding can be trusted.

A rule's silence about a file means "nothing there" only when the rule ran on that file with
all the context it needs. Project-wide rules (kinds with an ``aggregate`` step, e.g. family
counts) need every file of the project: a run over some paths, or a pre-commit batch, cannot
judge them. Baseline staleness, ``baseline --tighten`` and unused-suppression reports consult
this before calling anything fixed or unused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ssot_lint.kinds.base import Rule
from ssot_lint.model import PARSE_ERROR_ID


def project_wide(rule: Rule) -> bool:
    """Whether the rule's findings depend on other files (its kind has an aggregate step)."""
    return type(rule).aggregate is not Rule.aggregate


@dataclass(frozen=True)
class Coverage:
    paths: frozenset[str]
    rule_ids: frozenset[str]  # rules whose findings this run reports completely
    whole_project: bool
    known_ids: frozenset[str] = frozenset()  # every rule the rule files define, run or not

    @classmethod
    def of(cls, scanned: Iterable[str], rules_run: Iterable[Rule], whole_project: bool, known: Iterable[Rule] = ()) -> Coverage:
        ids = {r.id for r in rules_run if whole_project or not project_wide(r)} | {PARSE_ERROR_ID}
        return cls(frozenset(scanned), frozenset(ids), whole_project, frozenset(r.id for r in known) | {PARSE_ERROR_ID})

    def _rule_judged(self, rule_id: str) -> bool:
        # A rule no rule file defines any more has no findings anywhere: its entries are gone too.
        return rule_id in self.rule_ids or rule_id not in self.known_ids

    def judges(self, rule_id: str, path: str) -> bool:
        """Whether this run would have reported every ``rule_id`` finding in ``path``. In a
        whole-project run a path that was not scanned is gone (or excluded): nothing is there."""
        return self._rule_judged(rule_id) and (self.whole_project or path in self.paths)

    def judges_rule(self, rule_id: str) -> bool:
        """Whether this run saw the rule's project-wide count (for ceilings)."""
        return self._rule_judged(rule_id) and self.whole_project
