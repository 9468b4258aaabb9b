"""A starter rule file from a ``Survey``: every rule with a ``description`` of how it was derived
and ``[[rule.example]]``s cut from the project (names, texts and paths it holds), so that
``ssot-lint test-rules`` passes on it as written. Nothing here reads the project again.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterator

from ssot_lint.kinds.base import Rule
from ssot_lint.project.module_paths import parents
from ssot_lint.report import plural
from ssot_lint.survey import Deprecation, Survey
from ssot_lint.survey.families import EXCLUDE_NAMES, MIN_SIMILARITY, TEST_EXCLUDE, Family

HEADER = """\
# Starter rules written by `ssot-lint init` from a survey of this project. Review them: each
# description says how the rule was derived; the examples are cut from the project and run with
# `ssot-lint test-rules`. Ceilings (`max`) are today's counts: a ratchet that may only go down.
"""


def q(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def _files(files: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{q(path)} = {q(code)}" for path, code in files.items()) + " }"


def _example(lines: list[str], expect: int, *, code: str | None = None, path: str | None = None, files: dict[str, str] | None = None) -> None:
    lines.append("")
    lines.append("[[rule.example]]")
    if files is not None:
        lines.append(f"files = {_files(files)}")
    else:
        assert code is not None
        lines.append(f"code = {q(code)}")
        if path is not None:
            lines.append(f"path = {q(path)}")
    lines.append(f"expect = {expect}")


def importable(target: str) -> bool:
    """Whether ``pkg.mod`` / ``pkg.mod:Name`` can be written in a rule (and imported)."""
    module, _, name = target.partition(":")
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in [*module.split("."), *([name] if name else [])])


def module_path(module: str, package: bool = False) -> str:
    return module.replace(".", "/") + ("/__init__.py" if package else ".py")


def _warns(text: str) -> str:
    return f"import warnings\nwarnings.warn({q(text)}, DeprecationWarning, stacklevel=2)\n"


class Covered:
    """What the project's configured rules already check (``Survey.configured``): the starter
    leaves it out, rather than propose a second rule that reports the same code."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.left_out: list[str] = []  # one line per rule (or mapping) left out, and why

    def by_kind(self, kind: str, proposed: str) -> Rule | None:
        """The first configured rule of ``kind``, noting that ``proposed`` is left out for it."""
        rule = next((r for r in self.rules if r.kind == kind), None)
        if rule is not None:
            self.left_out.append(f"{proposed} ({kind}): rule {rule.id} ({_at(rule)}) already checks it")
        return rule

    def mapping(self, target: str) -> Rule | None:
        """A configured deprecated-import rule that maps ``target`` already."""
        rule = next((r for r in self.rules if r.kind == "deprecated-import" and target in getattr(r, "replace", {})), None)
        if rule is not None:
            self.left_out.append(f"{target} (deprecated-import mapping): rule {rule.id} ({_at(rule)}) maps it already")
        return rule

    def family(self, proposed: str, family: Family) -> Rule | None:
        """A configured single-implementation rule that counts ``family``'s canonical class
        (its ``name`` matches it, or it lists it as canonical)."""
        name = family.canonical.partition(":")[2].rsplit(".", 1)[-1]
        for rule in self.rules:
            pattern = getattr(rule, "name", None)
            if rule.kind == "single-implementation" and (family.canonical in getattr(rule, "canonical", ()) or (pattern is not None and pattern.search(name))):
                self.left_out.append(f"{proposed} (single-implementation, {family.stem}): rule {rule.id} ({_at(rule)}) already counts {name}")
                return rule
        return None


def _at(rule: Rule) -> str:
    return f"{rule.meta.origin}:{rule.meta.line}"


def starter_rules(survey: Survey, covered: Covered | None = None) -> str:
    """The rule file's text, leaving out what the configured rules cover (``covered`` then
    lists it; by default a ``Covered`` of ``survey.configured``)."""
    covered = covered if covered is not None else Covered(survey.configured)
    sections: list[str] = []
    if not covered.by_kind("declared-deprecation", "DD1"):
        sections.append("\n".join(_declared(survey)))
    moved = [d for d in survey.deprecations if _fixable(d, survey) and not covered.mapping(d.target)]
    if moved or not any(_fixable(d, survey) for d in survey.deprecations):
        sections.append("\n".join(_deprecated_imports(moved, survey) if moved else _no_mapping(survey)))
    n = 0
    for family in survey.families:
        if not covered.family(f"FAM{n + 1}", family):
            n += 1
            sections.append("\n".join(_family(n, family)))
    if not covered.by_kind("duplicate-definition", "DUP1"):
        sections.append("\n".join(_duplicates(survey)))
    if not (survey.events and covered.by_kind("event-schema", "EV1 (commented out)")):
        sections.append("\n".join(_events(survey)))
    sections.append("\n".join(_project_wide(survey, covered)))
    header = HEADER
    if covered.left_out:
        header += "#\n# Left out, as the rules the project's config loads already cover it:\n" + "".join(f"#   {line}\n" for line in covered.left_out)
    text = "\n\n".join(s.rstrip("\n") for s in [header, *sections] if s.strip()) + "\n"
    return _fresh_ids(text, {rule.id for rule in covered.rules})


