"""disc22: the SQLAlchemy 2.0.36 review's discovery findings (``/tmp/review18b/repro``).

1. A compiled extension module (``.pyx``, ``.so``, ``.pyd``: SQLAlchemy's ``cyextension``) is a
   module whose names are unknown: imports of it resolve, no file of it is read or parsed, and a
   fix never counts a name there as verified. Before, all 25 of SQLAlchemy's PI1 findings were
   imports of such modules.
2. A warning helper that warns through other helpers (SQLAlchemy's ``warn_deprecated`` ->
   ``_warn_with_version(msg, ..., exc.SADeprecationWarning)`` -> ``_warnings_warn(instance)`` ->
   ``warnings.warn``) declares as one that warns itself. Before, ``init`` found none of them.
3. ``decorators`` matches a decorator through re-exports, whichever path names it; one that
   matches nothing is reported by ``rules --check``.
4. Sphinx roles name a replacement; DUP1's "also at" leaves out the file it was compared with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint import api
from tests.helpers import run_cli, write_project

ELF = b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe\x00binary"
PI1 = '[[rule]]\nid = "PI1"\nkind = "unresolved-import"\n'


def compiled_project(root: Path, rules: str = PI1) -> Path:
    write_project(
        root,
        {
            "pkg/__init__.py": "",
            "pkg/cyext/__init__.py": "",
            # Cython, not Python: never parsed (it would be a syntax error)
            "pkg/cyext/util.pyx": "cdef int f(int x):\n    return x\n",
            "pkg/cyext/util.pxd": "cdef int f(int x)\n",
            # a .pxd alone is a Cython header (cimport), no module Python imports
            "pkg/cyext/header.pxd": "cdef int g()\n",
            "pkg/_py_util.py": "def f(x):\n    return x\n",
            "pkg/_has_cy.py": (
                "def _import_cy_extensions():\n    from .cyext import util\n\n    return (util,)\n\n\n"
                "try:\n    _import_cy_extensions()\nexcept ImportError:\n    HAS_CYEXTENSION = False\nelse:\n    HAS_CYEXTENSION = True\n"
            ),
            "pkg/mod.py": (
                "from ._has_cy import HAS_CYEXTENSION\n\nif not HAS_CYEXTENSION:\n    from ._py_util import f as f\nelse:\n"
                "    from pkg.cyext.util import f as f\n"
                "from pkg.cyext.speed import anything\nimport pkg.cyext.winspeed\nfrom pkg.cyext import header\n"
            ),
            # a stub without source: the names a type checker finds are the stub's
            "pkg/stubbed.pyi": "def g() -> int: ...\n",
            "app.py": "from pkg.stubbed import g, missing\n",
        },
        rules,
    )
    (root / "pkg/cyext/speed.cpython-311-x86_64-linux-gnu.so").write_bytes(ELF)
    (root / "pkg/cyext/winspeed.cp311-win_amd64.pyd").write_bytes(ELF)
    return root


def test_compiled_extension_modules_resolve_and_are_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = compiled_project(tmp_path / "p")
    result = run_cli(["check", "--no-cache", "-q"], root, monkeypatch)
    assert (result.exit_code, result.stdout.splitlines()) == (
        1,
        [
            "app.py:1:28: PI1 error: unresolved import: missing is not defined in pkg.stubbed",
            "pkg/mod.py:9:23: PI1 error: unresolved import: header is not defined in pkg.cyext",
        ],
    )
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    # Only Python source is scanned: the extension files are modules, not files to analyze.
    assert report["files"] == {"scanned": 7, "parse_errors": 0, "not_parsed": 7}


def test_compiled_modules_with_the_cache_and_in_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = compiled_project(tmp_path / "p")
    for _ in range(2):  # cold, then from the cache
        result = run_cli(["check", "-q", "--jobs", "2"], root, monkeypatch)
        assert (result.exit_code, len(result.stdout.splitlines())) == (1, 2)


def test_a_rewrite_to_a_name_in_a_compiled_module_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "DI"\nkind = "deprecated-import"\n[rule.replace]\n"pkg.old:f" = "pkg.cyext.util:f"\n'
    root = compiled_project(tmp_path / "p", rules)
    (root / "pkg/old.py").write_text("def f(x):\n    return x\n")
    (root / "use.py").write_text("from pkg.old import f\n\nf(1)\n")
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(f["path"], f["line"], f["applicability"]) for f in report["findings"]] == [("use.py", 1, "unsafe")]
    checked = run_cli(["rules", "--check", "--no-cache"], root, monkeypatch)
    assert (checked.exit_code, checked.stdout) == (0, "1 mapping checked, 0 warnings\n")
    fixed = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "use.py").read_text() == "from pkg.old import f\n\nf(1)\n"  # unsafe: not applied
    assert fixed.exit_code == 1
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert (root / "use.py").read_text() == "from pkg.cyext.util import f\n\nf(1)\n"


def test_init_writes_no_unresolved_import_for_compiled_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = compiled_project(tmp_path / "p", rules=None)  # type: ignore[arg-type]
    (root / "app.py").unlink()
    survey = api.survey(root)
    # the .pxd alone (header) is the one unresolved import; 6 files of Python source
    assert (survey.files, survey.parse_errors, survey.project_wide["unresolved-import"]) == (6, 0, 1)


# -- 2. helper chains ---------------------------------------------------------------------------------

DD = '[[rule]]\nid = "DD"\nkind = "declared-deprecation"\n'
CHAIN = {
    "pkg/exc.py": "class SADeprecationWarning(DeprecationWarning):\n    pass\n\n\nclass SAWarning(RuntimeWarning):\n    pass\n",
    "pkg/util/__init__.py": "from .deprecations import warn_deprecated as warn_deprecated\nfrom .deprecations import warn_runtime as warn_runtime\n",
    "pkg/util/deprecations.py": (
        "from pkg import exc\nfrom pkg.util.langhelpers import _warnings_warn\n\n\n"
        "def _warn_with_version(msg, version, type_, stacklevel, code=None):\n"
        "    warn = type_(msg, code=code)\n    warn.deprecated_since = version\n    _warnings_warn(warn, stacklevel=stacklevel + 1)\n\n\n"
        "def warn_deprecated(msg, version, stacklevel=3, code=None):\n    _warn_with_version(msg, version, exc.SADeprecationWarning, stacklevel, code=code)\n\n\n"
        "def warn_runtime(msg):\n    _warnings_warn(msg, exc.SAWarning)\n\n\n"
        "def warn_loop(msg):\n    warn_loop_back(msg)\n\n\n"
        "def warn_loop_back(msg):\n    warn_loop(msg)\n"
    ),
    "pkg/util/langhelpers.py": (
        "import warnings\n\n\ndef _warnings_warn(message, category=None, stacklevel=2):\n"
        "    if category is not None:\n        warnings.warn(message, category, stacklevel=stacklevel + 1)\n"
        "    else:\n        warnings.warn(message, stacklevel=stacklevel + 1)\n"
    ),
    "pkg/pool.py": "class SingletonThreadPool:\n    pass\n",
    "pkg/__init__.py": (
        "from . import util as _util\nfrom .pool import SingletonThreadPool\n\n\n"
        "def __getattr__(name):\n    if name == 'SingleonThreadPool':\n"
        "        _util.warn_deprecated('SingleonThreadPool was a typo in the v2 series. Please use the correct SingletonThreadPool name.', '2.0.24')\n"
        "        return SingletonThreadPool\n    raise AttributeError(name)\n"
    ),
    "pkg/engine.py": (
        "from pkg import util\n\n\ndef old_connect():\n    util.warn_deprecated('old_connect() is deprecated; use connect()', '1.4')\n    return 1\n\n\n"
        "def connect():\n    return 1\n\n\n"
        "def slow():\n    util.warn_runtime('slow() is slow')\n\n\n"
        "def looped():\n    util.deprecations.warn_loop('looped() is deprecated')\n"
    ),
    "app.py": "from pkg import SingleonThreadPool\nfrom pkg.engine import old_connect, slow, looped\n",
}


def test_a_helper_chain_with_the_category_passed_down_declares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", CHAIN, DD)
    result = run_cli(["check", "--no-cache", "-q"], root, monkeypatch)
    assert (result.exit_code, result.stdout.splitlines()) == (
        1,
        [
            'app.py:1:17: DD error: name pkg:SingleonThreadPool is deprecated (pkg/__init__.py:7: "SingleonThreadPool was a typo in the v2'
            ' series. Please use the correct SingletonThreadPool name."); use pkg.pool:SingletonThreadPool',
            'app.py:2:24: DD error: function pkg.engine:old_connect is deprecated (pkg/engine.py:5: "old_connect() is deprecated; use'
            ' connect()"); use pkg.engine:connect',
        ],
    )
    # a chain to a RuntimeWarning subclass declares nothing; a chain that loops ends nowhere
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    declared = [(d["target"], d["declared"], d["how"]) for d in report["rules"][0]["details"]["declarations"]]
    assert declared == [
        ("pkg:SingleonThreadPool", "pkg/__init__.py:7", "warns in __getattr__"),
        ("pkg.engine:old_connect", "pkg/engine.py:5", "warns when called"),
    ]


def test_init_finds_the_declarations_of_a_helper_chain(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CHAIN)
    survey = api.survey(root)
    assert sorted((d.target, d.imports) for d in survey.deprecations) == [("pkg.engine:old_connect", 1), ("pkg:SingleonThreadPool", 1)]


# -- 3. decorators through re-exports -----------------------------------------------------------------

DECORATED = {
    "pkg/__init__.py": "",
    "pkg/util/__init__.py": "from .deprecations import moved_20 as moved_20\n",
    "pkg/util/deprecations.py": (
        "import functools\nimport warnings\n\n\ndef moved_20(message):\n    def decorate(fn):\n        @functools.wraps(fn)\n"
        "        def warned(*args, **kw):\n            warnings.warn(message, DeprecationWarning, stacklevel=2)\n"
        "            return fn(*args, **kw)\n\n        return warned\n\n    return decorate\n"
    ),
    "pkg/ext/__init__.py": "from .. import util\n\n\n@util.moved_20('declarative_base() is now available as pkg.orm.declarative_base')\ndef declarative_base():\n    return 1\n",
    "pkg/ext/direct.py": "from pkg.util.deprecations import moved_20\n\n\n@moved_20('old_direct() is deprecated')\ndef old_direct():\n    return 1\n",
    "app.py": "from pkg.ext import declarative_base\nfrom pkg.ext.direct import old_direct\n",
}


@pytest.mark.parametrize("listed", ["pkg.util.deprecations.moved_20", "pkg.util.moved_20"])
def test_a_listed_decorator_matches_through_re_exports_either_way(listed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = f'[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\ndecorators = ["{listed}"]\n'
    root = write_project(tmp_path / "p", DECORATED, rules)
    result = run_cli(["check", "--no-cache", "-q"], root, monkeypatch)
    assert (result.exit_code, result.stdout.splitlines()) == (
        1,
        [
            'app.py:1:21: DD1 error: function pkg.ext:declarative_base is deprecated (pkg/ext/__init__.py:5: "declarative_base() is now'
            ' available as pkg.orm.declarative_base")',
            'app.py:2:28: DD1 error: function pkg.ext.direct:old_direct is deprecated (pkg/ext/direct.py:5: "old_direct() is deprecated")',
        ],
    )
    checked = run_cli(["rules", "--check", "--no-cache"], root, monkeypatch)
    assert (checked.exit_code, checked.stdout) == (0, "0 mappings checked, 0 warnings\n")


def test_rules_check_says_when_a_listed_decorator_marks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\ndecorators = ["pkg.util.moved_20", "pkg.util.deprecations.moved_30"]\n'
    root = write_project(tmp_path / "p", DECORATED, rules)
    checked = run_cli(["rules", "--check", "--no-cache"], root, monkeypatch)
    assert (checked.exit_code, checked.stdout.splitlines()) == (
        1,
        [
            "rules.toml:1: DD1 decorator pkg.util.deprecations.moved_30 marks no function or class in the project (option decorators)",
            "0 mappings checked, 1 warning",
        ],
    )
    details = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()["rules"][0]["details"]
    assert details["unused_decorators"] == ["pkg.util.deprecations.moved_30"]


# -- 4. Sphinx roles; DUP1's "also at" ----------------------------------------------------------------


def test_a_sphinx_role_names_the_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        **DECORATED,
        "pkg/ext/__init__.py": DECORATED["pkg/ext/__init__.py"].replace("as pkg.orm.declarative_base", "as :func:`~pkg.orm.declarative_base`"),
        "pkg/orm/__init__.py": "def declarative_base():\n    return 2\n",
    }
    rules = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\ndecorators = ["pkg.util.moved_20"]\n'
    root = write_project(tmp_path / "p", files, rules)
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(f["path"], f["line"], f["message"], f["applicability"]) for f in report["findings"]][0] == (
        "app.py",
        1,
        'function pkg.ext:declarative_base is deprecated (pkg/ext/__init__.py:5: "declarative_base() is now available as'
        ' :func:`~pkg.orm.declarative_base`"); use pkg.orm:declarative_base',
        "unsafe",  # another definition than the deprecated one: the rewrite changes what runs
    )


def test_the_similar_copies_message_names_each_place_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "class Client:\n    def get(self): ...\n    def post(self): ...\n"
    rules = '[[rule]]\nid = "DUP1"\nkind = "duplicate-definition"\nmin-count = 2\nmin-similarity = 0.5\n'
    root = write_project(tmp_path / "p", {"a.py": body, "b.py": body, "c.py": body}, rules)
    messages = [f["message"] for f in run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()["findings"]]
    assert messages == [
        "Client is defined in 3 modules with similar bodies (shares get, post with a.py:1, 100% of their members; also at c.py:1)",
        "Client is defined in 3 modules with similar bodies (shares get, post with a.py:1, 100% of their members; also at b.py:1)",
    ]
    (root / "c.py").unlink()  # two copies: the one compared with is the only other place
    messages = [f["message"] for f in run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()["findings"]]
    assert messages == ["Client is defined in 2 modules with similar bodies (shares get, post with a.py:1, 100% of their members)"]
