"""A package that defines a name one of its submodules also has (``def helper`` in
``pkg/tools/__init__.py`` beside ``pkg/tools/helper.py``): the first import of the submodule,
anywhere in the program, sets the package's attribute ``helper`` to the module, replacing the
function. Which object ``from pkg.tools import helper`` binds then depends on whether something
imported ``pkg.tools.helper`` before (review7): it cannot be told statically, so a rewrite whose
"same object" rests on it is unsafe. (A name the package binds by importing it, SymPy's ``from
.trigsimp import trigsimp``, comes after the submodule's import and stays: not this case.)"""

from __future__ import annotations

from ssot_lint.fix.verdicts import ModuleSource


def replaced_by_submodule(source: ModuleSource, module: str, name: str) -> str | None:
    """Why ``name``, which ``module`` defines, may be its submodule instead; None when ``module``
    has no submodule ``name``."""
    if not source.exists(f"{module}.{name}"):
        return None
    return f"{module} defines {name} and has a submodule {module}.{name}, which replaces it once imported, so which object {name} is there cannot be told"