def _fresh_ids(text: str, taken: set[str]) -> str:
    """The starter's rule ids, each numbered past the ids the configured rules already use
    (``FAM1`` becomes ``FAM2`` when a configured rule is ``FAM1``): both load together."""
    if not taken:
        return text
    used = set(taken)

    def fresh(match: re.Match[str]) -> str:
        stem, n = match.group(2), int(match.group(3))
        while f"{stem}{n}" in used:
            n += 1
        used.add(f"{stem}{n}")
        return f'{match.group(1) or ""}id = "{stem}{n}"'

    return re.sub(r'^(# )?id = "([A-Z]+)(\d+)"$', fresh, text, flags=re.MULTILINE)


def _declared(survey: Survey) -> Iterator[str]:
    counted = sum(d.imports for d in survey.deprecations)
    yield "[[rule]]"
    yield 'id = "DD1"'
    yield 'kind = "declared-deprecation"'
    found, used = plural(len(survey.deprecations), "declaration"), plural(counted, "import")
    yield f"description = {q(f'Imports of what the code declares deprecated itself: {found} found by the survey, {used} still run or name them.')}"
    lines: list[str] = []
    module = next((d for d in survey.deprecations if d.what in ("module", "package") and importable(d.target)), None)
    if module is not None:
        path = module_path(module.target, module.what == "package")
        # Its packages as regular packages, as in the project: a lone `pkg/old/__init__.py`
        # would be named `old` in the example (NumPy's numpy.distutils, review26a).
        declared = {**{module_path(package, True): "" for package in parents(module.target)}, path: _warns(module.text)}
        _example(lines, 1, files={**declared, "example_user.py": f"import {module.target}\n"})
        instead = module.replacement.partition(":")[0] if module.replacement else "json"
        _example(lines, 0, files={**declared, "example_user.py": f"import {instead}\n"})
    else:
        _example(lines, 1, files={"legacy/__init__.py": "", "legacy/api.py": _warns("legacy.api is deprecated"), "example_user.py": "import legacy.api\n"})
        _example(lines, 0, files={"legacy/__init__.py": "", "legacy/api.py": _warns("legacy.api is deprecated"), "example_user.py": "import legacy\n"})
    yield from lines


def _fixable(d: Deprecation, survey: Survey) -> bool:
    """A declared module (or name) whose replacement resolved to a module (or a name of the same
    kind) that is not itself deprecated: a deprecated-import mapping a fix can apply."""
    if not d.replacement or d.unsafe or not importable(d.target) or not importable(d.replacement):
        return False
    if d.what in ("module", "package") and not d.replacement_is_module:
        return False
    if d.what not in ("module", "package") and (d.replacement_is_module or d.is_class != d.replacement_is_class):
        return False
    deprecated = {x.target for x in survey.deprecations}
    module = d.replacement.partition(":")[0]
    parts = module.split(".")
    runs = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return d.replacement not in deprecated and not (runs & deprecated)


def _deprecated_imports(moved: list[Deprecation], survey: Survey) -> Iterator[str]:
    yield "[[rule]]"
    yield 'id = "DD2"'
    yield 'kind = "deprecated-import"'
    yield f"description = {q('The declared deprecations whose text names a replacement that resolves in the project (so `ssot-lint fix` can rewrite their imports).')}"
    yield ""
    yield "[rule.replace]"
    for d in moved:
        yield f"{q(d.target)} = {q(d.replacement)}"
    for d in survey.deprecations:
        if d.unsafe:
            yield f"# not proposed: {q(d.target)} = {q(d.replacement)}  ({d.unsafe})"
    first = moved[0]
    lines: list[str] = []
    old_module, _, old_name = first.target.partition(":")
    new_module, _, new_name = first.replacement.partition(":")
    _example(lines, 1, code=f"from {old_module} import {old_name}\n" if old_name else f"import {old_module}\n")
    _example(lines, 0, code=f"from {new_module} import {new_name}\n" if new_name else f"import {new_module}\n")
    yield from lines


