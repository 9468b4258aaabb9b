"""shim-module: re-export-only modules and class aliases, each naming its target."""

from __future__ import annotations

from ssot_lint.kinds.shim_module import ShimModule
from tests.integrity_helpers import build, findings, places

RULE = build(ShimModule)


def test_shim_module_and_alias_each_name_their_target() -> None:
    files = {
        "ws/__init__.py": "",
        "ws/reconnection.py": "class ReconnectionManager: ...\n",
        "ws/reconnection_handler.py": '"""Old home."""\n\nfrom .reconnection import ReconnectionManager\n\nWebSocketReconnectionHandler = ReconnectionManager\n__all__ = ["WebSocketReconnectionHandler"]\n',
    }
    assert findings(RULE, files) == [
        ("ws/reconnection_handler.py", 3, 1, "module ws.reconnection_handler is a shim for ws.reconnection; use ws.reconnection directly"),
        (
            "ws/reconnection_handler.py",
            5,
            1,
            "alias WebSocketReconnectionHandler is a shim for ws.reconnection:ReconnectionManager; use ws.reconnection:ReconnectionManager directly",
        ),
    ]


def test_init_reexporting_its_own_submodules_is_not_a_shim_unless_asked() -> None:
    files = {
        "pkg/__init__.py": '"""Public API."""\nfrom . import core\nfrom .core import Manager\nfrom pkg.sub.x import y\n__all__ = ["Manager", "y"]\n',
        "pkg/core.py": "class Manager: ...\n",
        "pkg/sub/x.py": "y = 1\n",
    }
    assert places(RULE, files) == []
    assert findings(build(ShimModule, include_init=True), files) == [
        ("pkg/__init__.py", 2, 1, "module pkg is a shim for pkg.core, pkg.sub.x; use pkg.core, pkg.sub.x directly"),
    ]
    elsewhere = {"pkg/__init__.py": "from other.impl import Thing\n", "other/impl.py": "class Thing: ...\n"}
    assert findings(RULE, elsewhere) == [("pkg/__init__.py", 1, 1, "module pkg is a shim for other.impl; use other.impl directly")]


def test_empty_docstring_only_and_future_only_modules_are_not_shims() -> None:
    files = {"pkg/__init__.py": "", "pkg/a.py": '"""Nothing yet."""\n', "pkg/b.py": "from __future__ import annotations\n"}
    assert places(RULE, files) == []


def test_compat_shims_with_try_if_and_deprecation_warning() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/fast.py": "def loads(s): ...\n",
        "pkg/compat.py": """
            import warnings
            import sys
            try:
                from pkg.fast import loads
            except ImportError:
                from json import loads
            if sys.version_info >= (3, 11):
                import tomllib
            warnings.warn("pkg.compat is deprecated", DeprecationWarning)
            """,
    }
    assert findings(RULE, files) == [
        ("pkg/compat.py", 1, 1, "module pkg.compat is a shim for pkg.fast; use pkg.fast directly"),
    ]
    stdlib_only = {"compat.py": "import sys\nfrom json import loads, dumps\n"}
    assert findings(RULE, stdlib_only) == [
        ("compat.py", 1, 1, "module compat is a shim for json, sys; use json, sys directly"),
    ]


def test_allow_takes_names_and_patterns() -> None:
    files = {
        "core.py": "class Manager: ...\n",
        "legacy/compat/v1.py": "from core import Manager\nOld = Manager\n",
        "legacy/api.py": "from core import Manager\n",
        "other.py": "from core import Manager\n",
    }
    assert places(build(ShimModule, allow=["legacy.compat.*", "legacy.api"]), files) == [("other.py", 1, 1)]
    assert places(RULE, files) == [("legacy/api.py", 1, 1), ("legacy/compat/v1.py", 1, 1), ("legacy/compat/v1.py", 2, 1), ("other.py", 1, 1)]


