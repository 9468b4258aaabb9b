"""The SSOT-debt survey behind ``ssot-lint init``: one engine run over a project with no rules.

``survey(path)`` discovers the files once and analyzes them once with a ``declared-deprecation``
rule, the project-wide kinds and the survey's own collector (``collect``), then derives, from
those facts only: the declared deprecations and how many imports still run or name each one, the
largest class families by name stem with their most-imported member, class names defined in 3+
modules, event-like dict shapes, and the project-wide kinds' counts. ``starter`` turns a
``Survey`` into a rule file (and a baseline); ``render`` prints it.
"""

from __future__ import annotations

import hashlib
import keyword
import os
import posixpath
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssot_lint.config.layout import declared_layout
from ssot_lint.config.settings import Config, load_config
from ssot_lint.errors import ConfigError
from ssot_lint.kinds import builtin_kind
from ssot_lint.kinds.base import DOTTED, Rule, RuleMeta
from ssot_lint.model import FileRef, FileResult, Report
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_paths import described_stubs, is_compiled
from ssot_lint.run.aggregation import aggregate, rule_facts
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.discovery import SourceFile, discover
from ssot_lint.run.options import RunOptions
from ssot_lint.run.per_file import analyze_files
from ssot_lint.survey.collect import SurveyFacts
from ssot_lint.survey.conventions import Convention, Layout
from ssot_lint.survey.families import MIN_SIMILARITY, TEST_EXCLUDE, Duplicate, Duplicates, EventShape, Family, duplicates, event_shapes, families, is_test_path

PROJECT_WIDE = ("unresolved-import", "shim-module", "import-cycle")
_IDS = {"declared-deprecation": "DD", "unresolved-import": "PI1", "shim-module": "PI2", "import-cycle": "PI3"}


@dataclass
class Deprecation:
    """A declared deprecation, the imports that still run or name it, and its replacement."""

    target: str
    what: str
    declared: str  # file:line
    how: str
    text: str
    imports: int
    replacement: str = ""  # a project module or name, resolved; "" when none
    replacement_is_module: bool = False
    reason: str = ""  # why there is no replacement
    path: str = ""  # the declaring file
    is_class: bool = False
    replacement_is_class: bool = False
    unsafe: str = ""  # why mapping the module wholesale to its replacement would break importers


@dataclass
class Survey:
    root: Path
    files: int
    parse_errors: int
    modules: int
    deprecations: list[Deprecation]
    families: list[Family]
    duplicates: list[Duplicate]  # outside test code, not conventions: the most duplicated
    duplicate_names: int
    events: list[EventShape]
    project_wide: dict[str, int]
    examples: dict[str, Any] = field(default_factory=dict)  # project code the starter's examples are cut from
    sources: list[SourceFile] = field(default_factory=list, repr=False)  # discovered once; the baseline reuses them
    config: Config | None = field(default=None, repr=False)
    # Set aside from the ranking and the starter: class names and families a framework's loader
    # looks up by convention (see ``conventions``), and names defined in 3+ modules only when
    # test code counts (the most duplicated of ``test_duplicate_names``).
    conventions: list[Convention] = field(default_factory=list)
    test_duplicates: list[Duplicate] = field(default_factory=list)
    test_duplicate_names: int = 0
    # Names in 3+ modules outside tests, no convention, whose bodies are not copies (homonyms).
    homonyms: list[Duplicate] = field(default_factory=list)
    homonym_names: int = 0
    # The rules the project's config already loads: the starter leaves out what they check, and
    # the report does not call the project free of debt they may report (``check`` counts it).
    configured: list[Rule] = field(default_factory=list, repr=False)

    @property
    def scanned(self) -> int:
        """Files analyzed, as ``check`` counts them ("N files scanned, M parse errors")."""
        return self.files - self.parse_errors

    def ranked(self) -> list[tuple[int, str, str]]:
        """(sites to change, kind of debt, what) for the report's ranking, most sites first."""
        items = [(d.imports, "declared deprecation", f"{d.what} {d.target}") for d in self.deprecations if d.imports]
        items += [(len(f.members), "class family", f"{f.stem} ({len(f.members)} classes in {f.modules} modules)") for f in self.families]
        items += [(len(d.places), "duplicate definition", f"{d.name} ({len(d.places)} modules)") for d in self.duplicates]
        items += [(e.count, "event shape", f"{e.key}={e.value!r} ({len(e.variants)} key sets)") for e in self.events if len(e.variants) > 1]
        items += [(n, "project-wide", kind) for kind, n in self.project_wide.items() if n]
        return sorted(items, key=lambda item: (-item[0], item[1], item[2]))


