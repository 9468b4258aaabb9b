"""How an import flagged by ``declared-deprecation`` is fixed: the mapping ``deprecated-import``
would need to rewrite it (deprecated target -> replacement), and, for ``check``'s applicability,
what that rewrite needs verified. No libcst here: ``check`` decides with it, ``fix`` too.

A hit has a mapping when its declaration named a replacement that resolved to one project module
or name (``replacement``), and that replacement is not deprecated itself: neither declared (the
module, a package above it, or the name, directly or through a re-export) nor run through a
deprecated package, so the rewritten import is no finding again. The mapping's key is the
deprecated module for a module or package (an import of a submodule moves with it, as in
``deprecated-import``), and the name as the import names it for a function, class or name (so a
re-export ``from pkg import old`` maps ``pkg:old``)."""

from __future__ import annotations

from collections.abc import Iterable

from ssot_lint.analysis.imports import ImportRef
from ssot_lint.fix.verdicts import Need
from ssot_lint.kinds.base import RuleMeta, Target
from ssot_lint.kinds.declared_deprecation.definitions import definition
from ssot_lint.kinds.declared_deprecation.project import Hit, Project, forwarded_name
from ssot_lint.kinds.deprecated_import.check import DeprecatedImport
from ssot_lint.kinds.deprecated_import.rewrite import ref_needs, under
from ssot_lint.kinds.import_uses import ImportUse
from ssot_lint.project.module_paths import parents

Mapping = tuple[Target, Target]


def mapping(project: Project, hit: Hit) -> Mapping | str:
    """The mapping that fixes ``hit``'s import, or why there is none (``not fixable: ...``)."""
    declared = hit.declared
    replacement = declared.replacement
    if not replacement.target:
        return f"not fixable: {replacement.reason}"
    new = Target.parse(replacement.target)
    problem = _deprecated(project, new)
    if problem:
        return f"not fixable: the replacement {new} {problem}"
    fact = hit.fact
    assert fact.module is not None
    if declared.declaration.name is None:
        return Target(declared.ref.module), new
    if fact.star or fact.name is None:
        return Target(declared.ref.module, declared.declaration.name), new
    return Target(fact.module, fact.name), new


def renamed(hit: Hit, new: Target) -> str:
    """Why rewriting ``hit``'s import is unsafe however well it verifies ('' when it is not): a
    function, class or name replaced by one of another name. The declaration says what to use
    instead, not that it takes the same arguments (a mapping in a ``deprecated-import`` rule is
    the rule author's promise that it does; a sentence in a warning is not)."""
    name = hit.declared.declaration.name
    if name is None or new.member == name:
        return ""
    return f"{hit.declared.target} is replaced by {new}, under another name: the declaration does not say it takes the same arguments"


def _deprecated(project: Project, new: Target) -> str:
    """Why the replacement ``new`` would be a finding of its own ('' when it would not)."""
    for module in (*parents(new.module), new.module):
        found = project.modules.get(module)
        if found is not None:
            if module == new.module and new.member is None:
                return f"is deprecated too (declared at {found.where})"
            return f"runs {found.what} {module}, which is deprecated too (declared at {found.where})"
    if new.member is not None:
        found = (
            project.names.get((new.module, new.member))
            or project.names.get(definition(project.index, new.module, new.member))
            or forwarded_name(project, new.module, new.member)
        )
        if found is not None:
            return f"is deprecated too (declared at {found.where})"
    return ""


def derive(rule_id: str, pairs: dict[str, str]) -> DeprecatedImport:
    """A ``deprecated-import`` rule whose ``replace`` table is ``pairs`` (one file's mappings):
    its fix, and its ``match`` and ``moved``, are those of the findings' rewrites."""
    return DeprecatedImport(RuleMeta(rule_id, ""), {"replace": pairs})


def covers(old: Target, module: str | None, name: str | None) -> bool:
    """Whether the import ``from module import name`` (``import module`` when ``name`` is None)
    is one the finding for ``old`` is about: it runs the module ``old``, or names ``old``."""
    if module is None:
        return False
    if old.member is None:
        return under(module, old.module) or (name not in (None, "*") and under(f"{module}.{name}", old.module))
    return module == old.module and name in (old.member, "*")


def use_needs(uses: Iterable[ImportUse], old: Target, rule: DeprecatedImport, file_module: str) -> tuple[Need, ...] | None:
    """What fixing the finding for ``old`` needs verified, from the imports of its statement
    (``uses``); None when the fix has no rewrite for one of them. ``rule`` (the file's
    ``deprecated-import`` rule derived from its findings) says where each import goes."""
    found: list[Need] = []
    for use in uses:
        if not covers(old, use.module, use.name):
            continue
        hit = rule.match(ImportRef(use.module, use.name, None, None, None))
        if hit is None:
            return None
        needs = ref_needs(use.is_import, use.plain, use.module or "", use.name, use.asname, use.chains, file_module, *hit, use.statement[0], rule.targets)
        if not needs:
            return needs
        found.extend(needs)
    return tuple(dict.fromkeys(found))
