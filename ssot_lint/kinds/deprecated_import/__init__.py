"""deprecated-import: the check (``check``) and its fix (``fix``)."""

from ssot_lint.kinds.deprecated_import.check import DeprecatedImport

__all__ = ["DeprecatedImport"]
