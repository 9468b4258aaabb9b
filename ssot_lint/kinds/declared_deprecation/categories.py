"""Which warning categories declare a deprecation (part of ``declared-deprecation``'s
project-wide half): a category derives from ``DeprecationWarning`` or ``PendingDeprecationWarning``,
a ``categories`` option, or only ``FutureWarning`` (then its words must say deprecation), following
project classes and warning helpers across files."""

from __future__ import annotations

from ssot_lint.kinds.declared_deprecation.declarations import BUILTIN_CATEGORIES, FUTURE_WARNING, ClassBases, Declaration
from ssot_lint.kinds.declared_deprecation.definitions import aliases, defined, definition
from ssot_lint.kinds.declared_deprecation.wording import DEPRECATION, PROVISIONAL, says, strongest
from ssot_lint.project.module_index import ModuleIndex


class Categories:
    """Whether a qualified category derives from a deprecation warning, following project
    classes (through imports, re-exports and aliases) across files: ``deprecation`` (from
    ``DeprecationWarning`` / ``PendingDeprecationWarning`` or a ``categories`` option), ``future``
    (from ``FutureWarning`` only: its words must say deprecation, ``wording``) or ``""``."""

    def __init__(self, index: ModuleIndex, classes: dict[str, dict[str, ClassBases]], extra: frozenset[str], helpers: dict[tuple[str, str], str]) -> None:
        self.index, self.classes, self.extra, self.helpers = index, classes, extra, helpers
        self.memo: dict[str, tuple[str, str]] = {}

    def helper(self, category: str) -> str | None:
        """The category of the project warning helper ``helper:<dotted>`` calls (None: no helper)."""
        found = defined(self.index, category.removeprefix("helper:"))
        return self.helpers.get(found) if found is not None else None

    def is_helper(self, category: str) -> bool:
        return self.helper(category) is not None

    def not_declared(self, declaration: Declaration) -> str:
        """Why a declaration with this category declares nothing ("" when it declares)."""
        kind, class_said = self.kind(declaration.category)
        if not kind:
            return "is not a deprecation warning"
        if kind == DEPRECATION:
            return ""
        text_said = says(declaration.text)
        if PROVISIONAL in (text_said, class_said):
            where = "the text says" if text_said == PROVISIONAL else "its class says"
            return f"is a FutureWarning and {where} the API is provisional or experimental"
        if DEPRECATION not in (text_said, class_said):
            return "is a FutureWarning and the text says nothing of a deprecation"
        return ""

    def not_declared_by(self, category: str, why: str) -> str:
        """Why a declaration with ``category`` declares nothing, as ``not_deprecations`` says it
        (``why``: ``not_declared``'s words): the category itself, not the warning helper called
        for it, which is no category."""
        if not category.startswith("helper:"):
            return f"category {category} {why}"
        helper = category.removeprefix("helper:")
        inner = self.helper(category) or ""
        if "." not in inner and inner not in BUILTIN_CATEGORIES:
            # ``warnings.warn(message, category)``: whatever each call passes, which is not read
            return f"warning helper {helper} warns with the category it is given ({inner}), which is not read from its calls: declares nothing"
        return f"category {inner} of warning helper {helper} {why}"

    def kind(self, dotted: str, seen: frozenset[str] = frozenset()) -> tuple[str, str]:
        """(``deprecation`` / ``future`` / ``""``, what the project classes on the way say)."""
        if dotted in self.extra or (dotted in BUILTIN_CATEGORIES and dotted != FUTURE_WARNING):
            return DEPRECATION, ""
        if dotted == FUTURE_WARNING:
            return "future", ""
        if dotted in self.memo:
            return self.memo[dotted]
        if dotted in seen:
            return "", ""
        found: tuple[str, str] = ("", "")
        if dotted.startswith("helper:"):
            inner = self.helper(dotted)
            found = self.kind(inner, seen | {dotted}) if inner is not None else found
        elif self.index.in_project(dotted):
            owner = self.index.file_module(dotted)
            if owner is not None and owner != dotted and "." not in dotted[len(owner) + 1 :]:
                module, name = definition(self.index, owner, dotted[len(owner) + 1 :])
                cls = self.classes.get(module, {}).get(name)
                found = _best([self.kind(base, seen | {dotted}) for base in (cls.bases if cls else ())])
                if cls is not None and found[0]:
                    found = (found[0], strongest(found[1], cls.says))
                if not found[0] and (module, name) != (owner, dotted[len(owner) + 1 :]):
                    found = _best([self.kind(alias, seen | {dotted}) for alias in aliases(self.index, module, name)])
        self.memo[dotted] = found
        return found


def _best(kinds: list[tuple[str, str]]) -> tuple[str, str]:
    """A deprecation base wins over a FutureWarning one (a class may derive from both)."""
    for wanted in (DEPRECATION, "future"):
        said = [s for k, s in kinds if k == wanted]
        if said:
            return wanted, strongest(*said)
    return "", ""
