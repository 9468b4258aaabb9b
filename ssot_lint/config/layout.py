"""The source folders a project's packaging declares (``lib/``, ``src/``), for the ``src`` that
``ssot-lint init`` writes.

Without ``src``, a package below a plain folder (SQLAlchemy's ``lib/sqlalchemy``) is named as if
that folder were on ``sys.path`` only for the files below it, so nothing outside it (tests,
examples) is judged to import the project's package (docs/fixing.md). The build tool's own
configuration says where the packages live; it is read, never guessed beyond one shape: a
``src/`` folder holding a regular package that the root does not hold. Only folders that exist
and are not the root are kept (``src`` names directories; an entry that is not one is a config
error).
"""

from __future__ import annotations

import ast
import configparser
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Layout:
    """The project's source folders (root-relative, ``/``-separated) and where that was read
    (``origin``, for the config's comment); ``problem`` when a packaging file could not be read."""

    roots: tuple[str, ...] = ()
    origin: str = ""
    problem: str = ""


def declared_layout(root: Path) -> Layout:
    """The source folders ``root``'s packaging declares: pyproject.toml, setup.cfg, setup.py in
    that order (the first that names any wins), else a ``src/`` folder holding a package."""
    problem = ""
    for read in (_pyproject, _setup_cfg, _setup_py):
        try:
            found = read(root)
        except _Unreadable as exc:
            problem = problem or str(exc)
            continue
        if found is not None:
            roots = _existing(root, found[0])
            if roots:
                return Layout(roots, found[1])
    # An unreadable file may declare a layout of its own: then no guess from the folders either.
    return Layout(problem=problem) if problem else Layout(*_src_folder(root))


class _Unreadable(Exception):
    pass


def _existing(root: Path, folders: Iterable[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for folder in folders:
        clean = folder.strip().replace("\\", "/").strip("/")
        while clean.startswith("./"):
            clean = clean[2:]
        if clean and clean != "." and (root / clean).is_dir() and clean not in kept:
            kept.append(clean)
    return tuple(kept)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _pyproject(root: Path) -> tuple[list[str], str] | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _Unreadable(f"pyproject.toml: cannot read the package layout ({exc})") from None
    tool = _table(data, "tool")
    setuptools = _table(tool, "setuptools")
    package_dir = _table(setuptools, "package-dir").get("")
    if isinstance(package_dir, str):
        return [package_dir], "pyproject.toml's [tool.setuptools] package-dir"
    where = _strings(_table(setuptools, "packages", "find").get("where"))
    if where:
        return where, "pyproject.toml's [tool.setuptools.packages.find] where"
    hatch = [p.rpartition("/")[0] for p in _strings(_table(tool, "hatch", "build", "targets", "wheel").get("packages"))]
    if any(hatch):
        return hatch, "pyproject.toml's [tool.hatch.build.targets.wheel] packages"
    poetry = [p["from"] for p in _table(tool, "poetry").get("packages", []) if isinstance(p, dict) and isinstance(p.get("from"), str)]
    if poetry:
        return poetry, "pyproject.toml's [tool.poetry] packages"
    pdm = _table(tool, "pdm", "build").get("package-dir")
    if isinstance(pdm, str):
        return [pdm], "pyproject.toml's [tool.pdm.build] package-dir"
    return None


def _setup_cfg(root: Path) -> tuple[list[str], str] | None:
    path = root / "setup.cfg"
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"), "setup.cfg")
    except configparser.MissingSectionHeaderError as exc:
        raise _Unreadable(f"setup.cfg:{exc.lineno}: cannot read the package layout (no section header)") from None
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        line = getattr(exc, "lineno", None)
        raise _Unreadable(f"setup.cfg{f':{line}' if line else ''}: cannot read the package layout ({type(exc).__name__})") from None
    # ``package_dir`` lines are ``name = folder``; the empty name is the root package's folder.
    for entry in parser.get("options", "package_dir", fallback="").splitlines():
        name, equals, folder = entry.partition("=")
        if equals and not name.strip() and folder.strip():
            return [folder], "setup.cfg's [options] package_dir"
    where = parser.get("options.packages.find", "where", fallback="").split()
    return (where, "setup.cfg's [options.packages.find] where") if where else None


def _setup_py(root: Path) -> tuple[list[str], str] | None:
    """``package_dir={"": "lib"}`` or ``find_packages("lib")`` / ``where="lib"`` as literals."""
    path = root / "setup.py"
    if not path.is_file():
        return None
    try:
        tree = ast.parse(path.read_bytes(), "setup.py")
    except (OSError, SyntaxError, ValueError):
        return None  # not read, as Python would not run it either; the survey reports a syntax error
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
        for keyword in node.keywords:
            if keyword.arg == "package_dir" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values):
                    if isinstance(key, ast.Constant) and key.value == "" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                        return [value.value], "setup.py's package_dir"
            if callee in ("find_packages", "find_namespace_packages") and keyword.arg == "where" and isinstance(keyword.value, ast.Constant):
                if isinstance(keyword.value.value, str):
                    return [keyword.value.value], f"setup.py's {callee}(where=...)"
        if (
            callee in ("find_packages", "find_namespace_packages")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            return [node.args[0].value], f"setup.py's {callee}(...)"
    return None


def _src_folder(root: Path) -> tuple[tuple[str, ...], str]:
    """``src/`` when it holds a regular package that the root does not (a flat project with a
    stray ``src/`` keeps its names)."""
    src = root / "src"
    try:
        packages = sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file()) if src.is_dir() else []
    except OSError:
        return (), ""
    alone = [name for name in packages if not (root / name).exists()]
    if not alone or len(alone) != len(packages):
        return (), ""
    shown = ", ".join(alone)
    return ("src",), f"the src/ folder, which holds the package{'s' if len(alone) > 1 else ''} {shown} (the root has none)"
