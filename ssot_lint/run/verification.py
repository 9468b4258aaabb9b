"""What fixes (and the applicability ``check`` reports) are verified against: the project's
module summaries (``run.modules``), computed through the cached, crash-isolated per-file
analysis (``run.per_file``)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

from ssot_lint.config.settings import Config
from ssot_lint.kinds.base import FixContext, Rule
from ssot_lint.model import FileRef, FileResult
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.module_summaries import Known
from ssot_lint.run.options import RunOptions
from ssot_lint.run.parallel import WorkerPool, default_jobs
from ssot_lint.run.per_file import FILE_TIME_LIMIT, analyze_files, analyze_task


class SummariseFiles:
    """``run.modules.Summarise``: module summaries through the cached, crash-isolated analysis.
    Verification asks in many small rounds (a level of an import-graph walk, one module): the
    summaries' workers are kept from one round to the next until ``close``."""

    def __init__(self, cache: ResultCache | None, jobs: int | None) -> None:
        self.cache, self.jobs = cache, jobs
        self._pool: WorkerPool[Any, Any] | None = None
        # The workers of each other per-file step verification asks of files (a store, an
        # import's uses), kept as well: Django's check asked them in 30 rounds (verify25).
        self._rule_pools: dict[str, WorkerPool[Any, Any]] = {}

    def __call__(self, files: list[SourceFile], here: bool, rule: Rule | None = None) -> list[tuple[FileRef, FileResult]]:
        """``files`` analyzed with ``rule`` (default: the module summary), here or in workers."""
        from ssot_lint.run.module_summaries import SUMMARY_RULE

        if here:
            return [(source.ref, analyze_task([rule or SUMMARY_RULE], (source.abspath, source.ref, (0,)))[2]) for source in files]
        if rule is not None:
            pool = self._rule_pools.get(rule.id)
            if pool is None:
                pool = self._rule_pools[rule.id] = self._kept_pool(rule)
            return analyze_files(files, [rule], RunOptions(cache=self.cache, jobs=self.jobs), pool=pool)
        if self._pool is None:
            self._pool = self._kept_pool(SUMMARY_RULE)
        return analyze_files(files, [SUMMARY_RULE], RunOptions(cache=self.cache, jobs=self.jobs), pool=self._pool)

    def _kept_pool(self, rule: Rule) -> WorkerPool[Any, Any]:
        pool: WorkerPool[Any, Any] = WorkerPool(self.jobs or default_jobs(), analyze_task, [rule], time_limit=FILE_TIME_LIMIT, keep=True)
        weakref.finalize(self, pool.close)  # closed here at the latest
        return pool

    def close(self) -> None:
        """Stop the kept workers (the next round starts new ones)."""
        for pool in (self._pool, *self._rule_pools.values()):
            if pool is not None:
                pool.close()

    def portable(self) -> SummariseFiles:
        """The same without the cache (a database connection), for a spawned worker."""
        return SummariseFiles(None, self.jobs)


def fix_context(
    config: Config,
    options: RunOptions,
    files: Sequence[SourceFile] | None,
    unsafe: bool = False,
    known: Callable[[], Known] | None = None,
    named: Sequence[SourceFile] = (),
) -> FixContext:
    """What fixes (and the applicability ``check`` reports) are verified against: the project
    discovered from ``config`` (``files`` when the run already discovered all of it, else a walk
    of the root and the files of ``named``, those a run over some paths discovered, that it
    skips; ``known``: the module summaries the run already computed, see
    ``run.modules.run_summaries``), with ``options.buffers`` (an editor's unsaved buffers) in
    place of their files."""
    from ssot_lint.fix.verify import ImportVerifier
    from ssot_lint.run.modules import ProjectModules

    modules = ProjectModules(config, SummariseFiles(options.cache, options.jobs), files, known, options.buffers, named)
    return FixContext(unsafe, ImportVerifier(modules))


def close_summaries(context: FixContext) -> None:
    """Stop the workers ``context``'s verifier kept for its rounds of summaries (a later round
    starts new ones)."""
    close = getattr(context.verifier.source, "close", None) if context.verifier is not None else None
    if close is not None:
        close()
