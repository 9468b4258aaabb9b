"""``run.word_tests.binds_by_import``: the text test that picks which modules' imports verification
reads when a package above a dropped module may be used as a value. A superset: every import
that binds the word passes it (a miss would let an unsafe rewrite through); most other
mentions of a package name do not (each one costs a summary)."""

from __future__ import annotations

import pytest

from ssot_lint.run.word_tests import binds_by_import, star_imports

BINDS = [
    b"import pkg\n",
    b"import pkg.sub\n",
    b"import os, pkg\n",
    b"import os, \\\n    pkg\n",
    b"from a import pkg\n",
    b"from . import pkg\n",
    b"from a import (\n    x,  # a comment with a ) in it\n    pkg,\n)\n",
    b"import a.pkg as p\n",
    b"import a.pkg \\\n    as p\n",
    b"def f():\n    import pkg\n",
]
DOES_NOT = [
    b"from pkg.sub import x\n",
    b"from a.pkg import x\n",
    b"import a.pkg\n",
    b"x = pkg.y\n",
    b'__import__("pkg")\n',
    b"import package\n",
]


@pytest.mark.parametrize("text", BINDS)
def test_every_import_binding_the_word_passes(text: bytes) -> None:
    assert binds_by_import(text, "pkg")


@pytest.mark.parametrize("text", DOES_NOT)
def test_mentions_that_bind_nothing_do_not(text: bytes) -> None:
    assert not binds_by_import(text, "pkg")


def test_an_unreadable_file_binds_every_word() -> None:
    assert binds_by_import(None, "pkg")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"from pkg.compat import *\n", True),
        (b"from .compat import *\n", True),
        (b"from compat import *\n", True),
        (b"from compat import x\n", False),
        (b"from pkg.compat2 import *\n", False),
        (b"from mycompat import *\n", False),
        (b"import compat\nx = 2 * 3\n", False),
        (None, True),  # unreadable: star-imports everything
    ],
)
def test_star_imports_of_a_module_by_its_last_name(text: bytes | None, expected: bool) -> None:
    assert star_imports(text, "compat") is expected
