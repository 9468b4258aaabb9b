"""Module names and the paths of their files: the packages above a module, where a module's file
lives, the directory its name is relative to, and which files are compiled extension modules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ssot_lint.model import FileRef


def parents(module: str) -> Iterator[str]:
    """``a.b.c`` -> ``a``, ``a.b`` (the packages that contain it)."""
    parts = module.split(".")
    for i in range(1, len(parts)):
        yield ".".join(parts[:i])


def within(module: str, package: str) -> bool:
    """``module`` is ``package`` or inside it (``a.b`` is within ``a``; ``ab`` is not)."""
    return module == package or module.startswith(package + ".")


# A compiled extension module: its Cython source (compiled when the package is built or
# installed), or the built file itself, whatever its ABI tag (``util.cpython-311-x86_64-linux-gnu.so``,
# ``util.abi3.so``, ``util.cp311-win_amd64.pyd``). A ``.pxd`` is no module: it is Cython's header for
# a ``.pyx`` or a ``.py`` (pure-Python mode), which Python never imports.
COMPILED_SUFFIXES = (".pyx", ".so", ".pyd")
# What the command line says of such a file named on it, or as the file on stdin.
COMPILED_NOT_ANALYZED = "a compiled extension module, which ssot-lint does not analyze (it reads Python source only)"


def compiled_stem(filename: str) -> str | None:
    """The module name a compiled extension module's file gives (``util`` for ``util.pyx`` and
    ``util.cpython-311-x86_64-linux-gnu.so``); None for any other file (``libfoo.so.1`` too)."""
    if not filename.endswith(COMPILED_SUFFIXES):
        return None
    stem = filename.partition(".")[0]
    return stem if stem.isidentifier() else None


def is_compiled(ref: FileRef) -> bool:
    """Whether ``ref`` is a compiled extension module's file: a module whose names are unknown,
    never read as text (see ``compiled_stem``)."""
    return compiled_stem(ref.path.rpartition("/")[2]) is not None


def is_binary_extension(ref: FileRef) -> bool:
    """Whether ``ref`` is a built extension module (``.so``, ``.pyd``): machine code, whose
    reads and stores are not seen, as a third-party C extension's are not. A ``.pyx`` is Cython
    source: text, which the text tests that pick the modules a question reads can read."""
    return is_compiled(ref) and not ref.path.endswith(".pyx")


def location(ref: FileRef) -> str:
    """Where a module lives, whatever its file: ``pkg/mod`` for ``pkg/mod.py``, ``pkg/mod.pyi``,
    ``pkg/mod.pyx``, ``pkg/mod.cpython-311-x86_64-linux-gnu.so`` and ``pkg/mod/__init__.py`` alike."""
    return _place(ref.path)


def _place(path: str) -> str:
    directory, _, filename = path.rpartition("/")
    stem = compiled_stem(filename)
    path = (f"{directory}/{stem}" if directory else stem) if stem is not None else path.removesuffix(".pyi").removesuffix(".py")
    return path.removesuffix("/__init__") if path.endswith("/__init__") or path == "__init__" else path


def described_stubs(paths: Iterable[str]) -> frozenset[str]:
    """The stubs (``.pyi``) among ``paths`` whose module's source is among them too (``mod.py``
    for ``mod.pyi``, ``pkg/__init__.py`` for ``pkg/__init__.pyi``): a stub describes that module,
    so what it declares is no second definition, implementation or shim of it. A stub alone
    (beside a compiled module, or nothing) is the module as a type checker finds it, and counts.
    The one rule every kind that counts definitions applies, and ``init``'s survey with them."""
    paths = list(paths)
    sources = {_place(path) for path in paths if path.endswith(".py")}
    return frozenset(path for path in paths if path.endswith(".pyi") and _place(path) in sources)


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


def root_named(ref: FileRef) -> FileRef | None:
    """``ref`` named as with the project root on ``sys.path``, when its own name is only inferred
    (``FileRef.implied``) and that one differs: ``mpl_toolkits.axes_grid1.x`` for
    ``mpl_toolkits/axes_grid1/x.py`` (named ``axes_grid1.x``: no ``mpl_toolkits/__init__.py``, no
    ``src``). A rule may name its modules either way (the module index knows both,
    ``ModuleIndex.canonical``), and a relative import resolves the same under both. None otherwise."""
    if not ref.implied:
        return None
    name = root_relative_name(ref)
    if name is None or not name.endswith("." + ref.module):
        return None
    return FileRef(ref.path, name, ref.is_package, False)


def root_prefix(ref: FileRef) -> str:
    """What ``root_named`` puts before ``ref``'s module name (``mpl_toolkits.``), or ``""``."""
    named = root_named(ref)
    return named.module.removesuffix(ref.module) if named is not None else ""
