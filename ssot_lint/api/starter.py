"""``init`` and ``survey``: a project without rules surveyed for its SSOT debt, and the starter
rule file, config and baseline written from it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ssot_lint.api.project import PathLike, Warn, open_cache
from ssot_lint.observer import NULL_OBSERVER, Observer

if TYPE_CHECKING:
    from ssot_lint.survey import Survey
    from ssot_lint.survey.write import Written


@dataclass
class InitResult:
    """What ``init`` found (``survey``) and wrote (``written``: None when nothing was written)."""

    survey: Survey
    written: Written | None


def survey(path: PathLike = ".", *, cache: bool = True, cache_dir: PathLike | None = None, jobs: int | None = None, on_warning: Warn | None = None) -> Survey:
    """Survey the project at ``path`` for its SSOT debt (declared deprecations, class families,
    duplicate definitions, event shapes, project-wide counts), as ``ssot-lint init`` prints it."""
    return init(path, write=False, cache=cache, cache_dir=cache_dir, jobs=jobs, on_warning=on_warning).survey


def init(
    path: PathLike = ".",
    *,
    output: PathLike | None = None,
    write: bool = True,
    baseline: bool = False,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> InitResult:
    """Survey ``path`` and (``write``) write the starter rule file, a config when the project has
    none, and (``baseline``) a baseline of the new rules' findings. Never overwrites a file."""
    from ssot_lint.survey import project_config
    from ssot_lint.survey import survey as run_survey
    from ssot_lint.survey.write import write_starter

    observer.refuse()  # init writes files: never replayed
    warn = on_warning or (lambda message: None)
    config = project_config(Path(path), observer)
    if config.path is None and not config.get("src"):
        from ssot_lint.config.layout import declared_layout

        problem = declared_layout(Path(path)).problem
        if problem:  # the layout is left unknown, as for a project that declares none: say why
            warn(f"{problem}; `src` not derived")
    with open_cache(config, cache, cache_dir, warn, observer) as result_cache:
        found = run_survey(path, cache=result_cache, jobs=jobs, on_progress=on_progress, observer=observer)
        if not found.files:  # as `check` says "no files to check": rules derived from nothing would check nothing
            warn(
                f"no files to survey in {os.fspath(path)}: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)"
                + ("; nothing written" if write else "")
            )
            return InitResult(found, None)
        written = write_starter(found, Path(output) if output is not None else None, baseline=baseline, cache=result_cache, jobs=jobs) if write else None
    return InitResult(found, written)