def test_alias_targets_are_followed_to_the_defining_class_and_only_project_classes_count() -> None:
    files = {
        "a.py": "class Real: ...\nclass Alias2(Real): ...\n",
        "b.py": "from a import Real\n__all__ = ['Real']\n",
        "c.py": "import a\nfrom b import Real as R\nimport json, os\n\ndef helper(): ...\n"
        "Old = R\nAlsoOld = a.Real\nChained = Old\nDecoder = json.JSONDecoder\nhandler = helper\nsep = os.sep\nLIMIT = MAX\nclass Local: ...\nLocalAlias = Local\n",
    }
    assert findings(RULE, files) == [
        ("b.py", 1, 1, "module b is a shim for a; use a directly"),
        ("c.py", 6, 1, "alias Old is a shim for a:Real; use a:Real directly"),
        ("c.py", 7, 1, "alias AlsoOld is a shim for a:Real; use a:Real directly"),
        ("c.py", 8, 1, "alias Chained is a shim for a:Real; use a:Real directly"),
        ("c.py", 14, 1, "alias LocalAlias is a shim for c:Local; use c:Local directly"),
    ]


def test_conditional_fallback_aliases_are_not_reported_and_aliases_can_be_turned_off() -> None:
    files = {"m.py": "class A: ...\ntry:\n    from x import B\nexcept ImportError:\n    B = A\nC = A\n"}
    assert places(RULE, files) == [("m.py", 6, 1)]
    assert places(build(ShimModule, aliases=False), files) == []


def test_a_name_assigned_to_itself_is_no_alias() -> None:
    # `X = X` spells out a re-export (for type checkers); it renames nothing. `Y = core.Y` does.
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class Manager: ...\nclass Y: ...\n",
        "pkg/api.py": "from pkg import core\nfrom pkg.core import Manager\nManager = Manager\nManager: type = Manager\nY = core.Y\n",
        "pkg/impl.py": "from pkg.core import Manager\nManager = Manager\nclass Real: ...\n",
    }
    assert findings(RULE, files) == [
        ("pkg/api.py", 1, 1, "module pkg.api is a shim for pkg.core; use pkg.core directly"),
        ("pkg/api.py", 5, 1, "alias Y is a shim for pkg.core:Y; use pkg.core:Y directly"),
    ]


def test_package_facades_and_modules_that_forward_nothing_are_not_shims() -> None:
    # Shapes from Django 5.2.8, where these were reported: django.db.models (its own submodules and
    # django.core.exceptions), django.contrib.gis.forms (a star import of django.forms beside its
    # own fields), and test fixtures that fail to import on purpose.
    files = {
        "dj/__init__.py": "",
        "dj/core/__init__.py": "",
        "dj/core/exceptions.py": "class ObjectDoesNotExist(Exception): ...\n",
        "dj/forms/__init__.py": "from dj.core.exceptions import ValidationError\nfrom .fields import *\n",
        "dj/forms/fields.py": "class Field: ...\n",
        "dj/core/validation.py": "class ValidationError(Exception): ...\n",
        "dj/models/__init__.py": "from dj.core.exceptions import ObjectDoesNotExist\nfrom dj.models.base import Model\n\n__all__ = ['ObjectDoesNotExist', 'Model']\n",
        "dj/models/base.py": "class Model: ...\n",
        "dj/gis/__init__.py": "",
        "dj/gis/forms/__init__.py": "from dj.forms import *  # NOQA\n\nfrom .fields import PointField  # NOQA\n",
        "dj/gis/forms/fields.py": "class PointField: ...\n",
        "tests/broken_tags.py": "import DoesNotExist  # noqa\n",
        "tests/broken_app/models.py": "from dj.models import modelz  # NOQA\n",
        "tests/broken_tag.py": "from dj import Xtemplate  # NOQA\n",
        "tests/uses_os.py": "import os\nimport dj.models\n",
        # Still shims: a package __init__ forwarding only to another package, a module left behind.
        "dj/compat/__init__.py": "from dj.models.base import Model\n",
        "dj/sessions_serializers.py": "from dj.models.base import Model as BaseModel\n\nModel = BaseModel\n",
    }
    assert findings(RULE, files) == [
        ("dj/compat/__init__.py", 1, 1, "module dj.compat is a shim for dj.models.base; use dj.models.base directly"),
        ("dj/sessions_serializers.py", 1, 1, "module dj.sessions_serializers is a shim for dj.models.base; use dj.models.base directly"),
        ("dj/sessions_serializers.py", 3, 1, "alias Model is a shim for dj.models.base:Model; use dj.models.base:Model directly"),
    ]
    # include-init reports the façades too (a broken star export is nothing to forward to).
    assert places(build(ShimModule, include_init=True), files) == [
        ("dj/compat/__init__.py", 1, 1),
        ("dj/forms/__init__.py", 1, 1),
        ("dj/gis/forms/__init__.py", 1, 1),
        ("dj/models/__init__.py", 1, 1),
        ("dj/sessions_serializers.py", 1, 1),
        ("dj/sessions_serializers.py", 3, 1),
    ]


