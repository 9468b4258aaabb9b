"""Each import rewrite ``fix`` leaves says the decisive fact (issue #13, from a trial on Django
5.2.8): a refusal (the project shows the rewrite fails) before anything the project cannot tell,
and the plainest fact first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

RULES = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "old" = "new" }\n'


def left(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The summary's lines after the headline (the findings left, with their reasons)."""
    return run_cli(["fix", "--no-cache", "--diff"], root, monkeypatch).stderr.splitlines()[1:]


def test_from_m_import_x_where_m_would_be_no_module_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from old.related import X` would become `from new.related import X`: new has no module
    # `related` (Django's django.db.models.related, removed in 1.8). That new lacks a name
    # `related` too is a consequence, not the decisive fact.
    files = {"old/__init__.py": "", "old/related.py": "class X: ...\n", "new/__init__.py": "", "app.py": "from old.related import X\n"}
    write_project(tmp_path, files, RULES)
    assert left(tmp_path, monkeypatch) == ["  app.py:1:6: D1 not fixable: module new.related does not exist (related is not a module of new)"]


def test_a_star_import_of_a_module_with_a_literal_all_binds_only_those_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Django's django.db.models star-imports django.db.models.enums, which has a module-level
    # __getattr__ but a literal __all__: `from enums import *` binds the names of __all__ and
    # nothing else, so `composite` is known not to come from it (it was "which names
    # django.db.models.enums exports cannot be known, so composite cannot be verified").
    files = {
        "old/__init__.py": "from new.enums import Choices\n\ndef helper(): ...\n",  # Choices: the same class
        "new/__init__.py": "from new.enums import *\n",
        "new/enums.py": '__all__ = ["Choices"]\n\nclass Choices: ...\n\ndef __getattr__(name):\n    raise AttributeError(name)\n',
        "app.py": "from old import helper, Choices\n",
    }
    write_project(tmp_path, files, RULES)
    assert left(tmp_path, monkeypatch) == ["  app.py:1:6: D1 not fixable: helper is not defined in new"]
    assert (tmp_path / "app.py").read_text() == "from old import helper, Choices\n"  # --diff writes nothing
    fixed = run_cli(["fix", "--no-cache"], tmp_path, monkeypatch)
    assert (tmp_path / "app.py").read_text() == "from old import helper\nfrom new import Choices\n"
    assert fixed.exit_code == 1


def test_a_module_name_used_on_its_own_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Django's tests/admin_docs/test_views.py: `from django.db.models import fields`, and a
    # function's local `fields = ...` at line 420.
    app = "from old import mod\n\n\ndef f(response):\n    mod = response.get('mod')\n    return mod\n\n\nmod.X()\n"
    # old.mod is a shim of new.mod: the same X, and importing new.mod runs nothing new.
    files = {"old/__init__.py": "", "old/mod.py": "from new.mod import X\n", "new/__init__.py": "", "new/mod.py": "def X(): ...\n", "app.py": app}
    write_project(tmp_path, files, RULES)
    assert left(tmp_path, monkeypatch) == [
        "  app.py:1:6: D1 unsafe fix not applied: `mod` is also used on its own at line 5 (a value, or another binding of the name),"
        " so what the file reads through it from new.mod cannot be verified",
        "1 unsafe fix not applied: `--unsafe-fixes` applies it",
    ]


def test_a_refusal_comes_before_what_cannot_be_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A (a class in old, a value of unknown kind in new) cannot be verified; Gone is refused:
    # the finding is not fixable, and the refusal says so first.
    files = {
        "old/__init__.py": "import new\n\nclass A: ...\nclass Gone: ...\n",
        "new/__init__.py": "A = type('A', (), {})\n",
        "app.py": "from old import A, Gone\n",
    }
    write_project(tmp_path, files, RULES)
    assert left(tmp_path, monkeypatch) == [
        "  app.py:1:6: D1 not fixable: Gone is not defined in new; new.A exists, but that it is a class, as old.A is, cannot be verified"
    ]
