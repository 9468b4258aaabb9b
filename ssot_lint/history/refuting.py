"""A commit's findings that its own tree refutes (``Rule.refuted``: sympy25's ``from pkg import
name`` where ``pkg`` binds a ``name`` of its own over its submodule), dropped from the snapshot's
counts as ``check`` drops them (``run.aggregation.refute``), so ``check`` and ``history`` give one
number for one tree.

The verifier reads the commit, not the working tree: every file of the snapshot stands in as an
editor's buffer would (``run.modules.ProjectModules``'s ``buffers``), its bytes read from git only
when a verification asks for them, and the module summaries the commit's analysis already
carries (unresolved-import, import-cycle: ``run_summaries``) are not computed again."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence

from ssot_lint.kinds.base import FixContext, Rule
from ssot_lint.model import FileRef, FileResult, Report
from ssot_lint.run.aggregation import refute
from ssot_lint.run.discovery import SourceFile

# Bytes of the blobs verification read, kept for the next commits (most files do not change
# between two): past this, the oldest half is dropped.
_KEPT_BYTES = 64 * 1024 * 1024


class BlobTexts:
    """The blobs verification reads in a history run, each read from git once while kept:
    consecutive commits share most files, and the process's ``run.file_memo`` keeps each
    version's summary under its bytes, so an unchanged file is neither read nor summarised again."""

    def __init__(self, read: Callable[[str], bytes | None]) -> None:
        self._read = read
        self._kept: dict[str, bytes] = {}
        self._size = 0

    def __call__(self, blob: str) -> bytes | None:
        data = self._kept.get(blob)
        if data is None:
            data = self._read(blob)
            if data is not None:
                if self._size + len(data) > _KEPT_BYTES:
                    for old in list(self._kept)[: len(self._kept) // 2 + 1]:
                        self._size -= len(self._kept.pop(old))
                self._kept[blob] = data
                self._size += len(data)
        return data


class CommitTexts(Mapping[str, bytes]):
    """A commit's files' bytes by absolute path (as ``SourceFile.abspath`` names them), each blob
    read (``BlobTexts``) when first asked for; a missing object is no entry."""

    def __init__(self, blobs: Mapping[str, str], read: Callable[[str], bytes | None]) -> None:
        self._blobs, self._read = blobs, read

    def __getitem__(self, path: str) -> bytes:
        data = self._read(self._blobs[path])
        if data is None:
            raise KeyError(path)
        return data

    def __contains__(self, path: object) -> bool:
        return path in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


def refute_commit(
    report: Report,
    rules: Sequence[Rule],
    results: Sequence[tuple[FileRef, FileResult]],
    blobs: Mapping[str, str],
    root: str,
    read: Callable[[str], bytes | None],
) -> None:
    """Drop from ``report`` (a commit's, aggregated from ``results``) what the commit refutes.
    ``blobs``: each result's path (project-relative, as ``FileRef.path``) -> its blob id. The
    verification is made only when a rule has something to refute (``refute`` asks for it)."""

    def context() -> FixContext:
        from ssot_lint.fix.verify import ImportVerifier
        from ssot_lint.run.module_summaries import run_summaries
        from ssot_lint.run.modules import ProjectModules

        files = [SourceFile(os.path.join(root, *ref.path.split("/")), ref) for ref, _ in results]
        texts = CommitTexts({source.abspath: blobs[source.ref.path] for source in files}, read)
        # Every file is a buffer, so nothing is summarised from disk: ``summarise_files`` is unused.
        modules = ProjectModules(None, _no_files, files, lambda: run_summaries(rules, results), texts)
        return FixContext(False, ImportVerifier(modules))

    refute(report, rules, results, context)


def _no_files(files: list[SourceFile], here: bool, rule: Rule | None = None) -> list[tuple[FileRef, FileResult]]:
    return []  # unreachable while every file is a buffer; a module left unsummarised refutes nothing
