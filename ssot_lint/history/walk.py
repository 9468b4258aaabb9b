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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.config.rulefile import RuleSet, load_rule_docs
from ssot_lint.config.settings import Config
from ssot_lint.config.tomlfile import parse_toml
from ssot_lint.errors import ConfigError
from ssot_lint.history.gitread import Commit, Repository, TreeEntry
from ssot_lint.history.model import Snapshot, at_commit_series, current_series, snapshot_of_report
from ssot_lint.history.store import HistoryStore
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult
from ssot_lint.run.cache import ResultCache, result_key
from ssot_lint.run.discovery import ModuleNamer, Scope, display_path
from ssot_lint.run.engine import aggregate

_CHUNK = 256  # blobs read and analyzed at once: bounds memory on a commit that changes many files


@dataclass
class HistoryOptions:
    rev_range: str | None = None
    every: int | None = None
    by: str | None = None  # "day" or "week"
    first_parent: bool = False
    max_commits: int | None = 500
    rules_at_commit: bool = False
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "warning"


@dataclass
class Counters:
    """What a run did; a second run over the same commits shows 0 files analyzed, 0 blobs read."""

    commits: int = 0
    snapshots_reused: int = 0
    snapshots_computed: int = 0
    files_analyzed: int = 0
    blobs_read: int = 0
    cache_hits: int = 0
    notes: list[str] = field(default_factory=list)  # about the whole run; per-commit notes are on the snapshots
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.commits} commits: {self.snapshots_computed} snapshots computed, {self.snapshots_reused} reused; "
            f"analyzed {self.files_analyzed} files, {self.blobs_read} blobs read, {self.cache_hits} results from the cache"
        )


def analyse_misses(items: Sequence[tuple[bytes, FileRef, Sequence[Rule]]]) -> list[FileResult]:
    """The one place history analyzes files: sequential now, a worker pool can take it over."""
    return [analyze_source(data, ref, rules) for data, ref, rules in items]


