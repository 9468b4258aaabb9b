# The summary walk's import facts in C (_import_facts.c); False means "refused: run the Python loop".
import ast
from collections.abc import Set

def import_facts(
    names: list[ast.alias],
    plain: bool,
    module: str | None,
    level: int,
    top: str | None,
    module_level: bool,
    checking: bool,
    heads: Set[str],
    pure: set[str],
    objects: set[str],
    pure_tops: frozenset[str],
    fact_type: type[tuple[object, ...]],
    tail: tuple[object, ...],
    into: list[object],
    /,
) -> bool: ...
