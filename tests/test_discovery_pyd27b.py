"""Precision of discovery and the survey, from review27a's reproductions on pydantic 2.11.7: an
article after "use" is no reference, type-only classes (typing Protocols, classes under ``if
TYPE_CHECKING:``) form no class family, a family's examples keep each class in its own module,
and a DD1 finding about a rule file's canonical target sits at the mapping's line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ssot_lint.api import survey
from ssot_lint.kinds.declared_deprecation.replacement import Candidate, candidates
from ssot_lint.survey.starter import starter_rules
from tests.helpers import run_cli, write_project

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

# -- 1. "Use the `pkg.ConfigDict` instead." names pkg.ConfigDict ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BaseConfig is deprecated. Use the `pydantic.ConfigDict` instead.", "pydantic.ConfigDict"),
        ("Use a `pkg.Other` instead.", "pkg.Other"),
        ("Use an `pkg.Other` instead.", "pkg.Other"),
        ("This class has moved to the `pkg.newmod` module.", "pkg.newmod"),
        ("Deprecated: replaced by the `pkg.Other` class.", "pkg.Other"),
        # scikit-learn 1.6.1's _safe_tags (review27b): one word between the article and a quoted name.
        ("Use the public `get_tags` function instead and make sure to implement the `__sklearn_tags__` method.", "get_tags"),
        ("Deprecated; use the new 'pkg.api.run' instead.", "pkg.api.run"),
        # The article alone still names nothing, and "use the correct X name" keeps its own phrase.
        ("Please use the correct SingletonThreadPool name.", "SingletonThreadPool"),
    ],
)
def test_an_article_after_a_replacement_phrase_is_skipped(text: str, expected: str) -> None:
    assert candidates(text) == [Candidate(expected, True)]


def test_an_article_alone_names_no_replacement() -> None:
    assert candidates("Use the other one instead.") == []  # "other": a stop word
    assert candidates("Use the API instead.") == [Candidate("API", False)]
    assert candidates("Use the public API instead.") == [Candidate("public", False)]  # the word is skipped only before a quoted name


def test_use_the_X_instead_resolves_as_use_X_instead_does(tmp_path: Path) -> None:
    # review27a repro 05: pydantic/deprecated/config.py's BaseConfig was "no replacement".
    project = write_project(
        tmp_path / "p",
        {
            "pkg/__init__.py": "from .config import ConfigDict\n",
            "pkg/config.py": "class ConfigDict(dict): ...\n",
            "pkg/old.py": (
                "from typing_extensions import deprecated\n\n"
                '@deprecated("BaseConfig is deprecated. Use the `pkg.ConfigDict` instead.")\n'
                "class BaseConfig: ...\n\n"
                '@deprecated("OtherConfig is deprecated. Use `pkg.ConfigDict` instead.")\n'
                "class OtherConfig: ...\n"
            ),
            "user.py": "from pkg.old import BaseConfig, OtherConfig\n",
        },
    )
    found = survey(project, cache=False)
    assert [(d.target, d.replacement, d.reason) for d in found.deprecations] == [
        ("pkg.old:BaseConfig", "pkg:ConfigDict", ""),
        ("pkg.old:OtherConfig", "pkg:ConfigDict", ""),
    ]


# -- 2. type-only classes are no family members -----------------------------------------------

PROTOCOLS = {
    "pkg/__init__.py": "",
    # pydantic/functional_validators.py: call signatures for type checkers, never instantiated.
    "pkg/functional.py": """
        from typing import TYPE_CHECKING, Any, Protocol

        if TYPE_CHECKING:
            class _OnlyValueValidatorClsMethod(Protocol):
                def __call__(self, cls: Any, value: Any, /) -> Any: ...

            class _V2ValidatorClsMethod(Protocol):
                def __call__(self, cls: Any, value: Any, info: Any, /) -> Any: ...

            class _V2WrapValidatorClsMethod(Protocol):
                def __call__(self, cls: Any, value: Any, handler: Any, info: Any, /) -> Any: ...
    """,
    # Protocols outside TYPE_CHECKING (typing_extensions, typing.Protocol, subscripted), and
    # classes under TYPE_CHECKING that are no Protocols: all type-only.
    "pkg/legacy.py": """
        import typing
        import typing_extensions as te
        from typing import TYPE_CHECKING, Generic, TypeVar

        T = TypeVar("T")


        class _V1ValidatorWithValuesClsMethod(te.Protocol):
            def __call__(self, cls, value, values, /): ...


        class _V1RootValidatorClsMethod(typing.Protocol[T]):
            def __call__(self, cls, values, /): ...


        if typing.TYPE_CHECKING:
            class _V1ValidatorWithKwargsClsMethod(Generic[T]):
                def __call__(self, cls, **kwargs): ...
        else:
            class _V1PlainValidatorClsMethod:  # runs: an implementation
                pass
    """,
}


def test_protocols_and_classes_under_type_checking_form_no_family(tmp_path: Path) -> None:
    # review27a repro 07: FAM1 *Validator*Method was 10 private Protocols under TYPE_CHECKING.
    project = write_project(tmp_path / "p", PROTOCOLS)
    assert survey(project, cache=False).families == []


MIXED = {
    "pkg/__init__.py": "",
    # pydantic/_internal/_decorators.py: the DecoratorInfo dataclasses, implementations.
    "pkg/decorators.py": """
        class ValidatorDecoratorInfo: ...
        class FieldValidatorDecoratorInfo: ...
    """,
    "pkg/more.py": """
        from typing import Protocol

        class RootValidatorDecoratorInfo: ...
        class ModelValidatorDecoratorInfo: ...
        class RootValidatorDecoratorInfo: ...

        # As pydantic/functional_validators.py's "...WithoutInfo" Protocols: matched by the stem.
        class WrapValidatorDecoratorInfo(Protocol):
            def __call__(self, cls, value, handler, /): ...

        class BeforeValidatorDecoratorInfo(Protocol):
            def __call__(self, value, /): ...
    """,
    "use.py": "from pkg.decorators import ValidatorDecoratorInfo\n",
}


def test_a_family_leaves_out_its_protocols_and_the_rule_counts_what_the_survey_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_project(tmp_path / "p", MIXED)
    found = survey(project, cache=False)
    assert [(f.stem, [(m.ref.module, m.qualname) for m in f.members], f.type_only) for f in found.families] == [
        (
            "*ValidatorDecorator*Info",
            [
                ("pkg.decorators", "ValidatorDecoratorInfo"),
                ("pkg.decorators", "FieldValidatorDecoratorInfo"),
                ("pkg.more", "RootValidatorDecoratorInfo"),
                ("pkg.more", "ModelValidatorDecoratorInfo"),
                ("pkg.more", "RootValidatorDecoratorInfo"),
            ],
            ["BeforeValidatorDecoratorInfo", "WrapValidatorDecoratorInfo"],
        )
    ]
    rule = tomllib.loads(starter_rules(found))["rule"][1]
    assert rule["id"] == "FAM1" and rule["max"] == 5
    assert rule["exclude-names"].endswith("|^(?:BeforeValidatorDecoratorInfo|WrapValidatorDecoratorInfo)$")
    assert rule["description"] == (
        "Classes named *ValidatorDecorator*Info: 5 in 2 modules today (max = today's count, a ratchet); 2 type-only classes "
        "(typing Protocols, classes under `if TYPE_CHECKING:`) are excluded by name. Suggested canonical: the most-imported "
        "member (1 import); confirm it or pick the one to keep."
    )
    # The examples keep each class in its module: no module holds the other's classes, and a
    # class defined twice in one module is written twice there, as the project has it.
    assert [example["files"] for example in rule["example"]] == [
        {
            "pkg/__init__.py": "",
            "pkg/decorators.py": "class ValidatorDecoratorInfo: ...\nclass FieldValidatorDecoratorInfo: ...\n",
            "pkg/more.py": "class RootValidatorDecoratorInfo: ...\nclass ModelValidatorDecoratorInfo: ...\nclass RootValidatorDecoratorInfo: ...\n",
        },
        {
            "pkg/__init__.py": "",
            "pkg/decorators.py": "class ValidatorDecoratorInfo: ...\nclass FieldValidatorDecoratorInfo: ...\nclass FieldValidatorDecoratorInfo: ...\n",
            "pkg/more.py": "class RootValidatorDecoratorInfo: ...\nclass ModelValidatorDecoratorInfo: ...\nclass RootValidatorDecoratorInfo: ...\n",
        },
    ]
    assert [example["expect"] for example in rule["example"]] == [0, 5]
    # The starter's examples pass, and the rule counts today's 5 classes: check passes at once.
    assert run_cli(["init", "--no-cache"], project, monkeypatch).exit_code == 0
    tested = run_cli(["test-rules"], project, monkeypatch)
    assert tested.exit_code == 0, tested.stdout
    checked = json.loads(run_cli(["check", "--no-cache", "--select", "FAM1", "--output-format", "json"], project, monkeypatch).stdout)
    assert checked["findings"] == []


# -- 4. DD1 about a rule file's canonical target: at the mapping's line -----------------------


def test_a_deprecated_canonical_target_is_reported_at_its_mapping_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review27a repro 03: 11 findings at pydantic's moved-rules.toml:15:1, the [[rule]] header.
    rules = """\
        [[rule]]
        id = "DD1"
        kind = "declared-deprecation"

        [[rule]]
        id = "MIG2"
        kind = "deprecated-import"
        description = "moved to pkg.deprecated"

        [rule.replace]
        "pkg.tools:old_a" = "pkg.deprecated:old_a"
        "pkg.tools:old_b" = "pkg.deprecated:old_b"
        "pkg.tools:old_c" = "pkg.deprecated:old_b"
    """
    files = {
        "pkg/__init__.py": "",
        "pkg/deprecated.py": (
            "from typing_extensions import deprecated\n\n\n"
            '@deprecated("old_a is deprecated.")\ndef old_a(): ...\n\n\n'
            '@deprecated("old_b is deprecated.")\ndef old_b(): ...\n'
        ),
        "pkg/tools.py": "def other(): ...\n",
    }
    project = write_project(tmp_path / "p", files, rules=rules)
    result = run_cli(["check", "--no-cache"], project, monkeypatch)
    assert [line for line in result.stdout.splitlines() if " DD1 " in line and line.startswith("rules.toml")] == [
        'rules.toml:11:1: DD1 error: function pkg.deprecated:old_a is deprecated (pkg/deprecated.py:5: "old_a is deprecated."); rule MIG2 names it as canonical',
        # One finding per canonical target, at the first mapping that names it.
        'rules.toml:12:1: DD1 error: function pkg.deprecated:old_b is deprecated (pkg/deprecated.py:9: "old_b is deprecated."); rule MIG2 names it as canonical',
    ]
