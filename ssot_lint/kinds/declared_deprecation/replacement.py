"""The replacement a declaration's text names, resolved through the module index. No guessing:
a text that names no candidate, or candidates that resolve to nothing or to more than one thing,
gives no replacement and says why.

Recognised phrasings (case-insensitive; the reference may be quoted or in backticks, and an
article before it is skipped: ``use the `X` instead``, with one word after it when the reference
is quoted: ``use the public `X` function instead``):
``use X instead`` / ``use X``, ``use the correct X name``, ``from A import B``, ``import X instead``, ``moved to X``,
``renamed to X`` / ``renamed X`` / ``renamed A to X`` (never ``A``, the old name), ``replaced by|with X``, ``in favo(u)r of X``, ``superseded by X``,
``switch|migrate to X``, ``available as X``, ``NEW: from A import B``, and ``import it|them|B from A`` /
``please import from A`` (a move under the same name: ``A:Name`` for the deprecated ``Name``,
``A`` for a deprecated module).

A name followed by ``=`` (``use `shape=...` ``) is a keyword argument to pass, not a replacement.

A reference the text subscripts (``use matplotlib.colormaps[name]``) names an item of it, no
module or name to import: no replacement, and the reason says so.

A Sphinx role is the name it holds: ``:func:`~pkg.mod.name``` is ``pkg.mod.name`` (``:class:``,
``:meth:``, ``:mod:``, ``:attr:``, ``:exc:`` ... alike; ``~``, ``!`` and a title ``<...>`` read through).

Prose is not a reference: a word the text marks as code (quotes, backticks, a call ``name(``, a
dotted path) or that is spelled as one (CamelCase, an underscore, a digit) is a candidate; a plain
capitalised word (``Pydantic``) only when it resolves; a plain lower-case word (``use literal
values``, ``use check-jsonschema``) only when it is a project module (``use modern instead``) or
a name the deprecated module itself defines or imports (``use total instead`` beside ``def
total``): ``_bare`` would otherwise take an English word for the one definition of that name
anywhere in the project.

A reference resolves when it is a project module (``pkg.mod``), a name a project module provides
(``pkg.mod.Name``, ``pkg.mod:Name``), either of those relative to the deprecated module's package
(``websocket_manager.WebSocketManager``), or a bare name that the deprecated module itself imports
or that exactly one other project module defines. A replacement the code passes itself (a
``__getattr__`` table's dotted string, given to a warning helper) is taken as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ssot_lint.project.module_index import ModuleIndex

# A name followed by ``=`` is a keyword argument (NumPy's "use `shape=...`"), never a replacement:
# the lookahead also stops the match from backing off to a shorter name (``shap``) before it.
_REF = r"(?P<quote>[`'\"]{0,2})(?P<ref>[A-Za-z_][\w.:]*\w)(?![\w.:]*=(?!=))(?:(?P<call>\()|(?P<subscript>\[))?"
_FROM = re.compile(r"\bfrom\s+(?P<module>[A-Za-z_][\w.]*)\s+import\s+(?P<names>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)")
# ``import it from A`` / ``import them from A`` / ``please import from A`` / ``import B from A``
_IMPORT_FROM = re.compile(
    r"\bimport\s+(?:(?:it|them)\s+|(?!directly\b)(?P<name>[A-Za-z_]\w*)\s+)?(?:directly\s+)?from\s+(?P<quote>[`'\"]{0,2})(?P<module>[A-Za-z_][\w.]*\w)",
    re.IGNORECASE,
)
# Spelled as code, whatever the text around it: CamelCase, an underscore, a digit after a letter.
_CODE_SPELLING = re.compile(r"[a-z][A-Z]|_|[A-Za-z]\d")
# An article after a phrase is prose ("Use the `pydantic.ConfigDict` instead."): skipped, so that
# the reference after it is read, and so is one word after the article when a quoted reference
# follows it (scikit-learn's "Use the public `get_tags` function instead"). When nothing after it
# reads as a reference, the match falls back to the article itself, which is a stop word.
_ARTICLE = r"(?:(?:the|an?)\s+(?:[a-z]+\s+(?=[`'\"]))?)?"
_PHRASES = [
    re.compile(p + _ARTICLE + _REF, re.IGNORECASE)
    for p in (
        # "Please use the correct SingletonThreadPool name." (SQLAlchemy's SingleonThreadPool typo)
        r"\buse\s+the\s+correct\s+",
        r"\buse\s+",
        r"\bimport\s+(?=\S+\s+instead)",
        r"\bmoved\s+(?:in)?to\s+",
        r"\brenamed\s+(?:to|as)\s+",
        # "renamed `a` to `b`" / "renamed from a to b": the new name, never the old one
        r"\brenamed\s+(?:from\s+)?(?!(?:to|as)\s)\S+\s+(?:to|as)\s+",
        # pandas: "PandasArray has been renamed NumpyExtensionArray" (a prose word after it, "renamed
        # silently", is a candidate only when it resolves, as after "use")
        r"\brenamed\s+(?!(?:to|as)\s)(?!(?:from\s+)?\S+\s+(?:to|as)\s)",
        r"\breplaced\s+(?:by|with)\s+",
        r"\bin\s+favou?r\s+of\s+",
        r"\bsuperseded\s+by\s+",
        r"\b(?:switch|migrate)\s+to\s+",
        r"\bavailable\s+as\s+",
    )
]
# A Sphinx cross-reference (``:func:`~pkg.mod.name```, ``:class:`Title <pkg.Cls>```, ``:py:meth:``)
# names the object it holds: read as that name in backticks (``~`` and ``!`` only change how
# Sphinx shows it; a leading ``.`` asks Sphinx to search for it).
_SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|const):`[~!]?\.?(?:[^`<]*<[~!]?\.?(?P<titled>[^`>]+)>|(?P<plain>[^`]+))`")
_SUBSCRIPT = "[...]"  # a candidate's suffix: the text subscripts the reference
# Words a phrase may capture that are never a reference ("use the new API", "moved to a module";
# "correct": "use the correct X name" has its own phrase, and ``use`` skips the article).
_STOP = frozenset(
    """a an the it its this that these those them instead of in to from with and or by for new old any another
    other which what when where is are be was were not no one either both correct""".split()
)


@dataclass(frozen=True)
class Candidate:
    """A reference the text names, and whether it is marked or spelled as code (``marked``): an
    unmarked word may be prose, so it counts only when it resolves (see the module docstring)."""

    ref: str
    marked: bool


@dataclass(frozen=True)
class Replacement:
    """A resolved replacement (``target``: ``pkg.mod`` or ``pkg.mod:Name``; ``is_module``) or,
    when ``target`` is empty, why there is none (``reason``). ``written``: what the text says."""

    target: str = ""
    is_module: bool = False
    written: str = ""
    reason: str = ""


def candidates(text: str, name: str | None = None) -> list[Candidate]:
    """The references the text names as a replacement, in order, without duplicates; ``name``:
    the deprecated name (None for a module), which ``import it from A`` moves to ``A``."""
    found: list[Candidate] = []
    text = _SPHINX_ROLE.sub(lambda m: f"`{(m['titled'] or m['plain']).strip()}`", text)
    for match in _FROM.finditer(text):  # several names: several candidates (so: ambiguous)
        found += [Candidate(f"{match['module']}:{n.strip()}", True) for n in match["names"].split(",")]
    for match in _IMPORT_FROM.finditer(text):
        module, moved = match["module"], match["name"]
        if moved is not None and moved.lower() in (*_STOP, "directly"):
            continue  # ``import the new one from``: prose
        if moved is not None:
            found.append(Candidate(f"{module}:{moved}", True))
        else:
            found.append(Candidate(f"{module}:{name}" if name else module, bool(match["quote"]) or _is_code(module)))
    if not found:
        for phrase in _PHRASES:
            for match in phrase.finditer(text):
                ref = match["ref"].rstrip(".:")
                if match["subscript"]:  # ``use matplotlib.colormaps[name]``: an item of it, no name to import
                    found.append(Candidate(ref + _SUBSCRIPT, True))
                elif ref.lower() not in _STOP:
                    found.append(Candidate(ref, bool(match["quote"] or match["call"]) or _is_code(ref)))
    return list(dict.fromkeys(found))


def _is_code(ref: str) -> bool:
    return "." in ref or ":" in ref or bool(_CODE_SPELLING.search(ref))


def resolve(index: ModuleIndex, text: str, module: str, is_package: bool, deprecated: str, passed: str = "") -> Replacement:
    """The replacement ``text`` (declared in ``module`` for ``deprecated``: the module, or
    ``module:Name``) names, resolved in ``index``; ``passed``: the one the code passes itself."""
    name = deprecated.partition(":")[2] or None
    refs = [Candidate(passed, True)] if passed else candidates(text, name)
    resolved: dict[str, tuple[str, bool, str]] = {}
    problems: list[str] = []
    written: list[str] = []
    for candidate in refs:
        targets, problem = _resolve_one(index, candidate.ref, module, is_package, deprecated == module)
        if not candidate.marked and not _plain_word_counts(index, candidate.ref, targets, module, deprecated == module):
            continue  # prose: "use literal values", "migrate to Pydantic V2 style"
        written.append(candidate.ref)
        if problem:
            problems.append(problem)
        for target, is_module in targets:
            resolved.setdefault(target, (target, is_module, candidate.ref))
    if not written:
        return Replacement(reason="the declaration names no replacement")
    resolved.pop(deprecated, None)
    if len(resolved) == 1:
        target, is_module, ref = next(iter(resolved.values()))
        return Replacement(target, is_module, ref)
    if len(resolved) > 1:
        return Replacement(reason="ambiguous replacement: " + " or ".join(sorted(resolved)), written=", ".join(written))
    return Replacement(reason="; ".join(problems) or "the replacement is not a project module or name", written=", ".join(written))


def _plain_word_counts(index: ModuleIndex, word: str, targets: list[tuple[str, bool]], module: str, module_deprecated: bool) -> bool:
    """Whether a word the text does not mark as code names something: a capitalised one when it
    resolves at all; a lower-case one only when it is a project module or what the deprecated
    module itself defines or imports under it ("use total instead" beside ``def total``), never
    through the one module elsewhere that happens to define a function of that name."""
    if not targets:
        return False
    if ":" in word:  # ``import it from compat``: the phrase says ``compat`` is a module
        return index.exists(word.partition(":")[0])
    if word[:1].isupper() or all(is_module for _, is_module in targets):
        return True
    return _beside(index, word, module, module_deprecated) is not None


def _resolve_one(index: ModuleIndex, ref: str, module: str, is_package: bool, module_deprecated: bool) -> tuple[list[tuple[str, bool]], str]:
    """(targets, problem): the project modules or names ``ref`` may mean."""
    if ref.endswith(_SUBSCRIPT):
        return [], f"{ref} is an item of {ref.removesuffix(_SUBSCRIPT)}, not a project module or name"
    if ":" in ref:
        mod, _, name = ref.partition(":")
        if index.exists(mod) and index.resolves(mod, name):
            return [(f"{mod}:{name}", False)], ""
        return [], f"{ref} is not a project name"
    if "." not in ref:
        return _bare(index, ref, module, module_deprecated)
    package = module if is_package else module.rpartition(".")[0]
    for base in ("", package):
        dotted = f"{base}.{ref}" if base else ref
        found = _dotted(index, dotted)
        if found is not None:
            return [found], ""
    return [], f"{ref} is not a project module or name"


def _dotted(index: ModuleIndex, dotted: str) -> tuple[str, bool] | None:
    if index.exists(dotted):
        return dotted, True
    owner = index.file_module(dotted)
    if owner is None or owner == dotted:
        return None
    name = dotted[len(owner) + 1 :]
    if "." not in name and index.resolves(owner, name):
        return f"{owner}:{name}", False
    return None


def _bare(index: ModuleIndex, name: str, module: str, module_deprecated: bool) -> tuple[list[tuple[str, bool]], str]:
    """A bare name: what the deprecated module imports under it, else the one project module
    that defines it (or the one module of that name beside the deprecated one)."""
    local = _beside(index, name, module, module_deprecated)
    if local is not None:
        return [local], ""
    definers = sorted(
        m for m, entries in index.entries.items() if not (module_deprecated and m == module) and any(s is not None and name in s.defined for _, s in entries)
    )
    if len(definers) == 1:
        return [(f"{definers[0]}:{name}", False)], ""
    if len(definers) > 1:
        return [(f"{m}:{name}", False) for m in definers], ""
    sibling = f"{module.rpartition('.')[0]}.{name}" if "." in module else name
    if index.exists(sibling):
        return [(sibling, True)], ""
    return [], f"{name} is not defined in the project"


def _beside(index: ModuleIndex, name: str, module: str, module_deprecated: bool) -> tuple[str, bool] | None:
    """``name`` as the deprecated module itself defines or imports it (None: it does not)."""
    for summary in index.summaries(module):
        if summary is not None and name in summary.defined and not module_deprecated:
            return f"{module}:{name}", False  # defined beside the deprecated name: that one
        bound = index.bindings(summary).get(name) if summary is not None else None
        if bound is not None and bound.module is not None and index.in_project(bound.module):
            if bound.name is None:
                return bound.module, True
            sub = f"{bound.module}.{bound.name}"
            return (sub, True) if index.exists(sub) else (f"{bound.module}:{bound.name}", False)
    return None
