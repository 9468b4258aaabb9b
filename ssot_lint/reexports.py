"""What a pure re-export module may contain, and what counts as an alias (``A = B``).

Used by the module summary to decide ``reexport_only`` and to list aliases; kept apart because it
is a judgement about module shape, not about names.
"""

from __future__ import annotations

import libcst as cst

from ssot_lint.cst_imports import dotted_name


def alias_of(small: cst.BaseSmallStatement) -> tuple[cst.Name, str] | None:
    """``A = B`` / ``A = m.B`` / ``A: T = B`` with a plain (non-dunder) name on the left."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    written = dotted_name(value)
    if not isinstance(target, cst.Name) or written is None or target.value.startswith("__"):
        return None
    if written in ("None", "True", "False"):
        return None
    return target, written


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def reexport_statement(statement: cst.BaseStatement) -> bool:
    """Whether a statement is one a pure re-export module may contain."""
    if isinstance(statement, cst.SimpleStatementLine):
        return all(_reexport_small(small) for small in statement.body)
    if isinstance(statement, cst.If):
        blocks: list[cst.BaseSuite] = [statement.body]
        orelse = statement.orelse
        while orelse is not None:
            blocks.append(orelse.body)
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        return all(_reexport_block(b) for b in blocks)
    if isinstance(statement, cst.Try):
        blocks = [statement.body, *(h.body for h in statement.handlers)]
        blocks += [b.body for b in (statement.orelse, statement.finalbody) if b is not None]
        return all(_reexport_block(b) for b in blocks)
    return False


def _reexport_block(block: cst.BaseSuite) -> bool:
    if isinstance(block, cst.SimpleStatementSuite):
        return all(_reexport_small(small) for small in block.body)
    return all(reexport_statement(s) for s in block.body)  # type: ignore[attr-defined]


def _reexport_small(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass, cst.Del)):
        return True
    if isinstance(small, cst.Expr):
        value = small.value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
            return True
        # A deprecation shim warns on import; the warning does not make it a real module.
        if isinstance(value, cst.Call) and dotted_name(value.func) in ("warnings.warn", "warn"):
            return True
        if isinstance(value, cst.Call) and dotted_name(value.func) in ("__all__.extend", "__all__.append"):
            return True
        return False
    if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        if all(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
            return True
        return alias_of(small) is not None or (
            isinstance(small, cst.Assign)
            and all(isinstance(t, cst.Name) for t in targets)
            and dotted_name(small.value) is not None
        )
    return False
