"""Issue #13, from the seventh adversarial review (findings 1, 2 and 5): safe import rewrites that
changed what a program does. Each case runs the program before the fix and after ``fix
--unsafe-fixes`` (proof that the rewrite it holds back does change behaviour), and checks that
``fix`` alone keeps the program's behaviour and says why it left the rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.model import FileRef
from ssot_lint.project.attribute_stores import attribute_stores
from ssot_lint.project.summary_walk import _Summariser
from ssot_lint.run.word_tests import stores_into
from tests.helpers import run_cli, write_project
from tests.test_fix_review6 import keeps_what_the_program_does, run, texts

LEGACY = {
    "legacy/__init__.py": "",
    "legacy/tools.py": "from modern.tools import X\n\nY = 'only in legacy.tools'\n",
    "modern/__init__.py": "",
    "modern/tools.py": "def X():\n    return 'x'\n",
}
COMPAT_PLAIN = "import legacy.tools\n\n\ndef helper():\n    return legacy.tools.X()\n"
CONFIG = {"pkg/__init__.py": "from pkg import old\n", "pkg/config.py": 'MODE = "dev"\n', "pkg/old.py": "from pkg.config import MODE\n"}
COPY = "that pkg.config.MODE is the same object as pkg.old.MODE cannot be verified: pkg.old.MODE is a copy of pkg.config.MODE, "


def stores(how: str) -> dict[str, str]:
    """rv7-12: settings stores into pkg.config.MODE (``how``) after pkg.old copied it."""
    return {**CONFIG, "settings.py": how, "app.py": "import settings\nfrom pkg.old import MODE\n\nprint(MODE)\n"}


# name -> (files, replace, the module the program imports, what `fix` leaves: "path:line:col: reason")
CASES = {
    # rv7-9: `from legacy import tools` ... `tools.X()` becomes `import modern.tools` ...
    # `modern.tools.X()`; user.py's `from compat import helper, tools` then fails.
    "a-dropped-binding-imported-by-name": (
        {
            **LEGACY,
            "compat.py": "from legacy import tools\n\n\ndef helper():\n    return tools.X()\n",
            "user.py": "from compat import helper, tools\n\nprint(helper(), tools.X())\n",
        },
        '"legacy.tools:X" = "modern.tools:X"',
        "user",
        "compat.py:5:12: D1 unsafe fix not applied: compat.tools is read by user.py:1, and the rewrite leaves compat without it",
    ),
    # The module mapping: `import legacy.tools` becomes `import modern.tools`, compat no longer binds legacy.
    "a-dropped-binding-read-as-an-attribute": (
        {**LEGACY, "compat.py": COMPAT_PLAIN, "user.py": "import compat\n\nprint(compat.helper(), compat.legacy.tools.X())\n"},
        '"legacy" = "modern"',
        "user",
        "compat.py:1:8: D1 unsafe fix not applied: compat.legacy is read by user.py:1, and the rewrite leaves compat without it",
    ),
    "a-dropped-binding-read-through-a-star-import": (
        {**LEGACY, "compat.py": COMPAT_PLAIN, "user.py": "from compat import *\n\nprint(helper(), legacy.tools.X())\n"},
        '"legacy" = "modern"',
        "user",
        "compat.py:1:8: D1 unsafe fix not applied: compat.legacy is read by user.py:1, and the rewrite leaves compat without it",
    ),
    # review8 (rv8-70): the package star-imports compat, so `pkg.tools` reaches its readers
    # through a module that does not spell `tools`.
    "a-dropped-binding-passed-on-by-a-star-import": (
        {
            **LEGACY,
            "pkg/__init__.py": "from pkg.compat import *\n",
            "pkg/compat.py": "from legacy import tools\n\n\ndef helper():\n    return tools.X()\n",
            "user.py": "import pkg\n\nprint(pkg.helper(), pkg.tools.Y)\n",
        },
        '"legacy.tools:X" = "modern.tools:X"',
        "user",
        "pkg/compat.py:5:12: D1 unsafe fix not applied: pkg.compat.tools is read by pkg/__init__.py:1, and the rewrite leaves pkg.compat without it",
    ),
    # `import legacy.tools as t` becomes `import modern.tools as t`: the name stays, another module.
    "a-binding-rebound-to-another-module": (
        {**LEGACY, "compat.py": "import legacy.tools as t\n\n\ndef helper():\n    return t.X()\n", "user.py": "from compat import t\n\nprint(t.Y)\n"},
        '"legacy" = "modern"',
        "user",
        "compat.py:1:8: D1 unsafe fix not applied: compat.t is read by user.py:1, and the rewrite binds it to another module",
    ),
    # rv7-12: a value the shim copied, and a third module stores into its source.
    **{
        f"a-copy-whose-source-is-stored-into-{name}": (stores(how), '"pkg.old" = "pkg.config"', "app", f"app.py:2:6: D1 unsafe fix not applied: {COPY}{reason}")
        for name, how, reason in [
            ("by-assignment", 'from pkg import config\n\nconfig.MODE = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("by-setattr", 'from pkg import config\n\nsetattr(config, "MODE", "prod")\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("by-del", "from pkg import config\n\ndel config.MODE\n", "and settings stores into pkg.config.MODE at settings.py:3"),
            # review8: through the module's namespace
            ("through-its-dict", 'from pkg import config\n\nconfig.__dict__["MODE"] = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("through-vars", 'from pkg import config\n\nvars(config).update(MODE="prod")\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("by-augmented-assignment", 'import pkg.config\n\npkg.config.MODE += "-prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            (
                "in-a-function",
                'from pkg import config as c\n\n\ndef configure():\n    c.MODE = "prod"\n\n\nconfigure()\n',
                "and settings stores into pkg.config.MODE at settings.py:5",
            ),
            (
                "through-a-function-import",
                'def configure():\n    from pkg import config\n\n    config.MODE = "prod"\n\n\nconfigure()\n',
                "and settings stores into pkg.config.MODE at settings.py:4",
            ),
            # safety8: every syntactic form of a store, read from the tree (a line-start text test missed them)
            ("under-an-if", 'from pkg import config\n\nif True: config.MODE = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("after-a-semicolon", 'from pkg import config\n\nx = 1; config.MODE = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("in-a-chained-assignment", 'from pkg import config\n\nx = config.MODE = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            ("in-a-tuple-target", 'from pkg import config\n\nconfig.MODE, x = "prod", 1\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            (
                "as-a-for-target",
                'from pkg import config\n\nfor config.MODE in ["prod"]:\n    pass\n',
                "and settings stores into pkg.config.MODE at settings.py:3",
            ),
            (
                "as-a-with-target",
                'import contextlib\nfrom pkg import config\n\nwith contextlib.nullcontext("prod") as config.MODE:\n    pass\n',
                "and settings stores into pkg.config.MODE at settings.py:4",
            ),
            ("spelt-apart", 'from pkg import config\n\n(config).MODE = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
            (
                "through-a-name-bound-to-an-import",
                'import pkg.config as c\n\nc2 = c\nc2.MODE = "prod"\n',
                "and settings stores into pkg.config.MODE at settings.py:4",
            ),
            (
                "through-import-module",
                'import importlib\n\nm = importlib.import_module("pkg.config")\nm.MODE = "prod"\n',
                "and settings stores into pkg.config.MODE at settings.py:4",
            ),
            ("through-a-star-import", 'from pkg import *\n\nconfig.MODE = "prod"\n', "and settings stores into pkg.config.MODE at settings.py:3"),
        ]
    },
    # safety8: the copy is an alias statement (`MODE = pkg.config.MODE`), not an import
    "a-copy-by-an-alias-whose-source-is-stored-into": (
        {**stores('from pkg import config\n\nconfig.MODE = "prod"\n'), "pkg/old.py": "import pkg.config\n\nMODE = pkg.config.MODE\n"},
        '"pkg.old" = "pkg.config"',
        "app",
        "app.py:2:6: D1 unsafe fix not applied: that pkg.config.MODE is the same object as pkg.old.MODE cannot be verified: "
        "pkg.old.MODE is a copy of pkg.config.MODE, and settings stores into pkg.config.MODE at settings.py:3",
    ),
    # safety8: both are copies by an alias statement (`MODE = pkg.config.MODE`), made before and
    # after settings stores into pkg.config: the one the rewrite reads from holds the new value.
    "two-copies-by-alias-statements-of-a-source-stored-into-between": (
        {
            **CONFIG,
            "pkg/old.py": "import pkg.config\n\nMODE = pkg.config.MODE\n",
            "pkg/new.py": "import pkg.config\n\nMODE = pkg.config.MODE\n",
            "settings.py": 'from pkg import config\n\nconfig.MODE = "prod"\n',
            "app.py": "import settings\nimport pkg.new\nfrom pkg.old import MODE\n\nprint(MODE)\n",
        },
        '"pkg.old" = "pkg.new"',
        "app",
        "app.py:3:6: D1 unsafe fix not applied: that pkg.new.MODE is the same object as pkg.old.MODE cannot be verified: "
        "pkg.old.MODE is a copy of pkg.config.MODE, and settings stores into pkg.config.MODE at settings.py:3",
    ),
    # safety8 (review8's hole A): the package stops importing its submodule, which a star import of
    # it (no `__all__`) bound.
    "a-submodule-bound-by-a-star-import-of-its-package": (
        {
            "pkg/__init__.py": "from pkg.old import f\n",
            "pkg/new.py": "def f():\n    return 'f'\n",
            "pkg/old.py": "from pkg.new import f\n\n\ndef helper():\n    return 'helper from old'\n",
            "user.py": "from pkg import *\n\nprint(f(), old.helper())\n",
        },
        '"pkg.old:f" = "pkg.new:f"',
        "user",
        "pkg/__init__.py:1:21: D1 unsafe fix not applied: pkg would no longer import pkg.old, which user may read as old, "
        "which its star import of pkg at line 1 binds, without importing it",
    ),
    # safety8: a TYPE_CHECKING bound after typing's by a star import, or in the class body itself, may be true.
    **{
        f"a-type-checking-{name}": (
            {
                "pkg/__init__.py": "",
                "pkg/base.py": "class X:\n    pass\n",
                "pkg/new.py": 'from pkg.base import X\n\nprint("pkg.new runs")\n',
                "pkg/old.py": "from pkg.base import X\n",
                "helpers.py": "TYPE_CHECKING = True\n",
                "app.py": app,
            },
            '"pkg.old" = "pkg.new"',
            "app",
            f"app.py:{line}: D1 unsafe fix not applied: app did not import pkg.new before, whose import-time code does more than define names",
        )
        for name, app, line in [
            (
                "bound-by-a-later-star-import",
                "from typing import TYPE_CHECKING\nfrom helpers import *\n\nif TYPE_CHECKING:\n    from pkg.old import X\n",
                "5:10",
            ),
            (
                "bound-in-the-class-body",
                "from typing import TYPE_CHECKING\n\n\nclass K:\n    TYPE_CHECKING = True\n    if TYPE_CHECKING:\n        from pkg.old import X\n",
                "7:14",
            ),
        ]
    },
    # rv7-6: a local `TYPE_CHECKING = True` is no typing.TYPE_CHECKING: the import runs.
    "a-local-type-checking-that-is-true": (
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class X:\n    pass\n",
            "pkg/new.py": 'from pkg.base import X\n\nprint("pkg.new runs")\n',
            "pkg/old.py": "from pkg.base import X\n",
            "app.py": "TYPE_CHECKING = True\n\nif TYPE_CHECKING:\n    from pkg.old import X\n",
        },
        '"pkg.old" = "pkg.new"',
        "app",
        "app.py:4:10: D1 unsafe fix not applied: app did not import pkg.new before, whose import-time code does more than define names",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_safe_fix_keeps_what_the_program_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    files, _, _, left = CASES[case]
    assert "unsafe fix not applied" in left  # each case is a rewrite that changes the program
    assert texts(keeps_what_the_program_does(tmp_path, monkeypatch, *CASES[case])) == files  # and the only one there


@pytest.mark.parametrize(
    ("text", "stores"),
    [
        ('from pkg import config\n\nconfig.MODE = "prod"\n', [("pkg.config", "MODE", 3)]),
        ("import pkg.config\npkg.config.MODE += 1\npkg.config.SUB.X = 2\n", [("pkg.config", "MODE", 2), ("pkg.config.SUB", "X", 3)]),
        (
            "import pkg.config as c\n\n\ndef f(name):\n    del c.MODE\n    setattr(c, name, 1)\n    delattr(c, 'X')\n",
            [("pkg.config", "MODE", 5), ("pkg.config", "*", 6), ("pkg.config", "X", 7)],
        ),
        ("class K:\n    def f(self):\n        from . import config\n        config.MODE: str = 'x'\n", [("pkg.config", "MODE", 4)]),
        # every syntactic form of a store, read from the tree (safety8): not only at a line start
        ("from pkg import config\nconfig . MODE = 1\nif True: config.MODE = 2\n", [("pkg.config", "MODE", 2), ("pkg.config", "MODE", 3)]),
        (
            "from pkg import config\nx = 1; config.A = 1\nb = config.B = 1\nconfig.C, d = 1, 2\nfor config.D in []: pass\n"
            "with open('f') as config.E: pass\n(config).F = 1\n[*config.G] = [1]\n",
            [("pkg.config", a, n) for n, a in enumerate("ABCDEFG", 2)],
        ),
        # through a name assigned from an import, import_module, __import__, sys.modules, a star import
        (
            "import pkg.config as c\nimport importlib, sys\nc2 = c\nc3 = c2\nc3.A = 1\nm = importlib.import_module('pkg.config')\nm.B = 1\n"
            "r = importlib.import_module('.config', __package__)\nr.C = 1\nsys.modules['pkg.config'].D = 1\nt = __import__('pkg.config')\nt.config.E = 1\n",
            [
                ("pkg.config", "A", 5),
                ("pkg.config", "B", 7),
                ("pkg.config", "C", 9),
                ("pkg.config", "D", 10),
                ("pkg.config", "E", 12),
                ("pkg.config.config", "E", 12),
            ],
        ),
        ("from pkg import *\n\nconfig.MODE = 1\n", [("pkg.config", "MODE", 3)]),
        # reads, comparisons, item stores, other names' attributes: none
        (
            "from pkg import config\nimport os\n\nX = config.MODE == 1\nY = {config.MODE: 1}\nconfig.ITEMS[0] = 1\n"
            "class C:\n    def f(self):\n        self.MODE = 1\n        os.environ['A'] = 'b'\n# config.MODE = 2\nS = 'config.MODE = 3'\n",
            [],
        ),
    ],
)
def test_a_module_records_the_stores_into_attributes_of_what_it_imports(text: str, stores: list[tuple[str, str, int]]) -> None:
    """``project.attribute_stores``: the same whether the file was parsed whole or not."""
    for parsed_whole in (False, True):
        ctx = FileContext(FileRef("pkg/mod.py", "pkg.mod"), text)
        if parsed_whole:
            _ = ctx.tree
        assert list(attribute_stores(ctx)) == stores


@pytest.mark.parametrize(
    ("text", "type_checking"),
    [
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n", True),
        ("from typing_extensions import TYPE_CHECKING as TC\nif not TC:\n    pass\nelse:\n    import a\n", True),
        ("import typing\nif typing.TYPE_CHECKING:\n    import a\n", True),
        ("import typing as t\nif t.TYPE_CHECKING:\n    import a\n", True),
        ("TYPE_CHECKING = False\nif TYPE_CHECKING:\n    import a\n", True),
        # a TYPE_CHECKING of the module's own, or bound from elsewhere, may be true: the import runs
        ("TYPE_CHECKING = True\nif TYPE_CHECKING:\n    import a\n", False),
        ("from typing import TYPE_CHECKING\nTYPE_CHECKING = True\nif TYPE_CHECKING:\n    import a\n", False),
        ("from compat import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n", False),
        ("import typing as t\nif typing.TYPE_CHECKING:\n    import a\n", False),
        ("if TYPE_CHECKING:\n    import a\n", False),
        ("import typing\ntyping = object()\nif typing.TYPE_CHECKING:\n    import a\n", False),
    ],
)
def test_type_checking_is_never_true_only_as_typing_binds_it(text: str, type_checking: bool) -> None:
    for parsed_whole in (False, True):
        ctx = FileContext(FileRef("pkg/mod.py", "pkg.mod"), text)
        if parsed_whole:
            _ = ctx.tree
        assert [f.type_checking for f in _Summariser(ctx).run().imports if f.module == "a"] == [type_checking]


def test_a_star_import_of_a_package_whose_all_names_the_submodule_imports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``from pkg import *`` imports the submodules ``__all__`` names: the rewrite stays safe."""
    files = {
        "pkg/__init__.py": "from pkg.old import f\n\n__all__ = ['f', 'old']\n",
        "pkg/new.py": "def f():\n    return 'f'\n",
        "pkg/old.py": "from pkg.new import f\n\n\ndef helper():\n    return 'helper from old'\n",
        "user.py": "from pkg import *\n\nprint(f(), old.helper())\n",
    }
    root = write_project(tmp_path, files, '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "pkg.old:f" = "pkg.new:f" }\n')
    before = run(root, "user")
    result = run_cli(["fix", "--no-cache"], root, monkeypatch)
    assert result.stderr.splitlines()[0] == "1 file changed, 1 finding fixed, 0 findings left."
    assert texts(root) == {**files, "pkg/__init__.py": files["pkg/__init__.py"].replace("pkg.old", "pkg.new")}
    assert run(root, "user") == before == "f helper from old\n"


