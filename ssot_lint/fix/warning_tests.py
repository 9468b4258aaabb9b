"""A rewrite in a test file that stops a module's import-time warning: removing a warning is a
change a test can observe.

A deprecated module that warns when imported (``warnings.warn(...)`` at module level,
``ModuleSummary.warns``) is what a test of the deprecation imports on purpose. Tests that check
the warning by name (``pytest.warns``, ``assertWarns``, ``catch_warnings(record=True)``, ``recwarn``
around the import) are not findings at all (``project.import_conditions``); but a test may check
it in ways no list of names covers: the import in a helper or a conftest fixture called inside
``pytest.warns``, ``simplefilter("error")`` and ``except DeprecationWarning``, the category or the
context manager through a variable, a module-level ``pytestmark`` turning warnings into errors, a
fixture recording them, ``logging.captureWarnings``, or ``filterwarnings("ignore")`` on a test
asserting ``old.thing is new.thing`` (once rewritten it compares ``thing`` with itself). So the
rule is general: when the importing file is a test file (pytest's default names ``test_*.py`` and
``*_test.py``, ``conftest.py``, or any file under a directory named ``tests``, ``test`` or
``testing``) whose text mentions warnings (``warn`` or ``deprecat``, any case: a test that never
names a warning cannot check one), a rewrite that stops importing a module that warns when
imported is unverified (an unsafe fix), with the reason.

The file's path is read here, in verification, not in the cached per-file analysis (a result
depends on a file's bytes and module name, not on where it lies).
"""

from __future__ import annotations

import posixpath
import re

from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Need, Verdict

_TEST_DIRECTORIES = frozenset(("tests", "test", "testing"))
_MENTIONS = re.compile(rb"[Ww][Aa][Rr][Nn]|[Dd][Ee][Pp][Rr][Ee][Cc][Aa][Tt]")


def is_test_file(path: str) -> bool:
    """Whether ``path`` (project-relative, ``/``-separated) is a test file: pytest's default
    collection names, ``conftest.py``, or a file under a ``tests`` / ``test`` / ``testing`` directory."""
    directory, name = posixpath.split(path.replace("\\", "/"))
    if name == "conftest.py" or (name.startswith("test_") and name.endswith(".py")) or name.endswith("_test.py"):
        return True
    return any(part in _TEST_DIRECTORIES for part in directory.split("/"))


def warning_test(source: ModuleSource, module: str, memo: dict[str, str | None]) -> str | None:
    """The path of a file of ``module`` that is a test reading warnings (see the module
    docstring), None when there is none or the source cannot tell."""
    if module in memo:
        return memo[module]
    texts = getattr(source, "texts", None)
    found = None
    if texts is not None:
        found = next((path for path, data in texts(module) if is_test_file(path) and data is not None and _MENTIONS.search(data)), None)
    memo[module] = found
    return found


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def stops_warning(source: ModuleSource, need: Need, memo: dict[str, str | None]) -> Verdict | None:
    """Why rewriting the import statement of ``need`` may break a test of a deprecation: the
    importer is a test that reads warnings, and the old import runs a project module (the
    deprecated one, or a package above it) the new one does not name, which warns when
    imported. None otherwise."""
    if not need.importer or not source.in_project(need.old):
        return None
    kept = set(_prefixes(need.new))
    for module in _prefixes(need.old):
        if module in kept or not source.exists(module):
            continue
        line = next((s.warns for s in source.summaries(module) if s is not None and s.warns), 0)
        if not line:
            continue
        test = warning_test(source, need.importer, memo)
        if test is None:
            return None
        path_of = getattr(source, "path_of", None)
        where = f"{path_of(module) if path_of is not None else module}:{line}"
        return Verdict(
            UNVERIFIED, f"{module} warns when imported ({where}) and {test} is a test that reads warnings: the rewrite would stop a warning it may check"
        )
    return None
