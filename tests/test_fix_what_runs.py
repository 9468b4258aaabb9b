"""Issue #13, from an adversarial review: rewrites that ran as safe and changed what a program
prints. Each case runs the program before the fix and after ``fix --unsafe-fixes`` (proof that the
rewrite does change behaviour), and checks that ``fix`` alone leaves the file with the reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

REG = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Thing:\n    pass\n\n\nREG = []\n\n\ndef reg(x):\n    REG.append(x)\n    return x\n",
    "pkg/app.py": "from pkg.shim import Thing\nimport pkg.core\n\nprint('REG:', pkg.core.REG)\n",
}
NO_LONGER = "pkg.app would no longer import pkg.shim, whose import-time code does more than define names"
# A settings object that reads the environment on its first attribute read (as Django's does).
LAZY_SETTINGS = (
    "import os\n\n\nclass LazySettings:\n    _read = None\n\n    def __getattr__(self, name):\n"
    "        if LazySettings._read is None:\n            LazySettings._read = {'MODE': os.environ.get('MODE', 'dev')}\n"
    "        return LazySettings._read[name]\n\n\nsettings = LazySettings()\n"
)


def dropped_submodule(user: str) -> dict[str, str]:
    """pkg.app imports f from pkg.old, which the rewrite drops; ``user`` is pkg.user's text."""
    return {
        "pkg/__init__.py": "",
        "pkg/new.py": "def f():\n    return 'f'\n",
        "pkg/old.py": "from pkg.new import f\n\n\ndef helper():\n    return 'helper from old'\n",
        "pkg/user.py": user,
        "pkg/app.py": "from pkg.old import f\nimport pkg.user\n\nprint(f(), pkg.user.g())\n",
    }


# A package that imports pkg.app by name while pkg.app's rewritten import makes it import pkg.new,
# which reads pkg.CONFIG: the cases below differ in how the package spells the import by name.
IMPORTER_BY_NAME = {
    "pkg/app.py": "print('pkg.app starts')\nfrom pkg.old import X\nprint('pkg.app ends')\n",
    "pkg/base.py": "class X:\n    pass\n",
    "pkg/new.py": "from pkg import CONFIG\nfrom pkg.base import X\n",
    "pkg/old.py": "from pkg.base import X\n",
}