def make_rule(kind: str, rule_id: str, options: dict[str, Any] | None = None, exclude: tuple[str, ...] = ()) -> Rule:
    """A rule built in code, as a rule file would build it (its digest keys the result cache)."""
    options = options or {}
    cls = builtin_kind(kind) if kind != "survey-facts" else SurveyFacts
    digest = hashlib.sha256(repr((kind, sorted(options.items()), exclude)).encode()).hexdigest()[:16]
    return cls(RuleMeta(rule_id, cls.default_message, exclude=exclude, digest=digest, origin="<ssot-lint init>"), options)


def project_config(root: Path, observer: Observer = NULL_OBSERVER) -> Config:
    """The config found at ``root`` (its excludes and ``src`` roots apply), else the defaults
    with ``root`` as the project root and the ``src`` folders its packaging declares (the config
    ``init`` writes holds them); a config above ``root`` belongs to another project."""
    if not root.is_dir():
        raise ConfigError(f"not a directory: {root}")
    for name in ("ssot-lint.toml", "pyproject.toml"):
        candidate = root / name
        if candidate.is_file():
            config = load_config(None, root, observer)
            if config.root == root.resolve() and config.path is not None:  # not a pyproject.toml without the table
                return config
    roots = declared_layout(root).roots
    return Config(root=root.resolve(), values={"src": list(roots)} if roots else {}, observer=observer)