def _no_mapping(survey: Survey) -> Iterator[str]:
    yield "# No deprecated-import rule: no declared deprecation names a replacement that resolves in the"
    yield "# project and that `ssot-lint fix` could rewrite imports to without breaking them (see"
    yield "# `ssot-lint init --format json`, deprecations[].reason and .unsafe, for why each is left out)."
    for d in survey.deprecations:
        if d.unsafe:
            yield f"#   {d.target} -> {d.replacement}: {d.unsafe}"


def _family(n: int, family: Family) -> Iterator[str]:
    count = len(family.members)
    canonical = family.canonical
    top = family.imports.get(canonical, 0)
    yield "[[rule]]"
    yield f'id = "FAM{n}"'
    yield 'kind = "single-implementation"'
    hidden = family.type_only
    excluded = (
        f"; {plural(len(hidden), 'type-only class', 'type-only classes')} (typing Protocols, classes under `if TYPE_CHECKING:`) "
        f"{'is' if len(hidden) == 1 else 'are'} excluded by name"
        if hidden
        else ""
    )
    description = (
        f"Classes named {family.stem}: {count} in {plural(family.modules, 'module')} today (max = today's count, a ratchet){excluded}. "
        f"Suggested canonical: the most-imported member ({plural(top, 'import')}); confirm it or pick the one to keep."
    )
    yield f"description = {q(description)}"
    yield f"name = {q(family.name)}"
    exclude_names = EXCLUDE_NAMES + ("|^(?:" + "|".join(map(re.escape, hidden)) + ")$" if hidden else "")
    yield f"exclude-names = {q(exclude_names)}"
    yield f"exclude = {_list(list(TEST_EXCLUDE))}"
    yield f"canonical = {_list([canonical])}"
    yield f"max = {count}"
    # The family as the project has it, each member in its module's file: today's count passes,
    # one more class in the canonical's module fails, and then every member but the canonical one
    # is a finding.
    canonical_module, _, canonical_name = canonical.partition(":")  # a nested canonical (Outer.Inner) is no top-level class here
    names = [m.qualname.rsplit(".", 1)[-1] for m in family.members]
    others = [name for name in names if name != canonical_name] or names
    keeper = next(m for m in family.members if m.target == canonical)
    path = module_path(canonical_module, keeper.ref.is_package)
    # Each module's packages as regular packages, so that each file gets the dotted name its
    # module is written with (a lone ``a/b/m.py`` would be named ``m``).
    files = {module_path(package, True): "" for m in family.members for package in parents(m.ref.module)}
    for m in family.members:
        member_path = module_path(m.ref.module, m.ref.is_package)
        files[member_path] = (files.get(member_path) or "") + f"class {m.qualname.rsplit('.', 1)[-1]}: ...\n"
    grown = [*((m.ref.module, name) for m, name in zip(family.members, names)), (canonical_module, others[0])]
    lines: list[str] = []
    _example(lines, 0, files=files)
    _example(
        lines, sum(1 for member in grown if member != (canonical_module, canonical_name)), files={**files, path: files[path] + f"class {others[0]}: ...\n"}
    )
    yield from lines


def _duplicates(survey: Survey) -> Iterator[str]:
    yield "[[rule]]"
    yield 'id = "DUP1"'
    yield 'kind = "duplicate-definition"'
    shown = ", ".join(f"{d.name} ({len(d.places)})" for d in survey.duplicates[:5]) or "none today"
    names = plural(survey.duplicate_names, "name")
    description = (
        f"Copies of one class: top-level classes of one name defined in 3 or more modules outside tests whose member names overlap "
        f"(min-similarity: shared names / all names): {names} today (most: {shown})."
    )
    if survey.homonym_names:
        description += f" Not counted: {plural(survey.homonym_names, 'name')} whose bodies differ (one name for different concepts)."
    conventions = sorted({c.what for c in survey.conventions if c.what.isidentifier()})
    for example, why in (
        (False, "a framework looks up by convention in every module of a kind of folder"),
        (True, "each example in an examples folder defines"),
    ):
        set_aside = sorted({c.what for c in survey.conventions if c.what.isidentifier() and c.example == example})
        if set_aside:
            description += f" Not counted: {plural(len(set_aside), 'name')} {why} ({', '.join(set_aside[:5])}{', ...' if len(set_aside) > 5 else ''})."
    description += (
        " Severity info: a list for a reviewer, not a CI failure; measured on Django and SymPy, what is left are mostly sibling implementations "
        "of one interface (one class per database backend), which member names cannot tell from copies."
    )
    yield f"description = {q(description)}"
    yield 'severity = "info"'
    yield "min-count = 3"
    yield f"min-similarity = {MIN_SIMILARITY}"
    yield f"exclude = {_list(list(TEST_EXCLUDE))}"
    if conventions:
        yield f"exclude-names = {q('^(?:' + '|'.join(conventions) + ')$')}"
    name = survey.duplicates[0].name if survey.duplicates else "Settings"
    lines: list[str] = []
    copy = f"class {name}:\n    def load(self): ...\n    def save(self): ...\n"
    _example(lines, 2, files={f"dup_a/m{i}.py": copy for i in range(3)})
    _example(lines, 0, files={f"dup_a/m{i}.py": copy for i in range(2)})
    # Homonyms: one name, bodies with nothing in common.
    _example(lines, 0, files={f"dup_a/m{i}.py": f"class {name}:\n    def member_{i}(self): ...\n" for i in range(3)})
    yield from lines