def test_short_names_beside_the_class_they_abbreviate_are_not_reported_unless_asked() -> None:
    # SymPy's relational.py and permutations.py, Django's gis/measure.py; and what stays reported.
    files = {
        "sym/__init__.py": "",
        "sym/relational.py": "class Equality: ...\nclass GreaterThan: ...\nclass Unequality: ...\n\nEq = Equality\nGe = GreaterThan\nNe = Unequality\n",
        "sym/permutations.py": "class Permutation: ...\n\nPerm = Permutation\n",
        "sym/units.py": "class Quantity: ...\n\nUnit = Quantity\n",  # a rename's leftover, though its letters are in order
        "sym/matrices.py": "class MutableSparseMatrix: ...\n\nSparseMatrix = MutableSparseMatrix\n",
        "sym/compat.py": "from sym.permutations import Permutation\n\nclass Cycle: ...\nPerm = Permutation\n",
    }
    assert places(RULE, files) == [("sym/compat.py", 4, 1), ("sym/matrices.py", 3, 1), ("sym/relational.py", 7, 1), ("sym/units.py", 3, 1)]
    assert places(build(ShimModule, abbreviations=True), files) == [
        ("sym/compat.py", 4, 1),
        ("sym/matrices.py", 3, 1),
        ("sym/permutations.py", 3, 1),
        ("sym/relational.py", 5, 1),
        ("sym/relational.py", 6, 1),
        ("sym/relational.py", 7, 1),
        ("sym/units.py", 3, 1),
    ]


def test_a_facades_aliases_name_its_public_api() -> None:
    files = {
        "sym/__init__.py": "",
        "sym/matrices/__init__.py": "from .dense import MutableDenseMatrix\n\nMatrix = MutableDenseMatrix\n",
        "sym/matrices/dense.py": "class MutableDenseMatrix: ...\n",
        "sym/legacy/__init__.py": "from sym.matrices.dense import MutableDenseMatrix\n\nDenseMatrix = MutableDenseMatrix\n",
    }
    assert findings(RULE, files) == [
        ("sym/legacy/__init__.py", 1, 1, "module sym.legacy is a shim for sym.matrices.dense; use sym.matrices.dense directly"),
        (
            "sym/legacy/__init__.py",
            3,
            1,
            "alias DenseMatrix is a shim for sym.matrices.dense:MutableDenseMatrix; use sym.matrices.dense:MutableDenseMatrix directly",
        ),
    ]
    assert places(build(ShimModule, include_init=True), files) == [
        ("sym/legacy/__init__.py", 1, 1),
        ("sym/legacy/__init__.py", 3, 1),
        ("sym/matrices/__init__.py", 1, 1),
        ("sym/matrices/__init__.py", 3, 1),
    ]