CASES = {
    # An optional dependency behind the caller's `except ImportError`: the import fails as written.
    "outside-import": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class Parser:\n    pass\n",
            "pkg/fast.py": "import ujson_accel_not_installed\nfrom pkg.base import Parser\n",
            "pkg/app.py": "try:\n    from pkg.fast import Parser\n    FAST = True\nexcept ImportError:\n    FAST = False\nprint('fast:', FAST)\n",
        },
        '"pkg.fast:Parser" = "pkg.base:Parser"',
        "pkg/app.py:2:26",
        "pkg.app would no longer import pkg.fast, which imports ujson_accel_not_installed, from outside the project: importing it may fail or run code",
    ),
    # The package imports the patching shim only after the importer has run.
    "package-imports-it-later": (
        {
            "pkg/__init__.py": "from . import app, shim\n",
            "pkg/core.py": "class Thing:\n    pass\n",
            "pkg/shim.py": "from pkg.core import Thing\n\nThing.legacy = True\n",
            "pkg/app.py": "from pkg.shim import Thing\n\nprint('legacy:', getattr(Thing, 'legacy', None))\n",
        },
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        "pkg.app would no longer import pkg.shim, whose import-time code does more than define names",  # the package's import comes after
    ),
    # A module with no effects of its own that would run after the importer changed what it reads.
    "runs-after-a-store": (
        {
            "pkg/__init__.py": "",
            "pkg/config.py": "MODE = 'dev'\n",
            "pkg/base.py": "class A:\n    pass\n",
            "pkg/reader.py": "from pkg.config import MODE\n",
            "pkg/old.py": "from pkg.base import A\nimport pkg.reader\n",
            "pkg/app.py": "import pkg.config\nfrom pkg.old import A\n\npkg.config.MODE = 'prod'\nimport pkg.reader\n\nprint('reader saw', pkg.reader.MODE)\n",
        },
        '"pkg.old:A" = "pkg.base:A"',
        "pkg/app.py:2:21",
        "pkg.app would import pkg.reader only later, after code that may change what it does or reads",
    ),
    # The package reaches the importer, whose later import runs after a store: not "imported already".
    "package-reaches-the-importer": (
        {
            "pkg/__init__.py": "from . import app\n",
            "pkg/base.py": "X = 1\n",
            "pkg/old.py": "from pkg.base import X\n",
            "pkg/heavy.py": "import os\nfrom pkg.base import X\n\nprint('MODE =', os.environ.get('MODE'))\n",
            "pkg/app.py": "import os\nfrom pkg.old import X\n\nos.environ['MODE'] = 'configured'\nimport pkg.heavy\n",
        },
        '"pkg.old:X" = "pkg.heavy:X"',
        "pkg/app.py:2:21",
        "pkg.app did not import pkg.heavy before, whose import-time code does more than define names",
    ),
    "annotation-call": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg\n\nlegacy: reg('ann') = 1\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "dunder-value-call": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg\n\n__version__ = reg('1.0')\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "decorator-argument-call": (
        {**REG, "pkg/shim.py": "from functools import lru_cache\n\nfrom pkg.core import Thing, reg\n\n\n@lru_cache(maxsize=reg(8))\ndef f():\n    pass\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "parameter-annotation-call": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg\n\n\ndef f(x: reg('param')):\n    pass\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    # A second review's: a script's main block runs what it imports.
    "main-block": (
        {
            "pkg/__init__.py": "",
            "pkg/core.py": "class Thing:\n    pass\n",
            "pkg/shim.py": "from pkg.core import Thing\n\nThing.legacy = True\n",
            "pkg/app.py": "if __name__ == '__main__':\n    from pkg.shim import Thing\n\n    print('legacy =', getattr(Thing, 'legacy', None))\n",
        },
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:2:26",
        "pkg.app would no longer import pkg.shim, whose import-time code does more than define names",
    ),
    # An import in a `try` body after one that may fail is not imported for sure.
    "try-body": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class Thing:\n    pass\n",
            "pkg/shim.py": "from pkg.base import Thing\n",
            "pkg/extras.py": "from pkg.base import Thing\n\nprint('extras loaded')\n",
            "pkg/app.py": "try:\n    import accelerator_not_installed\n    import pkg.extras\nexcept ImportError:\n    pass\nfrom pkg.shim import Thing\n",
        },
        '"pkg.shim:Thing" = "pkg.extras:Thing"',
        "pkg/app.py:6:22",
        "that pkg.app imported pkg.extras before cannot be verified (its import at line 3 may import it, not for sure), whose import-time code does more than define names",
    ),
    "helper-named-for-deprecation": (
        {**REG, "pkg/shim.py": "from pkg.core import Thing, reg as register_deprecated_alias\n\nregister_deprecated_alias('legacy')\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    "assert": (
        {**REG, "pkg/shim.py": "import sys\n\nfrom pkg.core import Thing\n\nassert sys.version_info >= (9, 0), 'needs Python 9'\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        NO_LONGER,
    ),
    # An alias, then an accelerator's import of the same name: the last binding that ran holds.
    "alias-then-import": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class Thing:\n    pass\n",
            "pkg/fast.py": "class Thing:\n    fast = True\n",
            "pkg/new.py": "import pkg.base\n\nThing = pkg.base.Thing\ntry:\n    from pkg.fast import Thing\nexcept ImportError:\n    pass\n",
            "pkg/old.py": "import pkg.new\nfrom pkg.base import Thing\n",
            "pkg/app.py": "from pkg.old import Thing\n\nprint(Thing.__module__)\n",
        },
        '"pkg.old:Thing" = "pkg.new:Thing"',
        "pkg/app.py:1:21",
        "pkg.new binds Thing more than once, or only under a condition, so which object it is cannot be told",
    ),
    # A decorator named like a pure one that the project defines itself, and that registers.
    **{
        f"project-decorator-{name}": (
            {**REG, "pkg/core.py": REG["pkg/core.py"] + "\n\ndef cache(f):\n    REG.append(f.__name__)\n    return f\n", "pkg/shim.py": shim},
            '"pkg.shim:Thing" = "pkg.core:Thing"',
            "pkg/app.py:1:22",
            NO_LONGER,
        )
        for name, shim in [
            ("imported", "from pkg.core import Thing, cache\n\n\n@cache\ndef legacy():\n    pass\n"),
            ("dotted", "import pkg.core\nfrom pkg.core import Thing\n\n\n@pkg.core.cache\ndef legacy():\n    pass\n"),
            ("method", "from pkg.core import Thing, cache\n\n\nclass Legacy:\n    @cache\n    def legacy(self):\n        pass\n"),
            (
                "local-def",
                "from pkg.core import REG, Thing\n\n\ndef deprecated(f):\n    REG.append(f.__name__)\n    return f\n\n\n@deprecated\ndef legacy():\n    pass\n",
            ),
        ]
    },
    # A decorator named like a pure one, from another top-level package of the project (not the
    # standard library's), or bound otherwise than by an import from one: it may register.
    **{
        f"other-package-decorator-{name}": (
            {
                **REG,
                "mylib/__init__.py": "",
                "mylib/utils.py": "from pkg.core import REG\n\n\ndef cache(f):\n    REG.append(f.__name__)\n    return f\n",
                "pkg/shim.py": shim,
            },
            '"pkg.shim:Thing" = "pkg.core:Thing"',
            "pkg/app.py:1:22",
            NO_LONGER,
        )
        for name, shim in [
            ("imported", "from mylib.utils import cache\nfrom pkg.core import Thing\n\n\n@cache\ndef legacy():\n    pass\n"),
            ("dotted", "import mylib.utils\nfrom pkg.core import Thing\n\n\n@mylib.utils.cache\ndef legacy():\n    pass\n"),
            ("star", "from mylib.utils import *\nfrom pkg.core import Thing\n\n\n@cache\ndef legacy():\n    pass\n"),
            ("rebound", "from functools import cache\n\nfrom mylib.utils import cache\nfrom pkg.core import Thing\n\n\n@cache\ndef legacy():\n    pass\n"),
            ("assigned", "import mylib.utils\nfrom pkg.core import Thing\n\ncache = mylib.utils.cache\n\n\n@cache\ndef legacy():\n    pass\n"),
            (
                "builtin-shadowed",
                "from mylib.utils import cache as property\nfrom pkg.core import Thing\n\n\nclass Legacy:\n    @property\n    def legacy(self):\n        pass\n",
            ),
        ]
    },
    # An alias, then an assignment under a condition (an accelerator switched on by a flag).
    **{
        f"alias-then-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/base.py": "class Thing:\n    pass\n",
                "pkg/fast.py": "class Thing:\n    fast = True\n",
                "pkg/new.py": f"import pkg.base\nimport pkg.fast\n\nFAST = True\nThing = pkg.base.Thing\n{block}",
                "pkg/old.py": "import pkg.new\nfrom pkg.base import Thing\n",
                "pkg/app.py": "from pkg.old import Thing\n\nprint(Thing.__module__)\n",
            },
            '"pkg.old:Thing" = "pkg.new:Thing"',
            "pkg/app.py:1:21",
            f"pkg.new rebinds Thing at line 7, {how}, so which object it is cannot be told",
        )
        for name, block, how in [
            ("if", "if FAST:\n    Thing = pkg.fast.Thing\n", "under a condition"),
            ("try", "try:\n    Thing = pkg.fast.Thing\nexcept AttributeError:\n    pass\n", "under a condition"),
        ]
    },
    # A function rebinds the name through `global` after import: a copy imported earlier keeps the old one.
    **{
        f"global-in-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/settings.py": f"DEBUG = False\n\n\n{configure}",
                "pkg/old.py": "from pkg.settings import DEBUG\n",
                "pkg/app.py": "import pkg.old\nimport pkg.settings\n\npkg.settings.configure()\nfrom pkg.old import DEBUG\n\nprint('DEBUG =', DEBUG)\n",
            },
            '"pkg.old:DEBUG" = "pkg.settings:DEBUG"',
            "pkg/app.py:5:21",
            f"pkg.settings rebinds DEBUG in {where} (global), so a copy of it bound by an import earlier keeps the old object",
        )
        for name, configure, where in [
            ("function", "def configure():\n    global DEBUG\n    DEBUG = True\n", "configure()"),
            (
                "method",
                "class Settings:\n    @staticmethod\n    def configure():\n        if True:\n            global DEBUG\n            DEBUG = True\n\n\nconfigure = Settings.configure\n",
                "Settings.configure()",
            ),
        ]
    },
    # A lazy object's attribute read at import time runs its setup: with the shim gone, it runs later.
    **{
        f"lazy-object-attribute-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/conf.py": LAZY_SETTINGS,
                "pkg/base.py": "class Thing:\n    pass\n",
                "pkg/shim.py": f"from pkg.base import Thing\nfrom pkg.conf import settings\n\n{read}",
                "pkg/app.py": "import os\n\nimport pkg.conf\nfrom pkg.shim import Thing\n\nos.environ['MODE'] = 'prod'\nprint('MODE:', pkg.conf.settings.MODE)\n",
            },
            '"pkg.shim:Thing" = "pkg.base:Thing"',
            "pkg/app.py:4:22",
            "pkg.app would no longer import pkg.shim, whose import-time code does more than define names",
        )
        for name, read in [
            ("assigned", "MODE = settings.MODE\n"),
            ("if-header", "if settings.MODE == 'dev':\n    pass\n"),
            ("class-body", "class Legacy:\n    mode = settings.MODE\n"),
        ]
    },
    # Two modules that register, in an order a rewrite above the importer's other imports changes.
    **{
        f"registration-order-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/registry.py": "ORDER = []\n",
                "pkg/base.py": "class Thing:\n    pass\n",
                "pkg/a.py": "import pkg.registry\n\npkg.registry.ORDER.append('a')\n",
                "pkg/b.py": "import pkg.registry\nfrom pkg.base import Thing\n\npkg.registry.ORDER.append('b')\n",
                "pkg/old.py": old,
                "pkg/app.py": "from pkg.old import Thing\nimport pkg.a\nimport pkg.b\nimport pkg.registry\n\nprint(pkg.registry.ORDER)\n",
            },
            replace,
            "pkg/app.py:1:21",
            f"pkg.app would import {first} before {second}, not after, and both run code on import: the order they run in changes",
        )
        for name, old, replace, first, second in [
            ("moved-earlier", "from pkg.base import Thing\n", '"pkg.old:Thing" = "pkg.b:Thing"', "pkg.b", "pkg.a"),
            ("moved-later", "from pkg.b import Thing\n", '"pkg.old:Thing" = "pkg.base:Thing"', "pkg.a", "pkg.b"),
        ]
    },
    # A standard-library module that does more on import than define names.
    "stdlib-import-with-effects": (
        {**REG, "pkg/shim.py": "import this\nfrom pkg.core import Thing\n"},
        '"pkg.shim:Thing" = "pkg.core:Thing"',
        "pkg/app.py:1:22",
        "pkg.app would no longer import pkg.shim, which imports this, a standard-library module not known to only define names",
    ),
    # A module between the old name and the new one (a re-exporter) rebinds it: the reason says where.
    "reexporter-rebinds-in-a-function": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "X = 1\n",
            "pkg/mid.py": "from pkg.base import X\n\n\ndef configure():\n    global X\n    X = 2\n",
            "pkg/old.py": "from pkg.mid import X\n",
            "pkg/app.py": "import pkg.base\nimport pkg.mid\n\npkg.mid.configure()\nfrom pkg.old import X\n\nprint('X =', X)\n",
        },
        '"pkg.old:X" = "pkg.base:X"',
        "pkg/app.py:5:21",
        "that pkg.base.X is the same object as pkg.old.X cannot be verified: pkg.old imports X from pkg.mid at line 1, "
        "and pkg.mid rebinds X in configure() (global), so a copy of it bound by an import earlier keeps the old object",
    ),
    "reexporter-rebinds-under-a-condition": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class Thing:\n    pass\n",
            "pkg/fast.py": "class Thing:\n    fast = True\n",
            "pkg/mid.py": "import pkg.base\nimport pkg.fast\n\nFAST = True\nThing = pkg.base.Thing\nif FAST:\n    Thing = pkg.fast.Thing\n",
            "pkg/old.py": "from pkg.mid import Thing\n",
            "pkg/app.py": "from pkg.old import Thing\n\nprint(Thing.__module__)\n",
        },
        '"pkg.old:Thing" = "pkg.base:Thing"',
        "pkg/app.py:1:21",
        "that pkg.base.Thing is the same object as pkg.old.Thing cannot be verified: pkg.old imports Thing from pkg.mid at line 1, "
        "and pkg.mid rebinds Thing at line 7, under a condition, so which object it is cannot be told",
    ),
    # A module read as an attribute of its package, which only the rewritten import made it.
    **{
        f"dropped-submodule-read-{name}": (
            dropped_submodule(user),
            '"pkg.old:f" = "pkg.new:f"',
            "pkg/app.py:1:21",
            f"pkg.app would no longer import pkg.old, which pkg.user reads as an attribute of {package} without importing it",
        )
        for name, user, package in [
            ("through-the-package", "import pkg\n\n\ndef g():\n    return pkg.old.helper()\n", "pkg"),
            ("through-an-alias", "import pkg as p\n\n\ndef g():\n    return p.old.helper()\n", "pkg"),
            ("through-getattr", "import pkg\n\n\ndef g():\n    return getattr(pkg, 'old').helper()\n", "pkg"),
            ("through-hasattr", "import pkg\n\n\ndef g():\n    return str(hasattr(pkg, 'old'))\n", "pkg"),
            # Code the attribute scan once skipped: an f-string's field, a read split by a comment or a continuation.
            ("in-an-f-string", "import pkg\n\n\ndef g():\n    return f'{pkg.old.helper()}'\n", "pkg"),
            ("split-by-a-comment", "import pkg\n\n\ndef g():\n    return (pkg.  # the old one\n            old.helper())\n", "pkg"),
            ("split-by-a-continuation", "import pkg\n\n\ndef g():\n    return pkg.\\\n        old.helper()\n", "pkg"),
        ]
    },
    # ... or through a package above it used as a value, through which anything may read it.
    **{
        f"dropped-submodule-read-through-a-value-{name}": (
            dropped_submodule(user),
            '"pkg.old:f" = "pkg.new:f"',
            "pkg/app.py:1:21",
            f"pkg.app would no longer import pkg.old, which pkg.user may read through {chain}, used as a value at line {line} "
            "(what is read through it cannot be told)",
        )
        for name, user, chain, line in [
            ("assigned", "import pkg\n\n\ndef g():\n    p = pkg\n    return p.old.helper()\n", "pkg", 5),
            ("a-default", "import pkg\n\n\ndef g(m=pkg):\n    return m.old.helper()\n", "pkg", 4),
            ("getattr-with-a-name", "import pkg\n\nNAME = 'old'\n\n\ndef g():\n    return getattr(pkg, NAME).helper()\n", "pkg", 7),
            ("vars", "import pkg\n\n\ndef g():\n    return vars(pkg)['old'].helper()\n", "pkg", 5),
            ("dunder-dict", "import pkg\n\n\ndef g():\n    return pkg.__dict__['old'].helper()\n", "pkg", 5),
            ("returned", "import pkg\n\n\ndef top():\n    return pkg\n\n\ndef g():\n    return top().old.helper()\n", "pkg", 5),
        ]
    },
    # ... or read from sys.modules by its name.
    **{
        f"dropped-submodule-read-from-sys-modules-{name}": (
            dropped_submodule(user),
            '"pkg.old:f" = "pkg.new:f"',
            "pkg/app.py:1:21",
            "pkg.app would no longer import pkg.old, which pkg.user reads from sys.modules without importing it",
        )
        for name, user in [
            ("subscript", "import sys\n\n\ndef g():\n    return sys.modules['pkg.old'].helper()\n"),
            ("get", "from sys import modules\n\n\ndef g():\n    return modules.get('pkg.old').helper()\n"),
        ]
    },
    # safety8 (review8's hole A): a star import of the package binds the submodule imported by then.
    **{
        f"dropped-submodule-bound-by-a-star-import-{name}": (
            dropped_submodule(user),
            '"pkg.old:f" = "pkg.new:f"',
            "pkg/app.py:1:21",
            "pkg.app would no longer import pkg.old, which pkg.user may read as old, which its star import of pkg at line 1 binds, without importing it",
        )
        for name, user in [
            ("read", "from pkg import *\n\n\ndef g():\n    return old.helper()\n"),
            ("used-as-a-value", "from pkg import *\n\n\ndef g():\n    m = old\n    return m.helper()\n"),
        ]
    },
    # Another module imports it (another entry point's), but nothing makes that one run before the read.
    "dropped-submodule-imported-by-a-module-that-may-run-later": (
        {
            "pkg/__init__.py": "",
            "pkg/new.py": "def f():\n    return 'f'\n",
            "pkg/old.py": "from pkg.new import f\n\n\ndef helper():\n    return 'helper from old'\n",
            "pkg/user.py": "import pkg\n\n\ndef g():\n    return pkg.old.helper()\n",
            "pkg/cli.py": "import pkg.old\n",
            "pkg/app.py": "from pkg.old import f\nimport pkg.user\n\nprint(f(), pkg.user.g())\n",
        },
        '"pkg.old:f" = "pkg.new:f"',
        "pkg/app.py:1:21",
        "pkg.app would no longer import pkg.old, which pkg.user reads as an attribute of pkg without importing it",
    ),
    # `import pkg.new as m` and `pkg.new.f` read the package's attribute, which it rebinds.
    **{
        f"package-rebinds-the-submodule-name-{name}": (
            {
                "pkg/__init__.py": "from .new import new\n",
                "pkg/new.py": "def new():\n    pass\n\n\ndef f():\n    return 'f from new'\n",
                "pkg/old.py": "from pkg.new import f\n",
                "pkg/app.py": app,
            },
            replace,
            where,
            "pkg binds new itself, so pkg.new read as an attribute is that object, not the module",
        )
        for name, app, replace, where in [
            ("alias", "import pkg.old as m\n\nprint(m.f())\n", '"pkg.old" = "pkg.new"', "pkg/app.py:1:8"),
            ("chain", "import pkg.old\n\nprint(pkg.old.f())\n", '"pkg.old:f" = "pkg.new:f"', "pkg/app.py:3:7"),
        ]
    },
    # review7: the old statement ran pkg.old first; rewritten, pkg.old first runs at a later
    # statement (its own, or pkg.user's), after pkg.settings stored into what it copies.
    **{
        f"a-module-moved-past-another-modules-effects-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/config.py": "MODE = 'dev'\n",
                "pkg/settings.py": "import pkg.config\n\npkg.config.MODE = 'prod'\n",
                "pkg/new.py": "def f():\n    return 1\n",
                "pkg/old.py": "from pkg.config import MODE\nfrom pkg.new import f\n",
                "pkg/user.py": "from pkg.old import MODE  # ssot: ignore[D1]\n",
                "pkg/app.py": app,
            },
            '"pkg.old" = "pkg.new"',
            "pkg/app.py:1:8",
            "pkg.app would import pkg.old after pkg.settings, not before, and pkg.settings runs code on import that may change what pkg.old does or reads",
        )
        for name, app in [
            ("its-own-statement", "import pkg.old\nimport pkg.settings\nfrom pkg.old import MODE\n\nprint(MODE)\n"),
            ("another-modules", "import pkg.old\nimport pkg.settings\nimport pkg.user\n\nprint(pkg.user.MODE)\n"),
        ]
    },
    # review7: the package imports its submodules with importlib, pkg.app among them, before it
    # binds CONFIG: pkg.new, reading CONFIG from the half-initialized package, fails.
    # review8: the shim runs pkg.a only maybe (under `try`), then pkg.new; the replacement runs
    # pkg.new, which runs pkg.a after its own registration: the order of the two changes.
    **{
        f"a-conditional-import-in-the-shim-changes-the-order-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/registry.py": "ORDER = []\n",
                "pkg/a.py": "from pkg.registry import ORDER\n\nORDER.append('a')\n",
                "pkg/new.py": "from pkg.registry import ORDER\n\nORDER.append('new')\nimport pkg.a\n\nX = 1\n",
                "pkg/old.py": f"{guard}\n    import pkg.a\n{after}from pkg.new import X\n",
                "pkg/app.py": "from pkg.old import X\nfrom pkg.registry import ORDER\n\nprint(ORDER)\n",
            },
            '"pkg.old" = "pkg.new"',
            "pkg/app.py:1:6",
            "pkg.app would run pkg.new before pkg.a, not after (both run by this statement), and both run code on import: the order they run in changes",
        )
        for name, guard, after in [("try", "try:", "except ImportError:\n    pass\n"), ("if", "import sys\n\nif sys.version_info >= (3,):", "")]
    },
    # review8: other spellings of an import by name (an alias of import_module, exec).
    **{
        f"a-package-imports-the-importer-{name}": (
            {
                "pkg/__init__.py": f"{prelude}\n\nfor _name in ('app',):\n    {call}\n\nCONFIG = {{'mode': 'prod'}}\n\nfrom pkg import new\n",
                **IMPORTER_BY_NAME,
            },
            '"pkg.old" = "pkg.new"',
            "pkg/app.py:2:6",
            f"rewriting this import makes pkg.app -> pkg.new -> pkg -> pkg.app an import cycle (pkg imports modules by name at line {line})",
        )
        for name, prelude, call, line in [
            ("with-importlib", "import importlib", "importlib.import_module('pkg.' + _name)", 1),
            ("through-an-alias", "import os\nfrom importlib import import_module as load", "load('pkg.' + _name)", 2),
            ("with-exec", "import os", "exec('import pkg.' + _name)", 4),
        ]
    },
    # safety8 (review8's hole B): the package imports its submodules through a helper of another module.
    **{
        f"a-package-imports-the-importer-through-a-helper-{name}": (
            {
                "pkg/__init__.py": f"{prelude}\n\n{call}\n\nCONFIG = {{'mode': 'prod'}}\n\nfrom pkg import new\n",
                "pkg/loader.py": "import importlib\n\n\ndef load_all(names=('app',)):\n    for name in names:\n        importlib.import_module('pkg.' + name)\n",
                **IMPORTER_BY_NAME,
            },
            '"pkg.old" = "pkg.new"',
            "pkg/app.py:2:6",
            f"rewriting this import makes pkg.app -> pkg.new -> pkg -> pkg.app an import cycle (pkg imports modules by name at line {line})",
        )
        for name, prelude, call, line in [
            ("imported-by-name", "from pkg.loader import load_all", "load_all()", 3),
            ("through-the-module", "import pkg.loader as loader", "loader.load_all()", 3),
            ("in-a-value", "from pkg import loader", "LOADED = loader.load_all()", 3),
        ]
    },
    # The shim reads an attribute through `import pkg.lazy`, whose module-level __getattr__
    # runs code: dropping the shim drops that run.
    **{
        f"a-dropped-shim-calls-a-module-getattr-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/base.py": "class X:\n    pass\n",
                "pkg/lazy.py": "def __getattr__(name):\n    print('lazy computes', name)\n    return name.upper()\n",
                "pkg/old.py": shim,
                "pkg/app.py": "from pkg.old import X\n\nprint(X.__name__)\n",
            },
            '"pkg.old:X" = "pkg.base:X"',
            "pkg/app.py:1:21",
            f"pkg.app would no longer import pkg.old, {reason}",
        )
        for name, shim, reason in [
            (
                "through-import",
                "import pkg.lazy\nfrom pkg.base import X\n\nVALUE = pkg.lazy.value\n",
                "which imports pkg.lazy, whose module-level __getattr__ may run code when an attribute is read",
            ),
            (
                "through-from-import",
                "from pkg.base import X\nfrom pkg.lazy import value\n",
                "which imports value from pkg.lazy, whose module-level __getattr__ runs to give it",
            ),
        ]
    },
    # Both statements run pkg.a and pkg.b, which register; pkg.old ran pkg.a first, pkg.b runs
    # itself first (it imports pkg.a after registering): the order inside the statement changes.
    "the-order-among-the-modules-one-statement-runs": (
        {
            "pkg/__init__.py": "",
            "pkg/registry.py": "ORDER = []\n",
            "pkg/a.py": "import pkg.registry\n\npkg.registry.ORDER.append('a')\n",
            "pkg/b.py": "import pkg.registry\n\n\nclass X:\n    pass\n\n\npkg.registry.ORDER.append('b')\nimport pkg.a\n",
            "pkg/old.py": "import pkg.a\nfrom pkg.b import X\n",
            "pkg/app.py": "from pkg.old import X\nimport pkg.registry\n\nprint(pkg.registry.ORDER)\n",
        },
        '"pkg.old:X" = "pkg.b:X"',
        "pkg/app.py:1:21",
        "pkg.app would run pkg.b before pkg.a, not after (both run by this statement), and both run code on import: the order they run in changes",
    ),
    # review7: pkg.tools defines helper, and pkg.plugin's import of the submodule pkg.tools.helper
    # replaces it: read after that, pkg.tools.helper is the module, where pkg.old copied the function.
    "a-submodule-replaces-the-name-its-package-defines": (
        {
            "pkg/__init__.py": "from . import old\n",
            "pkg/old.py": "from pkg.tools import helper\n",
            "pkg/plugin.py": "import pkg.tools.helper\n\nPLUGIN = pkg.tools.helper.VALUE\n",
            "pkg/tools/__init__.py": "def helper():\n    return 'function'\n",
            "pkg/tools/helper.py": "VALUE = 'submodule'\n",
            "pkg/app.py": "import pkg.plugin\nfrom pkg.old import helper\n\nprint(helper())\n",
        },
        '"pkg.old" = "pkg.tools"',
        "pkg/app.py:2:6",
        "pkg.tools defines helper and has a submodule pkg.tools.helper, which replaces it once imported, so which object helper is there "
        "cannot be told; `helper` is also used on its own at line 4 (a value, or another binding of the name), so what the file reads "
        "through it from pkg.tools.helper cannot be verified",
    ),
    # A store through the old module's binding would land in the other module.
    **{
        f"store-through-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/settings.py": "DEBUG = False\n\n\ndef debug():\n    return DEBUG\n",
                "pkg/old_settings.py": "from pkg.settings import DEBUG, debug\n",
                "pkg/app.py": f"{statement}\n\n{binding}.DEBUG = True\nprint('debug() =', {binding}.debug())\n",
            },
            '"pkg.old_settings" = "pkg.settings"',
            "pkg/app.py:1:8",
            f"line 3 assigns to or deletes {binding}.DEBUG, which would then change another module; that pkg.settings.DEBUG is the same "
            "object as pkg.old_settings.DEBUG cannot be verified: pkg.old_settings.DEBUG is a copy of pkg.settings.DEBUG, and pkg.app "
            "stores into pkg.old_settings.DEBUG at pkg/app.py:3",
        )
        for name, statement, binding in [("alias", "import pkg.old_settings as cfg", "cfg"), ("dotted-name", "import pkg.old_settings", "pkg.old_settings")]
    },
}


