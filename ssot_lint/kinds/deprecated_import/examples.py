"""deprecated-import's examples: the kind's page shows them and ``test-rules`` runs them, with
``OPTIONS`` as the rule's options (``DeprecatedImport.EXAMPLE_OPTIONS``, ``VALID``, ``INVALID``)."""

from __future__ import annotations

from ssot_lint.kinds.base import Example

OPTIONS = {
    "replace": {"old.pkg": "new.pkg", "shop.core:Manager": "shop.core.manager:Manager"},
    "calls": ["old.factory:make_manager"],
}

VALID = [
    Example.of("import new.pkg\nfrom new.pkg import thing\n", 0),
    Example.of('"""Do not use old.pkg any more."""\n# from old.pkg import x\ns = "import old.pkg"\n', 0),
    Example.of("from shop.core import Other\nimport old_pkg\nimport old.pkgs\n", 0),
    Example.of("import pytest\n\n\ndef test_old_pkg_warns():\n    with pytest.warns(DeprecationWarning):\n        import old.pkg\n", 0),
    # `old` defines a make_manager of its own: not the deprecated one
    Example({"old/__init__.py": "def make_manager(): ...\n", "app.py": "import old\n\nm = old.make_manager()\n"}, 0),
]
INVALID = [
    Example.of("import old.pkg\n", 1, lines=[1]),
    Example.of("import old.pkg.sub as s\n", 1, lines=[1]),
    Example.of("from old.pkg import a, b\n", 1, lines=[1]),
    Example.of("from old import pkg\n", 1, lines=[1]),
    Example.of("from shop.core import (\n    Other,\n    Manager,\n)\n", 1, lines=[3]),
    Example.of("def f():\n    try:\n        from old.pkg.x import y\n    except ImportError:\n        pass\n", 1, lines=[3]),
    Example.of("from . import pkg\n", 1, path="old/__init__.py", lines=[1]),
    Example.of("from .pkg import thing\n", 1, path="old/other.py", lines=[1]),
    Example.of("from old.factory import make_manager as mk\n\nm = mk()\n", 1, lines=[3]),
    # through a package that re-exports it
    Example(
        {
            "old/__init__.py": "from old.factory import *\n",
            "old/factory.py": "def make_manager(): ...\n",
            "app.py": "import old\n\nm = old.make_manager()\n",
        },
        1,
        (3,),
    ),
]
