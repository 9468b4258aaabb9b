"""import-cycle: cycles among project modules through imports that run at import time.

The graph: one node per project module file (a stub ``.pyi`` never runs and is no node; a module
no import can reach, such as ``core/database.py`` beside a package ``core/database/``, is none
either; two files naming one module are two nodes, shown as ``name (path)``). An edge for every
import of another project module: ``import a.b.c`` is an edge to ``a.b.c``; ``from a.b import c``
is an edge to ``a.b.c`` when that is a module, else to ``a.b`` (``c`` is then an attribute of
it). An import of a module that does not exist (or of a namespace package, which has no code) is
no edge. Importing ``a.b.c`` also runs the ``__init__.py`` of ``a`` and ``a.b`` in full, so with
``follow-package-init`` (default true) those packages are edges too, except the importer's own
parent packages: their code has already started when the importer runs, so waiting on them is
not what makes a cycle fail (an explicit ``from pkg import X`` in ``pkg.mod`` still is an edge to
``pkg``). An import of a name two files define (see ``module_index``) is an edge only from inside
one of the copies, to that copy.

By default only imports that run when the module is imported count: module level, class bodies,
``try`` / ``if`` blocks, but not ``if __name__ == "__main__":`` blocks (they run only when the
file is executed). ``include-function-imports`` (default false) adds imports inside functions
(the usual way to break a cycle, hence excluded by default); ``ignore-type-checking`` (default
true) skips imports under ``if TYPE_CHECKING``, which never run.

**What is reported**, so that a reader can act on it:

- every **2-cycle** (``a`` imports ``b`` and ``b`` imports ``a``): one finding, ``a -> b -> a``
  (``a`` the smaller name), at the import in ``b`` that closes it;
- for each **group** of mutually dependent modules (a strongly connected component) with longer
  cycles: the imports to break, most shared first. Elementary cycles (no module twice) are
  counted for every import; the import on the most cycles is chosen, then the one on the most
  of the cycles left, and so on, up to ``max-cycles`` imports (default 5) or until no cycle is
  left. One finding per chosen import, at it, with the shortest cycle through it (``c -> a -> b
  -> c``: the import of ``c`` in ``b`` closes it) and what breaking it does (``break this import
  (1 of 3 that remove 310 of the 340 cycles among 14 modules; this one removes 120)``, or, when
  one import is all it takes, ``break this import to remove all 12 cycles among 5 modules``).

The number of cycles can grow exponentially with the size of a tangled group. Groups are
counted smallest first within ``search-budget`` million search steps (default 5, about 1.5 s) for
the whole rule: Django's 38-module group (20,178 cycles) takes a fraction of that. A group that is
not counted within the budget is reported by the same greedy choice made among the shortest cycle
through each of its imports (polynomial, as deterministic), and its message says so; ``complete``
is then false. The budget counts steps, not seconds, so a graph gets the same report on every
machine and at any load. A group beyond counting (SymPy's 274 mutually dependent modules:
billions of cycles) spends the budget, then falls back.

``details`` in the JSON report: ``complete`` (every group counted exactly), ``cycles`` (all
elementary cycles, null unless complete), ``two_cycles``, ``groups`` (largest first: ``modules``,
``cycles``, ``exact``, ``removes`` and ``breaks``, each with the ``import`` as ``a -> b``, its
``path`` and ``line``, the cycles it ``removes`` and its shortest ``cycle``), ``tangles`` (group
sizes, largest first), ``reported`` and ``ambiguous_imports`` (how many modules import a name two
files define from outside both copies: no edge, counted once per importer and name). The rule's count is its number of findings. ``search-limit`` is
accepted for old rule files and ignored.

Message fields: ``{chain}``, ``{length}`` (modules in the cycle), ``{module}`` (where the reported
import is), ``{advice}`` (empty for a 2-cycle, else the sentence above, starting with ``; ``),
``{group}`` (modules in the group), ``{cycles}`` (cycles in the group), ``{removes}`` (cycles this
import removes), ``{breaks}`` (imports chosen in the group).
"""

from __future__ import annotations

from typing import Any, TypeAlias

from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.graph import Breaks, Budget, breaks, shortest_cycle, strongly_connected_components
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_paths import location, parents
from ssot_lint.project.module_summary import ImportFact
from ssot_lint.project.summary_walk import summarise

