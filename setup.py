"""The one compiled part of ssot-lint: the statement scan in C (``ssot_lint/analysis/_scan.c``).

Everything else is in pyproject.toml. The extension is optional: where it cannot be built (no C
compiler), the install goes on and ``ssot_lint.analysis.chunks`` runs its Python code, which gives
the same results more slowly.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("ssot_lint.analysis._scan", ["ssot_lint/analysis/_scan.c"], optional=True)])
