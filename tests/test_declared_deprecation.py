"""declared-deprecation over a generated project with every declaration form and import form."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.kinds.declared_deprecation import DeclaredDeprecation
from ssot_lint.kinds.declared_deprecation.declarations import message_text
from ssot_lint.kinds.declared_deprecation.replacement import candidates
from tests.helpers import write_project
from tests.integrity_helpers import build, cli_json, findings, places

RULE = build(DeclaredDeprecation)

PROJECT = {
    "core/__init__.py": "",
    "core/categories.py": """
        class ProjectDeprecation(DeprecationWarning): ...
        class RemovedInV3(ProjectDeprecation): ...
        RemovedInNextVersion = RemovedInV3
        class NotADeprecation(UserWarning): ...
    """,
    "legacy/__init__.py": """
        import warnings
        from core.categories import RemovedInNextVersion
        warnings.warn("legacy is deprecated; use modern instead", RemovedInNextVersion, stacklevel=2)
        from . import helpers
    """,
    "legacy/sub.py": "from legacy import helpers\nfrom . import helpers as h\n",
    "legacy/helpers.py": "",
    "old_api.py": """
        from warnings import warn as _w
        if True:
            _w("old_api is deprecated. Use modern.api instead", category=PendingDeprecationWarning)
        def thing(): ...
    """,
    "noisy.py": """
        import warnings
        import pytest
        from core.categories import NotADeprecation
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.simplefilter("default", DeprecationWarning)
        warnings.warn("just a note")
        warnings.warn("not a deprecation", NotADeprecation)
        with pytest.warns(DeprecationWarning):
            pass
        def later():
            warnings.warn("runs only when called", DeprecationWarning)
    """,
    "modern/__init__.py": "",
    "modern/api.py": '''
        import warnings
        from typing_extensions import deprecated as dep
        import deprecated
        def new_call(): ...
        @dep("old_call is deprecated; use new_call instead")
        def old_call(): ...
        @deprecated.deprecated(reason="moved to modern.api.Fresh")
        class Stale: ...
        class Fresh: ...
        def first_warns(x):
            """Doc."""
            msg = "first_warns is deprecated"
            warnings.warn(msg, DeprecationWarning, stacklevel=2)
            return x
        def warns_later(x):
            if x:
                warnings.warn("conditional", DeprecationWarning)
        class Instantiated:
            def __init__(self):
                warnings.warn(FutureWarning("Instantiated is deprecated"))
        def __getattr__(name):
            if name == "OLD_CONST":
                warnings.warn(f"{name} is deprecated; use NEW_CONST", DeprecationWarning)
                return 1
            if name in _MOVED:
                new = _MOVED[name]
                warnings.warn(f"{name} moved to {new}", DeprecationWarning)
                return 2
            raise AttributeError(name)
        NEW_CONST = 1
        _MOVED = {"gone": "modern.api.Fresh"}
    ''',
    "modern/reexport.py": "from modern.api import old_call as call\n",
    "app/__init__.py": "",
    "app/old.py": "import warnings\nwarnings.warn('app.old is deprecated: moved to app.new', DeprecationWarning)\nthing = 1\n",
    "app/new.py": "thing = 1\n",
    "app/main.py": """
        import legacy
        import legacy.sub
        from legacy import helpers
        from old_api import *
        from modern.api import old_call, Stale, new_call
        from modern.api import OLD_CONST, gone
        from modern.api import first_warns, warns_later, Instantiated
        from modern.reexport import call
        from modern import reexport
        import noisy
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import old_api
        def f():
            from .old import thing
            from . import old, new
    """,
    "app/star.py": "from modern.api import *\n",
}


def test_every_declaration_and_import_form_exact_locations() -> None:
    assert places(RULE, PROJECT) == [
        ("app/main.py", 1, 8),  # import legacy: the package warns
        ("app/main.py", 2, 8),  # import legacy.sub: runs legacy's __init__ first
        ("app/main.py", 3, 6),  # from legacy import helpers: at the module part
        ("app/main.py", 4, 6),  # from old_api import *
        ("app/main.py", 5, 24),  # old_call (@typing_extensions.deprecated, aliased)
        ("app/main.py", 5, 34),  # Stale (@deprecated.deprecated)
        ("app/main.py", 6, 24),  # OLD_CONST (__getattr__, name ==)
        ("app/main.py", 6, 35),  # gone (__getattr__, name in TABLE)
        ("app/main.py", 7, 24),  # first_warns (unconditional warn)
        ("app/main.py", 7, 50),  # Instantiated (__init__ warns)
        ("app/main.py", 8, 29),  # call: old_call through a re-export
        ("app/main.py", 13, 12),  # TYPE_CHECKING
        ("app/main.py", 15, 10),  # relative: from .old import thing
        ("app/main.py", 16, 19),  # relative: from . import old
        ("app/star.py", 1, 24),  # star import: each exported deprecated def/class
        ("app/star.py", 1, 24),
        ("app/star.py", 1, 24),
        ("app/star.py", 1, 24),
        ("modern/reexport.py", 1, 24),  # the re-export itself imports a deprecated function
    ]


def test_messages_quote_the_declaration_and_say_when_and_how() -> None:
    got = {(path, line, col): message for path, line, col, message in findings(RULE, PROJECT)}
    assert got[("app/main.py", 2, 8)] == (
        'package legacy is deprecated (legacy/__init__.py:3: "legacy is deprecated; use modern instead"); '
        "imported through legacy.sub: Python runs package legacy first; use modern"
    )
    assert got[("app/main.py", 13, 12)] == (
        'module old_api is deprecated (old_api.py:3: "old_api is deprecated. Use modern.api instead"); '
        "under TYPE_CHECKING: this import never runs; use modern.api"
    )
    assert got[("app/main.py", 8, 29)] == (
        'function modern.api:old_call is deprecated (modern/api.py:6: "old_call is deprecated; use new_call instead"); '
        "re-exported as modern.reexport:call; use modern.api:new_call"
    )
    assert got[("app/main.py", 6, 35)] == 'name modern.api:gone is deprecated (modern/api.py:27: "gone moved to modern.api.Fresh"); use modern.api:Fresh'
    assert got[("app/main.py", 7, 24)] == 'function modern.api:first_warns is deprecated (modern/api.py:13: "first_warns is deprecated")'
    assert got[("app/main.py", 7, 50)] == 'class modern.api:Instantiated is deprecated (modern/api.py:20: "Instantiated is deprecated")'
    assert got[("app/main.py", 16, 19)] == 'module app.old is deprecated (app/old.py:2: "app.old is deprecated: moved to app.new"); use app.new'


def test_details_list_each_declaration_with_its_replacement_or_why_none() -> None:
    rule = build(DeclaredDeprecation)
    facts = _facts(rule, PROJECT)
    _, _, details = rule.aggregate(facts)
    table = {d["target"]: (d["how"], d["replacement"], d["no_replacement_because"]) for d in details["declarations"]}
    assert table == {
        "app.old": ("warns at import", "app.new", None),
        "legacy": ("warns at import", "modern", None),
        "modern.api:Instantiated": ("warns when instantiated", None, "the declaration names no replacement"),
        "modern.api:OLD_CONST": ("warns in __getattr__", "modern.api:NEW_CONST", None),
        "modern.api:Stale": ("@deprecated", "modern.api:Fresh", None),
        "modern.api:gone": ("warns in __getattr__", "modern.api:Fresh", None),
        "modern.api:old_call": ("@deprecated", "modern.api:new_call", None),
        "modern.api:first_warns": ("warns when called", None, "the declaration names no replacement"),
        # warns unconditionally when called: a deprecated function (its module is not deprecated)
        "noisy:later": ("warns when called", None, "the declaration names no replacement"),
        "old_api": ("warns at import", "modern.api", None),
    }
    assert details["not_deprecations"] == ["noisy.py:7: category core.categories.NotADeprecation is not a deprecation warning"]


def _facts(rule, files):
    import textwrap

    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.kinds.examples import example_ref

    out = []
    for path, code in sorted(files.items()):
        ref = example_ref(path)
        result = analyze_source(textwrap.dedent(code).lstrip("\n").encode(), ref, [rule])
        out.append((ref, result.facts.get(rule.id)))
    return out


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("X is deprecated. Use pkg.new instead", ["pkg.new"]),
        ("use 'from a.b import C'", ["a.b:C"]),
        ("NEW: from a.b import C (OLD: from x import C)", ["a.b:C", "x:C"]),
        ("moved to `a.b.C`.", ["a.b.C"]),
        ("deprecated in favour of a.b()", ["a.b"]),
        ("please use the new API", []),
        ("has been replaced by NewThing; it will be removed", ["NewThing"]),
        ("deprecated", []),
    ],
)
def test_replacement_phrases(text: str, refs: list[str]) -> None:
    assert [c.ref for c in candidates(text)] == refs


def test_replacement_ambiguous_or_unknown_gives_none_and_says_why() -> None:
    files = {
        "a/__init__.py": "",
        "a/one.py": "class Manager: ...\n",
        "a/two.py": "class Manager: ...\n",
        "old.py": "import warnings\nwarnings.warn('old is deprecated; use Manager instead', DeprecationWarning)\n",
        "older.py": "import warnings\nwarnings.warn('older is deprecated; use nothing.here instead', DeprecationWarning)\n",
    }
    rule = build(DeclaredDeprecation)
    _, _, details = rule.aggregate(_facts(rule, files))
    reasons = {d["target"]: d["no_replacement_because"] for d in details["declarations"]}
    assert reasons == {
        "old": "ambiguous replacement: a.one:Manager or a.two:Manager",
        "older": "nothing.here is not a project module or name",
    }


def test_message_text_of_formatted_and_concatenated_messages() -> None:
    import ast

    def text(code: str) -> str | None:
        return message_text(ast.parse(code).body[0].value)  # type: ignore[attr-defined]

    assert text("'a' 'b'") == "ab"
    assert text("f'{name} moved to {new}'") == "{name} moved to {new}"
    assert text("'%s is old' % x") == "%s is old"
    assert text("'{} is old'.format(x)") == "{} is old"
    assert text("'a ' + b + ' c'") == "a {...} c"
    assert text("x") is None


def test_options_categories_decorators_ignore_modules() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/compat.py": "import warnings\nfrom sqlalchemy.exc import SADeprecationWarning\nwarnings.warn('compat', SADeprecationWarning)\n",
        "pkg/shim.py": "import warnings\nwarnings.warn('shim is deprecated', DeprecationWarning)\n",
        "pkg/api.py": "from pkg.tools import retired\n@retired('use f2')\ndef f(): ...\ndef f2(): ...\n",
        "pkg/tools.py": "def retired(reason): ...\n",
        "app.py": "import pkg.compat\nimport pkg.shim\nfrom pkg.api import f\n",
    }
    assert places(RULE, files) == [("app.py", 2, 8)]
    configured = build(DeclaredDeprecation, categories=["sqlalchemy.exc.SADeprecationWarning"], decorators=["pkg.tools.retired"], ignore_modules=["pkg.sh*"])
    assert places(configured, files) == [("app.py", 1, 8), ("app.py", 3, 21)]


def test_canonical_target_of_a_deprecated_import_rule_that_runs_a_deprecated_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(
        tmp_path / "p",
        {
            "core/__init__.py": "import warnings\nwarnings.warn('core is deprecated', DeprecationWarning)\n",
            "core/manager.py": "class Manager: ...\n",
            "old/__init__.py": "",
            "old/manager.py": "class Manager: ...\n",
            "app.py": "from core.manager import Manager\n",
        },
        rules="""
        [[rule]]
        id = "DD1"
        kind = "declared-deprecation"

        [[rule]]
        id = "MOVE"
        kind = "deprecated-import"
        replace = { "old.manager" = "core.manager" }
        """,
    )
    code, report = cli_json(["check"], project, monkeypatch)
    assert code == 1
    got = [(f["path"], f["line"], f["rule"], f["message"]) for f in report["findings"]]
    assert got == [
        (
            "app.py",
            1,
            "DD1",
            'package core is deprecated (core/__init__.py:2: "core is deprecated"); imported through core.manager: Python runs package core first',
        ),
        (
            "rules.toml",
            9,  # the mapping's line (`replace = {...}`), as `rules --check` locates it; not the [[rule]] header's
            "DD1",
            'package core is deprecated (core/__init__.py:2: "core is deprecated"); the canonical target core.manager of rule MOVE runs it',
        ),
    ]


def test_results_are_the_same_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", PROJECT, rules='[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n')
    from tests.helpers import run_cli

    first = run_cli(["check", "-o", "json"], project, monkeypatch)
    second = run_cli(["check", "-o", "json"], project, monkeypatch)
    assert first.exit_code == second.exit_code == 1
    assert [f["message"] for f in first.json()["findings"]] == [f["message"] for f in second.json()["findings"]]
    assert len(first.json()["findings"]) == 19


def test_project_warning_helpers_declare_where_they_are_called() -> None:
    """SymPy's shape: a helper builds the warning from the message it is given; its calls at
    module level declare the module deprecated, its calls first thing in a def the def."""
    files = {
        "lib/__init__.py": "",
        "lib/exceptions.py": '''
            import warnings
            class LibDeprecationWarning(DeprecationWarning): ...
            def lib_deprecation_warning(message, *, since):
                """Warn."""
                w = LibDeprecationWarning(message)
                warnings.warn(w, stacklevel=3)
            def warn_removed(what):
                warnings.warn(f"{what} was removed", DeprecationWarning)
        ''',
        "lib/old.py": 'from lib.exceptions import lib_deprecation_warning\nlib_deprecation_warning("lib.old is deprecated. Use lib.new instead.", since="1.1")\n',
        "lib/new.py": "def f(): ...\n",
        "lib/api.py": "from lib.exceptions import lib_deprecation_warning as ldw\ndef g():\n    ldw('g is deprecated', since='1')\n    return 1\n",
        "lib/other.py": "def warn_me(text): ...\nwarn_me('not a helper: it does not warn')\n",
        "app.py": "import lib.old\nfrom lib.api import g\nfrom lib.exceptions import lib_deprecation_warning, warn_removed\nimport lib.other\n",
    }
    assert findings(RULE, files) == [
        ("app.py", 1, 8, 'module lib.old is deprecated (lib/old.py:2: "lib.old is deprecated. Use lib.new instead."); use lib.new'),
        ("app.py", 2, 21, 'function lib.api:g is deprecated (lib/api.py:3: "g is deprecated")'),
    ]


def test_a_warning_in_an_import_fallback_does_not_deprecate_the_module() -> None:
    files = {
        "db/__init__.py": "",
        "db/driver.py": """
            import warnings
            try:
                import newdriver as driver
            except ImportError:
                import olddriver as driver
                warnings.warn("olddriver is deprecated. Use newdriver instead.", DeprecationWarning)
        """,
        "app.py": "from db.driver import driver\n",
    }
    assert findings(RULE, files) == []
