"""Rewriting import statements once the deprecated-import fix has decided what each imported
name becomes (``deprecated_import_fix``): statement edits and the transformer applying them.

Everything not edited is kept as written: a statement keeps its parentheses, trailing comma and
comments when names are renamed in it or removed from it; names that move to another module go
to a new one-line statement right after it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import libcst as cst

from ssot_lint.analysis.imports import relative_spelling
from ssot_lint.fix.cst_imports import dotted_name
from ssot_lint.fix.cstedit import comment_lines, comments_in, dotted_expr, drop_items
from ssot_lint.fix.destinations import DROP, STAY, Decision, FromDest, ModDest
from ssot_lint.fix.import_comments import detach, is_pragma, line_names

__all__ = ["DROP", "STAY", "Decision", "FromDest", "ModDest", "ImportRewriter", "StatementEdit", "edit_import", "edit_import_from"]


@dataclass
class StatementEdit:
    """What replaces one import statement: ``outputs`` (statement, comment lines to put above
    it) in order, the comment at the end of an output's line (by its index; never the first,
    which takes the old statement's line), and, when nothing is left, the comments to keep above
    the next statement."""

    outputs: list[tuple[cst.BaseSmallStatement, list[str]]] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    trailing: dict[int, str] = field(default_factory=dict)
    moved_line_comment: bool = False  # the comment after the old statement now ends another output's line

    @property
    def comments(self) -> list[str]:
        return [c for _, comments in self.outputs for c in comments] + list(self.trailing.values()) + self.carried


# The module a statement is written in, whether it is a package, and what its name from the
# project root puts before it (``module_paths.root_prefix``).
Importer = tuple[str, bool, str]


def _spelling(module: str, relative: bool, importer: Importer | None) -> tuple[list[cst.Dot], cst.Attribute | cst.Name | None]:
    """How a ``from`` statement names ``module``: relative when the statement it replaces was
    (``relative``) and ``module`` lies in the importer's top-level package (the fix's verdict
    refuses or marks unsafe a relative import it must make absolute), else absolute."""
    spelled = relative_spelling(importer[0], importer[1], module, importer[2]) if relative and importer is not None else None
    if spelled is None:
        return [], dotted_expr(module)
    dots, rest = spelled
    return [cst.Dot()] * dots, dotted_expr(rest) if rest else None


def _from_statement(module: str, aliases: list[cst.ImportAlias], relative: bool = False, importer: Importer | None = None) -> cst.ImportFrom:
    dots, name = _spelling(module, relative, importer)
    return cst.ImportFrom(module=name, names=aliases, relative=dots)


def _alias(name: str, asname: str | None) -> cst.ImportAlias:
    return cst.ImportAlias(name=dotted_expr(name), asname=cst.AsName(name=cst.Name(asname)) if asname else None)


def _renamed(alias: cst.ImportAlias, dest: FromDest) -> cst.ImportAlias:
    """``alias`` naming ``dest.name`` while binding the same local name (its comma kept)."""
    if dotted_name(alias.name) == dest.name:
        return alias
    asname = alias.asname
    if asname is None and dest.asname:
        asname = cst.AsName(name=cst.Name(dest.asname))
    return alias.with_changes(name=cst.Name(dest.name), asname=asname)


def _retargeted(node: cst.ImportFrom, module: str, importer: Importer | None) -> cst.ImportFrom:
    """``node`` importing from ``module``: relative when it was and can stay so, else absolute."""
    dots, name = _spelling(module, bool(node.relative), importer)
    space = node.whitespace_after_from
    if not dots and isinstance(space, cst.SimpleWhitespace) and not space.value:
        space = cst.SimpleWhitespace(" ")  # `from.x import y` needs a space once the dot is gone
    before = node.whitespace_before_import
    if name is not None and isinstance(before, cst.SimpleWhitespace) and not before.value:
        before = cst.SimpleWhitespace(" ")  # `from . import y` written `from .import y`
    return node.with_changes(module=name, relative=dots, whitespace_after_from=space, whitespace_before_import=before)


def edit_import_from(
    node: cst.ImportFrom, resolved: str | None, decisions: Sequence[Decision], importer: Importer | None = None, line_comment: str | None = None
) -> StatementEdit:
    """Apply per-name decisions to a ``from`` import (``resolved``: its absolute module) written
    in ``importer`` (a relative import stays relative where it can); ``line_comment``: the
    comment after the statement, at the end of its line (the statement alone on it).

    A comment ending a line goes with the names of that line: a pragma (``fix.import_comments``)
    to each statement that holds one of them, another one to the first (it stays where it was
    when that statement still holds one)."""
    if isinstance(node.names, cst.ImportStar):
        (dest,) = decisions
        assert isinstance(dest, FromDest)
        return StatementEdit([(_retargeted(node, dest.module, importer), [])])
    stays = [i for i, d in enumerate(decisions) if d == STAY]
    groups: dict[tuple[str, str], list[int]] = {}
    for index, decision in enumerate(decisions):
        if isinstance(decision, FromDest):
            if stays and decision.module == resolved:
                stays.append(index)  # renamed where it stands: the statement keeps its form
            else:
                groups.setdefault(("from", decision.module), []).append(index)
        elif isinstance(decision, ModDest):
            groups.setdefault(("import", ""), []).append(index)
    in_place: list[int] = sorted(stays)
    module: str | None = None
    if not in_place:
        first = next((key for key in groups if key[0] == "from"), None)
        if first is not None:
            in_place, module = groups.pop(first), first[1]
    # Each name leaving the statement takes its own comments along (the lines above it, the one
    # at the end of its line); a dropped name's go above the statement that stays.
    detached = detach(node, set(range(len(decisions))) - set(in_place))
    aliases = detached.aliases
    edit = StatementEdit()
    dropped = [c for i, d in enumerate(decisions) if d == DROP for c in detached.own(i)]
    if not in_place:  # the statement itself goes: so do comments outside its names (before `)`)
        dropped += _outside_names(node, [c for i in range(len(decisions)) for c in detached.own(i)])
    if in_place:
        renamed = [_renamed(a, decisions[i]) if isinstance(decisions[i], FromDest) else a for i, a in enumerate(aliases)]  # type: ignore[arg-type]
        rpar = detached.rpar
        kept, closing = drop_items(renamed, set(range(len(aliases))) - set(in_place), rpar.whitespace_before if rpar else None)
        statement = node.with_changes(names=kept, lpar=detached.lpar, rpar=rpar.with_changes(whitespace_before=closing) if rpar else None)
        if len(kept) < len(aliases):
            statement = _unbracketed(statement)
        edit.outputs.append((_retargeted(statement, module, importer) if module else statement, dropped))
        dropped = []
    ends = _line_ends(node, detached.trailing, line_comment, in_place, list(groups.values()))
    if line_comment is not None and ends.get(-1) is not None:
        edit.moved_line_comment = True
    for (kind, target), members in groups.items():
        above = [c for i in members for c in detached.above.get(i, [])]
        trailing = list(dict.fromkeys(c for i in members if (c := ends.get(i)) is not None))
        if kind == "from":
            fresh = [_alias(decisions[i].name, decisions[i].asname) for i in members]  # type: ignore[union-attr]
            new: cst.ImportFrom | cst.Import = _from_statement(target, fresh, bool(node.relative), importer)
        else:
            fresh = [_alias(decisions[i].module, decisions[i].asname) for i in members]  # type: ignore[union-attr]
            new = cst.Import(names=fresh)
        if len(trailing) > 1 and isinstance(new, cst.ImportFrom):  # one name a line, each with its comment
            new = _one_a_line(new, [ends.get(i) for i in members])
        elif len(trailing) == 1 and edit.outputs:  # on the new statement's own line, where it still applies
            edit.trailing[len(edit.outputs)] = trailing[0]
        else:  # the first output takes the old statement's line (whose end may hold a comment); `import a, b`
            above += trailing
        edit.outputs.append((new, dropped + above))
        dropped = []
    edit.carried = dropped
    return edit


def _unbracketed(node: cst.ImportFrom) -> cst.ImportFrom:
    """``from m import (X)`` (one name left, on one line, no comment) without its parentheses."""
    names = node.names
    if node.lpar is None or isinstance(names, cst.ImportStar) or len(names) != 1:
        return node
    bare = node.with_changes(names=[names[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)], lpar=None, rpar=None)
    code = cst.Module([]).code_for_node(node)
    if "\n" in code or "#" in code:
        return node
    space = bare.whitespace_after_import
    return bare.with_changes(whitespace_after_import=space if isinstance(space, cst.SimpleWhitespace) and space.value else cst.SimpleWhitespace(" "))


def _line_ends(node: cst.ImportFrom, taken: dict[int, str], line_comment: str | None, in_place: list[int], groups: list[list[int]]) -> dict[int, str]:
    """The comment each leaving name's new statement ends with (by name index; -1: the comment
    after the statement left its first output, which holds no name of its line). ``taken``:
    the comments leaving names took along (``detach``); the statement keeps the others."""
    lines, last = line_names(node)
    ends = dict(taken)
    found: dict[int, str] = {}  # line -> the comment ending it
    for index, comment in taken.items():
        found[lines[index]] = comment
    for index, alias in enumerate(node.names):  # type: ignore[arg-type]
        space = (
            alias.comma.whitespace_after
            if isinstance(alias.comma, cst.Comma)
            else (node.rpar.whitespace_before if node.rpar and index == len(lines) - 1 else None)
        )
        if isinstance(space, cst.ParenthesizedWhitespace) and space.first_line.comment is not None:
            found.setdefault(lines[index], space.first_line.comment.value)
    holder: int | None = None  # the first output that holds a name of the statement's last line
    if line_comment is not None and last in lines:
        found[last] = line_comment
        outputs = ([in_place] if in_place else []) + groups
        holder = next((n for n, members in enumerate(outputs) if any(lines[i] == last for i in members)), None)
        if holder not in (None, 0):
            ends[-1] = line_comment
            first = outputs[holder][[lines[i] for i in outputs[holder]].index(last)]
            ends[first] = line_comment
    for members in groups:
        for index in members:
            ending = found.get(lines[index])
            if ending is not None and index not in ends and is_pragma(ending):
                ends[index] = ending
    return ends


def _one_a_line(node: cst.ImportFrom, comments: list[str | None]) -> cst.ImportFrom:
    """``node`` written ``from m import (`` with one name a line, each ending with its comment."""
    aliases = list(node.names)  # type: ignore[arg-type]
    indent = cst.SimpleWhitespace("    ")

    def after(comment: str | None, last: bool) -> cst.ParenthesizedWhitespace:
        first = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment)) if comment else cst.TrailingWhitespace()
        return cst.ParenthesizedWhitespace(first_line=first, indent=True, last_line=cst.SimpleWhitespace("") if last else indent)

    laid = [alias.with_changes(comma=cst.Comma(whitespace_after=after(c, i == len(aliases) - 1))) for i, (alias, c) in enumerate(zip(aliases, comments))]
    opening = cst.ParenthesizedWhitespace(indent=True, last_line=indent)
    return node.with_changes(names=laid, lpar=cst.LeftParen(whitespace_after=opening), rpar=cst.RightParen())


def _outside_names(node: cst.ImportFrom, inside: list[str]) -> list[str]:
    """The comments of ``node`` that are not its names' own (``inside``)."""
    inside = list(inside)
    outside = []
    for comment in comments_in(node):
        if comment in inside:
            inside.remove(comment)
        else:
            outside.append(comment)
    return outside


def edit_import(node: cst.Import, decisions: Sequence[Decision]) -> StatementEdit:
    """Apply per-name decisions to an ``import a.b [as c], ...`` statement, in place."""
    aliases = [
        alias.with_changes(name=dotted_expr(decision.module)) if isinstance(decision, ModDest) else alias for alias, decision in zip(node.names, decisions)
    ]
    drop = {i for i, d in enumerate(decisions) if d == DROP}
    comments = [c for i in sorted(drop) for c in comments_in(node.names[i])]
    kept, _ = drop_items(aliases, drop, None)
    if not kept:
        return StatementEdit(carried=comments)
    return StatementEdit([(node.with_changes(names=kept), comments)])


Container = cst.SimpleStatementLine | cst.SimpleStatementSuite


def _ending(comment: str | None) -> cst.TrailingWhitespace:
    if comment is None:
        return cst.TrailingWhitespace()
    return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment))


