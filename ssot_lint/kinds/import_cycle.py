"""import-cycle: cycles among project modules through imports that run at import time.

The graph: one node per project module (file), an edge for every import of another project
module. ``import a.b.c`` is an edge to ``a.b.c``; ``from a.b import c`` is an edge to ``a.b.c``
when that is a module, else to ``a.b`` (``c`` is then an attribute of it). Importing ``a.b.c``
also runs the ``__init__.py`` of ``a`` and ``a.b`` in full, so with ``follow-package-init``
(default true) those packages are edges too, except the importer's own parent packages: their
code has already started when the importer runs, so waiting on them is not what makes a cycle
fail (an explicit ``from pkg import X`` in ``pkg.mod`` still is an edge to ``pkg``). Without
this, ``a.py: from pkg.x import f`` plus ``pkg/__init__.py: from .y import g`` plus ``pkg/y.py:
import a`` would be missed, although importing ``a`` first fails. Imports of namespace packages
(no code) and of modules outside the project add no edge; a module importing itself is no cycle.

By default only imports that run when the module is imported count: module level, class bodies,
``try`` / ``if`` blocks. ``include-function-imports`` (default false) adds imports inside
functions (the usual way to break a cycle, hence excluded by default); ``ignore-type-checking``
(default true) skips imports under ``if TYPE_CHECKING``, which never run.

Each elementary cycle (no module twice) is reported once, as its chain starting at its smallest
module name (``a -> b -> c -> a``), at the import in the last module that closes it (the first
such import in that file). Cycles are enumerated with Johnson's algorithm, whose number can grow
exponentially in a tangled graph: the enumeration stops after ``search-limit`` cycles (default
1000). The shortest cycles found (then by name) are reported, at most ``max-cycles`` (default 20). The
rule's count is the number of cycles found; ``details`` has ``cycles`` (that number),
``complete`` (false when the search stopped at the limit, making the count a lower bound),
``reported``, and ``tangles``: the sizes of the groups of mutually dependent modules, which are
exact whatever the limit.

Message fields: ``{chain}``, ``{length}`` (modules in the cycle), ``{module}`` (where the closing
import is).
"""

from __future__ import annotations

from typing import Any

from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.graph import elementary_cycles, strongly_connected_components
from ssot_lint.project.module_index import ModuleIndex, parents
from ssot_lint.project.module_summary import ImportFact, summarise


class ImportCycle(Rule):
    kind = "import-cycle"
    summary = "Cycles among project modules through imports that run at import time."
    options = {
        "include-function-imports": Option("bool", "also follow imports inside functions", default=False),
        "follow-package-init": Option("bool", "importing a.b.c also depends on a/__init__ and a/b/__init__", default=True),
        "ignore-type-checking": Option("bool", "skip imports under `if TYPE_CHECKING`", default=True),
        "max-cycles": Option("int", "the most cycles reported (shortest first)", default=20, schema={"type": "integer", "minimum": 1}),
        "search-limit": Option("int", "stop enumerating cycles after this many", default=1000, schema={"type": "integer", "minimum": 1}),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    include_function_imports: bool
    follow_package_init: bool
    ignore_type_checking: bool
    max_cycles: int
    search_limit: int
    message_fields = ("chain", "length", "module")
    default_message = "import cycle: {chain}"
    sees_unparsed = True
    VALID = [
        Example({"pkg/__init__.py": "from .a import A\n", "pkg/a.py": "from pkg.b import B\nA = 1\n", "pkg/b.py": "import pkg.c\nB = 2\n", "pkg/c.py": ""}, 0),
        Example({"a.py": "import b\n", "b.py": "def f():\n    import a\n"}, 0),
        Example({"a.py": "from typing import TYPE_CHECKING\nimport b\n", "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"}, 0),
        Example({"pkg/__init__.py": "from . import sub\nX = 1\n", "pkg/sub.py": "import os\n"}, 0),
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
        if self.search_limit < 1 or self.max_cycles < 1:
            raise OptionError("'max-cycles' and 'search-limit' must be at least 1")

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        return [], summarise(ctx).imports

    def follows(self, fact: ImportFact) -> bool:
        if fact.in_function and not self.include_function_imports:
            return False
        return not (fact.type_checking and self.ignore_type_checking)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        index = ModuleIndex((ref, None) for ref, _ in facts)
        graph: dict[str, set[str]] = {}
        # (importer, imported) -> the first import making that edge: where a closing edge is reported.
        closing: dict[tuple[str, str], tuple[FileRef, ImportFact]] = {}
        for ref, imports in sorted(facts, key=lambda f: f[0].path):
            if not ref.module:
                continue
            graph.setdefault(ref.module, set())
            for fact in imports or ():
                if not self.follows(fact):
                    continue
                for target in self.edge_targets(index, fact, ref.module):
                    graph[ref.module].add(target)
                    closing.setdefault((ref.module, target), (ref, fact))  # files in path order, imports in source order
        cycles, complete = elementary_cycles(graph, self.search_limit)
        cycles.sort(key=lambda cycle: (len(cycle), cycle))
        findings: list[Finding] = []
        for cycle in cycles[: self.max_cycles]:
            chain = " -> ".join([*cycle, cycle[0]])
            ref, fact = closing[(cycle[-1], cycle[0])]
            message = self.format(chain=chain, length=len(cycle), module=cycle[-1])
            findings.append(Finding(self.id, *fact.statement, message, self.severity, ref.path, f"import cycle {chain}", fact.statement[0]))
        tangles = sorted((len(c) for c in strongly_connected_components(graph) if len(c) > 1), reverse=True)
        details = {"cycles": len(cycles), "complete": complete, "reported": len(findings), "tangles": tangles}
        return findings, len(cycles), details

    def edge_targets(self, index: ModuleIndex, fact: ImportFact, importer: str) -> list[str]:
        """The modules an import runs (and so waits on), other than the importer itself."""
        if fact.module is None or not index.in_project(fact.module):
            return []
        submodule = f"{fact.module}.{fact.name}"
        explicit = submodule if fact.name not in (None, "*") and submodule in index.entries else index.file_module(fact.module)
        targets = [explicit] if explicit is not None and explicit != importer else []
        if self.follow_package_init:
            own = {importer, *parents(importer)}
            targets += [p for p in (*parents(fact.module), fact.module) if p in index.entries and p not in own and p not in targets]
        return targets