def run(root: Path) -> str:
    script = "__main__" in (root / "pkg/app.py").read_text()
    command = ["-m", "pkg.app"] if script else ["-c", "import pkg.app"]
    done = subprocess.run([sys.executable, *command], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    return done.stdout + done.stderr.splitlines()[-1:][0] if done.returncode else done.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_rewrite_that_changes_what_runs_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    files, replace, where, reason = CASES[case]
    rules = f'[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {{ {replace} }}\n'
    safe, unsafe = write_project(tmp_path / "safe", files, rules), write_project(tmp_path / "unsafe", files, rules)
    before = run(safe)
    result = run_cli(["fix", "--no-cache"], safe, monkeypatch)
    assert (safe / "pkg/app.py").read_text() == files["pkg/app.py"]
    assert f"  {where}: D1 unsafe fix not applied: {reason}" in result.stderr.splitlines()
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], unsafe, monkeypatch)
    assert (unsafe / "pkg/app.py").read_text() != files["pkg/app.py"]
    assert run(unsafe) != before  # the rewrite does change what the program does


@pytest.mark.parametrize(
    "changed",
    [
        {"pkg/__init__.py": "from . import old\n"},  # the package imports it: an attribute for every importer of pkg
        {"pkg/user.py": "import pkg\n\n\ndef g():\n    import pkg.old\n\n    return pkg.old.helper()\n"},  # the reader imports it itself
        {"pkg/user.py": "import pkg\n\n\ndef g():\n    return pkg.new.f()\n"},  # it reads another submodule, which runs still
        # what the reader imports at import time imports it, before the read for sure
        {"pkg/user.py": "import pkg\nimport pkg.first\n\n\ndef g():\n    return pkg.old.helper()\n", "pkg/first.py": "import pkg.old\n"},
        # the package above the reader imports it before the reader runs
        {
            "pkg/user.py": "from pkg.sub.user import g\n",
            "pkg/sub/__init__.py": "import pkg.old\n",
            "pkg/sub/user.py": "import pkg\n\n\ndef g():\n    return getattr(pkg, 'old').helper()\n",
        },
    ],
    ids=["package-imports-it", "reader-imports-it", "reads-another", "reader-imports-an-importer", "readers-package-imports-it"],
)
def test_a_submodule_read_as_an_attribute_that_still_runs_keeps_the_fix_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: dict[str, str]) -> None:
    files = {**CASES["dropped-submodule-read-through-the-package"][0], **changed}
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old:f" = "pkg.new:f" }\n'
    root = write_project(tmp_path, files, rules)
    before = run(root)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 0 findings left."
    assert (root / "pkg/app.py").read_text() == files["pkg/app.py"].replace("from pkg.old import f", "from pkg.new import f")
    assert run(root) == before


