"""Where the import statements of the project point once a run's deprecated-import fixes have
applied, statement by statement, for the import graphs fix verification walks
(``fix.import_runs``): a rule's fix rewrites an import only where it has a finding it fixes, so an
import in a file outside the rule's ``paths`` (or in its ``exclude``), or one a
``# ssot: ignore`` comment silences, stays as written. Counting it as rewritten made a safe
rewrite elsewhere unsafe "once the fix's other rewrites apply", when no other rewrite applied
(review28a)."""

from __future__ import annotations

from typing import Any

from ssot_lint.ci.suppressions import covers_at
from ssot_lint.fix.verdicts import ModuleSource, Mover
from ssot_lint.model import Suppression
from ssot_lint.project.module_summary import ImportFact


class StatementsLeft:
    """Which import statements a rule's fix leaves as written although its mapping covers them,
    read from the module's file path and its suppression comments (memoized per module)."""

    def __init__(self, source: ModuleSource) -> None:
        self.source = source
        self._paths: dict[str, str | None] = {}
        self._comments: dict[str, dict[int, list[Suppression]]] = {}

    def leaves(self, rule: Any, where: str, fact: ImportFact) -> bool:
        """Whether ``rule``'s fix leaves the import ``fact`` of module ``where`` as written: the
        module's file is out of the rule's scope, or a comment silences the rule on every line
        the finding may be reported at (the imported name's, the module part's; a comment on
        the statement's first line covers both)."""
        if self.out_of_scope(rule, where):
            return True
        rule_id = getattr(rule, "id", None)
        if not rule_id:
            return False
        by_line = self._silencing(where)
        if not by_line:
            return False
        statement = fact.statement[0]
        return all(
            any(covers_at(comment, rule_id, line, statement) for comment in (*by_line.get(line, ()), *by_line.get(statement, ())))
            for line in {fact.span[0], fact.module_span[0]}
        )

    def out_of_scope(self, rule: Any, where: str) -> bool:
        """Whether module ``where``'s file is out of ``rule``'s scope (``paths``, ``exclude``)."""
        in_scope = getattr(rule, "in_scope", None)
        if in_scope is None:
            return False
        path = self._path(where)
        return path is not None and not in_scope(path)

    def _path(self, module: str) -> str | None:
        if module not in self._paths:
            path_of = getattr(self.source, "path_of", None)
            self._paths[module] = path_of(module) if path_of is not None else None
        return self._paths[module]

    def _silencing(self, module: str) -> dict[int, list[Suppression]]:
        found = self._comments.get(module)
        if found is None:
            found = self._comments[module] = {}
            comments = getattr(self.source, "suppressions", None)
            for comment in comments(module) if comments is not None else ():
                found.setdefault(comment.line, []).append(comment)
        return found


class FixedImports:
    """Where ``mover`` sends an import, or else (with ``others``) another rule of the run
    (``others_moved``, when the mover knows them): what runs once fixed is read from these.
    Another rule's rewrite into a project module that does not exist is none: its verification
    refuses it. ``statement`` answers for one import statement, which a rule whose finding there
    is suppressed or out of its scope leaves as written. (A class, not a closure: the graph may
    be pickled to a worker.)"""

    def __init__(self, mover: Mover, source: ModuleSource, others: bool = True) -> None:
        self.mover = mover
        self.source = source
        self.others = others
        self._left = StatementsLeft(source)

    def __call__(self, module: str, name: str | None) -> str | None:
        return self._moved(module, name)[0]

    def statement(self, where: str, fact: ImportFact) -> str | None:
        """Where the import ``fact`` of module ``where`` points once fixed; None when it stays."""
        assert fact.module is not None
        after, rule = self._moved(fact.module, fact.name)
        return None if after is None or self._left.leaves(rule, where, fact) else after

    def _moved(self, module: str, name: str | None) -> tuple[str | None, Any]:
        """Where the import goes, and the rule whose fix sends it there."""
        moved = self.mover.moved(module, name)
        others = getattr(self.mover, "others_moved", None) if self.others else None
        if moved is not None or others is None:
            return moved, self.mover
        after = others(module, name)
        target = after.rpartition(".")[0] if after is not None and name is not None and name != "*" else after
        if after is None or target is None or (self.source.in_project(target) and not self.source.exists(target)):
            return None, None
        other_rule = getattr(self.mover, "other_rule", None)
        return after, other_rule(module, name) if other_rule is not None else None
