"""The project-wide half of ``declared-deprecation``: which declarations count (their category
derives from a deprecation warning: ``categories``), and which imports run or name a declared
thing (resolved where it is defined: ``definitions``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ssot_lint.analysis.source_lines import Span
from ssot_lint.kinds.declared_deprecation.categories import Categories
from ssot_lint.kinds.declared_deprecation.declarations import DECORATORS, ClassBases, Declaration
from ssot_lint.kinds.declared_deprecation.definitions import defined, defined_as, definition
from ssot_lint.kinds.declared_deprecation.relays import Relay, helper_categories
from ssot_lint.kinds.declared_deprecation.replacement import Replacement, resolve
from ssot_lint.model import FileRef
from ssot_lint.project.module_index import MODULE_DUNDERS, ModuleIndex
from ssot_lint.project.module_paths import parents, within
from ssot_lint.project.module_summary import ImportFact, ModuleSummary


@dataclass(frozen=True)
class Declared:
    """A declaration that counts, where it is, and the replacement its text names."""

    target: str  # ``pkg.mod`` or ``pkg.mod:Name``; ``pkg.mod:*`` for a forwarding ``__getattr__``
    declaration: Declaration
    ref: FileRef
    replacement: Replacement
    via: str = ""  # a name's: the target of the forwarding ``__getattr__`` that declares it

    @property
    def what(self) -> str:
        if self.declaration.what == "module":
            return "package" if self.ref.is_package else "module"
        return "names" if self.declaration.what == "forward" else self.declaration.what

    @property
    def where(self) -> str:
        return f"{self.ref.path}:{self.declaration.line}"


@dataclass(frozen=True)
class Hit:
    """One import statement that runs or names a declared thing."""

    ref: FileRef
    fact: ImportFact
    declared: Declared
    span: Span
    context: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """Its finding's ``Finding.anchor``: what tells apart the findings of one star import
        (one per deprecated name it reaches, all at one position)."""
        imported = self.fact.module if self.fact.name is None else f"{self.fact.module}.{self.fact.name}"
        return f"import {imported} -> {self.declared.target}"


@dataclass
class Project:
    """The declarations of all files, judged, with the module index they are resolved in."""

    index: ModuleIndex
    modules: dict[str, Declared] = field(default_factory=dict)
    names: dict[tuple[str, str], Declared] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # declarations whose category is no deprecation, or conditional ones about something else
    forwards: dict[str, Declared] = field(default_factory=dict)  # module -> its forwarding __getattr__
    forwards_not_read: list[str] = field(default_factory=list)  # forwarding modules whose names cannot be enumerated
    decorators_used: set[str] = field(default_factory=set)  # the listed decorators some declaration uses

    def declared(self) -> list[Declared]:
        return sorted([*self.modules.values(), *self.names.values(), *self.forwards.values()], key=lambda d: (d.ref.path, d.declaration.line))


def build(
    facts: list[tuple[FileRef, tuple[ModuleSummary, tuple[Declaration, ...], tuple[ClassBases, ...], tuple[Relay, ...]] | None]],
    categories: tuple[str, ...] = (),
    ignore_modules: tuple[str, ...] = (),
    decorators: frozenset[str] = DECORATORS,
) -> Project:
    index = ModuleIndex([(ref, fact[0] if fact is not None else None) for ref, fact in facts])
    classes: dict[str, dict[str, ClassBases]] = {}
    for ref, fact in facts:
        if fact is not None:
            for cls in fact[2]:
                classes.setdefault(ref.module, {})[cls.name] = cls
    helpers: dict[tuple[str, str], str] = {
        (ref.module, d.name): d.category for ref, fact in facts if fact is not None for d in fact[1] if d.what == "helper" and d.name
    }
    relays: dict[tuple[str, str], list[Relay]] = {}
    for ref, fact in facts:
        for relay in fact[3] if fact is not None else ():
            relays.setdefault((ref.module, relay.function), []).append(relay)
    if relays:  # helpers that warn through other helpers (SQLAlchemy's warn_deprecated)
        chained = helper_categories(relays, helpers, lambda dotted: defined(index, dotted))
        # A helper that warns itself keeps its category, unless that is only its own parameter
        # (``_warnings_warn(message, category)``: whatever its callers pass).
        helpers.update({key: found for key, found in chained.items() if helpers.get(key, "") in ("", *relays[key][0].parameters)})
    judge = Categories(index, classes, frozenset(categories), helpers)
    project = Project(index)
    # A listed decorator as defined, whichever re-export names it (pkg.util.moved_20, defined in
    # pkg.util.deprecations): decorated code may spell either.
    listed = {defined_as(index, name): name for name in sorted(decorators)}
    for ref, fact in sorted(facts, key=lambda f: f[0].path):
        if fact is None or not fact[1] or ref.path in index.shadowed or any(fnmatchcase(ref.module, p) for p in ignore_modules):
            continue  # (a file no import reaches declares nothing of its module: it never runs)
        for declaration in fact[1]:
            if declaration.what == "helper":
                continue
            if declaration.category.startswith("decorator:"):
                written = declaration.category.removeprefix("decorator:")
                name = written if written in decorators else listed.get(defined_as(index, written))
                if name is None:
                    continue  # only named like a listed decorator
                project.decorators_used.add(name)
                declaration = dataclasses.replace(declaration, category="")
            if declaration.category.startswith("helper:") and not judge.is_helper(declaration.category):
                continue  # a call of something named like a warning helper that is none
            why = judge.not_declared(declaration) if declaration.category else ""
            if why:
                project.ignored.append(f"{ref.path}:{declaration.line}: {judge.not_declared_by(declaration.category, why)}")
                continue
            if declaration.condition:
                what = "package" if ref.is_package else "module"
                project.ignored.append(
                    f"{ref.path}:{declaration.line}: warns only under {declaration.condition}, which can be false at import, and its text does "
                    f"not name {what} {ref.module}: a warning about something else, not a deprecation of the {what}"
                )
                continue
            if declaration.what == "forward":
                _forward(project, ref, declaration)
                continue
            target = ref.module if declaration.name is None else f"{ref.module}:{declaration.name}"
            replacement = resolve(index, declaration.text, ref.module, ref.is_package, target, declaration.replacement)
            declared = Declared(target, declaration, ref, replacement)
            if declaration.name is None:
                project.modules.setdefault(ref.module, declared)
            else:
                project.names.setdefault((ref.module, declaration.name), declared)
    return project


def hits(project: Project, ref: FileRef, summary: ModuleSummary) -> Iterator[Hit]:
    """Every (import statement, declared thing) pair in one module, once each."""
    index = project.index
    seen: set[tuple[Span, str]] = set()
    for fact in summary.imports:
        if fact.module is None or fact.expects_warning:
            continue  # expects_warning: a test of the deprecation uses it on purpose
        context = ("under TYPE_CHECKING: this import never runs",) if fact.type_checking else ()
        if not context and ref.path.endswith(".pyi"):
            # A stub is read by type checkers, never run: its import is no second runtime use,
            # but it names the deprecated thing, and breaks when that is removed, as a
            # TYPE_CHECKING import does.
            context = ("in a stub: this import never runs",)
        submodule = f"{fact.module}.{fact.name}" if fact.name not in (None, "*") else None
        is_submodule = submodule is not None and index.exists(submodule)
        named: str = submodule if submodule is not None and is_submodule else fact.module
        ran = [*parents(named), named]
        for module in ran:
            declared = project.modules.get(module)
            if declared is None or within(ref.module, module) or (fact.statement, declared.target) in seen:
                continue
            seen.add((fact.statement, declared.target))
            if module == named:
                span = fact.span if (fact.name is None or is_submodule) else fact.module_span
                yield Hit(ref, fact, declared, span, context)
            else:
                what = "package" if module in index.packages else "module"
                span = fact.span if fact.name is None else fact.module_span
                note = f"imported through {named}: Python runs {what} {module} first"
                yield Hit(ref, fact, declared, span, (note, *context))
        if fact.name is None or is_submodule:
            continue
        for declared in _named(project, fact):
            if within(ref.module, declared.ref.module) or (fact.statement, declared.target) in seen:
                continue
            seen.add((fact.statement, declared.target))
            via = f"{fact.module}:{fact.name}" if fact.name != "*" else f"{fact.module}:*"
            notes: tuple[str, ...] = () if via == declared.target or fact.star else (f"re-exported as {via}",)
            yield Hit(ref, fact, declared, fact.span, (*notes, *context))
        forwarded = forwarded_name(project, fact.module, fact.name) if not fact.star else None
        if forwarded is not None and not within(ref.module, forwarded.ref.module) and (fact.statement, forwarded.target) not in seen:
            seen.add((fact.statement, forwarded.target))
            yield Hit(ref, fact, forwarded, fact.span, context)


def _named(project: Project, fact: ImportFact) -> Iterator[Declared]:
    """The declared names an import names: directly, through a re-export, or by a star import."""
    index = project.index
    assert fact.module is not None and fact.name is not None
    if not project.names or not index.in_project(fact.module):
        return
    if not fact.star:
        direct = project.names.get((fact.module, fact.name))
        if direct is not None:
            yield direct
            return
        found = project.names.get(definition(index, fact.module, fact.name))
        if found is not None:
            yield found
        return
    for (module, name), declared in sorted(project.names.items()):
        if module == fact.module and declared.declaration.what != "name" and _star_exported(index, module, name):
            yield declared


def _star_exported(index: ModuleIndex, module: str, name: str) -> bool:
    for summary in index.summaries(module):
        if summary is None:
            continue
        if summary.all_names is not None:
            return name in summary.all_names
        return not name.startswith("_")
    return False


def _forward(project: Project, ref: FileRef, declaration: Declaration) -> None:
    """Records a forwarding ``__getattr__`` (or, when the module's names cannot be enumerated,
    why it declares nothing: every import of a name it binds dynamically would be reported)."""
    new = declaration.replacement
    if declaration.unread:
        project.forwards_not_read.append(
            f"{ref.path}:{declaration.line}: __getattr__ forwards every name to {new}, but the module binds names with "
            f"{declaration.unread}, which cannot be enumerated: declares nothing"
        )
        return
    target = f"{ref.module}:*"
    replacement = Replacement(f"{new}:*", False, new) if project.index.exists(new) else Replacement(reason=f"{new} is not a project module", written=new)
    project.forwards.setdefault(ref.module, Declared(target, declaration, ref, replacement))


def forwarded_name(project: Project, module: str, name: str) -> Declared | None:
    """The declaration of ``module:name`` when ``from module import name`` reaches a forwarding
    ``__getattr__``: ``module`` does not define ``name`` (nor bind it by an import, nor has it as
    a submodule, nor did the hook turn it away). Its replacement: ``new:name``, when ``new``
    provides it (else why not, as for any replacement that does not resolve)."""
    forward = project.forwards.get(module)
    if forward is None or name in forward.declaration.spared or name in MODULE_DUNDERS:
        return None
    index = project.index
    # The hook's own file only: a stub beside it (NumPy's numpy/linalg/linalg.pyi) describes the
    # names the hook serves, which it does not bind.
    for _, summary in (entry for entry in index.entries.get(module, []) if entry[0].path == forward.ref.path):
        deleted = summary.deleted if summary is not None else frozenset()
        if summary is None or ((name in summary.defined or name in index.bindings(summary)) and name not in deleted):
            return None  # defined (or not known: nothing is claimed)
    if index.exists(f"{module}.{name}"):
        return None  # a submodule
    new = forward.declaration.replacement
    if index.exists(new) and index.resolves(new, name):  # (a submodule of ``new`` too: ``from new import name`` imports it)
        replacement = Replacement(f"{new}:{name}", False, f"{new}.{name}")
    else:
        replacement = Replacement(reason=f"{new}.{name} is not a project module or name", written=f"{new}.{name}")
    declaration = dataclasses.replace(forward.declaration, what="name", name=name)
    return Declared(f"{module}:{name}", declaration, forward.ref, replacement, forward.target)