class ImportRewriter(cst.CSTTransformer):
    """Applies statement edits (keyed by the original statement) and expression replacements
    (keyed by the original node: the ``old.mod`` prefix of ``old.mod.X`` chains). The nodes in
    ``skip`` (top-level statements holding no edited node) are kept as they are, unvisited."""

    def __init__(self, edits: dict[cst.CSTNode, StatementEdit], expressions: dict[cst.CSTNode, cst.BaseExpression], skip: Collection[cst.CSTNode] = ()) -> None:
        super().__init__()
        self.edits = edits
        self.expressions = expressions
        self.skip = skip
        self._emptied: set[cst.CSTNode] = set()  # lines whose statements all went away

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Import statements are edited whole where their line is left, so without expression
        # replacements nothing inside an expression or a small statement needs a visit: skipping
        # them spares rebuilding most of the tree (an unvisited node is kept as it is).
        if not self.expressions and isinstance(node, (cst.BaseExpression, cst.BaseSmallStatement)):
            return False
        if self.skip and node in self.skip:
            return False
        return super().on_visit(node)

    # libcst declares on_leave to return the node's own type; a replacement may be another
    # expression type (`old.mod` -> `new`, an Attribute becoming a Name), hence the override.
    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:  # type: ignore[override]
        replacement = self.expressions.get(original_node)
        if replacement is not None:
            return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)  # type: ignore[attr-defined]
        return super().on_leave(original_node, updated_node)

    def _body(self, original: Container, updated: Container) -> tuple[list[cst.BaseSmallStatement], list[str]]:
        body: list[cst.BaseSmallStatement] = []
        comments: list[str] = []
        for old, new in zip(original.body, updated.body):
            edit = self.edits.get(old)
            if edit is None:
                body.append(new)
                continue
            for index, (statement, above) in enumerate(edit.outputs):
                last = index == len(edit.outputs) - 1
                body.append(statement.with_changes(semicolon=old.semicolon if last else cst.MaybeSentinel.DEFAULT))
                comments.extend(above)
                comments.extend([edit.trailing[index]] if index in edit.trailing else [])  # the line has other statements
            comments.extend(edit.carried)
        return body, comments

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if not any(statement in self.edits for statement in original_node.body):
            return updated_node
        if len(original_node.body) == 1:
            edit = self.edits[original_node.body[0]]
            if edit.outputs:
                (first, above), *rest = edit.outputs
                ending = (
                    cst.TrailingWhitespace(newline=updated_node.trailing_whitespace.newline) if edit.moved_line_comment else updated_node.trailing_whitespace
                )
                lines = [
                    updated_node.with_changes(body=[first], leading_lines=[*updated_node.leading_lines, *comment_lines(above)], trailing_whitespace=ending)
                ]
                lines += [
                    cst.SimpleStatementLine(body=[s], leading_lines=comment_lines(c), trailing_whitespace=_ending(edit.trailing.get(index)))
                    for index, (s, c) in enumerate(rest, 1)
                ]
                return cst.FlattenSentinel(lines)
            body: list[cst.BaseSmallStatement] = []
            comments = edit.carried
        else:
            body, comments = self._body(original_node, updated_node)
        if body:
            return updated_node.with_changes(body=body, leading_lines=[*updated_node.leading_lines, *comment_lines(comments)])
        trailing = comments_in(updated_node.trailing_whitespace)
        emptied = updated_node.with_changes(
            body=[cst.Pass()],
            leading_lines=[*updated_node.leading_lines, *comment_lines(comments + trailing)],
            trailing_whitespace=cst.TrailingWhitespace(),
        )
        self._emptied.add(emptied)
        return emptied

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite) -> cst.BaseSuite:
        if not any(statement in self.edits for statement in original_node.body):
            return updated_node
        body, _ = self._body(original_node, updated_node)  # the plan refuses edits with comments here
        return updated_node.with_changes(body=body or [cst.Pass()])

    def _without_emptied(self, body: Sequence[cst.BaseStatement], footer: Sequence[cst.EmptyLine]) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """Drop emptied lines, moving their comment lines onto what follows."""
        kept: list[cst.BaseStatement] = []
        carry: list[cst.EmptyLine] = []
        for index, statement in enumerate(body):
            # Every statement (a SimpleStatementLine or a BaseCompoundStatement) has leading_lines;
            # their base class BaseStatement does not declare it.
            if statement in self._emptied and (kept or index < len(body) - 1):
                carry.extend(statement.leading_lines)  # type: ignore[attr-defined]
                continue
            if carry:
                statement = statement.with_changes(leading_lines=[*carry, *statement.leading_lines])  # type: ignore[attr-defined]
                carry = []
            kept.append(statement)
        return kept, [*carry, *footer]

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if not any(s in self._emptied for s in updated_node.body):
            return updated_node
        body, footer = self._without_emptied(updated_node.body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not any(s in self._emptied for s in updated_node.body):
            return updated_node
        body, footer = self._without_emptied(updated_node.body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)
