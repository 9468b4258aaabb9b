"""The C parts of the per-file analysis: the statement scan and the line starts (``_scan.c``),
and the module summary's import facts (``project/_import_facts.c``).

They are built at install where a C compiler is found (setup.py) and give exactly what the
Python code gives (``chunks`` and ``source_lines``: tests/test_native_scan.py; the summary walk's
``_record``: tests/test_import_facts.py), several times faster: that per-character and per-name
work was the largest part of a cold check no rule can skip. ``load`` returns None when a module
was not built, or when ``SSOT_LINT_PURE_PYTHON`` is set (to compare, or to rule the C code out
when something looks wrong); the Python code then runs.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def load(name: str) -> ModuleType | None:
    """The compiled module ``name``, or None (not built, or ``SSOT_LINT_PURE_PYTHON`` set)."""
    if os.environ.get("SSOT_LINT_PURE_PYTHON"):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:  # installed without a C compiler
        return None


compiled = load("ssot_lint.analysis._scan")