@pytest.mark.parametrize(
    "shim",
    [
        "from functools import cache\nfrom pkg.core import Thing\n\n\n@cache\ndef legacy():\n    pass\n",
        "import functools as ft\nfrom pkg.core import Thing\n\n\n@ft.lru_cache(maxsize=8)\ndef legacy():\n    pass\n",
        "from contextlib import contextmanager\nfrom pkg.core import Thing\n\n\n@contextmanager\ndef legacy():\n    yield\n",
        "from pkg.core import Thing\n\n\nclass Legacy:\n    @property\n    def legacy(self):\n        pass\n",
    ],
    ids=["stdlib", "stdlib-module-alias", "stdlib-contextmanager", "builtin"],
)
def test_a_pure_decorator_from_the_standard_library_keeps_the_fix_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shim: str) -> None:
    files = {**REG, "pkg/shim.py": shim}
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.shim:Thing" = "pkg.core:Thing" }\n'
    root = write_project(tmp_path, files, rules)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 0 findings left."
    assert (root / "pkg/app.py").read_text() == REG["pkg/app.py"].replace("from pkg.shim import Thing", "from pkg.core import Thing")


def test_a_rewrite_that_moves_a_module_past_modules_without_effects_stays_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As isort moves imports: pkg.a defines names only, so running pkg.b before it changes nothing.
    files = {**CASES["registration-order-moved-earlier"][0], "pkg/a.py": "import pkg.registry\n\nNAME = 'a'\n"}
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old:Thing" = "pkg.b:Thing" }\n'
    root = write_project(tmp_path, files, rules)
    before = run(root)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 0 findings left."
    assert run(root) == before


