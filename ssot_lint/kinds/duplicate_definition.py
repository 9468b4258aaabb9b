"""duplicate-definition: the same top-level class (or function) name defined in several modules.

Top-level means the module body, including module-level ``if`` / ``try`` / ``with`` blocks (a
conditional definition is still a definition). A name defined in at least ``min-count`` modules
(default 2) yields one finding per extra definition: the first definition by path order is left
alone, every other one is flagged and names the other locations. A stub (``x.pyi``) beside its
module's source (``x.py``, or ``pkg/__init__.py`` for ``pkg/__init__.pyi``) describes that module: none
of its definitions count, whatever the source defines (a name it imports from a compiled module
is defined there). A stub alone (beside a compiled module) counts as the module.

**Copies, not homonyms** (``min-similarity``). One name often means different things in one
project: Django's model ``Field``, form ``Field`` and GDAL ``Field``; SymPy's five ``Point`` classes.
With ``min-similarity``, same-named classes count as copies only when their bodies overlap: each
class's *members* are the names its body binds (methods, nested classes, class attributes,
annotated attributes, including those under ``if`` / ``try`` in the body), and two classes are
similar when the Jaccard index of their member sets (shared names / all names) is at least
``min-similarity``. Similar classes, and classes similar to those, form a cluster; a cluster of
``min-count`` or more modules is reported as above, and the message names the members each
definition shares with its most similar copy. Two bodies that bind no name (``...``, ``pass``,
a docstring: ``class Settings: ...`` twice) are copies; such a body and one that binds names
are not. Jaccard rather than the overlap coefficient (shared / the smaller set): the overlap
coefficient calls a one-method class a copy of every class that has that method (Django's
dummy backend's ``DatabaseOperations``, only ``quote_name``, scores 1.0 against each real
backend; 0.02 by Jaccard). Measured on Django 5.2.8 and SymPy 1.14.0 (``docs/discovery.md``):
same-named classes for different concepts score at most 0.33 (SymPy's ``Commutator`` classes), a
legacy copy 0.6 (SymPy's old and new ``FractionField``), so 0.5 separates them; what member
names cannot tell apart is a copy from a sibling implementation of one interface (the database
backends' ``DatabaseIntrospection`` classes, 0.50-0.64). Comparing bodies costs a parse of every
top-level class the rule selects (without the option only their headers are parsed).

Options: ``name`` (regex the name must match), ``exclude-names``, ``min-count``, ``functions``
(also compare top-level functions; default false; not with ``min-similarity``),
``min-similarity``.

Message fields: ``{name}``, ``{count}`` (modules defining it; with ``min-similarity``, the
cluster's), ``{others}`` (the other locations), ``{shared}`` (with ``min-similarity``: the
members shared with the most similar other definition, and where it is, or "empty bodies"; else
""), ``{also}`` (``; also at`` the other locations but the one ``{shared}`` names, "" when none:
the default message with ``min-similarity`` names each location once).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from ssot_lint.analysis.prefilter import Literals
from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule, names_in_text
from ssot_lint.model import FileRef, Finding

_SHOWN_OTHERS = 5
_CLASS_LINE = re.compile(r"^[ \t\f]*class\b", re.MULTILINE)
_SHOWN_SHARED = 5
SIMILAR_MESSAGE = "{name} is defined in {count} modules with similar bodies ({shared}{also})"


class DuplicateDefinition(Rule):
    kind = "duplicate-definition"
    summary = "The same top-level class (or function) name defined in more than one module."
    category = "Duplication"
    skips_described_stubs = True
    options = {
        "name": Option("regex", "regex the defined name must match (default: every name)"),
        "exclude-names": Option("regex", "names matching this are ignored"),
        "min-count": Option("int", "how many modules make a duplicate", default=2, schema={"type": "integer", "minimum": 2}),
        "functions": Option("bool", "also compare top-level functions", default=False),
        "min-similarity": Option(
            "fraction",
            "same-named classes count as copies only when the Jaccard index of their member names reaches this "
            "(0.5 separates homonyms from copies on Django and SymPy); default: every same-named class counts",
        ),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    name: re.Pattern[str] | None
    exclude_names: re.Pattern[str] | None
    min_count: int
    functions: bool
    min_similarity: float | None
    message_fields = ("name", "count", "others", "shared", "also")
    default_message = "{name} is defined in {count} modules (also at {others})"
    EXAMPLE_OPTIONS = {"name": "Manager$", "min-similarity": 0.5}
    VALID = [
        # Homonyms: one name, three concepts (disjoint bodies).
        Example(
            {
                "graph.py": "class Manager:\n    def add_node(self, n): ...\n    def edges(self): ...\n",
                "mail.py": "class Manager:\n    outbox = []\n    def send(self, m): ...\n",
                "jobs.py": "class Manager:\n    def __init__(self): ...\n    def schedule(self, job): ...\n",
            },
            0,
        ),
        # Sharing one member of four is not a copy (Jaccard 0.25).
        Example(
            {
                "a.py": "class Manager:\n    def __init__(self): ...\n    def connect(self): ...\n",
                "b.py": "class Manager:\n    def __init__(self): ...\n    def schedule(self, job): ...\n    def cancel(self, job): ...\n",
            },
            0,
        ),
        # An empty body and a body with members are not copies.
        Example({"a.py": "class Manager: ...\n", "b.py": "class Manager:\n    def send(self, m): ...\n"}, 0),
        Example({"a.py": "class Manager: ...\nclass Manager: ...\n"}, 0),
        Example({"a.py": "class Manager: ...\n", "b.py": "def f():\n    class Manager: ...\n"}, 0),
        Example({"pkg/a.py": "class Manager: ...\n", "pkg/a.pyi": "class Manager: ...\n"}, 0),
    ]
    INVALID = [
        # Copies: b.py has 2 of a.py's 3 members (Jaccard 0.67), c.py all 3 and one more (0.75).
        Example(
            {
                "a.py": "class Manager:\n    def connect(self): ...\n    def send(self, m): ...\n    def close(self): ...\n",
                "b.py": "import x\nclass Manager:\n    def connect(self): ...\n    def send(self, m): ...\n",
                "c.py": "try:\n    class Manager:\n        timeout = 5\n        def connect(self): ...\n        def send(self, m): ...\n        def close(self): ...\nexcept E:\n    pass\n",
            },
            2,
            (2, 2),
        ),
        # Empty bodies are copies of each other.
        Example({"a.py": "class Manager: ...\n", "b.py": "class Manager:\n    pass\n", "c.py": 'class Manager:\n    """A manager."""\n'}, 2, (1, 1)),
    ]

    def configure(self) -> None:
        if self.min_count < 2:
            raise OptionError("'min-count' must be at least 2")
        if self.min_similarity is not None and self.functions:
            raise OptionError("'min-similarity' compares class bodies: it cannot be combined with 'functions = true'", key="min-similarity")
        if self.min_similarity is not None and self.message == self.default_message:
            self.message = SIMILAR_MESSAGE
        self._name_literals = Literals(self.name) if self.name is not None else None

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        if self._name_literals is not None and not self._name_literals.present(text):
            return False  # every selected name contains these literals, and names are in the text
        names = names_in_text(text, classes=True, functions=self.functions)
        return any(self.selects(n) for n in names)

    def selects(self, name: str) -> bool:
        return (self.name is None or self.name.search(name) is not None) and not (self.exclude_names is not None and self.exclude_names.search(name))

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        found: dict[str, tuple[Any, ...]] = {}
        # Module-level code, including module-level if/try/with blocks, not def or class bodies.
        # Without a name filter every top-level definition counts: the outline holds them all (their
        # bodies left out); with one, the statements around the names selected are fewer. Comparing
        # bodies needs the classes whole: the statements around the lines a class statement starts
        # on (a line that begins with `class`: strings included, a superset).
        if self.name is not None:
            body = ctx.statements_near([n for n in names_in_text(ctx.text, classes=True, functions=self.functions) if self.selects(n)])
        elif self.min_similarity is not None:
            starts = ctx.lines.starts
            body = ctx.statements_on(sorted({bisect_right(starts, m.start()) for m in _CLASS_LINE.finditer(ctx.text)}))
        else:
            body = ctx.outline_parts()[0]  # (not the top-level imports it read from the text: no definitions)
        for node, _ in statements(body, into_definitions=False):
            if isinstance(node, ast.ClassDef) or (self.functions and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))):
                if self.selects(node.name) and node.name not in found:
                    where: tuple[Any, ...] = (*ctx.lines.name_span(node), "class" if isinstance(node, ast.ClassDef) else "def")
                    if self.min_similarity is not None and isinstance(node, ast.ClassDef):
                        where = (*where, members(node))
                    found[node.name] = where
        return [], (tuple(sorted(found.items())) or None)

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        by_name = definitions(facts)
        findings: list[Finding] = []
        duplicated: dict[str, int] = {}
        for name, places in sorted(by_name.items()):
            if len(places) < self.min_count:
                continue
            places.sort(key=lambda p: (p[0].path, p[1][0]))
            groups = [places] if self.min_similarity is None else copies(places, self.min_similarity)
            for group in groups:
                if len(group) < self.min_count:
                    continue
                duplicated[name] = duplicated.get(name, 0) + len(group)
                for ref, where in group[1:]:
                    line, col, end_line, end_col, kind = where[:5]
                    others = [f"{r.path}:{w[0]}" for r, w in group if r is not ref]
                    shared, compared = ("", "") if self.min_similarity is None else describe_shared(where[5], group, ref)
                    rest = _shown([other for other in others if other != compared])  # the compared one is named once
                    also = f"; also at {rest}" if rest else ""
                    message = self.format(name=name, count=len(group), others=_shown(others), shared=shared, also=also)
                    findings.append(Finding(self.id, line, col, end_line, end_col, message, self.severity, ref.path, f"{kind} {name}", line))
        return findings, None, {"duplicated_names": duplicated}


Place = tuple[FileRef, tuple[Any, ...]]  # (file, (line, col, end line, end col, "class" or "def"[, member names]))


def definitions(facts: list[tuple[FileRef, Any]]) -> dict[str, list[Place]]:
    """Each name's definitions, one per module, from the kind's facts as ``aggregate`` gets them
    (a stub beside its module's source left out: ``Rule.skips_described_stubs``). ``ssot-lint
    init`` counts with this too."""
    by_name: dict[str, list[Place]] = defaultdict(list)
    for ref, fact in facts:
        for name, where in fact:
            by_name[name].append((ref, where))
    return by_name


def members(node: ast.ClassDef) -> tuple[str, ...]:
    """The names a class body binds (sorted): methods, nested classes, class attributes (plain,
    annotated, augmented, tuple targets), also under ``if`` / ``try`` / ``with`` in the body."""
    names: set[str] = set()
    for statement, _ in statements(node.body, into_definitions=False):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                names.update(_bound(target))
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            names.update(_bound(statement.target))
    return tuple(sorted(names))


def _bound(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _bound(element)
    elif isinstance(target, ast.Starred):
        yield from _bound(target.value)


def similarity(a: Collection[str], b: Collection[str]) -> float:
    """The Jaccard index of two member sets; two empty bodies are copies (1.0)."""
    if not a and not b:
        return 1.0
    common = len(set(a) & set(b))
    return common / (len(a) + len(b) - common)


def copies(places: list[Place], min_similarity: float) -> list[list[Place]]:
    """``places`` (one name's class definitions, each with its member names) split into clusters:
    the connected groups of definitions whose members are ``min_similarity``-similar, each in the
    order of ``places``, ordered by their first definition. A definition without member names
    (a function, a fact without them) is a cluster of its own."""
    parent = list(range(len(places)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sets = [frozenset(w[5]) if len(w) > 5 else None for _, w in places]
    for i, a in enumerate(sets):
        if a is None:
            continue
        for j in range(i + 1, len(sets)):
            b = sets[j]
            if b is not None and root(i) != root(j) and similarity(a, b) >= min_similarity:
                parent[root(j)] = root(i)
    groups: dict[int, list[Place]] = {}
    for i, place in enumerate(places):
        groups.setdefault(root(i), []).append(place)
    return sorted(groups.values(), key=lambda g: places.index(g[0]))


def _shown(places: list[str]) -> str:
    return ", ".join(places[:_SHOWN_OTHERS]) + (f" and {len(places) - _SHOWN_OTHERS} more" if len(places) > _SHOWN_OTHERS else "")


def describe_shared(mine: Collection[str], group: list[Place], ref: FileRef) -> tuple[str, str]:
    """The members a definition shares with its most similar other definition in ``group``, and
    that definition's place (``path:line``)."""
    best: tuple[float, str, tuple[str, ...]] | None = None
    for r, w in group:
        if r is ref:
            continue
        score = similarity(mine, w[5])
        if best is None or score > best[0]:
            best = (score, f"{r.path}:{w[0]}", tuple(sorted(set(mine) & set(w[5]))))
    assert best is not None
    score, where, shared = best
    if not shared:
        return f"empty bodies, as {where}", where
    names = ", ".join(shared[:_SHOWN_SHARED]) + (f" and {len(shared) - _SHOWN_SHARED} more" if len(shared) > _SHOWN_SHARED else "")
    return f"shares {names} with {where}, {score:.0%} of their members", where
