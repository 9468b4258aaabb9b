"""deprecated-import's prefilter (``needs_parse``) is a superset of its check, on real code: over
every file of Django, SymPy and Home Assistant (the pinned corpora of ``benchmarks/corpora.py``,
where they are downloaded; Home Assistant needs Python 3.13 to parse), every file in which the
full check, on the whole file's tree, finds a deprecated-import finding passes the prefilter.

The rules are the benchmark rule files' deprecated-import rules and rules generated from each
corpus: member and module targets that the corpus imports absolutely, relatively (``from .x
import``, ``from .. import x``) and as packages above them (``import a`` ... ``a.b.C``).
"""

from __future__ import annotations

import ast
import os
import sys
import time
import warnings
from pathlib import Path

import pytest

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.analysis.parsing import SourceError, decode_source
from ssot_lint.api import load_project
from ssot_lint.config.rulefile import load_rule_docs
from ssot_lint.config.tomlfile import parse_toml
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef
from ssot_lint.run.discovery import discover

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ssot-lint" / "corpora"

# Generated rules: targets each corpus imports in many shapes (absolute, relative, through a
# package above them, star), member and module targets, top-level and nested packages.
GENERATED = {
    "django-5.2.8": {
        "django.db.models.query_utils:Q": "x.q:Q",
        "django.utils.functional:cached_property": "functools:cached_property",
        "django.core.exceptions:ValidationError": "x.e:ValidationError",
        "django.db.models:Model": "x.m:Model",
        "django.utils.timezone": "x.tz",
        "django.db.models.sql": "x.sql",
        "django.utils:timezone": "x:tz",
        "django.conf:settings": "x:settings",
        "django.db.models.expressions:F": "x:F",
        "django.forms.fields:CharField": "x:CharField",
    },
    "sympy-1.14.0": {
        "sympy.core.symbol:Symbol": "x.s:Symbol",
        "sympy.core.singleton:S": "x.s:S",
        "sympy.core.sympify:sympify": "x.s:sympify",
        "sympy.core:Basic": "x.b:Basic",
        "sympy.core.numbers": "x.numbers",
        "sympy.polys.domains": "x.domains",
        "sympy.utilities.iterables:iterable": "x.i:iterable",
        "sympy.functions.elementary.trigonometric:sin": "x.t:sin",
        "sympy.matrices.dense:Matrix": "x.m:Matrix",
        "sympy:Symbol": "x:Symbol",
    },
    "homeassistant-2025.4.4": {
        "homeassistant.const:Platform": "x.c:Platform",
        "homeassistant.core:HomeAssistant": "x.c:HomeAssistant",
        "homeassistant.helpers.entity:Entity": "x.e:Entity",
        "homeassistant.helpers:entity_registry": "x:er",
        "homeassistant.util.dt": "x.dt",
        "homeassistant.components.sensor:SensorEntity": "x.s:SensorEntity",
        "homeassistant.components.zha.helpers:get_zha_data": "x.z:get_zha_data",
        "homeassistant.helpers.config_validation": "x.cv",
        "homeassistant.components.mqtt.const:CONF_QOS": "x.m:CONF_QOS",
        "homeassistant.helpers.typing:ConfigType": "x.t:ConfigType",
    },
}
RULE_FILES = {"django-5.2.8": "django.toml", "sympy-1.14.0": "sympy.toml", "homeassistant-2025.4.4": "homeassistant.toml"}


def _generated(corpus: str) -> list[Rule]:
    lines = ["[[rule]]", 'id = "GEN001"', 'kind = "deprecated-import"', "[rule.replace]"]
    lines += [f'"{old}" = "{new}"' for old, new in GENERATED[corpus].items()]
    # Each target alone too, so the prefilter of one target is not covered up by another's word.
    for index, (old, new) in enumerate(GENERATED[corpus].items(), start=2):
        lines += ["[[rule]]", f'id = "GEN{index:03}"', 'kind = "deprecated-import"', "[rule.replace]", f'"{old}" = "{new}"']
    return list(load_rule_docs([parse_toml(("\n".join(lines) + "\n").encode(), "generated.toml")]).rules)


def _missed(corpus: str) -> tuple[int, int, list[str]]:
    root = CORPORA / corpus
    project = load_project(rules=[REPO / "benchmarks" / "rules" / RULE_FILES[corpus]], cwd=root)
    rules = [rule for rule in project.rules.rules if rule.kind == "deprecated-import"] + _generated(corpus)
    files = discover([str(root)], project.config)
    missed: list[str] = []
    checked = 0
    for source in files:
        data = Path(source.abspath).read_bytes()
        try:
            text = decode_source(data)
        except SourceError:
            continue
        rejecting = [rule for rule in rules if not rule.needs_parse(text, source.ref)]
        if not rejecting:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue  # a file Python rejects has no findings, only SSOT000
        checked += 1
        ctx = FileContext(source.ref, text, tree=tree)  # one per file: its imports are read once
        for rule in rejecting:
            findings, _ = rule.check(ctx)
            if findings:
                missed.append(f"{source.ref.path}: {rule.id} prefilter said no, check found {[(f.line, f.message) for f in findings]}")
    return len(files), checked, missed


