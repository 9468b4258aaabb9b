"""Whether a module's import-time imports may run a module-level ``__getattr__`` (PEP 562) of
a project module: ``from m import X`` where ``m`` does not bind ``X`` calls ``m.__getattr__("X")``,
and ``import m`` binds a module whose every attribute read at import time may call it (which
attributes a module reads through ``import m`` is not recorded, so any may). A ``__getattr__``
may compute, cache, register or print: no body is proven to only look names up (a deprecation
helper such as Home Assistant's ``partial(check_if_deprecated_constant, ...)`` logs), so a
module that may call one does more than define names (``ImportRuns._effects``): a rewrite that
stops running it is unsafe."""

from __future__ import annotations

from ssot_lint.fix.verdicts import ModuleSource
from ssot_lint.project.import_graph import runs_on_import
from ssot_lint.project.module_summary import ModuleSummary


def lazy_reads(source: ModuleSource, summary: ModuleSummary) -> str | None:
    """The project module with a ``__getattr__`` whose attribute reads ``summary``'s module may
    make at import time, as a reason's end; None when none."""
    for fact in summary.imports:
        if fact.module is None or fact.star or not runs_on_import(fact) or not source.in_project(fact.module):
            continue
        if fact.name is not None and source.exists(f"{fact.module}.{fact.name}"):
            read, name = f"{fact.module}.{fact.name}", None  # `from pkg import sub` binds the module sub
        else:
            read, name = fact.module, fact.name
        if not source.exists(read):
            continue
        for target in source.summaries(read):
            if target is None or not target.has_getattr:
                continue
            if name is None:
                return f"which imports {read}, whose module-level __getattr__ may run code when an attribute is read"
            if name not in target.defined and name not in target.bindings():
                return f"which imports {name} from {read}, whose module-level __getattr__ runs to give it"
    return None
