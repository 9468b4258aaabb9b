"""ssot-lint: a single-source-of-truth compliance linter for Python.

The public API (see ``ssot_lint.api``)::

    import ssot_lint

    result = ssot_lint.check(["src"])          # as `ssot-lint check src`
    for finding in result.findings:
        print(finding.path, finding.line, finding.rule_id, finding.message)
    assert result.counts()["WS001"] <= 1

Names are imported on first use, so ``import ssot_lint`` stays cheap (the executable's replay
path imports this package and nothing else of the linter).
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "check": "ssot_lint.api",
    "check_source": "ssot_lint.api",
    "fix": "ssot_lint.api",
    "fix_source": "ssot_lint.api",
    "SourceFixed": "ssot_lint.api",
    "load_rules": "ssot_lint.api",
    "load_project": "ssot_lint.api",
    "CheckResult": "ssot_lint.api",
    "Project": "ssot_lint.api",
    "Finding": "ssot_lint.model",
    "Report": "ssot_lint.model",
    "RuleSummary": "ssot_lint.model",
    "Rule": "ssot_lint.kinds.base",
    "Example": "ssot_lint.kinds.base",
    "Option": "ssot_lint.kinds.base",
    "RuleSet": "ssot_lint.config.rulefile",
    "Config": "ssot_lint.config.settings",
    "ConfigError": "ssot_lint.errors",
    "FixResult": "ssot_lint.fix.engine",
}

__all__ = [
    "__version__",
    "check",
    "check_source",
    "fix",
    "fix_source",
    "SourceFixed",
    "load_rules",
    "load_project",
    "CheckResult",
    "Project",
    "Finding",
    "Report",
    "RuleSummary",
    "Rule",
    "Example",
    "Option",
    "RuleSet",
    "Config",
    "ConfigError",
    "FixResult",
]

if TYPE_CHECKING:
    from ssot_lint.api import CheckResult, Project, SourceFixed, check, check_source, fix, fix_source, load_project, load_rules
    from ssot_lint.config.rulefile import RuleSet
    from ssot_lint.config.settings import Config
    from ssot_lint.errors import ConfigError
    from ssot_lint.fix.engine import FixResult
    from ssot_lint.kinds.base import Example, Option, Rule
    from ssot_lint.model import Finding, Report, RuleSummary


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ssot_lint' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """``ssot_lint.fix`` is the API's function, though ``ssot_lint/fix/`` is also the package of
    the fix engine: the import system sets a package's attribute to each subpackage it loads,
    which would turn ``ssot_lint.fix`` into a module after the first fix (``ssot_lint.fix(...)``
    then fails). A public name keeps its value; the subpackage stays in ``sys.modules`` for
    ``from ssot_lint.fix.engine import ...``."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
