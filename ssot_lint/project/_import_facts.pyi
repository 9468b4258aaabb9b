# The summary walk's import facts in C (_import_facts.c); False means "refused: run the Python loop".
import ast
from collections.abc import Set

from ssot_lint.analysis.simple_imports import ImportRecord

def import_facts(
    node: ast.Import | ast.ImportFrom | ImportRecord,
    plain: bool,
    module: str | None,
    level: int,
    text: str,
    starts: list[int],
    top: str | None,
    module_level: bool,
    checking: bool,
    heads: Set[str],
    pure: set[str],
    objects: set[str],
    pure_tops: frozenset[str],
    fact_type: type[tuple[object, ...]],
    rest: tuple[bool, bool, bool, bool, bool, bool, bool],
    into: list[object],
    /,
) -> bool: ...
