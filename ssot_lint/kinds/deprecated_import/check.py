"""deprecated-import: imports of deprecated module paths or members, and calls of deprecated callables.

Options
- ``replace`` (table, required): deprecated -> canonical. Keys and values are ``package.module``
  or ``package.module:Member``. A deprecated module also covers its submodules.
- ``calls`` (table or list): deprecated callables ``module:function``, flagged at every call site
  reached through an import (``f()``, ``m.f()``), mapped to a replacement or to ``""``.

Matched: ``import a.b``, ``import a.b as x``, ``from a.b import c``, ``from a import b`` (b a
submodule or member), ``from a import *``, relative imports resolved against the file's package,
and imports nested in functions, ``try`` and ``if TYPE_CHECKING`` blocks. One finding per
deprecated target per statement. Strings, comments and docstrings never match: only the syntax
tree is read.

Message fields: ``{target}`` (the deprecated path), ``{replacement}``, ``{imported}`` (what the
statement names), ``{what}`` (``module``, ``member`` or ``call``).

Fix (``ssot-lint fix``): imports are rewritten to the replacement, keeping the names the file
binds (``from new import B as A`` when member ``A`` became ``B``), aliases, comments, parentheses
and trailing commas; a statement is split when only some names move; relative imports become
absolute; ``import old.mod`` used as ``old.mod.X`` has every such reference rewritten. Calls are
left for a human (the replacement may take other arguments). See ``deprecated_import_fix``.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from ssot_lint.analysis.imports import ImportRef, bindings, dotted_name, qualify
from ssot_lint.kinds.base import Example, FileContext, FixOutcome, Option, OptionError, Rule, Target, word_pattern
from ssot_lint.model import FileRef, Finding

if TYPE_CHECKING:
    import libcst as cst

_STAR_IMPORT = re.compile(r"import[\s\\]*\*")


class DeprecatedImport(Rule):
    kind = "deprecated-import"
    summary = "Imports of deprecated module paths or members (and calls of deprecated callables)."
    category = "Compatibility"
    options = {
        "replace": Option("str-map", "deprecated -> canonical ('module' or 'module:Member')", required=True),
        "calls": Option(
            "any",
            "deprecated callables 'module:function' (list, or table to replacements)",
            schema={"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object", "additionalProperties": {"type": "string"}}]},
        ),
    }
    # The options, as Rule.__init__ sets them (option_attribute names them); configure() checks
    # the shape of ``calls`` (a list, or a table to replacements).
    replace: dict[str, str]
    calls: list[str] | dict[str, str] | None
    message_fields = ("target", "replacement", "imported", "what")
    default_message = "{target} is deprecated; import {replacement}"
    fixable = True
    EXAMPLE_OPTIONS = {
        "replace": {"old.pkg": "new.pkg", "shop.core:Manager": "shop.core.manager:Manager"},
        "calls": ["old.factory:make_manager"],
    }

    VALID = [
        Example.of("import new.pkg\nfrom new.pkg import thing\n", 0),
        Example.of('"""Do not use old.pkg any more."""\n# from old.pkg import x\ns = "import old.pkg"\n', 0),
        Example.of("from shop.core import Other\nimport old_pkg\nimport old.pkgs\n", 0),
    ]
    INVALID = [
        Example.of("import old.pkg\n", 1, lines=[1]),
        Example.of("import old.pkg.sub as s\n", 1, lines=[1]),
        Example.of("from old.pkg import a, b\n", 1, lines=[1]),
        Example.of("from old import pkg\n", 1, lines=[1]),
        Example.of("from shop.core import (\n    Other,\n    Manager,\n)\n", 1, lines=[3]),
        Example.of("def f():\n    try:\n        from old.pkg.x import y\n    except ImportError:\n        pass\n", 1, lines=[3]),
        Example.of("from . import pkg\n", 1, path="old/__init__.py", lines=[1]),
        Example.of("from .pkg import thing\n", 1, path="old/other.py", lines=[1]),
        Example.of("from old.factory import make_manager as mk\n\nm = mk()\n", 1, lines=[3]),
    ]

    def configure(self) -> None:
        self.targets: list[tuple[Target, Target]] = []
        for old, new in self.replace.items():
            self.targets.append((Target.parse(old), Target.parse(new)))
        calls: object = self.calls if self.calls is not None else {}
        if isinstance(calls, list) and all(isinstance(c, str) for c in calls):  # a list inside it would not hash: refused below
            calls = {c: "" for c in calls}
        if not isinstance(calls, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in calls.items()):
            raise OptionError("'calls' must be a list of 'module:function' or a table of them to replacements")
        self.call_targets: dict[str, tuple[Target, str]] = {}
        for old, new in calls.items():
            target = Target.parse(old)
            if target.member is None:
                raise OptionError(f"'calls' entry {old!r} must name a callable as 'module:function'")
            if new:
                Target.parse(new)
            self.call_targets[target.dotted] = (target, new)
        # Longest first, so the most specific deprecated path wins when several cover an import.
        self.targets.sort(key=lambda pair: -len(pair[0].dotted))
        self._target_modules = sorted({t.module for t, _ in self.targets})
        members = [t for t, _ in self.targets if t.member is not None]
        # `from <...>mod import` (the module clause ends with the module's last component)
        # Each module name leads, its look-behind after it, so the regex engine can skip ahead to
        # the names' first characters (a leading look-behind made this scan every position: 4x slower).
        last_parts = sorted({re.escape(t.module.rsplit(".", 1)[-1]) for t in members})
        self._member_froms = re.compile("(?:" + "|".join(f"{m}(?<!\\w{m})" for m in last_parts) + r")[\s\\]+import(?!\w)") if members else None
        self._member_words = word_pattern(t.module.rsplit(".", 1)[-1] for t in members)
        self._members = word_pattern(t.member for t in members if t.member)
        self._module_and_call_words = word_pattern(
            [t.module.rsplit(".", 1)[-1] for t, _ in self.targets if t.member is None] + [t.member for t, _ in self.call_targets.values() if t.member]
        )

    def needs_parse(self, text: str, ref: FileRef) -> bool:
        # Relative imports inside a target's own package need not spell it (`from . import x`,
        # `from .. import *`), so files there are always parsed.
        if any(ref.module == m or ref.module.startswith(m + ".") for m in self._target_modules):
            return True
        if self._member_words is not None and self._member_froms is not None and self._members is not None:
            # Elsewhere an import of `pkg.mod:Member` is `from <...>mod import` followed by
            # `Member` or `*`. Module targets and calls need their word.
            if (
                self._member_words.search(text) is not None
                and self._member_froms.search(text) is not None
                and (self._members.search(text) is not None or _STAR_IMPORT.search(text))
            ):
                return True
        modules_and_calls = self._module_and_call_words
        return modules_and_calls is not None and modules_and_calls.search(text) is not None

    def match(self, ref: ImportRef) -> tuple[Target, Target] | None:
        """The deprecated target an imported name falls under (None when canonical)."""
        dotted = ref.dotted
        if dotted is None:
            return None
        for old, new in self.targets:
            if old.member is None:
                if dotted == old.module or dotted.startswith(old.module + "."):
                    return old, new
            elif ref.module == old.module and ref.name in (old.member, "*"):
                return old, new
        return None

    def reports_module_part(self, ref: ImportRef, old: Target) -> bool:
        """Whether a deprecated import is reported at the module path of its ``from`` statement
        (the module is what is deprecated) rather than at the imported name."""
        return old.member is None and ref.module is not None and (ref.module == old.module or ref.module.startswith(old.module + "."))

    def check(self, ctx: FileContext) -> tuple[list[Finding], Any]:
        findings: list[Finding] = []
        seen: set[tuple[int, str]] = set()
        refs = ctx.imports()
        for ref in refs:
            hit = self.match(ref)
            if hit is None:
                continue
            old, new = hit
            key = (id(ref.statement), str(old))
            if key in seen:
                continue
            seen.add(key)
            message = self.format(
                target=str(old),
                replacement=str(new),
                imported=ref.dotted,
                what="member" if old.member else "module",
            )
            statement = ctx.span(ref.statement)
            if self.reports_module_part(ref, old) and isinstance(ref.statement, ast.ImportFrom) and ref.statement.module is not None:
                where = ctx.lines.module_span(statement)
            else:
                where = ctx.span(ref.node)
            findings.append(self.finding(ctx, where, message, anchor=ctx.segment(statement), stmt_line=statement[0]))
        for call, target, call_replacement, stmt_line in self.deprecated_calls(ctx, bindings(refs)):
            message = self.format(target=str(target), replacement=call_replacement or "(no replacement)", imported=dotted_name(call.func), what="call")
            findings.append(self.finding(ctx, call, message, stmt_line=stmt_line))
        return findings, None

    def _reaches_call_target(self, dotted: str) -> bool:
        return any(target == dotted or target.startswith(dotted + ".") for target in self.call_targets)

    def deprecated_calls(self, ctx: FileContext, bound: dict[str, str]) -> list[tuple[ast.Call, Target, str, int]]:
        """Calls of deprecated callables reached through the file's imports:
        (call, deprecated target, replacement, first line of the statement)."""
        # qualify() resolves a call through a binding, so only bindings that lead to a call
        # target (the target itself or a package on its path) can yield a finding.
        reaching = [name for name, value in bound.items() if self._reaches_call_target(value)]
        if not self.call_targets or not reaching:
            return []
        found: list[tuple[ast.Call, Target, str, int]] = []
        for call, stmt_line in ctx.nodes_near(ast.Call, reaching):  # a call spells its binding's name
            qualified = qualify(call.func, bound)
            if qualified in self.call_targets:
                target, new = self.call_targets[qualified]
                found.append((call, target, new, stmt_line))
        return found

    def fix(self, module: cst.Module, ref: FileRef) -> FixOutcome:
        """Rewrites deprecated imports to their replacements; see ``deprecated_import_fix``."""
        from ssot_lint.kinds.deprecated_import.fix import fix_imports  # it builds on this module

        return fix_imports(self, module, FileContext.of_module(module, ref))
