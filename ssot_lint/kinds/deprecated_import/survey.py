"""What the deprecated-import fix reads of a file before it decides anything: one walk over
libcst's tree (``Survey``) for the import statements (each with the line or one-line suite
holding it and its block), the dotted name chains (``old.mod.X``), every other use of a name
(assignment, parameter, bare reference: what makes a rename unsafe, or a module a value) and
the strings inside annotations and those holding doctests.

``survey`` walks only the statements (at any depth) whose lines spell a word the plan reads
(``analysis.cst_parts.StatementOrder`` pairs libcst's statements with CPython's, whose lines are
known): a statement that spells none holds nothing the plan reads, and libcst then neither
walks nor rebuilds it. Each node recorded is mapped to the top-level
statement holding it (``tops``), so that the rewrite enters only those and positions start there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from ssot_lint.analysis.cst_parts import StatementOrder, lines_naming
from ssot_lint.analysis.imports import ImportRef
from ssot_lint.fix.cst_imports import dotted_name, import_refs
from ssot_lint.kinds.deprecated_import.rooted import rooted_refs

if TYPE_CHECKING:
    from ssot_lint.kinds.base import FileContext
    from ssot_lint.kinds.deprecated_import.check import DeprecatedImport

Unit = tuple[cst.CSTNode, int, tuple[str, ...]]  # a statement, the first line of its code, the indentation there


@dataclass
class Statement:
    """One import statement, the line (or one-line suite) holding it and the block it is in;
    ``scoped``: inside a function or class body (where an import binds a local or an attribute)."""

    node: cst.Import | cst.ImportFrom
    container: cst.SimpleStatementLine | cst.SimpleStatementSuite
    block: cst.CSTNode
    refs: list[int] = field(default_factory=list)
    scoped: bool = False


class Survey(cst.CSTVisitor):
    """One walk over the module: import statements, dotted name chains, and every other use of
    a name (assignment, parameter, bare reference...), which is what makes a rename unsafe."""

    def __init__(self) -> None:
        super().__init__()
        self.pruned = False  # some statements were not walked (``survey``)
        self.mismatched = False  # libcst's statements and CPython's did not pair up
        self._order: StatementOrder | None = None
        self._keep: list[bool] = []
        self._at = 0  # the index in ``_order`` of the next statement met
        self.tops: dict[cst.CSTNode, cst.CSTNode] = {}  # node recorded -> the top-level statement holding it
        # node recorded -> the innermost statement holding it whose line CPython's tree gives (a
        # pruned survey's), that line and the indentation there (``LazyPositions.place``)
        self.units: dict[cst.CSTNode, Unit] = {}
        self._units: list[Unit] = []
        self._indents: list[str] = []
        self.default_indent = "    "
        self._top: cst.CSTNode | None = None
        self.statements: list[Statement] = []
        self.chains: list[tuple[cst.Attribute, str]] = []
        self.names: dict[str, list[cst.Name]] = {}
        self.annotation_strings: list[cst.SimpleString] = []
        self.doctest_strings: list[cst.SimpleString] = []  # any string holding a doctest line (`doctests`)
        self.stored: set[cst.CSTNode] = set()  # attribute chains assigned to or deleted (`old.mod.X = 1`)
        self.rebound: set[str] = set()  # names bound other than by an import (`a = 1`, `def a`, `with x as a`)
        self.star_import = False
        self._blocks: list[cst.CSTNode] = []
        self._scopes: list[cst.CSTNode] = []  # the function and class definitions being walked
        self._container: cst.SimpleStatementLine | cst.SimpleStatementSuite | None = None
        self._skip: set[cst.CSTNode] = set()
        self._annotations = 0
        self._through: dict[str, list[tuple[cst.Attribute, str]]] | None = None
        self._stored_chains: list[tuple[cst.Attribute, str]] | None = None

    def chains_through(self, name: str | None) -> list[tuple[cst.Attribute, str]]:
        """The ``chains`` written through ``name`` (``name.a.b``), in order: indexed once, as the
        plan asks for each import's binding (each asking through every chain made N imports
        binding one name cost N times N)."""
        if self._through is None:
            self._through = {}
            for node, written in self.chains:
                self._through.setdefault(written.partition(".")[0], []).append((node, written))
        return self._through.get(name, []) if name is not None else []

    def stored_chains(self) -> list[tuple[cst.Attribute, str]]:
        """The ``chains`` assigned to or deleted (``stored``), in order."""
        if self._stored_chains is None:
            self._stored_chains = [(node, written) for node, written in self.chains if node in self.stored]
        return self._stored_chains

    def on_visit(self, node: cst.CSTNode) -> bool:
        order = self._order
        if order is not None and isinstance(node, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            at = self._at
            if at >= len(order.statements) or not order.pair(node, order.statements[at]):
                self.mismatched = True
                self._order = None  # walk everything from here on; the caller surveys again
            elif not self._keep[at]:  # its lines spell no word the plan reads
                self._at = order.ends[at]
                self.pruned = True
                return False
            else:
                self._at = at + 1
                if isinstance(node, cst.BaseCompoundStatement):
                    self._units.append((node, order.first_line(at), tuple(self._indents)))
        elif order is not None and isinstance(node, cst.SimpleStatementLine) and self._at < len(order.statements):
            self._units.append((node, order.first_line(self._at), tuple(self._indents)))  # its first small statement's line
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        if self._units and self._units[-1][0] is original_node:
            self._units.pop()

    def visit_Module(self, node: cst.Module) -> None:
        self._blocks.append(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._blocks.append(node)
        self._indents.append(self.default_indent if node.indent is None else node.indent)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._blocks.pop()
        self._indents.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)
        self.rebound.add(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._scopes and self._scopes[-1] is original_node:  # a pruned one was never entered
            self._scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append(node)
        self.rebound.add(node.name.value)

    def visit_AsName(self, node: cst.AsName) -> None:  # `with x as a`, `except E as a` (imports are not entered)
        self._store(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._store(node.target)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if self._scopes and self._scopes[-1] is original_node:
            self._scopes.pop()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._blocks.append(node)
        self._container = node

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._blocks.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._container = node

    def _statement(self, node: cst.Import | cst.ImportFrom) -> bool:
        assert self._container is not None
        self.statements.append(Statement(node, self._container, self._blocks[-1], scoped=bool(self._scopes)))
        self._mark(node)
        if isinstance(node, cst.ImportFrom):  # where a finding may be reported: the module part
            self._mark(node.relative[0] if node.relative else node.module)
        for alias in node.names if not isinstance(node.names, cst.ImportStar) else ():
            self._mark(alias)  # or the name
        return False

    def _mark(self, node: cst.CSTNode | None) -> None:
        if self._top is not None and node is not None:
            self.tops[node] = self._top
            if self._units:
                self.units[node] = self._units[-1]

    def visit_Import(self, node: cst.Import) -> bool:
        return self._statement(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.star_import = self.star_import or isinstance(node.names, cst.ImportStar)
        return self._statement(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        written = dotted_name(node)
        if written is not None:
            self.chains.append((node, written))
            if self._top is not None:
                inner: cst.BaseExpression = node
                while isinstance(inner, cst.Attribute):  # its prefixes are what a rewrite replaces
                    self._mark(inner)
                    inner = inner.value
            return False
        self._skip.add(node.attr)
        return True

    def _store(self, target: cst.BaseExpression) -> None:
        pending = [target]
        while pending:
            part = pending.pop()
            if isinstance(part, cst.Attribute):
                self.stored.add(part)
            elif isinstance(part, cst.Name):
                self.rebound.add(part.value)
            elif isinstance(part, cst.StarredElement):
                pending.append(part.value)
            elif isinstance(part, (cst.Tuple, cst.List)):
                pending += (element.value for element in part.elements)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._store(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._store(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(node.keyword)

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self._skip:
            self.names.setdefault(node.value, []).append(node)
            self._mark(node)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotations += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._annotations -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self._annotations:
            self.annotation_strings.append(node)
            self._mark(node)
        elif ">>> " in node.value or "... " in node.value:
            self.doctest_strings.append(node)
            self._mark(node)


def survey(module: cst.Module, order: StatementOrder | None = None, keep: list[bool] | None = None) -> Survey:
    """The survey of ``module``, each top-level statement walked on its own (the module node is
    not rebuilt). With ``order`` (CPython's statements of the same text) and ``keep`` (which of
    them to walk), a statement not kept is skipped whole, nested ones too; ``mismatched`` is set
    when libcst's statements did not pair up with CPython's (the survey is then incomplete)."""
    found = Survey()
    found.default_indent = module.default_indent
    if order is not None and keep is not None:
        found._order, found._keep = order, keep
    found.visit_Module(module)
    for part in module.body:
        found._top = part
        part.visit(found)
    if found._order is not None and found._at != len(found._order.statements):
        found.mismatched = True
    return found


def read_words(rule: DeprecatedImport, imports: list[ImportRef]) -> set[str]:
    """Every word a node the plan reads spells (``imports``: the file's, from CPython's tree):
    ``import`` (every import statement), each name a deprecated import binds (its uses, chains
    and string annotations), each name bound to a package above a deprecated target (the heads
    of the references ``deprecated_references`` flags), and the top-level package of each
    replacement (whether the file already uses it, for ``import old.x`` rewritten with its
    references). A statement whose lines spell none of them is not surveyed."""
    words = {"import"}
    deprecated = [old.dotted for old, _ in rule.targets]
    words.update(new.module.split(".")[0] for _, new in rule.targets)
    for ref in imports:
        if ref.bound is None or ref.module is None:
            continue
        value = ref.bound if ref.plain else ref.dotted or ""
        if rule.match(ref) is not None or any(target.startswith(value + ".") for target in deprecated):
            words.add(ref.bound)
    return words


def survey_file(rule: DeprecatedImport, ctx: FileContext) -> tuple[Survey, list[ImportRef], list[Statement]]:
    """The survey of the file ``ctx`` for ``rule``'s fix (of the statements spelling a word it
    reads), the names the file imports and the statement of each. A pruned survey that misses
    what CPython's tree shows it must find (every imported name, the binding of each deprecated
    one among the words) is done again whole: the plan is the same, only slower."""
    imports = rooted_refs(ctx.imports(), ctx.ref, rule.match)
    survey, refs, owner = _survey_with(ctx, read_words(rule, imports))
    refs = rooted_refs(refs, ctx.ref, rule.match)
    if survey.mismatched or (survey.pruned and (len(refs) != len(imports) or not _covers(rule, refs, read_words(rule, imports)))):
        survey, refs, owner = _survey_with(ctx, None)
        refs = rooted_refs(refs, ctx.ref, rule.match)
    return survey, refs, owner


def _covers(rule: DeprecatedImport, refs: list[ImportRef], words: set[str]) -> bool:
    return all(ref.bound is None or ref.bound in words or rule.match(ref) is None for ref in refs)


def _survey_with(ctx: FileContext, words: set[str] | None) -> tuple[Survey, list[ImportRef], list[Statement]]:
    lines = None if words is None else lines_naming(ctx.text, ctx.lines.starts, words)
    order = None if lines is None else StatementOrder(ctx.tree)
    found = survey(ctx.module, order, None if order is None or lines is None else order.spelling(lines))
    refs: list[ImportRef] = []
    owner: list[Statement] = []
    for statement in found.statements:
        for ref in import_refs(statement.node, ctx.ref.module, ctx.ref.is_package):
            statement.refs.append(len(refs))
            refs.append(ref)
            owner.append(statement)
    return found, refs, owner
