"""Precision of zero-config discovery, from review15b's reproductions on Sphinx 8.1.3, IPython
8.31.0, pydantic 2.10.6 and jsonschema 4.23.0: a provisional-API FutureWarning is no deprecation,
a ``__getattr__`` that first rejects unknown names is read, and "import it from X" names a
replacement while prose words do not."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.declared_deprecation import DeclaredDeprecation
from ssot_lint.kinds.declared_deprecation.replacement import candidates
from ssot_lint.kinds.examples import example_refs
from tests.helpers import run_cli, write_project
from tests.integrity_helpers import build, findings

RULE = build(DeclaredDeprecation)


def _details(files: dict[str, str]) -> dict[str, Any]:
    rule = build(DeclaredDeprecation)
    facts = []
    refs = example_refs(files)
    for path, code in sorted(files.items()):
        ref = refs[path]
        result = analyze_source(textwrap.dedent(code).lstrip("\n").encode(), ref, [rule])
        facts.append((ref, result.facts.get(rule.id)))
    return rule.aggregate(facts)[2]


def _table(files: dict[str, str]) -> dict[str, tuple[str, str | None, str | None]]:
    return {d["target"]: (d["text"], d["replacement"], d["no_replacement_because"]) for d in _details(files)["declarations"]}


# -- 1. a FutureWarning declares a deprecation only when its text (or class) says so ----------

PROVISIONAL = {
    "pkg/__init__.py": "",
    "pkg/completer.py": '''
        import warnings


        class ProvisionalCompleterWarning(FutureWarning):
            """Raised by an experimental feature in this module."""


        class Completion:
            def __init__(self, text):
                warnings.warn(
                    "``Completion`` is a provisional API (as of IPython 6.0). It may change without warnings.",
                    category=ProvisionalCompleterWarning,
                    stacklevel=2,
                )
                self.text = text
    ''',
    "app.py": "from pkg.completer import Completion\n",
}


def test_a_provisional_api_future_warning_declares_nothing() -> None:
    assert findings(RULE, PROVISIONAL) == []
    details = _details(PROVISIONAL)
    assert details["declarations"] == []
    assert details["not_deprecations"] == [
        "pkg/completer.py:10: category pkg.completer.ProvisionalCompleterWarning is a FutureWarning and the text says the API is provisional or experimental"
    ]


def test_a_future_warning_counts_only_when_its_text_or_class_says_deprecated() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/warns.py": '''
            class RemovedInV3Warning(FutureWarning): ...
            class ChangeWarning(FutureWarning):
                """Behaviour that will change."""
            class DeprecatedApiWarning(FutureWarning): ...
        ''',
        "pkg/api.py": """
            import warnings
            from pkg.warns import ChangeWarning, DeprecatedApiWarning, RemovedInV3Warning
            def said():
                warnings.warn("said() is deprecated, use fresh() instead", FutureWarning)
            def classed():
                warnings.warn("classed() goes away in 3.0", RemovedInV3Warning)
            def changes():
                warnings.warn("changes() will return a list in 3.0", ChangeWarning)
            def plain():
                warnings.warn("plain() will return a list in 3.0", FutureWarning)
            def experimental():
                warnings.warn("experimental() is experimental and will be removed or changed", DeprecatedApiWarning)
            def fresh(): ...
        """,
        "app.py": "from pkg.api import said, classed, changes, plain, experimental\n",
    }
    assert findings(RULE, files) == [
        ("app.py", 1, 21, 'function pkg.api:said is deprecated (pkg/api.py:4: "said() is deprecated, use fresh() instead"); use pkg.api:fresh'),
        ("app.py", 1, 27, 'function pkg.api:classed is deprecated (pkg/api.py:6: "classed() goes away in 3.0")'),
    ]
    assert _details(files)["not_deprecations"] == [
        "pkg/api.py:8: category pkg.warns.ChangeWarning is a FutureWarning and the text says nothing of a deprecation",
        "pkg/api.py:10: category FutureWarning is a FutureWarning and the text says nothing of a deprecation",
        "pkg/api.py:12: category pkg.warns.DeprecatedApiWarning is a FutureWarning and the text says the API is provisional or experimental",
    ]


def test_deprecation_warning_subclasses_count_whatever_their_text() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/api.py": """
            import warnings
            class ProvisionalWarning(PendingDeprecationWarning):
                '''An experimental API.'''
            class Old:
                def __init__(self):
                    warnings.warn("Old is a provisional API", ProvisionalWarning)
            def older():
                warnings.warn("older() may change", DeprecationWarning)
        """,
        "app.py": "from pkg.api import Old, older\n",
    }
    assert findings(RULE, files) == [
        ("app.py", 1, 21, 'class pkg.api:Old is deprecated (pkg/api.py:6: "Old is a provisional API")'),
        ("app.py", 1, 26, 'function pkg.api:older is deprecated (pkg/api.py:8: "older() may change")'),
    ]


# -- 2. a __getattr__ that rejects unknown names first, then warns -------------------------

GUARDED = {
    "pkg/__init__.py": "",
    "pkg/errors.py": "class ExtensionError(Exception): ...\n",
    "pkg/util.py": """
        import warnings
        from pkg.errors import ExtensionError as _ExtensionError

        _MOVED = {"ExtensionError": _ExtensionError}


        def __getattr__(name):
            if name not in _MOVED:
                raise AttributeError(name)
            warnings.warn(f"pkg.util.{name} is deprecated, use pkg.errors.{name} instead", DeprecationWarning)
            return _MOVED[name]
    """,
    "app.py": "from pkg.util import ExtensionError\n",
}


def test_a_getattr_guard_that_raises_for_unknown_names_declares_the_table() -> None:
    assert findings(RULE, GUARDED) == [
        (
            "app.py",
            1,
            22,
            'name pkg.util:ExtensionError is deprecated (pkg/util.py:10: "pkg.util.ExtensionError is deprecated, use pkg.errors.ExtensionError instead"); use pkg.errors:ExtensionError',
        )
    ]


def test_guards_that_return_or_test_one_name_and_ones_that_do_not_leave() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": """
            import warnings
            OLD = ("gone", "went")
            def __getattr__(name):
                if name not in OLD:
                    return globals()[name]
                warnings.warn(f"{name} is deprecated", DeprecationWarning)
                return None
        """,
        "pkg/b.py": """
            import warnings
            def __getattr__(name):
                if name != "single":
                    raise AttributeError(name)
                warnings.warn("single is deprecated", DeprecationWarning)
        """,
        "pkg/c.py": """
            import warnings
            KNOWN = ("kept",)
            def __getattr__(name):
                if name not in KNOWN:
                    print(name)
                warnings.warn(f"{name} is deprecated", DeprecationWarning)
        """,
        "app.py": "from pkg.a import gone, went\nfrom pkg.b import single\nfrom pkg.c import kept\n",
    }
    assert [(f[0], f[1], f[2], f[3].split(" (")[0]) for f in findings(RULE, files)] == [
        ("app.py", 1, 19, "name pkg.a:gone is deprecated"),
        ("app.py", 1, 25, "name pkg.a:went is deprecated"),
        ("app.py", 2, 19, "name pkg.b:single is deprecated"),
    ]


SPHINX = {
    "pkg/__init__.py": "",
    "pkg/deprecation.py": '''
        import warnings


        class RemovedInPkg90Warning(DeprecationWarning):
            pass


        class RemovedInPkg10Warning(PendingDeprecationWarning):
            pass


        def _deprecation_warning(module, attribute, canonical_name="", *, remove, raises=False):
            """Helper function for module-level deprecations using ``__getattr__``."""
            if remove == (9, 0):
                warning_class: type[Warning] = RemovedInPkg90Warning
            elif remove == (10, 0):
                warning_class = RemovedInPkg10Warning
            else:
                msg = f"removal version {remove!r} is invalid!"
                raise RuntimeError(msg)
            qualname = f"{module}.{attribute}"
            if canonical_name:
                message = f"The alias {qualname!r} is deprecated, use {canonical_name!r} instead."
            else:
                message = f"{qualname!r} is deprecated."
            if raises:
                raise AttributeError(message)
            message = f"{message} Check CHANGES for API modifications."
            warnings.warn(message, warning_class, stacklevel=3)
    ''',
    "pkg/util/__init__.py": """
        from typing import Any

        from pkg.util import index_entries as _index_entries

        _DEPRECATED_OBJECTS: dict[str, tuple[Any, str, tuple[int, int]]] = {
            "split_into": (_index_entries.split_into, "pkg.util.index_entries.split_into", (9, 0)),
            "old_split": (_index_entries.split_into, "", (10, 0)),
        }


        def __getattr__(name: str) -> Any:
            if name not in _DEPRECATED_OBJECTS:
                msg = f"module {__name__!r} has no attribute {name!r}"
                raise AttributeError(msg)

            from pkg.deprecation import _deprecation_warning

            deprecated_object, canonical_name, remove = _DEPRECATED_OBJECTS[name]
            _deprecation_warning(__name__, name, canonical_name, remove=remove)
            return deprecated_object
    """,
    "pkg/util/index_entries.py": "def split_into(n, type, value): ...\n",
    "app.py": "from pkg.util import split_into, old_split\n",
}


def test_sphinx_getattr_reads_the_replacement_from_the_table_value_its_helper_is_passed() -> None:
    assert findings(RULE, SPHINX) == [
        (
            "app.py",
            1,
            22,
            "name pkg.util:split_into is deprecated (pkg/util/__init__.py:19: "
            "\"_deprecation_warning(__name__, 'split_into', 'pkg.util.index_entries.split_into', remove=(9, 0))\"); use pkg.util.index_entries:split_into",
        ),
        (
            "app.py",
            1,
            34,
            "name pkg.util:old_split is deprecated (pkg/util/__init__.py:19: \"_deprecation_warning(__name__, 'old_split', '', remove=(10, 0))\")",
        ),
    ]
    assert _table(SPHINX)["pkg.util:old_split"][2] == "the declaration names no replacement"


def test_sphinx_shape_is_proposed_as_a_mapping_and_its_fix_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table's object may not be the replacement (Sphinx maps ``split_into`` to
    ``split_index_msg``'s object): the name is served by ``__getattr__``, so never verified."""
    project = write_project(tmp_path / "p", SPHINX)
    data = json.loads(run_cli(["init", "--no-write", "--format", "json", "--no-cache"], project, monkeypatch).stdout)
    assert [(d["target"], d["replacement"], d["reason"]) for d in data["deprecations"]] == [
        ("pkg.util:old_split", "", "the declaration names no replacement"),
        ("pkg.util:split_into", "pkg.util.index_entries:split_into", ""),
    ]
    assert run_cli(["init", "--no-cache"], project, monkeypatch).exit_code == 0
    assert '[rule.replace]\n"pkg.util:split_into" = "pkg.util.index_entries:split_into"\n' in (project / "ssot-rules.toml").read_text()
    fixed = run_cli(["fix", "--diff", "--no-cache", "--select", "DD2"], project, monkeypatch)
    assert fixed.stdout == ""
    assert (
        "app.py:1:22: DD2 unsafe fix not applied: that pkg.util.index_entries.split_into is the same object as pkg.util.split_into"
        " cannot be verified: pkg.util defines __getattr__, so split_into cannot be verified there\n"
    ) in fixed.stderr


