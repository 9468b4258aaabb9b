"""declared-deprecation: the check (``check``), the per-file declarations (``declarations``), the
project-wide judgement (``project``) and the replacement a declaration's text names (``replacement``)."""

from ssot_lint.kinds.declared_deprecation.check import DeclaredDeprecation

__all__ = ["DeclaredDeprecation"]