@pytest.mark.parametrize("corpus", list(RULE_FILES))
def test_prefilter_passes_every_file_with_a_finding(corpus: str) -> None:
    if not (CORPORA / corpus).is_dir():
        pytest.skip(f"corpus not downloaded: python benchmarks/corpora.py ({CORPORA / corpus})")
    if corpus.startswith("homeassistant") and sys.version_info < (3, 13):
        pytest.skip("Home Assistant 2025.4.4 needs Python 3.13 to parse")
    total, checked, missed = _missed(corpus)
    assert total > 1000, f"{corpus}: only {total} files found"
    assert checked > 0
    assert missed == []


def test_generated_rules_have_findings_the_prefilter_must_keep() -> None:
    """The generated targets are imported in the corpora: the property above is not vacuous."""
    root = CORPORA / "sympy-1.14.0"
    if not root.is_dir():
        pytest.skip("SymPy corpus not downloaded")
    rule = _generated("sympy-1.14.0")[0]
    text = (root / "sympy" / "core" / "add.py").read_text()
    project = load_project(cwd=root)
    ref = next(s.ref for s in discover([str(root / "sympy" / "core" / "add.py")], project.config))
    findings, _ = rule.check(FileContext(ref, text, tree=ast.parse(text)))
    assert any("sympy.core.singleton:S" in f.message for f in findings)
    assert rule.needs_parse(text, ref)


def _rule(replace: str) -> Rule:
    return load_rule_docs([parse_toml(f'[[rule]]\nid = "X1"\nkind = "deprecated-import"\n[rule.replace]\n{replace}\n'.encode(), "r.toml")]).rules[0]


TYPING = '"homeassistant.helpers.typing:HomeAssistantType" = "homeassistant.core:HomeAssistant"'
FUNCTOOLS = '"homeassistant.backports.functools" = "functools"'
IN_COMPONENT = FileRef("homeassistant/components/hue/light.py", "homeassistant.components.hue.light")
IN_HELPERS = FileRef("homeassistant/helpers/entity.py", "homeassistant.helpers.entity")


@pytest.mark.parametrize(
    ("replace", "ref", "text", "passes"),
    [
        # `from typing import` cannot import homeassistant.helpers.typing's members.
        (TYPING, IN_COMPONENT, "from typing import Any\n\nHomeAssistantType = Any\n", False),
        (TYPING, IN_COMPONENT, "from homeassistant.helpers.typing import HomeAssistantType\n", True),
        (TYPING, IN_COMPONENT, "from homeassistant . helpers.\\\n    typing import *\n", True),
        (TYPING, IN_COMPONENT, "from ...helpers.typing import HomeAssistantType\n", True),
        (TYPING, IN_COMPONENT, "from ..helpers.typing import HomeAssistantType\n", False),  # homeassistant.components.helpers.typing
        (TYPING, IN_HELPERS, "from .typing import HomeAssistantType\n", True),
        (TYPING, IN_COMPONENT, "from .typing import HomeAssistantType\n", False),
        (TYPING, IN_COMPONENT, "from homeassistant.helpers import typing\n\nx = typing.HomeAssistantType\n", True),
        (TYPING, IN_COMPONENT, "import homeassistant.helpers.typing as t\n\nx = (t.  # why\n  HomeAssistantType)\n", True),
        (TYPING, IN_COMPONENT, "from homeassistant.helpers.typing import ConfigType\n", False),
        # A module target: `.functools` (an import of it, or a reference), or `from <its parent> import functools`.
        (FUNCTOOLS, IN_COMPONENT, "import functools\nfrom functools import partial\n", False),
        (FUNCTOOLS, IN_COMPONENT, "import homeassistant.backports.functools\n", True),
        (FUNCTOOLS, IN_COMPONENT, "from homeassistant.backports import (\n    enum,\n    functools,\n)\n", True),
        (FUNCTOOLS, IN_COMPONENT, "from ...backports import functools\n", True),
        (FUNCTOOLS, IN_COMPONENT, "import homeassistant\n\nhomeassistant.backports.functools.cached_property\n", True),
        (FUNCTOOLS, FileRef("homeassistant/backports/enum.py", "homeassistant.backports.enum"), "from . import functools\n", True),
    ],
)
def test_prefilter_decisions(replace: str, ref: FileRef, text: str, passes: bool) -> None:
    rule = _rule(replace)
    assert rule.needs_parse(text, ref) is passes
    # The prefilter says no only where the check finds nothing.
    if not passes:
        assert rule.check(FileContext(ref, text, tree=ast.parse(text)))[0] == []


def test_prefilter_is_linear_on_comment_banners() -> None:
    """A comment ending in `.` then a line of `#`: the old `.Member` regex backtracked
    exponentially there: 24 `#` took over a second, 28 about 20 s, and a SymPy file never
    finished. Microseconds now; the margin below is for a loaded machine."""
    rule = _rule('"a.mod:Member" = "b:Member"')
    text = "import mod\nMember = 1\n# the end.\n" + "#" * 28 + "\n"
    started = time.process_time()
    assert rule.needs_parse(text, FileRef("x.py", "x")) is False
    assert time.process_time() - started < 2.0