@pytest.mark.parametrize(
    ("text", "type_checking"),
    [
        # safety8: a later star import may bind TYPE_CHECKING (or typing) to anything
        ("from typing import TYPE_CHECKING\nfrom helpers import *\nif TYPE_CHECKING:\n    import a\n", False),
        ("import typing\nfrom helpers import *\nif typing.TYPE_CHECKING:\n    import a\n", False),
        ("from helpers import *\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n", True),  # bound after it
        ("from typing import TYPE_CHECKING\nfrom typing import *\nif TYPE_CHECKING:\n    import a\n", True),  # typing's own
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from helpers import *\nif TYPE_CHECKING:\n    import a\n", True),  # never runs
        # a class body's own TYPE_CHECKING
        ("from typing import TYPE_CHECKING\nclass K:\n    TYPE_CHECKING = True\n    if TYPE_CHECKING:\n        import a\n", False),
        ("from typing import TYPE_CHECKING\nclass K:\n    for TYPE_CHECKING in [1]:\n        pass\n    if TYPE_CHECKING:\n        import a\n", False),
        # ... not another class's, nor a method's local
        ("from typing import TYPE_CHECKING\nclass J:\n    TYPE_CHECKING = True\nclass K:\n    if TYPE_CHECKING:\n        import a\n", True),
        ("from typing import TYPE_CHECKING\nclass K:\n    def f(self):\n        TYPE_CHECKING = 1\n    if TYPE_CHECKING:\n        import a\n", True),
    ],
)
def test_type_checking_bound_by_a_star_import_or_in_a_class_body_may_be_true(text: str, type_checking: bool) -> None:
    for parsed_whole in (False, True):
        ctx = FileContext(FileRef("pkg/mod.py", "pkg.mod"), text)
        if parsed_whole:
            _ = ctx.tree
        assert [f.type_checking for f in _Summariser(ctx).run().imports if f.module == "a"] == [type_checking]


@pytest.mark.parametrize(
    ("text", "may_store"),
    [
        (b"x.A = 1", True),
        (b"(c).A, b = 1, 2", True),
        (b"for c.A in x: pass", True),
        (b"with f() as c.A:", True),
        (b"c . \\\n A += 1", True),
        (b"del x, c.A", True),
        (b"del (\n    x,\n    c.A,\n)", True),
        (b"[c.A] = [1]", True),
        (b"x = c.A = 1", True),
        (b"c.A: int = 1", True),
        (b"c.A >>= 1", True),
        # reads, comparisons, another name, an import list: none
        (b"y = c.A\nf(c.A)\n", False),
        (b"c.A == 1", False),
        (b"c.AB = 1", False),
        (b"from . import A, B", False),
        (b"A = 1", False),
        (b"del x\ny = c.A\n", False),
    ],
)
def test_the_text_test_for_a_store_into_an_attribute_passes_every_form_of_one(text: bytes, may_store: bool) -> None:
    """``run.word_tests.stores_into``: which files ``fix.copied_values`` asks for their stores (a superset)."""
    assert stores_into(text, "A") is may_store
