"""ssot-lint: a single-source-of-truth compliance linter for Python, built on libcst."""

__version__ = "0.1.0"
