"""unresolved-import: phantom names and missing project modules, with the tricky cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.kinds.unresolved_import import UnresolvedImport
from tests.helpers import write_project
from tests.integrity_helpers import build, cli_json, findings, places

RULE = build(UnresolvedImport)


def test_phantom_name_is_reported_at_the_name_with_a_message() -> None:
    files = {
        "app/__init__.py": "",
        "app/rate_limiter.py": "class RateLimiter: ...\nclass RateLimitError(Exception): ...\n",
        "tests/test_limits.py": "import pytest\nfrom app.rate_limiter import (\n    RateLimiter,\n    RateLimitExceededException,\n)\n",
    }
    assert findings(RULE, files) == [
        ("tests/test_limits.py", 4, 5, "unresolved import: RateLimitExceededException is not defined in app.rate_limiter"),
    ]


def test_missing_modules_one_finding_per_statement_at_the_module() -> None:
    files = {
        "app/__init__.py": "",
        "app/schemas/__init__.py": "",
        "use.py": "import app.missing\nfrom app.schemas.gone import A, B\nfrom app.schemas import Message\nimport app.schemas.deep.er\n",
    }
    assert findings(RULE, files) == [
        ("use.py", 1, 8, "unresolved import: no module named app.missing"),
        ("use.py", 2, 6, "unresolved import: no module named app.schemas.gone"),
        ("use.py", 3, 25, "unresolved import: Message is not defined in app.schemas"),
        ("use.py", 4, 8, "unresolved import: no module named app.schemas.deep"),
    ]


def test_third_party_and_stdlib_are_out_of_scope() -> None:
    files = {"app/__init__.py": "", "use.py": "import os.nothing\nfrom json import nothing\nfrom pytest import nothing\nimport appx.y\n"}
    assert findings(RULE, files) == []
    # A loose script shadowing a stdlib name does not capture the stdlib's imports; a package does.
    shadowing = {"queue.py": "x = 1\n", "email/__init__.py": "", "use.py": "from queue import Queue\nimport email.mime\n"}
    assert places(RULE, shadowing) == [("use.py", 2, 8)]


def test_init_reexport_chains_are_checked_link_by_link() -> None:
    files = {
        "a/__init__.py": "from .b import X as Public\n",
        "a/b/__init__.py": "from .c import X\n",
        "a/b/c.py": "Y = 1\n",
        "use.py": "from a import Public, X\n",
    }
    # X is missing where the chain breaks (a/b/__init__.py), and `X` is not re-exported by a/__init__.py
    # (only `Public` is); `Public` itself resolves: each link is checked where it is written.
    assert places(RULE, files) == [("a/b/__init__.py", 1, 16), ("use.py", 1, 23)]


def test_dunders_resolve_and_all_entries_alone_do_not() -> None:
    files = {"pkg/__init__.py": "__all__ = ['lazy']\n", "use.py": "from pkg import lazy, __name__, __path__, other\n"}
    assert findings(RULE, files) == [
        ("use.py", 1, 17, "unresolved import: lazy is not defined in pkg (it is only listed in its __all__)"),
        ("use.py", 1, 43, "unresolved import: other is not defined in pkg"),
    ]


def test_star_imports_transitive_with_all_privacy_and_cycles() -> None:
    files = {
        "pkg/__init__.py": "from .x import *\nfrom .limited import *\n",
        "pkg/x.py": "from .y import *\nX = 1\n_private = 2\n",
        "pkg/y.py": "from .x import *\nY = 1\n",  # star cycle x <-> y
        "pkg/limited.py": "__all__ = ['Shown']\nShown = Hidden = 1\n",
        "use.py": "from pkg import X, Y, _private, Shown, Hidden, Z\n",
    }
    assert [(p, line, col) for p, line, col in places(RULE, files)] == [("use.py", 1, 23), ("use.py", 1, 40), ("use.py", 1, 48)]


def test_star_import_from_outside_the_project_or_dynamic_all_resolves_everything() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/compat.py": "from json import *\n",
        "pkg/dyn.py": "from .base import *\n",
        "pkg/base.py": "from .other import __all__ as _o\n__all__ = _o + ['B']\n",
        "pkg/other.py": "__all__ = []\n",
        "use.py": "from pkg.compat import anything\nfrom pkg.dyn import whatever\n",
    }
    assert places(RULE, files) == []


def test_conditional_definitions_count() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/compat.py": """
            import sys
            from typing import TYPE_CHECKING
            try:
                from ujson import loads
            except ImportError:
                from json import loads
            if TYPE_CHECKING:
                from collections.abc import Iterator
            if sys.version_info >= (3, 11):
                import tomllib as toml
            else:
                def toml(): ...
            def configure():
                global SETTINGS
                SETTINGS = {}
            for LAST in range(3):
                pass
            """,
        "use.py": "from pkg.compat import loads, Iterator, toml, SETTINGS, LAST, sys, missing\n",
    }
    assert places(RULE, files) == [("use.py", 1, 68)]


def test_relative_imports_resolve_against_the_package() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class Engine: ...\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/mod.py": "from ..core import Engine, Motor\nfrom . import sibling\nfrom ..... import beyond_the_top\n",
        "pkg/sub/sibling.py": "",
    }
    assert findings(RULE, files) == [("pkg/sub/mod.py", 1, 28, "unresolved import: Motor is not defined in pkg.core")]


def test_submodule_versus_attribute() -> None:
    files = {
        "pkg/__init__.py": "name = 'attribute'\n",
        "pkg/name.py": "value = 1\n",  # both an attribute and a submodule: fine either way
        "pkg/data/blob.py": "",  # a namespace directory inside a regular package
        "pkg/mod.py": "",
        "use.py": "from pkg import name, data, mod\nfrom pkg.name import value\nimport pkg.mod.attr\nfrom pkg.mod import sub\n",
    }
    assert findings(RULE, files) == [
        ("use.py", 3, 8, "unresolved import: no module named pkg.mod.attr"),
        ("use.py", 4, 21, "unresolved import: sub is not defined in pkg.mod"),
    ]


def test_self_import_in_package_init() -> None:
    files = {
        "pkg/__init__.py": "from . import sub, helper, nothing\nfrom pkg import later\ndef helper(): ...\nlater = 1\n",
        "pkg/sub.py": "",
    }
    # `nothing` is neither a submodule nor defined: the import binds it, but cannot vouch for itself.
    assert places(RULE, files) == [("pkg/__init__.py", 1, 28)]


def test_module_getattr_makes_every_name_resolve() -> None:
    files = {"pkg/__init__.py": "", "pkg/lazy.py": "def __getattr__(name):\n    raise AttributeError(name)\n", "use.py": "from pkg.lazy import Anything\n"}
    assert places(RULE, files) == []


def test_function_level_and_type_checking_imports_are_checked_too() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import Gone\ndef f():\n    from pkg.b import Lost\n",
        "pkg/b.py": "",
    }
    assert places(RULE, files) == [("pkg/a.py", 3, 23), ("pkg/a.py", 5, 23)]


def test_namespace_packages_with_src_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "ssot-lint.toml": 'rule-files = ["rules.toml"]\nsrc = ["src"]\n',
            "rules.toml": '[[rule]]\nid = "PI001"\nkind = "unresolved-import"\n',
            "src/ns/mod.py": "class Thing: ...\n",  # ns has no __init__.py: a namespace package
            "src/ns/sub/__init__.py": "",
            "src/app.py": "from ns import mod, sub, gone\nfrom ns.mod import Thing, Other\nimport ns.missing\nfrom ns.sub import nothing\n",
        },
    )
    code, report = cli_json(["check"], tmp_path, monkeypatch)
    assert code == 1
    assert [(f["path"], f["line"], f["col"], f["message"]) for f in report["findings"]] == [
        ("src/app.py", 1, 26, "unresolved import: no module named ns.gone (namespace package ns has no such submodule)"),
        ("src/app.py", 2, 27, "unresolved import: Other is not defined in ns.mod"),
        ("src/app.py", 3, 8, "unresolved import: no module named ns.missing"),
        ("src/app.py", 4, 20, "unresolved import: nothing is not defined in ns.sub"),
    ]


def test_partial_runs_resolve_imports_against_the_whole_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "ssot-lint.toml": 'rule-files = ["rules.toml"]\n',
            "rules.toml": '[[rule]]\nid = "PI001"\nkind = "unresolved-import"\n',
            "app/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/m.py": "class Thing: ...\n",
            "app/services/__init__.py": "",
            "app/services/s.py": "from app.core.m import Gadget\nfrom app.core.gone import x\nfrom app.services.nothing import y\n",
        },
    )
    _, whole = cli_json(["check"], tmp_path, monkeypatch)
    assert [(f["path"], f["line"], f["col"]) for f in whole["findings"]] == [
        ("app/services/s.py", 1, 24),
        ("app/services/s.py", 2, 6),
        ("app/services/s.py", 3, 6),
    ]
    _, part = cli_json(["check", "app/services"], tmp_path, monkeypatch)
    # app.core is outside PATH, and the index is the whole project's: the same three findings.
    assert part["findings"] == whole["findings"]


def test_an_unparsable_module_still_exists_and_resolves_every_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "ssot-lint.toml": 'rule-files = ["rules.toml"]\n',
            "rules.toml": '[[rule]]\nid = "PI001"\nkind = "unresolved-import"\n',
            "pkg/__init__.py": "",
            "pkg/broken.py": "def f(:\n",
            "use.py": "from pkg.broken import Anything\nfrom pkg import broken\n",
        },
    )
    code, report = cli_json(["check"], tmp_path, monkeypatch)
    assert code == 1
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("SSOT000", "pkg/broken.py")]


def test_imports_expected_to_fail_are_not_reported() -> None:
    files = {
        "pkg/__init__.py": "",
        "tests/test_gone.py": """\
            import contextlib, unittest
            import pytest

            def test_raises():
                with pytest.raises(ImportError):
                    from pkg import a
                with pytest.raises((AttributeError, ModuleNotFoundError), match="b"):
                    import pkg.b
                with contextlib.suppress(ImportError):
                    from pkg import c

            class T(unittest.TestCase):
                def test_assert(self):
                    with self.assertRaisesRegex(ImportError, "d"):
                        from pkg import d
                    with self.assertRaisesMessage(ImportError, "dd"):
                        import pkg.dd

            try:
                from pkg import e
            except ImportError:
                pytest.skip("no e", allow_module_level=True)
            try:
                from pkg import f
            except (ImportError, OSError):
                raise unittest.SkipTest("no f")
        """,
        "tests/test_still.py": """\
            import pytest

            with pytest.raises(ValueError):
                from pkg import g
            try:
                from pkg import h
            except ImportError:
                h = None
            with pytest.raises(ImportError):
                pass
            from pkg import i
            try:
                from pkg._speedups import fast  # optional by design: a compiled module has no .py
                import pkg.local_settings
            except Exception:
                pass
            try:
                from pkg.missing import j
            except ValueError:
                pass
        """,
    }
    assert findings(RULE, files) == [
        ("tests/test_still.py", 4, 21, "unresolved import: g is not defined in pkg"),
        ("tests/test_still.py", 6, 21, "unresolved import: h is not defined in pkg"),
        ("tests/test_still.py", 11, 17, "unresolved import: i is not defined in pkg"),
        ("tests/test_still.py", 18, 10, "unresolved import: no module named pkg.missing"),
    ]


def test_a_module_getattr_however_bound_resolves_every_name() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/const.py": "from functools import partial\ndef check(name, module_globals): ...\n__getattr__ = partial(check, module_globals=globals())\n",
        "pkg/typed.py": "from typing import Any, Callable\n__getattr__: Callable[[str], Any] = lambda name: name\n",
        "pkg/imported.py": "from pkg.const import __getattr__\n",
        "pkg/plain.py": "X = 1\n",
        "use.py": "from pkg.const import OLD\nfrom pkg.typed import ANY\nfrom pkg.imported import WHATEVER\nfrom pkg.plain import GONE\n",
    }
    assert findings(RULE, files) == [("use.py", 4, 23, "unresolved import: GONE is not defined in pkg.plain")]


def test_phantom_exports_are_reported_at_the_imports_that_fail() -> None:
    files = {
        "pkg/__init__.py": "from .core import *\n",
        "pkg/core.py": "__all__ = ['Real', 'Ghost', 'sub', 'Spirit']\nclass Real: ...\n",
        "pkg/core/sub.py": "",
        "use.py": "from pkg.core import Real, Ghost\nfrom pkg.core import *\nfrom pkg import Real, Ghost, Spirit\nfrom pkg import *\n",
    }
    assert findings(RULE, files) == [
        ("pkg/__init__.py", 1, 19, "unresolved import: pkg.core.__all__ lists Ghost, Spirit, sub, which pkg.core does not define"),
        ("pkg/core/sub.py", 1, 1, "unresolved import: nothing in pkg/core/ can be imported: pkg.core is the module pkg/core.py, not a package"),
        ("use.py", 1, 28, "unresolved import: Ghost is not defined in pkg.core (it is only listed in its __all__)"),
        ("use.py", 2, 22, "unresolved import: pkg.core.__all__ lists Ghost, Spirit, sub, which pkg.core does not define"),
        ("use.py", 3, 23, "unresolved import: Ghost is not defined in pkg"),
        ("use.py", 3, 30, "unresolved import: Spirit is not defined in pkg"),
    ]