# -- 3. "import it from X" is a same-name move; prose words are no replacement ---------------

IMPORT_IT = {
    "pkg/exceptions.py": "class ErrorTree: ...\n",
    "pkg/literals.py": "def literal(): ...\n",  # a prose word defined once in the project
    "pkg/__init__.py": """
        import warnings


        def __getattr__(name):
            if name == "ErrorTree":
                warnings.warn("Importing ErrorTree directly from the pkg package is deprecated. Import it from pkg.exceptions instead.", DeprecationWarning)
                from pkg.exceptions import ErrorTree
                return ErrorTree
            if name == "Extra":
                warnings.warn("Extra is deprecated. Use literal values instead (e.g. `extra='allow'`)", DeprecationWarning)
                return None
            raise AttributeError(name)
    """,
    "app.py": "from pkg import ErrorTree\nfrom pkg import Extra\n",
}


def test_import_it_from_names_a_same_name_move_and_a_prose_word_no_replacement() -> None:
    table = _table(IMPORT_IT)
    assert table["pkg:ErrorTree"][1:] == ("pkg.exceptions:ErrorTree", None)
    assert table["pkg:Extra"][1:] == (None, "the declaration names no replacement")


def test_import_it_from_is_proposed_as_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", IMPORT_IT)
    result = run_cli(["init", "--no-write", "--no-cache"], project, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert "          replacement: pkg.exceptions:ErrorTree\n" in result.stdout
    assert "no replacement: the declaration names no replacement\n" in result.stdout
    assert "literal" not in result.stdout.split("Extra is deprecated")[1].split("\n", 2)[1]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Importing X from a.b is deprecated. Import it from pkg.exceptions instead.", "ErrorTree", ["pkg.exceptions:ErrorTree"]),
        ("Importing X from a.b is deprecated. Instead import it from pkg.exceptions.", "ErrorTree", ["pkg.exceptions:ErrorTree"]),
        (
            "Importing display from IPython.core.display is deprecated since IPython 7.14, please import from IPython.display",
            "display",
            ["IPython.display:display"],
        ),
        ('The gravity function has been moved. Import it from "sympy.physics.mechanics.loads".', "gravity", ["sympy.physics.mechanics.loads:gravity"]),
        ("Import them from pkg.new instead", None, ["pkg.new"]),
        ("Import Fresh from pkg.new instead", "Stale", ["pkg.new:Fresh"]),
        ("Import directly from standard library `inspect`", None, []),
        ("Extra is deprecated. Use literal values instead (e.g. `extra='allow'`)", "Extra", []),
        ("You should migrate to Pydantic V2 style `@field_validator` validators", "validator", []),
        ("The jsonschema CLI is deprecated. Please use check-jsonschema instead", None, []),
        ("Use `literal` instead", "Extra", ["literal"]),
        ("Use 'literal' instead", "Extra", ["literal"]),
        ("use literal() instead", "Extra", ["literal"]),
        ("use new_call instead", "old_call", ["new_call"]),
        ("Use DjangoTemplates instead.", "X", ["DjangoTemplates"]),
        ("Use Jinja2 instead.", "X", ["Jinja2"]),
        ("use pkg.new instead", None, ["pkg.new"]),
    ],
)
def test_replacement_candidates(text: str, name: str | None, expected: list[str]) -> None:
    assert [c.ref for c in candidates(text, name) if c.marked] == expected


def test_a_plain_word_names_a_project_module_or_what_the_deprecated_module_defines() -> None:
    """``use modern instead``: a plain lower-case word counts when it is a project module, or a
    name defined beside the deprecated one; never through the one module elsewhere that happens
    to define a function of that name."""
    files = {
        "legacy.py": "import warnings\nwarnings.warn('legacy is deprecated; use modern instead', DeprecationWarning)\n",
        "modern.py": "",
        "old.py": "import warnings\nwarnings.warn('old is deprecated; use literal values instead', DeprecationWarning)\n",
        "lib.py": "import warnings\ndef literal(): ...\ndef total(): ...\ndef old_total():\n    warnings.warn('Use total instead', DeprecationWarning)\n",
        "calc.py": "import warnings\ndef old_sum():\n    warnings.warn('Use total instead', DeprecationWarning)\n",
    }
    table = _table(files)
    assert table["legacy"][1:] == ("modern", None)
    assert table["old"][1:] == (None, "the declaration names no replacement")
    assert table["lib:old_total"][1:] == ("lib:total", None)
    assert table["calc:old_sum"][1:] == (None, "the declaration names no replacement")