# Round 1 rewrites `pkg.old.X` and inserts `import pkg.other` above line 3: in round 2, the ignore
# comment of line 3 is on line 4, where the file on disk had `from pkg.sub import T`; read from
# disk, that import seemed kept by the comment, hence to import pkg.sub itself, and its rewrite safe.
LATER_ROUND = {
    "pkg/__init__.py": "",
    "pkg/a.py": "W = 1\n",
    "pkg/base.py": "class T:\n    pass\n",
    "pkg/new.py": "class Y:\n    pass\n",
    "pkg/other.py": "class X:\n    pass\n",
    "pkg/old.py": "from pkg.other import X\nfrom pkg.new import Y\nimport pkg.sub\n",
    "pkg/sub.py": "from pkg.base import T\n\n\ndef g():\n    return 'g from sub'\n",
    "pkg/app.py": "import pkg\nimport pkg.old\nfrom pkg.a import W  # ssot: ignore[D1]\nfrom pkg.sub import T\n\nprint(pkg.old.X, pkg.old.Y, T, W, pkg.sub.g())\n",
}


def test_a_later_round_reads_the_files_own_imports_and_words_from_its_fixed_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new", "pkg.old:X" = "pkg.other:X", "pkg.sub:T" = "pkg.base:T" }\n'
    safe, unsafe = write_project(tmp_path / "safe", LATER_ROUND, rules), write_project(tmp_path / "unsafe", LATER_ROUND, rules)
    before = run(safe)
    result = run_cli(["fix", "--no-cache"], safe, monkeypatch)
    reason = "D1 unsafe fix not applied: pkg.app would no longer import pkg.sub, which pkg.app reads as an attribute of pkg without importing it"
    assert result.stderr.splitlines()[1:3] == [f"  pkg/app.py:3:8: {reason}", f"  pkg/app.py:5:21: {reason}"]
    assert (safe / "pkg/app.py").read_text() == (
        "import pkg\nimport pkg.other\nimport pkg.old\nfrom pkg.a import W  # ssot: ignore[D1]\nfrom pkg.sub import T\n\n"
        "print(pkg.other.X, pkg.old.Y, T, W, pkg.sub.g())\n"
    )
    assert run(safe) == before
    run_cli(["fix", "--no-cache", "--unsafe-fixes"], unsafe, monkeypatch)
    assert "from pkg.base import T" in (unsafe / "pkg/app.py").read_text()
    assert run(unsafe) == "AttributeError: module 'pkg' has no attribute 'sub'"  # the rewrite does change what the program does