def _events(survey: Survey) -> Iterator[str]:
    if not survey.events:
        yield "# No event-like dicts (a `type`, `event_type`, `kind` or `event` key with a string value in 2+ dicts) were found."
        return
    yield "# Event-like dicts, grouped by their discriminator value, with the key sets seen (count):"
    for event in survey.events:
        variants = "; ".join(f"{{{', '.join(keys)}}} x{n}" for keys, n in event.variants[:4])
        yield f"#   {event.key}={event.value!r}: {event.count} dicts, e.g. {event.places[0][0]}:{event.places[0][1]} -- {variants}"
    common = sorted(set.intersection(*(set(keys) for e in survey.events for keys, _ in e.variants)))
    union = sorted(set().union(*(set(keys) for e in survey.events for keys, _ in e.variants)))
    keys = sorted({e.key for e in survey.events})
    yield "# To enforce one shape, finish this rule (pick the events, the canonical keys, the renames) and uncomment it:"
    yield "# [[rule]]"
    yield '# id = "EV1"'
    yield '# kind = "event-schema"'
    yield f"# description = {q('Event dicts in one canonical shape (derived from the shapes the survey found).')}"
    yield f"# discriminator = {_list(keys)}"
    yield f"# events = {_list([e.value for e in survey.events])}"
    yield f"# required = {_list(common)}"
    yield f"# allowed = {_list(union)}"


def _project_wide(survey: Survey, covered: Covered) -> Iterator[str]:
    modules = survey.examples.get("modules") or ["app.core"]
    module = modules[0]
    path = module_path(module)
    top = module.split(".")[0]
    counts = survey.project_wide
    unresolved, shims, cycles = (counts.get(kind, 0) for kind in ("unresolved-import", "shim-module", "import-cycle"))
    blocks: list[list[str]] = []
    if not covered.by_kind("unresolved-import", "PI1"):
        lines = ["[[rule]]", 'id = "PI1"', 'kind = "unresolved-import"']
        lines.append(f"description = {q(f'Imports of project modules or names that do not exist: {unresolved} today.')}")
        _example(lines, 1, files={path: "class Real: ...\n", "example_user.py": f"from {module} import Real, Phantom\n"})
        _example(lines, 0, files={path: "class Real: ...\n", "example_user.py": f"from {module} import Real\n"})
        blocks.append(lines)
    if not covered.by_kind("shim-module", "PI2"):
        lines = ["[[rule]]", 'id = "PI2"', 'kind = "shim-module"']
        shim_text = (
            f"Modules that only re-export, and class aliases A = B, outside tests: {shims} today. Severity info: candidates for a reviewer "
            "(on Django and SymPy 9 of 29 were debt; the others a library's notation, such as SymPy's Eq = Equality's siblings, or pointers by design)."
        )
        lines.append(f"description = {q(shim_text)}")
        lines.append('severity = "info"')
        lines.append(f"exclude = {_list(list(TEST_EXCLUDE))}")
        _example(lines, 1, files={path: "class Real: ...\n", f"{top}_shim.py": f"from {module} import Real\n"})
        _example(lines, 0, files={path: "class Real: ...\n", f"{top}_user.py": f"from {module} import Real\n\nuser = Real()\n"})
        blocks.append(lines)
    if not covered.by_kind("import-cycle", "PI3"):
        lines = ["[[rule]]", 'id = "PI3"', 'kind = "import-cycle"']
        lines.append(f"description = {q(f'Cycles among modules through imports that run at import time: {cycles} today.')}")
        cycle = {f"{top}_cycle/__init__.py": "", f"{top}_cycle/a.py": "from .b import B\n"}
        _example(lines, 1, files={**cycle, f"{top}_cycle/b.py": f"from {top}_cycle.a import A\n"})
        _example(lines, 0, files={**cycle, f"{top}_cycle/b.py": f"def f():\n    from {top}_cycle.a import A\n"})
        blocks.append(lines)
    for n, lines in enumerate(blocks):
        if n:
            yield ""
        yield from lines
