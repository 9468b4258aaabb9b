"""The project's modules as fix verification sees them (``fix.verify.ModuleSource``).

Which modules exist comes from discovery of the whole project (the files of the run when it
covered the project, else a walk of the project root, done once and only when a verification
asks): module names are discovery's, so verification and every other rule agree on them. What
a module defines comes from its ``ModuleSummary``, computed only for the modules a verification
asks about (the replacements, the modules they re-export from), through the same per-file
analysis as ``check``: cached by content, crash-isolated in worker processes. Inside a worker
(fixing files in parallel) a module the parent did not summarise is summarised in-process.

An editor's unsaved buffers (``buffers``: absolute path -> bytes) stand in place of their files:
a fix offered in the editor is verified against the project as the editor shows it, and a
buffer that is on no disk yet is a module too.

A run whose rules summarise every module already (the project-wide kinds: ``Rule.module_summary``)
hands those summaries over (``run_summaries``): a summary depends only on the file's bytes and
module name, so the one the run computed is the one verification would compute, and only the
other files are summarised again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ssot_lint.config.settings import Config
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult, Finding, Suppression
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_paths import is_compiled
from ssot_lint.project.module_summary import ModuleSummary
from ssot_lint.run.cache import context_digest
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.file_memo import MISSING, FileTexts
from ssot_lint.run.module_places import ModulePlaces, runtime_files, unanalyzed_path
from ssot_lint.run.module_summaries import SUMMARY_ID, SUMMARY_RULE, Known
from ssot_lint.run.own_copy import OwnCopy, own_copy
from ssot_lint.run.parallel import may_start_workers
from ssot_lint.run.per_file import CRASH_ANCHOR
from ssot_lint.run.project_files import project_files, with_buffers
from ssot_lint.run.spelling import Spellings
from ssot_lint.run.word_tests import WHOLE_WORD, SpellingTest

# Analyzes files with a rule (SUMMARY_RULE unless given): (files, in this process?[, rule]) ->
# (ref, result) per file. The engine's (``run.verification.SummariseFiles``): cached, in workers
# unless asked to stay here.
Summarise = Callable[..., list[tuple[FileRef, FileResult]]]


class ProjectModules:
    """``fix.verify.ModuleSource`` over the project discovered from ``config``."""

    def __init__(
        self,
        config: Config | None,
        summarise_files: Summarise,
        files: Sequence[SourceFile] | None = None,
        known: Callable[[], Known] | None = None,
        buffers: Mapping[str, bytes] | None = None,
        named: Sequence[SourceFile] = (),
    ) -> None:
        """``known``: the summaries the run already has (``run_summaries``), asked for once, at
        the first verification that needs summaries; ``buffers``: absolute path -> the bytes to
        read instead of the file's (a walk's files gain the buffers on no disk yet); ``named``:
        the files a run over some paths discovered, which a walk's files gain where it skipped
        them (a file git ignores, named on the command line, is checked and fixed: what reads
        its names must be looked for as for any other module's)."""
        self._config = config
        self._named = list(named)
        self._buffers: Mapping[str, bytes] = buffers if buffers is not None else {}  # read lazily (history's git blobs)
        self._summarise = summarise_files
        self._files = list(files) if files is not None else None
        self._known_from = known
        self._known: Known | None = None
        self._index: ModuleIndex | None = None
        self._by_module: dict[str, list[SourceFile]] = {}
        self._places: ModulePlaces | None = None  # made when first asked
        self._summaries: dict[str, list[ModuleSummary | None]] = {}
        # Each file read at most once in this verifier's life, and what is derived from its text
        # kept between calls while it is unchanged (run.file_memo).
        self._texts = FileTexts(self._buffers)
        self._spellings: Spellings | None = None  # made when first asked
        self._comments: dict[str, list[Suppression]] = {}  # a summarised file's `# ssot: ignore` comments, by path

    def __getstate__(self) -> dict[str, Any]:  # for spawned fix workers: the data, not the cache
        self.index()
        unpickled = getattr(self._summarise, "portable", None)  # the same analysis without the cache
        state = {**self.__dict__, "_config": None, "_summarise": unpickled() if unpickled else self._summarise}
        # The run's results stay in the parent, and the texts it read (the worker reads its own).
        return {**state, "_known_from": None, "_known": None, "_spellings": None, "_places": None}

    def index(self) -> ModuleIndex:
        """Which modules exist: a ``ModuleIndex`` over every file's name (no summaries)."""
        if self._index is None:
            walked = None
            if self._files is None:
                assert self._config is not None
                walked = project_files(self._config)
                if self._buffers:
                    walked = with_buffers(walked, self._config, self._buffers)  # the same while they are
                self._files = _with_named(walked.files, self._named, str(self._config.root))
            fresh = walked is None or self._files is not walked.files  # given, or gained named files
            self._index = walked.index if walked is not None and not fresh else ModuleIndex((source.ref, None) for source in self._files)
            # The files each module name loads, as the index resolves an import for every other
            # kind: a file no import reaches is no module's (`pkg/new.py` beside
            # `pkg/new/__init__.py`: the package is found first), and a file answers to its
            # root-relative name too (`mpl_toolkits.axes_grid1` for `axes_grid1`, named so as
            # `mpl_toolkits/` has no `__init__.py`).
            by_path = {source.ref.path: source for source in self._files}
            for module, entries in self._index.entries.items():
                self._by_module[module] = [by_path[ref.path] for ref, _ in entries]
        return self._index

    def in_project(self, dotted: str) -> bool:
        return self.index().in_project(dotted)

    def unseen(self, dotted: str, importer: str) -> str | None:
        """Why ``dotted`` is not the project's as ``importer``'s one file sees it (``ModuleIndex.unseen``)."""
        source = self.one_file(importer)
        return self.index().unseen(dotted, source.ref) if source is not None else None

    def canonical(self, dotted: str) -> str:
        """``dotted`` under the module name its file is given (``ModuleIndex.canonical``): two
        names of one file's module are one module."""
        return self.index().canonical(dotted)

    def exists(self, module: str) -> bool:
        return self.index().exists(module)

    def summaries(self, module: str) -> list[ModuleSummary | None]:
        if module not in self._summaries:
            self.prefetch([module])
        return self._summaries[module]

    def prefetch(self, modules: Iterable[str]) -> None:
        """Summarise the files of ``modules`` (those not summarised yet) in one batch."""
        self.index()
        wanted = sorted({m for m in modules if m not in self._summaries})
        runtime = {m: self._runtime_files(m) for m in wanted}
        results: dict[str, ModuleSummary | None] = {}
        files: list[SourceFile] = []
        known = self._run_known()
        for source in (source for sources in runtime.values() for source in sources):
            found = known.get(source.ref.path)
            if is_compiled(source.ref):
                results[source.abspath] = None  # a compiled extension module: its names are unknown
            elif found is not None and found[0] == source.ref:  # the same file under the same module name
                results[source.abspath] = found[1]
                self._comments.setdefault(source.ref.path, []).extend(found[2])
            else:
                files.append(source)
        if files:
            results.update(self._analyze(files))
        for module in wanted:
            sources = self._by_module.get(module, [])
            if sources and not runtime[module]:  # only a stub (.pyi): says nothing of run time
                self._summaries[module] = [None]
            else:
                self._summaries[module] = [results.get(source.abspath) for source in runtime[module]]

    def close(self) -> None:
        """Stop the workers kept for the rounds of summaries, if the analysis keeps any."""
        close = getattr(self._summarise, "close", None)
        if close is not None:
            close()

    def file_facts(self, paths: Iterable[str], rule: Rule) -> dict[str, Any]:
        """``rule``'s facts for the project's files at ``paths`` (as findings name them), through
        the same cached, crash-isolated per-file analysis as the summaries."""
        self.index()
        wanted = set(paths)
        files = [source for source in self._files or () if source.ref.path in wanted]
        if not files:
            return {}
        return {ref.path: result.facts.get(rule.id) for ref, result in self._analyzed(files, rule)}

    def suppressions(self, module: str) -> list[Suppression]:
        """The ``# ssot: ignore`` comments of ``module``'s files: a finding one of them silences
        is never fixed, so an import it silences stays as written."""
        self.summaries(module)
        return [comment for source in self._runtime_files(module) for comment in self._comments.get(source.ref.path, [])]

    def file_comments(self, path: str) -> list[Suppression]:
        """The ``# ssot: ignore`` comments of the summarised file at ``path`` (see ``suppressions``)."""
        return self._comments.get(path, [])

    def files(self, module: str) -> list[SourceFile]:
        """The files that give ``module`` (stubs too), in path order; none for a file no import reaches."""
        self.index()
        return list(self._by_module.get(module, []))

    def file_at(self, path: str) -> SourceFile | None:
        """The file at ``path`` (project-relative, as findings name it), unless no import reaches it."""
        return self._placed().file_at(path)

    def own_copy(self, importer: str, path: str = "") -> OwnCopy | None:
        """The project as ``importer`` (its file at ``path``, else its one file) sees it when it was
        imported through its copy of a top-level package several places give (``run.own_copy``)."""
        return own_copy(self, importer, path)

    def path_of(self, module: str) -> str | None:
        """The project-relative path of ``module``'s (first runtime) file, for a reason to name."""
        self.index()
        files = self._runtime_files(module) if module in self._by_module else []
        return files[0].ref.path if files else None

    def unanalyzed(self, module: str) -> str | None:
        """The project-relative path of ``module``'s runtime file that has no summary (a parse
        error, or a compiled extension module beside its ``.py``), for a reason to name."""
        return unanalyzed_path(self._runtime_files(module), self.summaries(module))

    def clash(self, dotted: str, importer: str = "") -> str | None:
        """Why which file ``dotted`` runs from cannot be told (``ModulePlaces.clash``)."""
        return self._placed().clash(dotted, importer)

    def has_clashes(self) -> bool:
        """Whether any module is given by files in several places."""
        return bool(self.index().ambiguous)

    def one_file(self, module: str) -> SourceFile | None:
        """``module``'s file when one place gives it (a ``.py`` and its ``.pyi`` are one place)."""
        return self._placed().one_file(module)

    def beside(self, importer: str, top: str) -> str | None:
        """A module file beside ``importer`` that the bare name ``top`` finds (``ModulePlaces.beside``)."""
        return self._placed().beside(importer, top)

    def _placed(self) -> ModulePlaces:
        if self._places is None:
            self._places = ModulePlaces(self.index, self._by_module, lambda: self._files or ())
        return self._places

    def texts(self, module: str) -> list[tuple[str, bytes | None]]:
        """The project-relative path and bytes of each of ``module``'s runtime files (None: it
        cannot be read), read now: what a verification that asks about a file's text reads."""
        self.index()
        return [(source.ref.path, self._read(source)) for source in self._runtime_files(module)]

    def module_facts(self, modules: Iterable[str], rule: Rule) -> dict[str, list[Any]]:
        """``rule``'s facts for the runtime files of ``modules`` (see ``file_facts``), by module."""
        self.index()
        paths = {source.ref.path: module for module in set(modules) for source in self._runtime_files(module)}
        found: dict[str, list[Any]] = {}
        for path, facts in self.file_facts(paths, rule).items():
            found.setdefault(paths[path], []).append(facts)
        return found

    def spelling(self, words: Iterable[str], test: SpellingTest = WHOLE_WORD) -> dict[str, list[str]]:
        """For each of ``words`` (identifiers), the modules whose text passes ``test`` (what each
        asks: ``run.word_tests.SpellingTest``; by default it spells the word as a whole word),
        sorted: a text test over every runtime file of the project, done only when asked (the attribute words of every file in one pass, kept
        for the run; what each file's imports may bind, its star-import lines and, past a few words, its whole words, gathered
        once and every word looked up in them; each other word in a pass of its own over the texts read). A file that cannot be
        read spells every word; a built extension module (``.so``, ``.pyd``) none, as its code is not seen, and a ``.pyx`` is
        read as text. Each file is read once for all words (``run.spelling``)."""
        self.index()
        if self._spellings is None:
            aliases = self.index().aliases  # a file is listed under the name it is given, once
            self._spellings = Spellings(self._texts, lambda: (m for m in self._by_module if m not in aliases), self._runtime_files)
        return self._spellings.spelling(words, test)

    def _read(self, source: SourceFile) -> bytes | None:
        """The file's bytes, read once (None: it cannot be read, or is no regular file: a FIFO
        named ``*.py`` would block, a link to ``/dev/zero`` never end)."""
        return self._texts.read(source)

    def _run_known(self) -> Known:
        if self._known is None:
            self._known = self._known_from() if self._known_from is not None else {}
            self._known_from = None
        return self._known

    def _runtime_files(self, module: str) -> list[SourceFile]:
        return runtime_files(self._by_module.get(module, []))

    def _analyzed(self, files: list[SourceFile], rule: Rule | None = None) -> list[tuple[FileRef, FileResult]]:
        """``files`` analyzed with ``rule`` (default: the module summary): a buffer's bytes here
        (an editor holds a few), the files through ``summarise_files``; a file's result kept with
        its version (``run.file_memo``: the stat signature this verifier first saw, taken before
        the analysis reads it), so the next call with the file unchanged does not analyze it."""
        from ssot_lint.analysis.analyze import analyze_source

        key = ("analysis", context_digest([rule or SUMMARY_RULE]))
        found: list[tuple[FileRef, FileResult]] = []
        todo: list[SourceFile] = []
        for source in files:
            kept = self._texts.known(source, (key, source.ref))
            if kept is MISSING:
                todo.append(source)
            else:
                found.append((source.ref, kept))
        on_disk = [source for source in todo if source.abspath not in self._buffers]
        if on_disk:
            by_path = {source.ref.path: source for source in on_disk}
            for source in on_disk:
                self._texts.look(source)
            if may_start_workers():  # crash-isolated, through the result cache
                analyzed = self._summarise(on_disk, False, rule) if rule is not None else self._summarise(on_disk, False)
            else:  # in a worker, or in the language server: here, from the texts read once
                analyzed = [(source.ref, self._analyze_text(source, rule or SUMMARY_RULE)) for source in on_disk]
            for ref, result in analyzed:
                crashed = result.parse_error is not None and result.parse_error.anchor == CRASH_ANCHOR  # the next call tries again
                if ref.path in by_path and not crashed:
                    self._texts.keep(by_path[ref.path], (key, ref), result)
            found += analyzed
        for source in todo:
            if source.abspath in self._buffers:
                result = analyze_source(self._buffers[source.abspath], source.ref, [rule or SUMMARY_RULE])
                self._texts.keep(source, (key, source.ref), result)
                found.append((source.ref, result))
        return found

    def _analyze_text(self, source: SourceFile, rule: Rule) -> FileResult:
        """The file's bytes (as the call read them) analyzed with ``rule``, here."""
        from ssot_lint.analysis.analyze import analyze_source
        from ssot_lint.run.collector import collector_paused

        data = self._texts.read_or_error(source)
        if isinstance(data, Finding):
            return FileResult(parse_error=data)
        with collector_paused():  # as run.per_file analyzes a file
            return analyze_source(data, source.ref, [rule])

    def _analyze(self, files: list[SourceFile]) -> dict[str, ModuleSummary | None]:
        results = dict(self._analyzed(files))
        by_ref = {ref.path: result for ref, result in results.items()}
        for source in files:
            if source.ref.path in by_ref:
                self._comments.setdefault(source.ref.path, []).extend(by_ref[source.ref.path].suppressions)
        return {source.abspath: by_ref[source.ref.path].facts.get(SUMMARY_ID) if source.ref.path in by_ref else None for source in files}


def _with_named(files: list[SourceFile], named: Sequence[SourceFile], root: str) -> list[SourceFile]:
    """``files`` (a walk of ``root``) plus those of ``named`` inside ``root`` that the walk skipped."""
    known = {source.abspath for source in files}
    inside = root.rstrip(os.sep) + os.sep
    added = [source for source in named if source.abspath not in known and source.abspath.startswith(inside)]
    return sorted(files + added, key=lambda f: f.ref.path) if added else files
