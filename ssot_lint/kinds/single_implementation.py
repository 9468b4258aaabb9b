"""single-implementation: count the implementations of one concept against a ceiling.

A class joins the rule's family when it matches every selector the rule gives (at least one is
required):

- ``name``: a regex searched in the class name (``exclude-names`` removes matches);
- ``bases``: one of its direct bases is listed, by name (``Proto`` matches ``x.Proto``) or by dotted
  qualified name (``pkg.mod.Proto``, resolved through the file's imports); a subscripted base is
  its class (``DataUpdateCoordinator[dict[str, Any]]`` and ``helpers.DataUpdateCoordinator[T]``
  match ``DataUpdateCoordinator``);
- ``methods``: it defines all of these methods.

Classes at any depth count (qualified as ``Outer.Inner``). When the family has more than ``max``
members (default 1), every member not listed in ``canonical`` (``module:Class``) is a finding at its
class name. Class aliases (``A = B`` at module level, with a name matching ``name``) are not
implementations: they are listed under the rule's ``aliases`` in JSON output. A stub (``x.pyi``)
beside its module's source (``x.py``, or ``pkg/__init__.py`` for ``pkg/__init__.pyi``) describes
that module: its classes are not counted again (a stub alone, beside a compiled module, is the
module and counts).

A ``canonical`` entry may name an alias: with ``canonical = ["ws.manager:WebSocketManager"]`` and
``WebSocketManager = UnifiedWebSocketManager`` in ``ws/manager.py``, the class the alias stands
for (``UnifiedWebSocketManager``, defined there or imported from another module) is the canonical
implementation. The alias is followed through the module's imports and further aliases; an
import from a package that re-exports the class resolves when exactly one member of that name
lives in the package. ``details``: ``canonical_found`` (the canonical members found, as
``module:Class``), ``canonical_aliases`` (each canonical entry that is an alias -> the class it
stands for), ``aliases`` and ``members`` (every member that is not canonical, as ``path``, ``line``
and ``anchor``: over the ceiling, the findings; at or under it, what ``ssot-lint baseline``
records, so that a family growing past its ``max`` later reports only its new members).

Message fields: ``{name}`` (the class), ``{canonical}``, ``{count}`` (family size), ``{max}``.
Without ``canonical`` (and with the default message), every member is a finding and the message
says so: ``Printer is one of 54 implementations (max 5); none is canonical: name the one to keep
in `canonical```.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ssot_lint.analysis.imports import bindings, dotted_name, qualify
from ssot_lint.analysis.prefilter import Literals
from ssot_lint.analysis.syntax import statements
from ssot_lint.kinds.base import Example, FileContext, Option, OptionError, Rule, Target, names_in_text, word_pattern
from ssot_lint.model import FileRef, Finding
from ssot_lint.project.module_paths import within


class SingleImplementation(Rule):
    kind = "single-implementation"
    summary = "One implementation of a concept: count the classes that implement it against a ceiling."
    category = "Duplication"
    skips_described_stubs = True
    options = {
        "name": Option("regex", "regex searched in class names"),
        "bases": Option("str-list", "direct bases (name or dotted qualified name); any one matches"),
        "methods": Option("str-list", "methods the class must all define"),
        "exclude-names": Option("regex", "class names matching this are not members"),
        "canonical": Option("str-list", "the allowed implementations, 'module:Class'", default=()),
        "max": Option("int", "the largest family that passes", default=1),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them).
    name: re.Pattern[str] | None
    bases: tuple[str, ...] | None
    methods: tuple[str, ...] | None
    exclude_names: re.Pattern[str] | None
    canonical: tuple[str, ...]
    max_: int
    message_fields = ("name", "canonical", "count", "max")
    default_message = "{name} duplicates {canonical} ({count} implementations, max {max})"
    # The default message when no implementation is canonical: every member is a finding, and
    # none of them "duplicates one implementation" (as the default read with no `canonical`).
    NO_CANONICAL_MESSAGE = "{name} is one of {count} implementations (max {max}); none is canonical: name the one to keep in `canonical`"
    EXAMPLE_OPTIONS = {"name": "(?i)websocket.*manager", "exclude-names": "^Test", "canonical": ["core.manager:WebSocketManager"]}
    VALID = [
        Example({"core/manager.py": "class WebSocketManager:\n    pass\n"}, 0),
        Example({"core/manager.py": "class WebSocketManager: ...\n", "x.py": "class TestWebSocketManager: ...\nWsManager = WebSocketManager\n"}, 0),
        Example({"core/manager.py": "class WebSocketManager: ...\n", "x.py": '"""class OtherWebSocketManager"""\n'}, 0),
    ]
    INVALID = [
        Example({"core/manager.py": "class WebSocketManager: ...\n", "x.py": "import os\nclass UnifiedWebSocketManager(Base):\n    pass\n"}, 1, (2,)),
        Example({"a.py": "class WebSocketManager: ...\n", "b.py": "def f():\n    class LocalWebSocketManager: ...\n"}, 2, (1, 2)),
    ]

    def configure(self) -> None:
        if self.name is None and not self.bases and not self.methods:
            raise OptionError("needs at least one selector: 'name', 'bases' or 'methods'")
        self._canonical = set()
        for ref in self.canonical:
            target = Target.parse(ref)
            if target.member is None:
                raise OptionError(f"canonical {ref!r} must name a class as 'module:Class'")
            self._canonical.add(str(target))
        # The canonical names per module: where an alias may stand for the real implementation.
        self._canonical_names: dict[str, set[str]] = {}
        for key in self._canonical:
            module, _, member = key.partition(":")
            self._canonical_names.setdefault(module, set()).add(member)
        self._base_words = word_pattern(b.rsplit(".", 1)[-1] for b in self.bases or ())
        self._method_words = [word_pattern([m]) for m in self.methods or ()]
        self._name_literals = Literals(self.name) if self.name is not None else None

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        if any(name in text for name in self._canonical_names.get(ref.module, ())):
            return True  # a canonical module: its canonical name may be an alias to follow
        # Each selector is a necessary condition for membership, so each must hold in the text.
        if self.name is not None:
            # A member's name is in the text, so the literals every name match contains are too.
            if self._name_literals is not None and not self._name_literals.present(text):
                return False
            names = names_in_text(text, top_level_assignments=True)  # aliases are module-level only
            if not any(self.name.search(n) for n in names):
                return False
        if self._base_words is not None and not self._base_words.search(text):
            return False
        return all(p.search(text) for p in self._method_words if p is not None)

    def parse_words(self, text: str) -> list[str]:
        """Words on the lines of every member's statement (and, with ``bases``, of every import)."""
        if self.name is not None:
            words = [n for n in names_in_text(text, top_level_assignments=True) if self.name.search(n)]
        elif self.bases:
            words = [b.rsplit(".", 1)[-1] for b in self.bases]
        else:
            words = list(self.methods or ())  # configure() makes sure some selector is given
        return words + ["import"] if self.bases else words

    def selects(self, name: str) -> bool:
        return (self.name is None or self.name.search(name) is not None) and not (self.exclude_names is not None and self.exclude_names.search(name))

    def base_matches(self, node: ast.ClassDef, bound: dict[str, str], module: str) -> bool:
        for base_expr in node.bases:
            while isinstance(base_expr, ast.Subscript):  # Coordinator[dict[str, Any]]: the class is the value
                base_expr = base_expr.value
            written = dotted_name(base_expr)
            if written is None:
                continue
            candidates = {written, qualify(base_expr, bound) or "", f"{module}.{written}"}
            for base in self.bases or ():
                if "." in base:
                    if base in candidates:
                        return True
                elif written.rsplit(".", 1)[-1] == base:
                    return True
        return False

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        canonical_names = self._canonical_names.get(ctx.ref.module, set())
        # With `bases` alone, only class headers are read: the outline holds every one of them
        # (and every import) unless a class is defined in a body it leaves out. No class body
        # is parsed then.
        headers = bool(self.bases) and not self.methods and self.name is None and not canonical_names
        words = self.parse_words(ctx.text)
        body = ctx.outline_near(words, "class") if headers else None  # first: the imports are then read from the outline too
        bound = bindings(ctx.imports()) if self.bases or canonical_names else {}
        members: list[tuple[Any, ...]] = []
        aliases: list[tuple[Any, ...]] = []
        canonical_aliases: list[tuple[str, str]] = []  # in a canonical module: (alias, the absolute dotted name it stands for)
        if body is None:
            # A canonical module is read whole: the alias chain from its canonical name may pass
            # through any module-level name.
            body = ctx.tree.body if canonical_names else ctx.statements_near(words)
        for node, scope in statements(body, into_definitions=True):
            if not isinstance(node, ast.ClassDef) or not self.selects(node.name):
                continue
            if self.bases and not self.base_matches(node, bound, ctx.ref.module):
                continue
            if self.methods:
                defined = {s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
                if not set(self.methods) <= defined:
                    continue
            qualname = ".".join([*(outer.name for outer in scope), node.name])
            members.append((qualname, *ctx.lines.name_span(node), node.lineno))
        assignments = [
            (statement, statement.targets[0].id, written)
            for statement in body
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            if (written := dotted_name(statement.value)) is not None and written != statement.targets[0].id
        ]
        local = {node.name for node in body if isinstance(node, ast.ClassDef)} | {name for _, name, _ in assignments}
        for statement, name, written in assignments:
            if self.name is not None and self.selects(name):
                aliases.append((name, written, statement.lineno))
            if canonical_names:
                here = f"{ctx.ref.module}.{written}" if written.split(".")[0] in local else None
                canonical_aliases.append((name, here or qualify(statement.value, bound) or written))
        if not members and not aliases and not canonical_aliases:
            return [], None
        return [], (tuple(members), tuple(aliases), tuple(canonical_aliases))

    def aggregate(self, facts: list[tuple[FileRef, Any]]) -> tuple[list[Finding], int | None, dict[str, Any]]:
        members = [(ref, m) for ref, fact in facts for m in fact[0]]
        count = len(members)
        keys = {f"{ref.module}:{m[0]}" for ref, m in members}
        standing_for = {f"{ref.module}:{name}": dotted for ref, fact in facts for name, dotted in fact[2]}
        canonical_aliases = {}
        for key in sorted(self._canonical - keys):
            real = _follow(key, keys, standing_for)
            if real is not None:
                canonical_aliases[key] = real
        canonical = (self._canonical & keys) | set(canonical_aliases.values())
        canonical_found = sorted(key for key in keys if key in canonical)
        findings: list[Finding] = []
        others = [(ref, member) for ref, member in members if f"{ref.module}:{member[0]}" not in canonical]
        if count > self.max_:
            shown = ", ".join(self.canonical) or "one implementation"
            unnamed = not self.canonical and self.message == self.default_message
            for ref, (qualname, line, col, end_line, end_col, stmt_line) in others:
                fields = {"name": qualname, "canonical": shown, "count": count, "max": self.max_}
                message = self.NO_CANONICAL_MESSAGE.format(**fields) if unnamed else self.format(**fields)
                findings.append(Finding(self.id, line, col, end_line, end_col, message, self.severity, ref.path, f"class {qualname}", stmt_line))
        aliases = [{"path": ref.path, "line": line, "name": name, "target": target} for ref, fact in facts for name, target, line in fact[1]]
        details = {
            "canonical_found": canonical_found,
            "canonical_aliases": canonical_aliases,
            "aliases": sorted(aliases, key=lambda a: (a["path"], a["line"])),
            "members": sorted(
                ({"path": ref.path, "line": m[1], "anchor": f"class {m[0]}"} for ref, m in others), key=lambda m: (m["path"], m["line"], m["anchor"])
            ),
        }
        return findings, count, details


def _follow(key: str, members: set[str], standing_for: dict[str, str]) -> str | None:
    """The member (``module:Class``) an alias ``key`` stands for, through further aliases."""
    seen: set[str] = set()
    pending = [key]
    while pending:
        current = pending.pop(0)
        if current in members and current != key:
            return current
        dotted = standing_for.get(current)
        if dotted is None or current in seen:
            continue
        seen.add(current)
        parts = dotted.split(".")
        # `a.b.C`: the class C of module a.b (or, nested, B.C of module a ...), longest module first.
        pending += [".".join(parts[:i]) + ":" + ".".join(parts[i:]) for i in range(len(parts) - 1, 0, -1)]
        # Re-exported by a package: the one member of that name inside it.
        package, name = dotted.rpartition(".")[0], parts[-1]
        inside = [m for m in members if m.rpartition(":")[2] == name and within(m.partition(":")[0], package)]
        if len(inside) == 1:
            pending.append(inside[0])
    return None