def test_a_shim_of_a_shim_names_the_end_of_the_chain() -> None:
    # review15c 06-shim-chain-target: legacy_manager's finding said "use pkg.old_manager directly",
    # a module the same run flags as a shim for pkg.manager.
    files = {
        "pkg/__init__.py": "",
        "pkg/manager.py": "class Manager:\n    pass\n",
        "pkg/old_manager.py": '"""Moved to pkg.manager."""\nfrom pkg.manager import Manager\n',
        "pkg/legacy_manager.py": '"""Moved to pkg.old_manager."""\nfrom pkg.old_manager import Manager\nfrom pkg.extra import helper\n',
        "pkg/extra.py": "def helper(): ...\n",
        "pkg/app.py": "from pkg.legacy_manager import Manager\nManager()\n",
    }
    assert findings(RULE, files) == [
        ("pkg/legacy_manager.py", 2, 1, "module pkg.legacy_manager is a shim for pkg.extra, pkg.manager; use pkg.extra, pkg.manager directly"),
        ("pkg/old_manager.py", 2, 1, "module pkg.old_manager is a shim for pkg.manager; use pkg.manager directly"),
    ]
    # A compatibility layer kept on purpose is not reported, and the chain passes through it.
    assert findings(build(ShimModule, allow=["pkg.old_manager"]), files) == [
        ("pkg/legacy_manager.py", 2, 1, "module pkg.legacy_manager is a shim for pkg.extra, pkg.manager; use pkg.extra, pkg.manager directly"),
    ]


def test_a_cycle_of_shims_ends_the_walk() -> None:
    # A cycle on the way is passed (the walk ends), and only the real module is named.
    real = {"pkg/__init__.py": "", "pkg/real.py": "class A: ...\nclass B: ...\n"}
    files = {**real, "pkg/a.py": "from pkg.b import B\nfrom pkg.real import A\n", "pkg/b.py": "from pkg.a import A\nfrom pkg.real import B\n"}
    assert findings(RULE, files) == [
        ("pkg/a.py", 1, 1, "module pkg.a is a shim for pkg.real; use pkg.real directly"),
        ("pkg/b.py", 1, 1, "module pkg.b is a shim for pkg.real; use pkg.real directly"),
    ]
    # Shims forwarding only to each other have no end: each names the one it forwards to.
    files = {**real, "pkg/a.py": "from pkg.b import *\n", "pkg/b.py": "from pkg.a import *\n"}
    assert findings(RULE, files) == [
        ("pkg/a.py", 1, 1, "module pkg.a is a shim for pkg.b; use pkg.b directly"),
        ("pkg/b.py", 1, 1, "module pkg.b is a shim for pkg.a; use pkg.a directly"),
    ]


def test_a_public_alias_of_a_private_class_is_its_public_name() -> None:
    # review28: "alias Timer is a shim for pkg.timing:_Timer; use pkg.timing:_Timer directly".
    files = {
        "pkg/__init__.py": "",
        "pkg/_impl.py": "class Reader: ...\nclass Writer: ...\n",
        "pkg/timing.py": "from pkg._impl import Reader, Writer\n\nclass _Timer:\n    class _Clock: ...\n\nTimer = _Timer\nClock = _Timer._Clock\nReader2 = Reader\n",
        "pkg/_private.py": "from pkg.timing import _Timer\n\nTimer = _Timer\n",  # private to private: still an alias
        "pkg/public.py": "from pkg.timing import Timer\n\nclass Meter: ...\n\nGauge = Meter\n",
    }
    assert findings(RULE, files) == [
        ("pkg/_private.py", 1, 1, "module pkg._private is a shim for pkg.timing; use pkg.timing directly"),
        ("pkg/_private.py", 3, 1, "alias Timer is a shim for pkg.timing:_Timer; use pkg.timing:_Timer directly"),
        ("pkg/public.py", 5, 1, "alias Gauge is a shim for pkg.public:Meter; use pkg.public:Meter directly"),
    ]
