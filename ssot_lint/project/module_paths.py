"""Module names and the paths of their files: the packages above a module, where a module's file
lives, and the directory its name is relative to."""

from __future__ import annotations

from collections.abc import Iterator

from ssot_lint.model import FileRef


def parents(module: str) -> Iterator[str]:
    """``a.b.c`` -> ``a``, ``a.b`` (the packages that contain it)."""
    parts = module.split(".")
    for i in range(1, len(parts)):
        yield ".".join(parts[:i])


def within(module: str, package: str) -> bool:
    """``module`` is ``package`` or inside it (``a.b`` is within ``a``; ``ab`` is not)."""
    return module == package or module.startswith(package + ".")


def location(ref: FileRef) -> str:
    """Where a module lives, whatever its file: ``pkg/mod`` for ``pkg/mod.py``, ``pkg/mod.pyi``
    and ``pkg/mod/__init__.py`` alike."""
    path = ref.path.removesuffix(".pyi").removesuffix(".py")
    return path.removesuffix("/__init__") if path.endswith("/__init__") or path == "__init__" else path


def anchor(ref: FileRef) -> str | None:
    """The directory ``ref``'s module name is relative to (its ``sys.path`` entry), root-relative;
    None when the path does not end with the module's parts."""
    parts = location(ref).split("/")
    names = ref.module.split(".")
    if len(parts) < len(names) or parts[len(parts) - len(names) :] != names:
        return None
    return "/".join(parts[: len(parts) - len(names)])


def root_relative_name(ref: FileRef) -> str | None:
    """The module name of ``ref`` with the project root on the path (None: not importable so)."""
    parts = location(ref).split("/")
    if parts == ["__init__"] or not all(part.isidentifier() for part in parts):
        return None  # also paths outside the root ("..") and names with escapes
    return ".".join(parts)