def test_a_package_calling_a_helper_that_does_not_import_by_name_has_finished_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """safety8: the helper's module imports by name in another function (as Django's
    ``django.db.utils`` does in ``load_backend``, beside the ``ConnectionHandler`` that
    ``django.db`` calls): the package cannot import the importer, and the rewrite stays safe."""
    files = {
        "pkg/__init__.py": "from pkg.loader import load_all\n\nload_all()\n\nCONFIG = {'mode': 'prod'}\n\nfrom pkg import new\n",
        "pkg/loader.py": "import importlib\n\n\ndef load_all(names=()):\n    return list(names)\n\n\ndef load(name):\n    return importlib.import_module(name)\n",
        "pkg/app.py": "print('pkg.app starts')\nfrom pkg.old import X\nprint('pkg.app ends')\n",
        "pkg/base.py": "class X:\n    pass\n",
        "pkg/new.py": "from pkg import CONFIG\nfrom pkg.base import X\n",
        "pkg/old.py": "from pkg.base import X\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old" = "pkg.new" }\n')
    before = run(root)
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 0 findings left."
    assert (root / "pkg/app.py").read_text() == files["pkg/app.py"].replace("pkg.old", "pkg.new")
    assert run(root) == before == "pkg.app starts\npkg.app ends\n"
