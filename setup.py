"""The compiled parts of ssot-lint: the statement scan in C (``ssot_lint/analysis/_scan.c``) and
the module summary's import facts (``ssot_lint/project/_import_facts.c``).

Everything else is in pyproject.toml. The extensions are optional: where they cannot be built (no
C compiler), the install goes on and the Python code they mirror runs (``analysis.chunks``,
``project.summary_walk``), which gives the same results more slowly.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("ssot_lint.analysis._scan", ["ssot_lint/analysis/_scan.c", "ssot_lint/analysis/_simple_imports.c"], optional=True),
        Extension("ssot_lint.project._import_facts", ["ssot_lint/project/_import_facts.c"], optional=True),
    ]
)
