"""fwd27: a module-level ``__getattr__`` that forwards every name it does not define to a new
module, warning for each (NumPy 2.2.6's ``numpy/core/*.py`` shims and ``numpy/linalg/linalg.py``),
is read as a declaration: "every name module ``old`` does not define has moved to ``new`` under
the same name". Before, ``init`` listed no ``numpy.core*`` declaration (review26a's known gap).

The project below is shaped like the five NumPy files (``numpy/core/numeric.py``,
``numpy/core/__init__.py``, ``numpy/core/multiarray.py``, ``numpy/core/_multiarray_umath.py``,
``numpy/linalg/linalg.py``), with the same hooks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RAISE_WARNING = (
    "import warnings\n\n\n"
    "def _raise_warning(attr: str, submodule: str | None = None) -> None:\n"
    '    new_module = "numpy._core"\n'
    '    old_module = "numpy.core"\n'
    "    if submodule is not None:\n"
    '        new_module = f"{new_module}.{submodule}"\n'
    '        old_module = f"{old_module}.{submodule}"\n'
    "    warnings.warn(\n"
    '        f"{old_module} is deprecated and has been renamed to {new_module}. "\n'
    '        f"use {new_module}.{attr}.",\n'
    "        DeprecationWarning,\n"
    "        stacklevel=3\n"
    "    )\n"
)
CORE_INIT = (
    '"""`numpy.core` was renamed to `_core`."""\n'
    "from numpy import _core\n"
    "from ._utils import _raise_warning\n\n\n"
    "def _ufunc_reconstruct(module, name):\n"
    "    mod = __import__(module, fromlist=[name])\n"
    "    return getattr(mod, name)\n\n\n"
    '__all__ = ["multiarray", "_multiarray_umath", "numeric"]\n\n\n'
    "def __getattr__(attr_name):\n"
    "    attr = getattr(_core, attr_name)\n"
    "    _raise_warning(attr_name)\n"
    "    return attr\n"
)
NUMERIC = (
    "def __getattr__(attr_name):\n"
    "    from numpy._core import numeric\n"
    "    from ._utils import _raise_warning\n\n"
    "    sentinel = object()\n"
    "    ret = getattr(numeric, attr_name, sentinel)\n"
    "    if ret is sentinel:\n"
    "        raise AttributeError(\n"
    "            f\"module 'numpy.core.numeric' has no attribute {attr_name}\")\n"
    '    _raise_warning(attr_name, "numeric")\n'
    "    return ret\n"
)
MULTIARRAY = (
    "from numpy._core import multiarray\n\n"
    'for item in ["_reconstruct", "scalar"]:\n'
    "    globals()[item] = getattr(multiarray, item)\n\n"
    "_ARRAY_API = multiarray._ARRAY_API\n\n\n"
    "def __getattr__(attr_name):\n"
    "    from numpy._core import multiarray\n"
    "    from ._utils import _raise_warning\n"
    "    ret = getattr(multiarray, attr_name, None)\n"
    "    if ret is None:\n"
    "        raise AttributeError(\n"
    "            f\"module 'numpy.core.multiarray' has no attribute {attr_name}\")\n"
    '    _raise_warning(attr_name, "multiarray")\n'
    "    return ret\n\n\n"
    "del multiarray\n"
)
UMATH = (
    "from numpy._core import _multiarray_umath\n"
    "from numpy import ufunc\n\n"
    "for item in _multiarray_umath.__dir__():\n"
    "    attr = getattr(_multiarray_umath, item)\n"
    "    if isinstance(attr, ufunc):\n"
    "        globals()[item] = attr\n\n\n"
    "def __getattr__(attr_name):\n"
    "    from numpy._core import _multiarray_umath\n"
    "    from ._utils import _raise_warning\n\n"
    '    if attr_name in {"_ARRAY_API", "_UFUNC_API"}:\n'
    "        import sys\n"
    '        msg = "compiled using NumPy 1.x"\n'
    "        sys.stderr.write(msg)\n"
    "        raise ImportError(msg)\n\n"
    "    ret = getattr(_multiarray_umath, attr_name, None)\n"
    "    if ret is None:\n"
    "        raise AttributeError(\n"
    "            \"module 'numpy.core._multiarray_umath' has no attribute \"\n"
    '            f"{attr_name}")\n'
    '    _raise_warning(attr_name, "_multiarray_umath")\n'
    "    return ret\n\n\n"
    "del _multiarray_umath, ufunc\n"
)
LINALG = (
    "def __getattr__(attr_name):\n"
    "    import warnings\n"
    "    from numpy.linalg import _linalg\n"
    "    ret = getattr(_linalg, attr_name, None)\n"
    "    if ret is None:\n"
    "        raise AttributeError(\n"
    "            f\"module 'numpy.linalg.linalg' has no attribute {attr_name}\")\n"
    "    warnings.warn(\n"
    '        "The numpy.linalg.linalg has been made private and renamed to "\n'
    '        "numpy.linalg._linalg. All public functions exported by it are "\n'
    '        f"available from numpy.linalg. Please use numpy.linalg.{attr_name} "\n'
    '        "instead.",\n'
    "        DeprecationWarning,\n"
    "        stacklevel=3\n"
    "    )\n"
    "    return ret\n"
)
NUMPY = {
    "numpy/__init__.py": "from numpy._core import ufunc, zeros\n",
    "numpy/_core/__init__.py": "from .numeric import zeros\nfrom .multiarray import ufunc\n",
    "numpy/_core/numeric.py": "def zeros(shape):\n    return [0] * shape\n\n\ndef ones(shape):\n    return [1] * shape\n",
    "numpy/_core/multiarray.py": (
        "_ARRAY_API = object()\n\n\ndef _reconstruct(*a):\n    return a\n\n\ndef scalar(*a):\n    return a\n\n\n"
        "def array(x):\n    return list(x)\n\n\nclass ufunc:\n    pass\n"
    ),
    "numpy/_core/_multiarray_umath.py": "def add(a, b):\n    return a + b\n",
    "numpy/core/__init__.py": CORE_INIT,
    "numpy/core/_utils.py": RAISE_WARNING,
    "numpy/core/numeric.py": NUMERIC,
    "numpy/core/multiarray.py": MULTIARRAY,
    "numpy/core/_multiarray_umath.py": UMATH,
    "numpy/linalg/__init__.py": "from ._linalg import norm\n",
    "numpy/linalg/_linalg.py": "def norm(x):\n    return abs(x)\n",
    "numpy/linalg/linalg.py": LINALG,
    # a stub beside the shim describes the names its hook serves: no definitions of the module's
    "numpy/linalg/linalg.pyi": "from ._linalg import norm as norm\n",
    "app.py": (
        "import numpy.core.numeric\n"  # 1: the module itself: no finding
        "from numpy.core.numeric import zeros\n"  # 2: forwarded: finding
        "from numpy.core.numeric import ones as make_ones\n"  # 3: forwarded, aliased: finding
        "from numpy.core.multiarray import _reconstruct, array\n"  # 4: _reconstruct defined (globals loop), array forwarded
        "from numpy.core.multiarray import _ARRAY_API\n"  # 5: defined: no finding
        "from numpy.core import numeric, _ufunc_reconstruct\n"  # 6: a submodule and a defined name: none
        "from numpy.core import zeros as z\n"  # 7: the package forwards to numpy._core (a re-export there)
        "from numpy.core._multiarray_umath import add\n"  # 8: the module's namespace is dynamic: none
        "from numpy.linalg.linalg import norm, gone\n"  # 9: norm moved; gone is not in numpy.linalg._linalg
    ),
    "tests/test_shims.py": (
        "import pytest\n\n\n"
        "def test_numeric_shim():\n"
        "    with pytest.warns(DeprecationWarning):\n"
        "        from numpy.core.numeric import zeros\n"
        "    assert zeros(1) == [0]\n"
    ),
}
DD1 = '[[rule]]\nid = "DD1"\nkind = "declared-deprecation"\n'
LINALG_TEXT = (
    "The numpy.linalg.linalg has been made private and renamed to numpy.linalg._linalg. All public functions exported by it are "
    "available from numpy.linalg. Please use numpy.linalg.{attr_name} instead."
)


def _project(tmp_path: Path, files: dict[str, str] = NUMPY) -> Path:
    return write_project(tmp_path / "p", files, DD1)


def test_init_lists_each_forwarding_hook_as_a_declaration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", NUMPY)
    result = run_cli(["init", "--no-write", "--no-cache"], root, monkeypatch)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Declared deprecations"))
    assert lines[start : start + 13] == [
        "Declared deprecations (4; imports that still run or name each):",
        "       2  names numpy.core.numeric:* (forwarded by __getattr__ to numpy._core.numeric, numpy/core/numeric.py:10)",
        "          \"_raise_warning(attr_name, 'numeric')\"",
        "          replacement: numpy._core.numeric:*",
        "       2  names numpy.linalg.linalg:* (forwarded by __getattr__ to numpy.linalg._linalg, numpy/linalg/linalg.py:8)",
        f'          "{LINALG_TEXT}"',
        "          replacement: numpy.linalg._linalg:*",
        "       1  names numpy.core.multiarray:* (forwarded by __getattr__ to numpy._core.multiarray, numpy/core/multiarray.py:16)",
        "          \"_raise_warning(attr_name, 'multiarray')\"",
        "          replacement: numpy._core.multiarray:*",
        "       1  names numpy.core:* (forwarded by __getattr__ to numpy._core, numpy/core/__init__.py:16)",
        '          "_raise_warning(attr_name)"',
        "          replacement: numpy._core:*",
    ]
    assert len(lines) == start + 13 or not lines[start + 13].startswith("  ")


def _dd1(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    return run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()


def test_from_old_import_a_forwarded_name_is_a_finding_naming_new_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _dd1(_project(tmp_path), monkeypatch)
    found = [(f["path"], f["line"], f["col"], f["message"], f["applicability"]) for f in report["findings"]]  # type: ignore[attr-defined]
    numeric = "numpy/core/numeric.py:10: \"_raise_warning(attr_name, 'numeric')\""
    linalg = f'numpy/linalg/linalg.py:8: "{LINALG_TEXT}"'
    multiarray = "numpy/core/multiarray.py:16: \"_raise_warning(attr_name, 'multiarray')\""
    # `import numpy.core.numeric` (1), the names the modules define (_reconstruct, _ARRAY_API,
    # _ufunc_reconstruct), a submodule (6), the dynamic module (8) and the shim's own test: none.
    assert found == [
        ("app.py", 2, 32, f"name numpy.core.numeric:zeros is deprecated ({numeric}); use numpy._core.numeric:zeros", "safe"),
        ("app.py", 3, 32, f"name numpy.core.numeric:ones is deprecated ({numeric}); use numpy._core.numeric:ones", "safe"),
        ("app.py", 4, 49, f"name numpy.core.multiarray:array is deprecated ({multiarray}); use numpy._core.multiarray:array", "unsafe"),
        ("app.py", 7, 24, 'name numpy.core:zeros is deprecated (numpy/core/__init__.py:16: "_raise_warning(attr_name)"); use numpy._core:zeros', "safe"),
        ("app.py", 9, 33, f"name numpy.linalg.linalg:norm is deprecated ({linalg}); use numpy.linalg._linalg:norm", "safe"),
        ("app.py", 9, 39, f"name numpy.linalg.linalg:gone is deprecated ({linalg})", None),
    ]


def test_the_fix_moves_each_forwarded_name_and_refuses_one_the_new_module_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    # Safe where the new module defines the name: the old module's __getattr__ returns that very
    # object (``ModuleSummary.forwards``). Unsafe where the old module also writes to its
    # namespace through globals(), which the verifier does not enumerate; refused where the new
    # module lacks the name.
    safe = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert (root / "app.py").read_text() == (
        "import numpy.core.numeric\n"
        "from numpy._core.numeric import zeros\n"
        "from numpy._core.numeric import ones as make_ones\n"
        "from numpy.core.multiarray import _reconstruct, array\n"
        "from numpy.core.multiarray import _ARRAY_API\n"
        "from numpy.core import numeric, _ufunc_reconstruct\n"
        "from numpy._core import zeros as z\n"
        "from numpy.core._multiarray_umath import add\n"
        "from numpy.linalg.linalg import gone\n"
        "from numpy.linalg._linalg import norm\n"
    ), safe.stderr
    assert safe.stderr.splitlines() == [
        "1 file changed, 4 findings fixed, 2 findings left:",
        "  app.py:4:49: DD1 unsafe fix not applied: that numpy._core.multiarray.array is the same object as numpy.core.multiarray.array cannot be "
        "verified: numpy.core.multiarray writes to its own namespace through globals() at line 4, so which object array is there cannot be told",
        "  app.py:9:33: DD1 not fixable: numpy.linalg._linalg.gone is not a project module or name",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]
    unsafe = run_cli(["fix", "--no-cache", "--unsafe-fixes"], root, monkeypatch)
    assert "from numpy.core.multiarray import _reconstruct\nfrom numpy._core.multiarray import array\n" in (root / "app.py").read_text(), unsafe.stderr
    # The deprecation's own test imports the shim on purpose: untouched.
    assert (root / "tests/test_shims.py").read_text() == NUMPY["tests/test_shims.py"]


@pytest.mark.parametrize(
    "hook",
    [
        # a test of the name first: it may return something else for that name
        "def __getattr__(name):\n    from numpy._core import numeric\n    from ._utils import _raise_warning\n"
        "    if name == 'special':\n        raise ImportError(name)\n"
        "    ret = getattr(numeric, name)\n    _raise_warning(name, 'numeric')\n    return ret\n",
        # defined under a condition
        "import sys\nif sys.version_info > (3,):\n    def __getattr__(name):\n        from numpy._core import numeric\n"
        "        from ._utils import _raise_warning\n        ret = getattr(numeric, name)\n        _raise_warning(name, 'numeric')\n        return ret\n",
        # returns something else than what it read
        "def __getattr__(name):\n    from numpy._core import numeric\n    from ._utils import _raise_warning\n"
        "    ret = getattr(numeric, name)\n    _raise_warning(name, 'numeric')\n    return [ret]\n",
    ],
)
def test_the_fix_is_unsafe_where_the_hook_is_not_read_as_forwarding_every_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: str) -> None:
    files = {**NUMPY, "numpy/core/numeric.py": hook, "app.py": "from numpy.core.numeric import zeros\n"}
    root = _project(tmp_path, files)
    found = [(f["path"], f["line"], f["applicability"]) for f in _dd1(root, monkeypatch)["findings"]]  # type: ignore[attr-defined]
    # A declaration where it warns and returns what it read (the first: for every name but
    # "special"; the second under a condition, as any module-level declaration); the fix is
    # never safe on a hook the verifier does not read as forwarding every name.
    assert found == ([] if "[ret]" in hook else [("app.py", 1, "unsafe")])


def test_a_module_whose_namespace_cannot_be_enumerated_declares_nothing_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _dd1(_project(tmp_path), monkeypatch)
    details = report["rules"][0]["details"]  # type: ignore[index]
    assert [d["target"] for d in details["declarations"]] == ["numpy.core:*", "numpy.core.multiarray:*", "numpy.core.numeric:*", "numpy.linalg.linalg:*"]
    assert details["forwards_not_read"] == [
        "numpy/core/_multiarray_umath.py:25: __getattr__ forwards every name to numpy._core._multiarray_umath, but the module binds names "
        "with globals()[...] in a loop over _multiarray_umath.__dir__() (line 4), which cannot be enumerated: declares nothing"
    ]


@pytest.mark.parametrize(
    ("module", "why"),
    [
        ("from numpy._core.numeric import *\n", "a star import from numpy._core.numeric (line 1)"),
        ("exec('x = 1')\n", "exec() (line 1)"),
        ("for name in NAMES:\n    globals()[name] = 1\n", "globals()[...] in a loop over NAMES (line 1)"),
        ("globals().update(zeros=1)\n", "globals().update() (line 1)"),
    ],
)
def test_other_dynamic_namespaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, why: str) -> None:
    files = {**NUMPY, "numpy/core/numeric.py": module + NUMERIC}
    details = _dd1(_project(tmp_path, files), monkeypatch)["rules"][0]["details"]  # type: ignore[index]
    line = NUMERIC.count("\n", 0, NUMERIC.index("_raise_warning(attr_name,")) + module.count("\n") + 1
    assert f"numpy/core/numeric.py:{line}: __getattr__ forwards every name to numpy._core.numeric, but the module binds names with {why}" in " ".join(
        details["forwards_not_read"]
    )
    assert "numpy.core.numeric:*" not in [d["target"] for d in details["declarations"]]


@pytest.mark.parametrize(
    "hook",
    [
        # a name test first: read as before (the named names), never as forwarding every name
        "def __getattr__(name):\n    if name == 'old':\n        import warnings\n        warnings.warn('old is gone', DeprecationWarning)\n"
        "    from numpy._core import numeric\n    return getattr(numeric, name)\n",
        # the warning under a condition on the value: not for every name
        "def __getattr__(name):\n    from numpy._core import numeric\n    from ._utils import _raise_warning\n"
        "    ret = getattr(numeric, name)\n    if callable(ret):\n        _raise_warning(name)\n    return ret\n",
        # no getattr of another module: nothing forwarded
        "def __getattr__(name):\n    from ._utils import _raise_warning\n    _raise_warning(name)\n    raise AttributeError(name)\n",
    ],
)
def test_hooks_that_do_not_forward_every_name_are_not_read_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: str) -> None:
    files = {**NUMPY, "numpy/core/numeric.py": hook}
    details = _dd1(_project(tmp_path, files), monkeypatch)["rules"][0]["details"]  # type: ignore[index]
    assert "numpy.core.numeric:*" not in [d["target"] for d in details["declarations"]]


def test_a_try_except_guard_forwards_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = (
        "def __getattr__(name):\n    from numpy._core import numeric\n    from ._utils import _raise_warning\n"
        "    try:\n        ret = getattr(numeric, name)\n    except AttributeError:\n        raise\n"
        "    _raise_warning(name, 'numeric')\n    return ret\n"
    )
    files = {**NUMPY, "numpy/core/numeric.py": hook}
    report = _dd1(_project(tmp_path, files), monkeypatch)
    assert [(f["line"], f["col"]) for f in report["findings"] if f["message"].startswith("name numpy.core.numeric:")] == [(2, 32), (3, 32)]  # type: ignore[attr-defined, index]