def survey(
    path: str | os.PathLike[str] = ".",
    *,
    cache: ResultCache | None = None,
    jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    observer: Observer = NULL_OBSERVER,
) -> Survey:
    """Survey the project at ``path`` (see the module docstring)."""
    from ssot_lint.kinds.declared_deprecation.definitions import definition
    from ssot_lint.kinds.declared_deprecation.project import build, hits
    from ssot_lint.kinds.duplicate_definition import copies, definitions

    root = Path(path)
    config = project_config(root, observer)
    configured = configured_rules(config, observer)
    dd = make_rule("declared-deprecation", "DD")
    collector = make_rule("survey-facts", "SURVEY")
    dup = make_rule("duplicate-definition", "DUP", {"min-count": 3, "min-similarity": MIN_SIMILARITY})  # counts as the starter's DUP1 will
    # shim-module outside tests, as the starter's PI2 (a test's re-export or alias is a fixture).
    wide = [make_rule(kind, _IDS[kind], exclude=TEST_EXCLUDE if kind == "shim-module" else ()) for kind in PROJECT_WIDE]
    rules = [dd, collector, dup, *wide]
    sources = discover([str(config.root)], config)
    results = analyze_files(sources, rules, RunOptions(cache=cache, on_progress=on_progress, jobs=jobs, observer=observer))
    report = aggregate(rules, results, "info")
    dd_facts = _facts(results, dd, include_unparsed=True)
    project = build(dd_facts)
    index = project.index

    imported: Counter[str] = Counter()  # module:Name (where defined) -> imports naming it
    importers: dict[str, set[str]] = {}  # module:Name -> the files outside tests that import it
    imported_from: dict[str, set[str]] = {}  # module -> the names imported from it
    hit_counts: Counter[str] = Counter()
    for ref, fact in dd_facts:
        if fact is None:
            continue
        for imp in fact[0].imports:
            if imp.module is not None and imp.name is not None and imp.name != "*":
                target = "{}:{}".format(*definition(index, imp.module, imp.name))
                imported[target] += 1
                if not is_test_path(ref.path):
                    importers.setdefault(target, set()).add(ref.path)
                imported_from.setdefault(imp.module, set()).add(imp.name)
        for hit in hits(project, ref, fact[0]):
            hit_counts[hit.declared.via or hit.declared.target] += 1  # a forwarded name counts for its hook

    def is_class(target: str) -> bool:
        module, _, name = target.partition(":")
        return bool(name) and any(s is not None and name in s.classes for s in index.summaries(module))

    deprecations = [
        Deprecation(
            d.target,
            d.what,
            d.where,
            d.declaration.how,
            d.declaration.text,
            hit_counts[d.target],
            d.replacement.target,
            d.replacement.is_module,
            d.replacement.reason,
            d.ref.path,
            is_class(d.target),
            is_class(d.replacement.target) if d.replacement.target else False,
        )
        for d in project.declared()
    ]
    # The warning helper each declaration calls (SymPy's sympy_deprecation_warning): a deprecated
    # module imports it to warn, not to provide it.
    warners = {d.target: d.declaration.category.removeprefix("helper:") for d in project.declared() if d.declaration.category.startswith("helper:")}
    for dep in deprecations:
        if dep.what in ("module", "package") and dep.replacement and dep.replacement_is_module:
            dep.unsafe = mapping_problem(index, dep.target, dep.replacement, imported_from.get(dep.target, set()), warners.get(dep.target))
        elif dep.replacement and not dep.replacement_is_module and dep.target.rpartition(":")[2] != dep.replacement.rpartition(":")[2]:
            # A mapping in a rule is its author's promise that the replacement is a drop-in; a
            # sentence in a warning ("Use Jinja2 instead") is not, so the starter does not make
            # one of it (declared-deprecation's own fix applies it, as an unsafe fix).
            dep.unsafe = (
                "renamed: the declaration says what to use instead, not that it takes the same arguments (declared-deprecation's fix applies it as unsafe)"
            )
    deprecations.sort(key=lambda d: (-d.imports, d.target))

    collected = _facts(results, collector)
    # A stub beside its module's source describes that module's classes: no second family member.
    stubs = described_stubs(ref.path for ref, _ in results)
    classes = [(ref, c) for ref, fact in collected if fact and ref.path not in stubs for c in fact[0]]
    layout = Layout(ref.path for ref, _ in results)
    module_of = {ref.path: ref.module for ref, _ in results}

    def is_imported(path: str, name: str, among: Collection[str] = ()) -> bool:
        """Whether a file imports it by name that is outside tests (tests import what they
        test), outside the definition's own folder (a backend's base.py wiring its own
        features.py) and not ``among`` the definitions (another backend subclassing it)."""
        folder = posixpath.dirname(path)
        return any(posixpath.dirname(i) != folder and i not in among for i in importers.get(f"{module_of.get(path)}:{name}", ()))

    conventions: list[Convention] = []
    found = families(classes, layout, conventions, is_imported)
    for family in found:
        family.imports = {m.target: imported[m.target] for m in family.members}
        writable = [m for m in family.members if DOTTED.match(m.ref.module) and not keyword_in(m.ref.module)] or family.members
        family.canonical = max(writable, key=lambda m: (imported[m.target], -len(m.qualname), m.target)).target
    found = [f for f in found if DOTTED.match(f.canonical.partition(":")[0])]  # a rule must be able to name it
    defined = definitions(rule_facts(dup, results))  # as the DUP1 rule counts (stubs beside their source left out)
    similar: dict[str, list[tuple[str, int]]] = {}  # name -> its copies outside tests, as DUP1 clusters them
    for name, places in defined.items():
        outside = sorted(((r, w) for r, w in places if not is_test_path(r.path)), key=lambda p: (p[0].path, p[1][0]))
        if len(outside) >= 3:
            similar[name] = [(r.path, w[0]) for group in copies(outside, MIN_SIMILARITY) if len(group) >= 3 for r, w in group]
    dups: Duplicates = duplicates(
        {name: [(ref.path, where[0]) for ref, where in places] for name, places in defined.items()},
        layout,
        [(ref.path, c.qualname) for ref, c in classes if "." not in c.qualname],
        is_imported,
        similar=similar,
    )
    shapes = event_shapes((ref, s) for ref, fact in collected if fact for s in fact[1])
    counts = {rule.kind: next(s.count for s in report.rules if s.id == rule.id) for rule in wide}
    return Survey(
        config.root,
        report.files_scanned + report.parse_errors,
        report.parse_errors,
        len(index.entries.keys() - index.aliases),  # one name per module (not the project root's aliases)
        deprecations,
        found,
        dups.top,
        dups.count,
        shapes,
        counts,
        _examples(report, results),
        list(sources),
        config,
        dups.conventions + conventions,
        dups.in_tests,
        dups.in_tests_count,
        dups.homonyms,
        dups.homonyms_count,
        configured,
    )


