"""declared-deprecation's examples: the kind's page shows them and ``test-rules`` runs them, with
``OPTIONS`` as the rule's options (``DeclaredDeprecation.EXAMPLE_OPTIONS``, ``VALID``, ``INVALID``)."""

from __future__ import annotations

from ssot_lint.kinds.base import Example

OPTIONS = {"decorators": ["lib._api.deprecated"]}

_WARNS = "import warnings\n\nwarnings.warn('old.mod is deprecated; use new.mod instead', DeprecationWarning, stacklevel=2)\n"

VALID = [
    Example({"old/__init__.py": "", "old/mod.py": _WARNS, "new/__init__.py": "", "new/mod.py": "X = 1\n", "app.py": "from new.mod import X\n"}, 0),
    Example(
        {
            "pkg/__init__.py": "",
            "pkg/mod.py": "import warnings\nwarnings.filterwarnings('ignore', category=DeprecationWarning)\nwarnings.warn('slow', RuntimeWarning)\n",
            "app.py": "import pkg.mod\n",
        },
        0,
    ),
    Example(
        {
            "legacy/__init__.py": "import warnings\nwarnings.warn('legacy is deprecated', DeprecationWarning)\nfrom . import sub\n",
            "legacy/sub.py": "from legacy import helpers\n",
            "legacy/helpers.py": "",
        },
        0,
    ),
    # pandas's form: a warning under an environment test that does not name the package
    # deprecates an option, not the package
    Example(
        {
            "pkg/__init__.py": (
                "import os\nimport warnings\n\nif 'PKG_DATA_MANAGER' in os.environ:\n"
                "    warnings.warn('The data_manager option is deprecated', FutureWarning)\n"
            ),
            "app.py": "import pkg\n",
        },
        0,
    ),
]
INVALID = [
    Example({"old/__init__.py": "", "old/mod.py": _WARNS, "new/__init__.py": "", "new/mod.py": "X = 1\n", "app.py": "import old.mod\n"}, 1, (1,)),
    Example(
        {
            "pkg/__init__.py": "",
            "pkg/errors.py": "class ExtensionError(Exception): ...\n",
            "pkg/util.py": (
                "import warnings\nfrom pkg.errors import ExtensionError\n\nMOVED = {'ExtensionError': ExtensionError}\n\n\n"
                "def __getattr__(name):\n    if name not in MOVED:\n        raise AttributeError(name)\n"
                "    warnings.warn(f'pkg.util.{name} is deprecated; import it from pkg.errors', DeprecationWarning)\n"
                "    return MOVED[name]\n"
            ),
            "app.py": "from pkg.util import ExtensionError\n",
        },
        1,
        (1,),
    ),
    Example(
        {
            "legacy/__init__.py": "import warnings\nwarnings.warn('legacy is deprecated', DeprecationWarning)\n",
            "legacy/sub.py": "",
            "app.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from legacy.sub import thing\n",
        },
        1,
        (3,),
    ),
    Example(
        {
            "lib/__init__.py": "from .api import old_call\n",
            "lib/api.py": "from typing_extensions import deprecated\n\n@deprecated('use new_call')\ndef old_call(): ...\ndef new_call(): ...\n",
            "app.py": "from lib import old_call\n",
        },
        2,
        (1, 1),
    ),
    # A listed decorator (matplotlib's form): "3.10" is the version; alternative= the replacement.
    Example(
        {
            "lib/_api.py": "def deprecated(since, *, message='', alternative='', addendum='', pending=False): ...\n",
            "lib/cbook.py": "from lib import _api\n\n@_api.deprecated('3.10', alternative='lib.cbook.new_call')\ndef old_call(): ...\ndef new_call(): ...\n",
            "app.py": "from lib.cbook import old_call\n",
        },
        1,
        (1,),
    ),
]
