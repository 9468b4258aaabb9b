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
rule is general: when the importing file is a test file (see ``is_test_file``: pytest's and
unittest's default names, Django's ``tests.py``, any path with ``test`` as a word part) whose
text mentions warnings (``warn`` or ``deprecat``, any case: a test that never
names a warning cannot check one), a rewrite that stops importing a module that warns when
imported is unverified (an unsafe fix), with the reason. A module that warns counts whether it
is the deprecated one, a package above it, or any project module the old import runs and the new
one does not (``pkg/old.py`` doing ``from pkg import _moved``, whose module level warns).

The file's path is read here, in verification, not in the cached per-file analysis (a result
depends on a file's bytes and module name, not on where it lies).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ssot_lint.fix.verdicts import UNVERIFIED, ModuleSource, Mover, Need, Verdict

if TYPE_CHECKING:
    from ssot_lint.fix.import_runs import ImportRuns

_MENTIONS = re.compile(rb"[Ww][Aa][Rr][Nn]|[Dd][Ee][Pp][Rr][Ee][Cc][Aa][Tt]")
_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")  # word parts: snake, kebab, camel case
_TEST_WORDS = frozenset(("test", "tests", "testing"))


def is_test_file(path: str) -> bool:
    """Whether ``path`` (project-relative, ``/``-separated) may be a test file, conservatively
    (the cost of a wrong yes is only an unsafe verdict in a file that also mentions warnings):
    pytest's default names (``test_*.py``, ``*_test.py``, ``conftest.py``), unittest's
    ``test*.py`` (so Django's ``tests.py``), and any file with ``test`` / ``tests`` / ``testing``
    as a word part of its name or of a directory's (``tests/``, ``_tests/``,
    ``testing_utils.py``, ``models_tests.py``, ``helpersTest.py``), in any case."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1].lower()
    if name == "conftest.py" or name.startswith("test"):
        return True
    parts[-1] = parts[-1].removesuffix(".py")
    return any(word.lower() in _TEST_WORDS for part in parts for word in _WORDS.split(part))


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


def _warns_at(source: ModuleSource, module: str) -> int:
    """The first line of ``module`` that warns when it is imported (0: none)."""
    return next((s.warns for s in source.summaries(module) if s is not None and s.warns), 0)


def stops_warning(source: ModuleSource, need: Need, memo: dict[str, str | None], runs: ImportRuns | None = None, mover: Mover | None = None) -> Verdict | None:
    """Why rewriting the import statement of ``need`` may break a test of a deprecation: the
    importer is a test that reads warnings, and the old import runs a project module the new
    one does not (the deprecated one, a package above it, or, with ``runs``, any module it
    imports that the new import does not run: ``ImportRuns.stops_running``), which warns when
    imported. None otherwise."""
    if not need.importer or not source.in_project(need.old):
        return None
    kept = set(_prefixes(need.new))
    found = next(((m, line) for m in _prefixes(need.old) if m not in kept and source.exists(m) and (line := _warns_at(source, m))), None)
    if found is None and runs is None:
        return None
    test = warning_test(source, need.importer, memo)
    if test is None:
        return None
    if found is None and runs is not None:
        found = next(((m, line) for m in runs.stops_running(need, mover) if (line := _warns_at(source, m))), None)
    if found is None:
        return None
    module, line = found
    path_of = getattr(source, "path_of", None)
    where = f"{path_of(module) if path_of is not None else module}:{line}"
    return Verdict(
        UNVERIFIED, f"{module} warns when imported ({where}) and {test} is a test that reads warnings: the rewrite would stop a warning it may check"
    )
