"""A test module's tested deprecations (``project.import_conditions.tested_deprecations``) judge
an imported name from the lines that spell it, not from every node of the file: the answers are
those of a walk over the whole tree (each case below), and the cost of a judgement does not grow
with the code that never spells the name (issue #17: walking Django's 50 test modules with
warning blocks whole was ~0.4 s of its summaries). And the text test before it searches its
patterns only where their literals are written (``_LOGGER.warning`` is not ``catch_warnings(``:
0.2-0.3 s of Home Assistant's cold check, where no file has such a block)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.model import FileRef
from ssot_lint.project import import_conditions
from ssot_lint.project.import_conditions import NOTHING_TESTED
from ssot_lint.project.import_conditions import tested_deprecations as deprecations_tested
from tests.helpers import python_calls

if TYPE_CHECKING:  # a class named Test... that pytest would try to collect
    from ssot_lint.project.import_conditions import TestedDeprecations

HEAD = """\
import pytest
from lib.old import OldThing, Other, Rebound, Decorated, InFstring, Spelled

"""
BLOCK = """\
def test_old():
    with pytest.warns(DeprecationWarning):
        OldThing()
        Other()
        Rebound()
        Decorated()
        InFstring()
        Spelled()
"""
OUTSIDE = '''\
def helper():
    return Other


def rebind():
    global Rebound


@Decorated
def decorated():
    pass


def formatted():
    return f"""{1 + len(
        InFstring)}"""


def spelled():
    return \uff33pelled  # a fullwidth S: Python reads the name Spelled
'''
NAMES = ("OldThing", "Other", "Rebound", "Decorated", "InFstring", "Spelled", "pytest", "Absent")


def _tested(text: str) -> TestedDeprecations:
    return deprecations_tested(FileContext(FileRef("tests/test_old.py", "tests.test_old"), text))


def test_a_name_loaded_only_in_blocks_is_tested_and_each_kind_of_use_outside_is_found() -> None:
    tested = _tested(HEAD + BLOCK + OUTSIDE)
    assert tested is not NOTHING_TESTED
    assert tested.blocks == ((5, 11),)
    assert {name: tested.covers(2, name) for name in NAMES} == {
        "OldThing": True,  # every load is under pytest.warns
        "Other": False,  # returned by helper()
        "Rebound": False,  # declared global: it may be rebound elsewhere
        "Decorated": False,  # a decorator, on the line above its def
        "InFstring": False,  # in an f-string's replacement field, on the f-string's second line
        "Spelled": False,  # spelt with a fullwidth letter, which Python's NFKC turns into the name
        "pytest": True,  # loaded in the block's header only
        "Absent": False,  # never loaded
    }
    assert [tested.covers(line) for line in (4, 5, 11, 12)] == [False, True, True, False]


def test_without_the_uses_outside_every_name_loaded_in_the_block_is_tested() -> None:
    tested = _tested(HEAD + BLOCK)
    assert [name for name in NAMES if tested.covers(2, name)] == ["OldThing", "Other", "Rebound", "Decorated", "InFstring", "Spelled", "pytest"]


def _module(methods: int) -> str:
    block = "    def test_old(self):\n        with self.assertWarns(DeprecationWarning):\n            OldThing()\n\n"
    body = "".join(
        f"    def test_{i}(self):\n        value = compute({i}, [x * 2 for x in range({i}) if x])\n        assert value == {{'a': {i}, 'b': [{i}]}}\n\n"
        for i in range(methods)
    )
    return "import unittest\nfrom lib.old import OldThing\n\n\nclass T(unittest.TestCase):\n" + block + body


def _calls(text: str) -> int:
    ctx = FileContext(FileRef("tests/test_old.py", "tests.test_old"), text)
    ctx.tree  # noqa: B018 (parsed whole first: the parse is not what is counted)
    return python_calls(lambda: deprecations_tested(ctx).covers(2, "OldThing"))


def test_judging_a_name_does_not_walk_the_code_that_never_spells_it() -> None:
    assert _tested(_module(1)).covers(2, "OldThing")
    # 400 more test methods of ~40 nodes each. Finding the blocks visits their statements (a few
    # calls each); a walk over every node for the loads of every name took ~3 calls per node.
    grown = _calls(_module(450)) - _calls(_module(50))
    assert grown < 400 * 20, grown


class _Counted:
    """A compiled pattern whose searches are counted."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.searches = 0

    def search(self, text: str) -> re.Match[str] | None:
        self.searches += 1
        return self.pattern.search(text)


def test_the_words_before_each_pattern_spare_its_search_in_a_module_that_only_logs_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = [(words, _Counted(pattern)) for words, pattern in import_conditions._EXPECTS_SPELLINGS]
    monkeypatch.setattr(import_conditions, "_EXPECTS_SPELLINGS", tuple(counted))
    logging_module = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef f():\n    _LOGGER.warning("deprecated, use g")\n'
    assert not import_conditions._calls_expecting(logging_module)
    assert [pattern.searches for _, pattern in counted] == [0] * len(counted)
    expecting = {
        "with warnings.catch_warnings(record=True) as caught:\n    import old\n": True,
        "def test_it(recwarn):\n    import old\n": True,
        "with warnings.catch_warnings():\n    import old\n": False,  # silencing is no test of the warning
        "with pytest.warns(DeprecationWarning):\n    import old\n": True,
        "with self.assertRaises(DeprecationWarning):\n    import old\n": True,
    }
    assert {text: import_conditions._calls_expecting(text) for text in expecting} == expecting
