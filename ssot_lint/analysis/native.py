"""The C part of the per-file analysis (``_scan.c``): the statement scan and the line starts.

It is built at install where a C compiler is found (setup.py) and gives exactly what the Python
code in ``chunks`` and ``source_lines`` gives (tests/test_native_scan.py), several times faster:
that per-character work was the largest part of a cold check no rule can skip. ``compiled`` is
None when it was not built, or when ``SSOT_LINT_PURE_PYTHON`` is set (to compare, or to rule the C
code out when something looks wrong); the Python code then runs.
"""

from __future__ import annotations

import os
from types import ModuleType


def _compiled() -> ModuleType | None:
    if os.environ.get("SSOT_LINT_PURE_PYTHON"):
        return None
    try:
        from ssot_lint.analysis import _scan
    except ImportError:  # installed without a C compiler
        return None
    return _scan


compiled = _compiled()