# The graph's nodes an import of a module loads, whoever imports it; None: that depends on the importer.
Loaded: TypeAlias = "tuple[str, ...] | None"

# Millions of search steps for all cycle counting of one rule: about 1.5 s of CPU on these
# machines; Django's 20,199 cycles take 0.7 s (see docs/performance.md).
DEFAULT_SEARCH_BUDGET = 5


class ImportCycle(Rule):
    kind = "import-cycle"
    reads_outline = True  # summarise(ctx), for every file
    aggregates_beside = True  # Home Assistant: 0.5 s, a third of the aggregation's time
    summary = "Cycles among project modules through imports that run at import time."
    category = "Complexity"
    options = {
        "include-function-imports": Option("bool", "also follow imports inside functions", default=False),
        "follow-package-init": Option("bool", "importing a.b.c also depends on a/__init__ and a/b/__init__", default=True),
        "ignore-type-checking": Option("bool", "skip imports under `if TYPE_CHECKING`", default=True),
        "max-cycles": Option(
            "int", "the most imports to break reported per group of mutually dependent modules", default=5, schema={"type": "integer", "minimum": 1}
        ),
        "search-budget": Option(
            "int",
            "search steps (millions) to count cycles in; groups not counted within them are reported from their shortest cycles",
            default=DEFAULT_SEARCH_BUDGET,
            schema={"type": "integer", "minimum": 1},
        ),
        "search-limit": Option("int", "ignored (cycles are counted completely within search-budget)", default=0, schema={"type": "integer", "minimum": 0}),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    include_function_imports: bool
    follow_package_init: bool
    ignore_type_checking: bool
    max_cycles: int
    search_budget: int
    search_limit: int
    message_fields = ("chain", "length", "module", "advice", "group", "cycles", "removes", "breaks")
    default_message = "import cycle: {chain}{advice}"
    sees_unparsed = True
    VALID = [
        Example({"pkg/__init__.py": "from .a import A\n", "pkg/a.py": "from pkg.b import B\nA = 1\n", "pkg/b.py": "import pkg.c\nB = 2\n", "pkg/c.py": ""}, 0),
        Example({"a.py": "import b\n", "b.py": "def f():\n    import a\n"}, 0),
        Example({"a.py": "from typing import TYPE_CHECKING\nimport b\n", "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"}, 0),
        Example({"pkg/__init__.py": "from . import sub\nX = 1\n", "pkg/sub.py": "import os\n"}, 0),
        Example({"a.py": "import b\n", "b.py": 'if __name__ == "__main__":\n    import a\n'}, 0),
        Example({"pkg/__init__.py": "from . import a\n", "pkg/a.py": "try:\n    from pkg.missing import x\nexcept ImportError:\n    x = None\n"}, 0),
    ]
    INVALID = [
        Example({"a.py": "import b\n", "b.py": "import os\nfrom c import thing\n", "c.py": "import a\nthing = 1\n"}, 1, (1,)),
        Example({"pkg/__init__.py": "from .a import A\n", "pkg/a.py": "from pkg import helpers\nA = 1\n", "pkg/helpers.py": "from pkg import A\n"}, 1, (1,)),
        Example({"a.py": "import b\nimport c\n", "b.py": "import a\n", "c.py": "import a\n"}, 2, (1, 1)),
        Example(
            {"a.py": "from pkg.x import f\n", "pkg/__init__.py": "from .y import g\n", "pkg/x.py": "def f(): ...\n", "pkg/y.py": "import a\ng = 1\n"}, 1, (1,)
        ),
    ]

    def configure(self) -> None:
        if self.max_cycles < 1 or self.search_budget < 1:
            raise OptionError("'max-cycles' and 'search-budget' must be at least 1")

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        return [], summarise(ctx).imports

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        index = ModuleIndex.of(facts, refs_only=True)
        nodes = {ref.path: self.node(index, ref) for ref, _ in facts if ref.module and not ref.path.endswith(".pyi") and ref.path not in index.shadowed}
        graph: dict[str, set[str]] = {node: set() for node in nodes.values()}
        # (importer, imported) -> the first import making that edge: where a finding about it goes.
        where: dict[tuple[str, str], tuple[FileRef, ImportFact]] = {}
        ambiguous: set[tuple[str, str]] = set()  # (importer, module): no edge, either copy may be loaded
        # What an import names depends on the imported module and name only; thousands of files
        # import the same few modules, so each is worked out once (see ``_Edges``).
        edges = _Edges(index, self.follow_package_init, nodes)
        imported = index.imported
        with_functions, skip_type_checking = self.include_function_imports, self.ignore_type_checking
        for ref, imports in sorted(facts, key=lambda f: f[0].path):
            source = nodes.get(ref.path)
            if source is None or not imports:
                continue
            importer = ref.module
            own = {importer, *parents(importer)}
            out = graph[source]

            def add_edge(target: str, loaded: tuple[str, ...] | None, fact: ImportFact) -> None:
                if loaded is None:
                    loaded = edges.loaded_nodes(target, ref)  # noqa: B023 - called within the iteration
                if len(loaded) > 1:
                    ambiguous.add((source, target))  # noqa: B023
                    return
                for node in loaded:
                    if node != source and node not in out:  # noqa: B023
                        out.add(node)  # noqa: B023
                        where[(source, node)] = (ref, fact)  # noqa: B023 - the first: files in path order, imports in source order

            # An import adds nothing its file's earlier imports added: the packages above a module
            # are followed at the file's first import from it, each explicit target once.
            in_project: dict[str, bool] = {}
            explicit_done: set[str] = set()
            for fact in imports:
                # ``import_graph.runs_on_import``, inline: once per imported name (125,197 on Home Assistant)
                if fact.main_block or (fact.in_function and not with_functions) or (fact.type_checking and skip_type_checking):
                    continue
                module = fact.module
                if module is None:
                    continue
                first = module not in in_project
                if first:
                    in_project[module] = imported(module, fact.name, ref).in_project
                if not in_project[module]:
                    continue
                packages, step, children = edges.of_module(module)
                if children and fact.name is not None and fact.name != "*":
                    step = edges.submodule(module, fact.name) or step
                if step is not None and step[0] not in explicit_done:
                    explicit_done.add(step[0])
                    if step[0] != importer:  # the module named explicitly counts, even a package above the importer
                        add_edge(*step, fact)
                if first:
                    for target, loaded in packages:
                        if target not in own:  # a package above the importer has already started running
                            add_edge(target, loaded, fact)
        findings: list[Finding] = []
        two_cycles = sorted((a, b) for a in graph for b in graph[a] if a < b and a in graph[b])
        components = [c for c in strongly_connected_components(graph) if len(c) > 1]
        budget = Budget(self.search_budget * 1_000_000)
        groups = []
        folded: set[tuple[str, str]] = set()
        for component in sorted(components, key=lambda c: (len(c), c)):
            result = breaks(component, graph, self.max_cycles, budget)
            members = set(component)
            pairs = sum(1 for a, b in two_cycles if a in members)
            entry: dict[str, Any] = {"modules": len(component), "cycles": result.cycles, "exact": result.exact, "removes": result.removed, "breaks": []}
            groups.append(entry)
            if result.exact and result.cycles == pairs:
                entry["removes"] = 0  # only 2-cycles, each reported on its own: nothing more to break
                continue
            for rank, (edge, removes) in enumerate(result.edges, 1):
                folded.add(edge)  # a 2-cycle closed by this import is reported here, with the advice
                chain = [*shortest_cycle(graph, edge, members)]
                advice = self.advice(rank, len(result.edges), removes, result, len(component))
                fields = {"group": len(component), "cycles": result.cycles, "removes": removes, "breaks": len(result.edges)}
                finding = self.cycle_finding(where, chain, advice, **fields)
                findings.append(finding)
                entry["breaks"].append(
                    {"import": f"{edge[0]} -> {edge[1]}", "path": finding.path, "line": finding.line, "removes": removes, "cycle": self.chain(chain)}
                )
        for a, b in two_cycles:
            if (b, a) not in folded:
                findings.append(self.cycle_finding(where, [a, b], ""))
        groups.sort(key=lambda g: -g["modules"])
        complete = all(g["exact"] for g in groups)
        details = {
            "complete": complete,
            "cycles": sum(g["cycles"] for g in groups) if complete else None,
            "two_cycles": len(two_cycles),
            "groups": groups,
            "tangles": [g["modules"] for g in groups],
            "reported": len(findings),
            "ambiguous_imports": len(ambiguous),
        }
        return findings, None, details

    @staticmethod
    def node(index: ModuleIndex, ref: FileRef) -> str:
        return f"{ref.module} ({ref.path})" if ref.module in index.ambiguous else ref.module

    @staticmethod
    def chain(cycle: list[str]) -> str:
        return " -> ".join([*cycle, cycle[0]])

    @staticmethod
    def advice(rank: int, chosen: int, removes: int, result: Breaks, group: int) -> str:
        if not result.exact:
            return (
                f"; break this import ({rank} of {chosen} chosen among the shortest cycle through each import of these {group} modules:"
                f" too many cycles to count within the search budget)"
            )
        total = f"{result.cycles} cycle" + ("s" if result.cycles != 1 else "")
        share = "the only cycle" if result.cycles == 1 else f"all {total}" if result.removed == result.cycles else f"{result.removed} of the {total}"
        if chosen == 1:
            return f"; break this import to remove {share} among {group} modules"
        return f"; break this import ({rank} of {chosen} that remove {share} among {group} modules; this one removes {removes})"

    def cycle_finding(self, where: dict[tuple[str, str], tuple[FileRef, ImportFact]], cycle: list[str], advice: str, **fields: Any) -> Finding:
        """A finding at the import closing ``cycle`` (from its last module back to its first)."""
        chain = self.chain(cycle)
        ref, fact = where[(cycle[-1], cycle[0])]
        defaults = {"group": len(cycle), "cycles": 1, "removes": 1, "breaks": 1}
        message = self.format(chain=chain, length=len(cycle), module=cycle[-1], advice=advice, **{**defaults, **fields})
        anchor = f"import cycle {chain}" if not advice else f"import cycle break {cycle[-1]} -> {cycle[0]}"
        return Finding(self.id, *fact.statement, message, self.severity, ref.path, anchor, fact.statement[0])


class _Edges:
    """The modules an import runs (and so waits on), each with the graph's nodes importing it
    loads: the module it names (the submodule, for ``from pkg import sub``) and, with
    ``follow_package_init``, the packages above it (``import_graph.named_targets``). What depends
    on the imported module alone is worked out once per module; which of them the importer
    itself is, or is inside, per import."""

    def __init__(self, index: ModuleIndex, follow_package_init: bool, nodes: dict[str, str]) -> None:
        self.index, self.follow_package_init, self.nodes = index, follow_package_init, nodes
        self._modules: dict[str, tuple[list[tuple[str, Loaded]], tuple[str, Loaded] | None, bool]] = {}
        self._submodules: dict[str, tuple[str, Loaded] | None] = {}
        self._loaded: dict[str, Loaded] = {}
        self._parents = {m.rpartition(".")[0] for m in index.entries if "." in m}  # modules with a child module

    def of_module(self, module: str) -> tuple[list[tuple[str, Loaded]], tuple[str, Loaded] | None, bool]:
        """For an import of ``module``: the packages from the top down to ``module`` that have
        code (with ``follow_package_init``), ``module`` itself when it has code (what ``from
        module import name`` names when ``name`` is no submodule), and whether it has submodules."""
        found = self._modules.get(module)
        if found is None:
            has_code = self.index.entries.__contains__
            packages = [(p, self.loaded(p)) for p in (*parents(module), module) if has_code(p)] if self.follow_package_init else []
            found = self._modules[module] = (packages, (module, self.loaded(module)) if has_code(module) else None, module in self._parents)
        return found

    def submodule(self, module: str, name: str) -> tuple[str, Loaded] | None:
        """``module.name`` when it is a module with code (``from module import name`` names it)."""
        dotted = f"{module}.{name}"
        if dotted not in self._submodules:
            self._submodules[dotted] = (dotted, self.loaded(dotted)) if dotted in self.index.entries else None
        return self._submodules[dotted]

    def loaded(self, target: str) -> Loaded:
        """The graph's nodes ``import target`` loads, whoever imports it; None when that depends
        on the importer (a module two files define: see ``loaded_nodes``)."""
        if target not in self._loaded:
            entries = self.index.entries.get(target, ())
            self._loaded[target] = None if len(entries) > 1 else tuple(self.nodes[r.path] for r, _ in entries if r.path in self.nodes)
        return self._loaded[target]

    def loaded_nodes(self, target: str, importer: FileRef) -> tuple[str, ...]:
        """The graph's nodes ``import target`` may load from ``importer``, one per place
        (several: the import is ambiguous)."""
        files = {location(r): r for r, _ in self.index.candidates(target, importer) if r.path in self.nodes}
        return tuple(self.nodes[r.path] for r in files.values())
