"""What a run saw completely, so that absence of a finding can be trusted.

A rule's silence about a file means "nothing there" only when the rule ran on that file with
all the context it needs. Project-wide rules (kinds with an ``aggregate`` step, e.g. family
counts) need every file of the project: a partial run (``check PATH...``) aggregates them over
the whole project and so judges them in PATH like any rule (``ssot_lint.run.partial``), while
``--per-file`` (a pre-commit batch) skips them and judges nothing about them. A partial run
judges the files in PATH and everything under a directory in PATH (a file gone from there is
gone, as in a whole-project run), and no rule's project-wide count: a ceiling is judged only by
whole-project runs. Baseline staleness, ``baseline --tighten`` and unused-suppression reports
consult this before calling anything fixed or unused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ssot_lint.kinds.base import Rule
from ssot_lint.model import PARSE_ERROR_ID

if TYPE_CHECKING:
    from ssot_lint.run.partial import Within


def project_wide(rule: Rule) -> bool:
    """Whether the rule's findings depend on other files (its kind has an aggregate step)."""
    return type(rule).aggregate is not Rule.aggregate


@dataclass(frozen=True)
class Coverage:
    paths: frozenset[str]
    rule_ids: frozenset[str]  # rules whose findings this run reports completely
    whole_project: bool
    known_ids: frozenset[str] = frozenset()  # every rule the rule files define, run or not
    directories: tuple[str, ...] = ()  # directories walked whole ("src/"; "" is everything)

    @classmethod
    def of(cls, scanned: Iterable[str], rules_run: Iterable[Rule], whole_project: bool, known: Iterable[Rule] = (), within: Within | None = None) -> Coverage:
        """``within``: a partial run's paths, its project-wide rules aggregated over the whole
        project. Without it a run that is not whole judges only its per-file rules."""
        ids = {r.id for r in rules_run if whole_project or within is not None or not project_wide(r)} | {PARSE_ERROR_ID}
        paths = frozenset(scanned) | (within.files if within is not None else frozenset())
        directories = within.directories if within is not None else ()
        return cls(paths, frozenset(ids), whole_project, frozenset(r.id for r in known) | {PARSE_ERROR_ID}, directories)

    def _rule_judged(self, rule_id: str) -> bool:
        # A rule no rule file defines any more has no findings anywhere: its entries are gone too.
        return rule_id in self.rule_ids or rule_id not in self.known_ids

    def judges(self, rule_id: str, path: str) -> bool:
        """Whether this run would have reported every ``rule_id`` finding in ``path``. In a
        whole-project run, or under a directory a partial run walked, a path that was not
        scanned is gone (or excluded): nothing is there."""
        return self._rule_judged(rule_id) and (self.whole_project or path in self.paths or any(path.startswith(d) for d in self.directories))

    def judges_rule(self, rule_id: str) -> bool:
        """Whether this run saw the rule's project-wide count (for ceilings)."""
        return self._rule_judged(rule_id) and self.whole_project
