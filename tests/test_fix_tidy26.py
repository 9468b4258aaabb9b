"""tidy26: ``spelling``'s test is one frozen object (``run.word_tests.SpellingTest``), said once and
passed by every caller, instead of six keyword flags written out in each of its three
implementations (the project's modules, their text tests, a fixed text)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from pathlib import Path

import pytest

from ssot_lint.fix.fixed_text import FixedText
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.module_names import ModuleNamer
from ssot_lint.run.modules import ProjectModules
from ssot_lint.run.own_copy import OwnCopy
from ssot_lint.run.spelling import Spellings
from ssot_lint.run.verification import SummariseFiles
from ssot_lint.run.word_tests import ATTRIBUTE, BOUND, DOTTED, NAMED, STAR, STORE, WHOLE_WORD, SpellingTest
from tests.helpers import write_project

PROJECT = {
    "app/__init__.py": "",
    "app/a.py": "import pkg.old as o\nfrom pkg import *\npkg.config.MODE = 1\n",
    "app/b.py": "x = o.old  # pkg\ny = 'pkg.config'\n",
    "pkg/__init__.py": "",
    "pkg/old.py": "X = 1\n",
    "pkg/config.py": "MODE = 0\n",
}
WORDS = ["old", "pkg", "MODE", "config"]
TESTS = {"whole word": WHOLE_WORD, "attribute": ATTRIBUTE, "bound": BOUND, "star": STAR, "store": STORE, "dotted": DOTTED, "named": NAMED}


def project(tmp_path: Path) -> ProjectModules:
    write_project(tmp_path, PROJECT)
    namer = ModuleNamer([])
    files = [SourceFile(str(tmp_path / name), namer.ref(str(tmp_path / name), name)) for name in sorted(PROJECT)]
    return ProjectModules(None, SummariseFiles(None, 1), files)


@pytest.mark.parametrize("owner", [ProjectModules, Spellings, FixedText, OwnCopy])
def test_spelling_takes_the_words_and_one_test(owner: type) -> None:
    parameters = inspect.signature(owner.spelling).parameters
    assert list(parameters) == ["self", "words", "test"]
    assert parameters["test"].default is WHOLE_WORD


def test_the_test_is_a_frozen_object_of_six_flags_each_constant_setting_one() -> None:
    assert [field.name for field in dataclasses.fields(SpellingTest)] == ["attribute", "bound", "star", "store", "dotted", "named"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ATTRIBUTE.bound = True  # type: ignore[misc]
    assert WHOLE_WORD == SpellingTest()
    for name, test in TESTS.items():
        flags = [field for field, value in dataclasses.asdict(test).items() if value]
        assert flags == ([] if name == "whole word" else [name])


EXPECTED = {
    "whole word": {"old": ["app.a", "app.b"], "pkg": ["app.a", "app.b"], "MODE": ["app.a", "pkg.config"], "config": ["app.a", "app.b"]},
    "attribute": {"old": ["app.b"], "pkg": [], "MODE": ["app.a"], "config": ["app.a"]},
    "bound": {"old": ["app.a"], "pkg": ["app.a"], "MODE": [], "config": []},
    "star": {"old": [], "pkg": ["app.a"], "MODE": [], "config": []},
    "store": {"old": [], "pkg": [], "MODE": ["app.a"], "config": []},
    "dotted": {"old": ["app.a", "app.b"], "pkg": [], "MODE": ["app.a"], "config": ["app.a", "app.b"]},
    "named": {"old": ["app.a", "app.b"], "pkg": ["app.a", "app.b"], "MODE": ["app.a"], "config": ["app.a", "app.b"]},
}


@pytest.mark.parametrize("name", list(TESTS))
def test_each_test_is_answered_alike_by_the_project_and_by_a_fixed_text(tmp_path: Path, name: str) -> None:
    modules = project(tmp_path)
    assert modules.spelling(WORDS, TESTS[name]) == EXPECTED[name]
    # A fixed text that is the file's own answers as the file on disk does.
    ref = modules.files("app.a")[0].ref
    fixed = FixedText(modules, ref, PROJECT["app/a.py"])
    assert fixed.spelling(WORDS, TESTS[name]) == EXPECTED[name]


SPLIT = [
    "ssot_lint/kinds/deprecated_import/check.py",
    "ssot_lint/kinds/deprecated_import/file_check.py",
    "ssot_lint/run/modules.py",
    "ssot_lint/run/module_places.py",
]


@pytest.mark.parametrize("path", SPLIT)
def test_each_module_of_the_splits_is_at_most_350_lines(path: str) -> None:
    assert len((Path(__file__).parents[1] / path).read_text().splitlines()) <= 350


CLASHING = {
    "one/pkg/__init__.py": "",
    "one/pkg/mod.py": "X = 1\n",
    "two/pkg/__init__.py": "",
    "two/pkg/mod.py": "X = 2\n",
    "tests/helper.py": "",
    "tests/test_it.py": "import helper\n",
}


def test_the_places_of_a_pickled_project_are_made_anew_and_answer_alike(tmp_path: Path) -> None:
    write_project(tmp_path, CLASHING)
    namer = ModuleNamer(["one", "two", "tests"])
    files = [SourceFile(str(tmp_path / name), namer.ref(str(tmp_path / name), name)) for name in sorted(CLASHING)]
    modules = ProjectModules(None, SummariseFiles(None, 1), files)
    clash = "pkg.mod is given by 2 files (one/pkg/mod.py, two/pkg/mod.py): which one an importer gets depends on sys.path"
    assert modules.clash("pkg.mod.X") == clash
    assert modules.has_clashes()
    assert modules.file_at("tests/helper.py") is not None
    assert modules.one_file("pkg") is None
    state = modules.__getstate__()
    assert state["_places"] is None  # what it holds is the project's own data, made again where it is asked
    copied = pickle.loads(pickle.dumps(modules))
    assert copied.clash("pkg.mod.X") == clash
    assert copied.file_at("tests/helper.py") == modules.file_at("tests/helper.py")