def configured_rules(config: Config, observer: Observer = NULL_OBSERVER) -> list[Rule]:
    """The rules the project's config loads (its rule files, then its inline rules); none
    without a config. A rule file that does not load is the config error ``check`` gives."""
    from ssot_lint.config.rulefile import load_rule_files
    from ssot_lint.config.tomlfile import shown_path

    if config.path is None:
        return []
    files, inline = config.rule_files, config.inline_rules
    if not files and inline is None:
        return []
    return load_rule_files(files, {f: shown_path(f) for f in files}, observer, inline, config.root).rules


def mapping_problem(index: ModuleIndex, old: str, new: str, imported: set[str], warner: str | None = None) -> str:
    """Why rewriting every import of module ``old`` to ``new`` would break code ("" when it
    would not): a public name ``old`` provides (defines, or imports from the project, except the
    ``warner`` it imports to declare its deprecation with), or a name the project imports from
    it, that ``new`` does not provide."""
    provided = set(imported)
    for summary in index.summaries(old):
        if summary is None:
            return f"{old} could not be analyzed"
        provided |= {n for n in summary.defined if not n.startswith("_")}
        provided |= {
            n
            for n, f in index.bindings(summary).items()
            if not n.startswith("_") and f.module and index.in_project(f.module) and f"{f.module}.{f.name}" != warner
        }
    missing = sorted(n for n in provided if not index.resolves(new, n))
    if not missing:
        return ""
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return f"{shown} {'is' if len(missing) == 1 else 'are'} not defined in {new}: rewriting the imports of {old} would break them"


def _facts(results: list[tuple[FileRef, FileResult]], rule: Rule, include_unparsed: bool = False) -> list[tuple[FileRef, Any]]:
    found = [(ref, result.facts[rule.id]) for ref, result in results if rule.id in result.facts]
    if include_unparsed:
        found += [(ref, None) for ref, result in results if result.parse_error is not None or is_compiled(ref)]
    return found


def _examples(report: Report, results: list[tuple[FileRef, FileResult]]) -> dict[str, Any]:
    """Real findings of the project-wide kinds, for the starter's examples."""
    first: dict[str, str] = {}
    for finding in report.findings:
        first.setdefault(finding.rule_id, finding.message)
    # Importable names only (a migration like 0001_initial.py is no module an import can name),
    # production code first.
    modules = sorted(
        (is_test_path(ref.path), ref.module)
        for ref, result in results
        if DOTTED.match(ref.module) and not keyword_in(ref.module) and result.parse_error is None and not ref.is_package
    )
    return {"messages": first, "modules": [module for _, module in modules[:50]]}


def keyword_in(dotted: str) -> bool:
    return any(keyword.iskeyword(part) for part in dotted.split("."))
