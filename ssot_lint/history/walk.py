"""Compute snapshots for a range of commits straight from git objects.

For each selected commit: list its tree (blob ids and paths, no file read), keep the files the
config's include/exclude put in scope, name their modules from the tree's own ``__init__.py``
files, and compute every file's result-cache key from its blob id. Only keys found neither in
this run's memory nor in the result cache cost a blob read and an analysis; then the engine's
project-wide ``aggregate`` turns the per-file results into the commit's counts. So the cost
grows with the number of distinct file versions, not with commits x files.

``.gitignore`` plays no part here: every file in a commit's tree is tracked, so it is in scope
when include/exclude say so.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ssot_lint import __version__
from ssot_lint.config.rulefile import RuleSet, inline_rules_of, load_rule_docs
from ssot_lint.config.settings import Config
from ssot_lint.config.tomlfile import parse_toml
from ssot_lint.errors import ConfigError
from ssot_lint.history.gitread import Commit, Repository, TreeEntry
from ssot_lint.history.model import Snapshot, at_commit_series, current_series, rule_keys, ruleset_digest, snapshot_of_report
from ssot_lint.history.refuting import BlobTexts, refute_commit
from ssot_lint.history.selection import Counters, HistoryOptions, select_commits, shard_of
from ssot_lint.history.store import HistoryStore
from ssot_lint.model import FileRef, FileResult
from ssot_lint.project.module_paths import is_compiled
from ssot_lint.report import plural
from ssot_lint.run.aggregation import aggregate
from ssot_lint.run.cache import ResultCache, result_key
from ssot_lint.run.discovery import Scope
from ssot_lint.run.module_names import ModuleNamer, display_path
from ssot_lint.run.per_file import CRASH_ANCHOR, analyze_data

_CHUNK = 512  # blobs read and analyzed at once: bounds memory on a commit that changes many files
_WINDOW = 32  # commits computed together: their distinct files are analyzed in one pool run


def glob_match(path: str, pattern: str) -> bool:
    """``Path.glob`` semantics on a ``/``-separated relative path: ``*`` stays in one segment,
    ``**`` spans any number of them (how ``rule-files`` patterns are expanded on disk)."""

    def match(parts: list[str], pats: list[str]) -> bool:
        if not pats:
            return not parts
        if pats[0] == "**":
            return any(match(parts[i:], pats[1:]) for i in range(len(parts) + 1))
        return bool(parts) and fnmatch.fnmatchcase(parts[0], pats[0]) and match(parts[1:], pats[1:])

    return match(path.split("/"), [p for p in pattern.split("/") if p not in ("", ".")])


class HistoryRun:
    def __init__(
        self,
        repo: Repository,
        config: Config,
        ruleset: RuleSet,
        store: HistoryStore,
        cache: ResultCache | None,
        options: HistoryOptions,
        on_progress: Callable[[float, int], None] | None = None,
    ) -> None:
        self.repo, self.config, self.ruleset, self.store, self.cache = repo, config, ruleset, store, cache
        self._generations: dict[str, int] = {}  # commit -> generation, for the selected commits
        self.options = options
        self.on_progress = on_progress
        self._done = (0, 0)  # (commits done, commits): what on_progress was last told
        self._window = (0, 0)  # (commits in the window being computed, its file versions to analyze)
        self._analyzed = 0  # file versions of that window analyzed so far
        self.counters = Counters()
        self.scope = Scope(config)
        self._results: dict[str, FileResult] = {}  # this run's results by cache key, across commits
        self._keys: dict[tuple[str, str], _Keyed] = {}  # (path, blob) -> its key, ref, rules and blob
        self._key_basis: tuple[frozenset[str], str] | None = None
        self._scope_memo: dict[str, bool] = {}
        self._prefix = repo.prefix
        self._blobs = repo.blob_reader()
        self._verified = BlobTexts(self._blobs.read)  # what refuting findings reads (history.refuting)
        if options.rules_at_commit:
            self.series = at_commit_series(config, options.select, options.ignore)
        else:
            self.series = current_series(config)
        self.digest = ruleset_digest(config, ruleset)  # today's rules (unused with rules at each commit)

    def run(self) -> list[Snapshot]:
        """Snapshots of the selected commits, oldest first.

        Commits whose snapshot is stored are reused. The others are computed a window at a time:
        the files of every commit in the window are keyed from their blob ids, the keys neither
        this run nor the result cache knows are analyzed once each on the worker pool, then each
        commit's results are aggregated. So the cost grows with distinct file versions."""
        started = time.perf_counter()
        opts = self.options
        sampling = bool(opts.every or opts.by)
        listed = self.repo.commits(opts.rev_range, opts.first_parent, None if sampling else opts.max_commits, opts.since, opts.until)
        selected = select_commits(listed, opts.every, opts.by, opts.max_commits)
        commits = shard_of(list(reversed(selected)), opts.shard)
        if not commits:
            raise ConfigError(f"no commits in {opts.rev_range or 'HEAD'}" + self._window_text())
        self._shallow_note(listed)
        self.counters.commits = len(commits)
        self._generations = self.repo.generations([c.sha for c in commits])
        self.counters.timings["list commits"] = time.perf_counter() - started
        snapshots: list[Snapshot | None] = [None] * len(commits)
        pending: list[tuple[int, _Pending]] = []
        done = 0
        try:
            for position, commit in enumerate(commits):
                found = self._stored_or_pending(commit)
                if isinstance(found, Snapshot):
                    snapshots[position] = found
                    done += 1
                else:
                    pending.append((position, found))
            self._done = (done, len(commits))
            if done:
                self._progress()
            for start in range(0, len(pending), _WINDOW):
                window = pending[start : start + _WINDOW]
                self._window, self._analyzed = (len(window), 0), 0
                for (position, _), snapshot in zip(window, self._compute(w for _, w in window)):
                    snapshots[position] = snapshot
                done += len(window)
                self._done = (done, len(commits))
                self._progress()
        finally:
            self._blobs.close()
            if self.cache is not None:
                self.cache.flush()
        self.counters.blobs_read = self._blobs.count
        self.counters.timings["total"] = time.perf_counter() - started
        return [snapshot for snapshot in snapshots if snapshot is not None]

    def _progress(self) -> None:
        """Tell ``on_progress`` the commits done."""
        if self.on_progress is not None:
            self.on_progress(*self._done)

    def _file_analyzed(self) -> None:
        """A window's commits finish together (up to ``_WINDOW`` of them): within it the bar moves
        by the share of its file versions analyzed, so a history of a few commits does not sit at
        0/N until the end (its count of commits done stays a whole number)."""
        self._analyzed += 1
        commits, versions = self._window
        if self.on_progress is not None and versions:
            done, total = self._done
            self.on_progress(done + commits * min(self._analyzed, versions) / versions, total)

    def _window_text(self) -> str:
        parts = [f"since {self.options.since}" if self.options.since else "", f"until {self.options.until}" if self.options.until else ""]
        shown = " and ".join(p for p in parts if p)
        return f" ({shown})" if shown else ""

    def _shallow_note(self, listed: list[Commit]) -> None:
        if self.repo.is_shallow():
            boundary = self.repo.shallow_boundary()
            cut = [c for c in listed if c.sha in boundary]
            if cut:
                self.counters.notes.append(f"shallow clone: history before {cut[-1].short} is missing (git fetch --unshallow)")

    def _stored_or_pending(self, commit: Commit) -> Snapshot | _Pending:
        fields: dict[str, Any] = dict(
            commit=commit.sha,
            label=commit.short,
            series=self.series,
            commit_time=commit.commit_time,
            author_time=commit.author_time,
            subject=commit.subject,
            generation=self._generations.get(commit.sha),
        )
        tree: list[TreeEntry] | None = None
        rule_entries: list[TreeEntry] = []
        if self.options.rules_at_commit:
            with self.counters.timed("ls-tree"):
                tree = self.repo.tree(commit.sha)
            rule_entries = self._rule_files_in(tree)
            digest = self._at_commit_digest(rule_entries)
        else:
            digest = self.digest  # the rules are fixed for the run
        with self.counters.timed("store"):
            stored = self.store.find(commit.sha, digest)
        if stored is not None:
            self.counters.snapshots_reused += 1
            if stored.generation is None and stored.id is not None and fields["generation"] is not None:  # stored before generations were
                stored.generation = fields["generation"]
                self.store.set_generations({stored.id: stored.generation})
            return stored
        return _Pending(commit, digest, fields, tree, rule_entries)

    def _compute(self, window: Iterable[_Pending]) -> list[Snapshot]:
        """Snapshots of the window's commits, their files analyzed together."""
        prepared: list[tuple[_Pending, RuleSet, list[_Keyed], int] | Snapshot] = []
        for item in window:
            self.counters.snapshots_computed += 1
            with self.counters.timed("ls-tree"):
                tree = item.tree if item.tree is not None else self.repo.tree(item.commit.sha)
            ruleset = self.ruleset
            if self.options.rules_at_commit:
                try:
                    ruleset = self._rules_at(item.commit, item.rule_entries)
                except ConfigError as exc:
                    prepared.append(self.store.add(Snapshot(ruleset_digest=item.digest, note=f"rules not loaded: {exc}", complete=False, **item.fields)))
                    continue
            keyed, symlinks = self._keyed_files(tree, ruleset)
            prepared.append((item, ruleset, keyed, symlinks))
        missing = self._analyze_misses([(entry[1], entry[2]) for entry in prepared if not isinstance(entry, Snapshot)])
        snapshots = []
        for entry in prepared:
            if isinstance(entry, Snapshot):
                snapshots.append(entry)
                continue
            item, ruleset, keyed, symlinks = entry
            absent = next((k.blob for k in keyed if k.blob in missing), None)
            if absent is not None:  # not stored: a later run, with the objects fetched, computes it
                note = f"not computed: git object {absent} is missing"
                snapshots.append(Snapshot(ruleset_digest=item.digest, note=note, complete=False, **item.fields))
                continue
            results = sorted(((k.ref, self._results[k.key]) for k in keyed), key=lambda pair: pair[0].path)
            with self.counters.timed("aggregation"):
                report = aggregate(ruleset.rules, results, self.options.fail_on)
                refute_commit(report, ruleset.rules, results, {k.ref.path: k.blob for k in keyed}, str(self.config.root), self._verified)
            note = f"{plural(symlinks, 'symlinked file')} in scope not analyzed" if symlinks else ""
            with self.counters.timed("store"):
                snapshots.append(self.store.add(snapshot_of_report(report, ruleset_digest=item.digest, keys=rule_keys(ruleset), note=note, **item.fields)))
        return snapshots

    # -- rules at a commit ------------------------------------------------------------------------
    def _rule_files_in(self, tree: list[TreeEntry]) -> list[TreeEntry]:
        """The rule files at a commit, then the config file (its inline rules), when it is there."""
        patterns = list(self.config.get("rule-files"))
        config = self._config_entry_path()
        found, own = [], []
        for entry in tree:
            if entry.path.startswith(self._prefix):
                rel = entry.path[len(self._prefix) :]
                if any(glob_match(rel, p) for p in patterns):
                    found.append(entry)
                elif entry.path == config:
                    own.append(entry)
        return sorted(found, key=lambda e: e.path) + own

    def _config_entry_path(self) -> str | None:
        path = self.config.path
        if path is None or path.resolve().parent != self.config.root:
            return None
        return self._prefix + path.name

    def _at_commit_digest(self, entries: list[TreeEntry]) -> str:
        # Blob ids identify the rule files' contents, so this is known before reading any of them.
        text = "\0".join([self.series, __version__] + [f"{e.path}\0{e.blob}" for e in entries])
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def _rules_at(self, commit: Commit, entries: list[TreeEntry]) -> RuleSet:
        docs = []
        inline = None
        config = self._config_entry_path()
        for entry in entries:
            with self.counters.timed("blob reads"):
                data = self._blobs.read(entry.blob)
            if data is None:
                raise ConfigError(f"git object {entry.blob} is missing", f"{commit.short}:{entry.path}")
            doc = parse_toml(data, f"{commit.short}:{display_path(entry.path)}")
            doc = dataclasses.replace(doc, report_path=display_path(entry.path[len(self._prefix) :]))
            if entry.path == config:
                inline = inline_rules_of(doc, pyproject=entry.path.endswith("pyproject.toml"))
            else:
                docs.append(doc)
        if not docs and inline is None:
            raise ConfigError(f"no file matches rule-files {list(self.config.get('rule-files'))} at this commit, nor has the config [[rule]] tables")
        return load_rule_docs(docs, inline=inline).select(self.options.select, self.options.ignore)

    # -- files ------------------------------------------------------------------------------------
    def _keyed_files(self, tree: list[TreeEntry], ruleset: RuleSet) -> tuple[list[_Keyed], int]:
        """The cache key, ref, applicable rules and blob of each file in scope, and the number of
        symlinks left out. A file's key only changes with its blob, the package layout or the rules,
        so keys are remembered across commits while those two stay the same."""
        packages = frozenset(e.path.rpartition("/")[0] for e in tree if e.path.rpartition("/")[2] == "__init__.py")
        if self._key_basis != (packages, ruleset.digest):
            self._key_basis = (packages, ruleset.digest)
            self._keys.clear()
        toplevel = str(self.repo.toplevel)
        top = toplevel + os.sep

        def is_package(directory: str) -> bool:
            if directory == toplevel:
                return "" in packages
            return directory.startswith(top) and directory[len(top) :].replace(os.sep, "/") in packages

        namer = ModuleNamer(self.config.src_roots, is_package, root=self.config.root)
        keyed = []
        symlinks = 0
        for entry in tree:
            rel = entry.path[len(self._prefix) :]
            if not entry.path.startswith(self._prefix) or not self._in_scope(rel):
                continue
            if entry.is_symlink:
                symlinks += 1
                continue
            known = self._keys.get((entry.path, entry.blob))
            if known is None:
                ref = namer.ref(os.path.join(toplevel, *entry.path.split("/")), display_path(rel))
                scope = tuple(i for i, rule in enumerate(ruleset.rules) if rule.in_scope(ref.path))
                key = result_key(entry.blob, ref, [ruleset.rules[i] for i in scope])
                known = self._keys[(entry.path, entry.blob)] = _Keyed(key, ref, scope, entry.blob)
            keyed.append(known)
        return keyed, symlinks

    def _in_scope(self, rel: str) -> bool:
        if rel not in self._scope_memo:
            self._scope_memo[rel] = self.scope.contains(rel)
        return self._scope_memo[rel]

    def _analyze_misses(self, batches: list[tuple[RuleSet, list[_Keyed]]]) -> set[str]:
        """Fill ``self._results`` for every key of ``batches`` (from memory, the cache, or by
        analyzing the blob on the worker pool); return the blob ids git could not produce."""
        unknown = list(dict.fromkeys(k.key for _, keyed in batches for k in keyed if k.key not in self._results))
        if unknown and self.cache is not None:
            found = self.cache.get_many(unknown)
            self.counters.cache_hits += len(found)
            self._results.update(found)
        missing: set[str] = set()
        by_rules: dict[int, tuple[RuleSet, dict[str, _Keyed]]] = {}
        for ruleset, keyed in batches:
            todo = by_rules.setdefault(id(ruleset), (ruleset, {}))[1]
            for k in keyed:
                if k.key not in self._results:
                    todo.setdefault(k.key, k)
        self._window = (self._window[0], sum(len(todo) for _, todo in by_rules.values()))
        for ruleset, todo in by_rules.values():
            misses = list(todo.values())
            for start in range(0, len(misses), _CHUNK):
                chunk = []
                for k in misses[start : start + _CHUNK]:
                    if is_compiled(k.ref):  # a compiled extension module: a module, no text to read
                        self._results[k.key] = FileResult()
                        continue
                    with self.counters.timed("blob reads"):
                        data = self._blobs.read(k.blob)
                    if data is None:
                        missing.add(k.blob)
                    else:
                        chunk.append((k, data))
                items = [(data, k.ref, k.scope) for k, data in chunk]
                analyzing = time.perf_counter()
                for n, result in analyze_data(items, ruleset.rules, self.options.jobs):
                    key = chunk[n][0].key
                    self._results[key] = result
                    crashed = result.parse_error is not None and result.parse_error.anchor == CRASH_ANCHOR
                    if self.cache is not None and not crashed:  # a crash is retried by the next run
                        self.cache.put(key, result)
                    self._file_analyzed()
                self.counters.timings["analysis"] += time.perf_counter() - analyzing
                self.counters.files_analyzed += len(chunk)
        return missing


@dataclass(frozen=True)
class _Keyed:
    """A file of a commit: its result-cache key, where it sits, which rules apply, its blob."""

    key: str
    ref: FileRef
    scope: tuple[int, ...]  # indices into the ruleset's rules
    blob: str


@dataclass
class _Pending:
    """A selected commit with no stored snapshot yet."""

    commit: Commit
    digest: str
    fields: dict[str, Any]
    tree: list[TreeEntry] | None
    rule_entries: list[TreeEntry]