def select_commits(commits: list[Commit], every: int | None, by: str | None, max_commits: int | None) -> list[Commit]:
    """Sample ``commits`` (newest first): every Nth, or the newest of each UTC day / ISO week;
    then keep the newest ``max_commits``. The newest commit is always kept."""
    chosen = commits
    if every:
        chosen = commits[::every]
    elif by:
        seen: set[tuple[int, ...]] = set()
        chosen = []
        for commit in commits:
            day = datetime.fromtimestamp(commit.commit_time, tz=timezone.utc).date()
            bucket = (day.toordinal(),) if by == "day" else tuple(day.isocalendar()[:2])
            if bucket not in seen:
                seen.add(bucket)
                chosen.append(commit)
    return chosen[:max_commits] if max_commits else chosen


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
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.repo, self.config, self.ruleset, self.store, self.cache = repo, config, ruleset, store, cache
        self.options = options
        self.on_progress = on_progress
        self.counters = Counters()
        self.scope = Scope(config)
        self._results: dict[str, FileResult] = {}  # this run's results by cache key, across commits
        self._keys: dict[tuple[str, str], tuple[str, FileRef, list[Rule], str]] = {}  # (path, blob) -> key, ref, rules, blob
        self._key_basis: tuple[frozenset[str], str] | None = None
        self._scope_memo: dict[str, bool] = {}
        self._prefix = repo.prefix
        self._blobs = repo.blob_reader()
        if options.rules_at_commit:
            self.series = at_commit_series(config, options.select, options.ignore)
        else:
            self.series = current_series(config, ruleset)

    def run(self) -> list[Snapshot]:
        """Snapshots of the selected commits, oldest first."""
        started = time.perf_counter()
        opts = self.options
        sampling = bool(opts.every or opts.by)
        listed = self.repo.commits(opts.rev_range, opts.first_parent, None if sampling else opts.max_commits)
        commits = select_commits(listed, opts.every, opts.by, opts.max_commits)
        if not commits:
            raise ConfigError(f"no commits in {opts.rev_range or 'HEAD'}")
        self._shallow_note(listed)
        self.counters.commits = len(commits)
        self.counters.timings["list_commits"] = time.perf_counter() - started
        snapshots = []
        try:
            for done, commit in enumerate(reversed(commits), 1):
                snapshot = self._snapshot(commit)
                snapshots.append(snapshot)
                if self.on_progress:
                    self.on_progress(done, len(commits))
        finally:
            self._blobs.close()
            if self.cache is not None:
                self.cache.flush()
        self.counters.blobs_read = self._blobs.count
        self.counters.timings["total"] = time.perf_counter() - started
        return snapshots

    def _shallow_note(self, listed: list[Commit]) -> None:
        if self.repo.is_shallow():
            boundary = self.repo.shallow_boundary()
            cut = [c for c in listed if c.sha in boundary]
            if cut:
                self.counters.notes.append(f"shallow clone: history before {cut[-1].short} is missing (git fetch --unshallow)")

    def _snapshot(self, commit: Commit) -> Snapshot:
        fields = dict(
            commit=commit.sha, label=commit.short, series=self.series, commit_time=commit.commit_time, author_time=commit.author_time, subject=commit.subject
        )
        tree: list[TreeEntry] | None = None
        ruleset = self.ruleset
        if self.options.rules_at_commit:
            tree = self.repo.tree(commit.sha)
            rule_entries = self._rule_files_in(tree)
            digest = self._at_commit_digest(rule_entries)
        else:
            digest = self.series  # the rules are fixed for the run, so the series identifies them
        stored = self.store.find(commit.sha, digest)
        if stored is not None:
            self.counters.snapshots_reused += 1
            return stored
        self.counters.snapshots_computed += 1
        if tree is None:
            tree = self.repo.tree(commit.sha)
        if self.options.rules_at_commit:
            try:
                ruleset = self._rules_at(commit, rule_entries)
            except ConfigError as exc:
                return self.store.add(Snapshot(ruleset_digest=digest, note=f"rules not loaded: {exc}", complete=False, **fields))
        try:
            results, symlinks = self._analyse_tree(tree, ruleset)
        except _MissingBlob as exc:  # not stored: a later run, with the objects fetched, computes it
            return Snapshot(ruleset_digest=digest, note=f"not computed: git object {exc} is missing", complete=False, **fields)
        report = aggregate(ruleset.rules, results, self.options.fail_on)
        note = f"{symlinks} symlinked file(s) in scope not analyzed" if symlinks else ""
        return self.store.add(snapshot_of_report(report, ruleset_digest=digest, note=note, **fields))

    # -- rules at a commit ------------------------------------------------------------------------
    def _rule_files_in(self, tree: list[TreeEntry]) -> list[TreeEntry]:
        patterns = list(self.config.get("rule-files"))
        found = []
        for entry in tree:
            if entry.path.startswith(self._prefix):
                rel = entry.path[len(self._prefix) :]
                if any(glob_match(rel, p) for p in patterns):
                    found.append(entry)
        return sorted(found, key=lambda e: e.path)

    def _at_commit_digest(self, entries: list[TreeEntry]) -> str:
        # Blob ids identify the rule files' contents, so this is known before reading any of them.
        text = "\0".join([self.series] + [f"{e.path}\0{e.blob}" for e in entries])
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def _rules_at(self, commit: Commit, entries: list[TreeEntry]) -> RuleSet:
        if not entries:
            raise ConfigError(f"no file matches rule-files {list(self.config.get('rule-files'))} at this commit")
        docs = []
        for entry in entries:
            data = self._blobs.read(entry.blob)
            if data is None:
                raise ConfigError(f"git object {entry.blob} is missing", f"{commit.short}:{entry.path}")
            doc = parse_toml(data, f"{commit.short}:{display_path(entry.path)}")
            docs.append(dataclasses.replace(doc, report_path=display_path(entry.path[len(self._prefix) :])))
        return load_rule_docs(docs).select(self.options.select, self.options.ignore)

    # -- files ------------------------------------------------------------------------------------
    def _keyed_files(self, tree: list[TreeEntry], ruleset: RuleSet) -> tuple[list[tuple[str, FileRef, list[Rule], str]], int]:
        """(cache key, ref, applicable rules, blob) of each file in scope, and the number of
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

        namer = ModuleNamer(self.config.src_roots, is_package)
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
                applicable = [rule for rule in ruleset.rules if rule.in_scope(ref.path)]
                known = self._keys[(entry.path, entry.blob)] = (result_key(entry.blob, ref, applicable), ref, applicable, entry.blob)
            keyed.append(known)
        return keyed, symlinks

    def _in_scope(self, rel: str) -> bool:
        if rel not in self._scope_memo:
            self._scope_memo[rel] = self.scope.contains(rel)
        return self._scope_memo[rel]

    def _analyse_tree(self, tree: list[TreeEntry], ruleset: RuleSet) -> tuple[list[tuple[FileRef, FileResult]], int]:
        keyed, symlinks = self._keyed_files(tree, ruleset)
        unknown = [key for key, *_ in keyed if key not in self._results]
        if unknown and self.cache is not None:
            found = self.cache.get_many(unknown)
            self.counters.cache_hits += len(found)
            self._results.update(found)
        misses = list({key: (key, ref, applicable, blob) for key, ref, applicable, blob in keyed if key not in self._results}.values())
        for start in range(0, len(misses), _CHUNK):
            chunk = misses[start : start + _CHUNK]
            items = []
            for _key, ref, applicable, blob in chunk:
                data = self._blobs.read(blob)
                if data is None:
                    raise _MissingBlob(blob)
                items.append((data, ref, applicable))
            for (key, *_), result in zip(chunk, analyse_misses(items)):
                self._results[key] = result
                if self.cache is not None:
                    self.cache.put(key, result)
            self.counters.files_analyzed += len(chunk)
        results = [(ref, self._results[key]) for key, ref, _, _ in keyed]
        results.sort(key=lambda pair: pair[0].path)
        return results, symlinks


class _MissingBlob(Exception):
    pass
