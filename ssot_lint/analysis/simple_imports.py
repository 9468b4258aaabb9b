"""The top-level import statements the outline leaves out and reads from the text instead.

Import statements are half of a typical outline (Home Assistant: 3.9 of its 8.4 MB) and CPython
parses each into nodes. When the C scan is built, a top-level statement that is exactly one
import written the plain way (``_simple_imports.c`` says which) is left out of the outline and
read into an ``ImportRecord``: the module summary's walk turns records into its facts without a
node, in C (``project/_import_facts.c``); whoever needs the node gets the very one CPython would
have made from ``import_node`` (tests/test_simple_imports.py compares them). Without the C
scan nothing is left out, and the outline holds every import as before.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from ssot_lint.analysis.syntax import first_line

# (name, asname, lineno, col_offset, end_lineno, end_col_offset): an ``ast.alias``
AliasRecord = tuple[str, "str | None", int, int, int, int]
# (lineno, col_offset, end_lineno, end_col_offset, level, module, names): ``level`` -1 for
# ``import a.b`` (module None), the dots of ``from`` otherwise
ImportRecord = tuple[int, int, int, int, int, "str | None", tuple[AliasRecord, ...]]

IMPORT_ONLY = -1  # ImportRecord's level for `import a.b`


def import_node(record: ImportRecord) -> ast.Import | ast.ImportFrom:
    """The node CPython makes of the statement ``record`` was read from."""
    line, col, end_line, end_col, level, module, names = record
    aliases = [ast.alias(name, asname, lineno=a, col_offset=b, end_lineno=c, end_col_offset=d) for name, asname, a, b, c, d in names]
    if level == IMPORT_ONLY:
        return ast.Import(aliases, lineno=line, col_offset=col, end_lineno=end_line, end_col_offset=end_col)
    return ast.ImportFrom(module, aliases, level, lineno=line, col_offset=col, end_lineno=end_line, end_col_offset=end_col)


def in_source_order(body: Sequence[ast.stmt], records: Iterable[ImportRecord]) -> list[ast.stmt | ImportRecord]:
    """``body`` (top-level statements in source order) and ``records`` (read from between them)
    in one list, in source order: top-level statements are whole lines apart, so each one's first
    line (its first decorator's) orders them."""
    merged: list[ast.stmt | ImportRecord] = [*body, *records]
    merged.sort(key=lambda item: item[0] if isinstance(item, tuple) else first_line(item))
    return merged


def with_imports(body: Sequence[ast.stmt], records: Iterable[ImportRecord]) -> list[ast.stmt]:
    """``body`` with the nodes of ``records`` in their places."""
    return [import_node(item) if isinstance(item, tuple) else item for item in in_source_order(body, records)]
