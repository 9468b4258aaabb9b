"""Per-file analysis of discovered files (pure, per file): each file's result from the result
cache when its blob id and the rules' definitions are known, else analyzed in crash-isolated
workers (``run.parallel``), or in this process when few files would not pay for spawning them."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ssot_lint.analysis.analyze import analyze_source
from ssot_lint.kinds.base import Rule
from ssot_lint.model import PARSE_ERROR_ID, FileRef, FileResult, Finding
from ssot_lint.project.module_paths import is_compiled
from ssot_lint.run.cache import Signature, blob_id, result_key, signature, trustworthy
from ssot_lint.run.collector import collector_paused
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.options import RunOptions
from ssot_lint.run.parallel import Crashed, WorkerPool, default_jobs, may_start_workers, start_method
from ssot_lint.run.reading import read_file, read_signed

_CHUNK = 256  # files looked up in the cache at once: bounds memory, amortises SQLite round trips
# Forked workers start in ~4 ms, so even one file to analyze gets one (crash isolation); more
# workers only when each gets this many files. Spawned workers re-import everything (~0.3 s):
# below _SPAWN_MIN files the analysis runs in this process instead.
_FILES_PER_WORKER = 8
_SPAWN_MIN = 64
CRASH_ANCHOR = "analysis crashed"
# Seconds one file's analysis may take in a worker before the worker is killed and the file
# reported (ast parsing runs at megabytes per second: only a bug or a plugin's loop takes this).
FILE_TIME_LIMIT = 60.0


def analyze_task(rules: Sequence[Rule], task: tuple[str, FileRef, tuple[int, ...]]) -> tuple[str | None, Signature | None, FileResult]:
    """One file, read here: the blob id (and stat signature) returned are those of the bytes
    actually analyzed."""
    data, sig, result = _read_and_analyze(rules, task)
    return (blob_id(data) if data is not None else None), sig, result


def analyze_task_unhashed(rules: Sequence[Rule], task: tuple[str, FileRef, tuple[int, ...]]) -> tuple[None, None, FileResult]:
    """``analyze_task`` for a run without the result cache, which has no use for blob ids
    (hashing Home Assistant's 38.6 MB: 0.04 s of CPU)."""
    return None, None, _read_and_analyze(rules, task)[2]


def _read_and_analyze(rules: Sequence[Rule], task: tuple[str, FileRef, tuple[int, ...]]) -> tuple[bytes | None, Signature | None, FileResult]:
    abspath, ref, scope = task
    read = read_signed(SourceFile(abspath, ref))
    if isinstance(read, Finding):
        return None, None, FileResult(parse_error=read)
    data, sig = read
    # The syntax trees of one file hold no reference cycles, yet building them triggers the
    # collector every few hundred nodes: paused for the file (any cycle is collected after it),
    # the analysis takes ~8% less CPU (Django, Home Assistant).
    with collector_paused():
        result = analyze_source(data, ref, [rules[i] for i in scope])
    return data, sig, result


def _blob_of(source: SourceFile, known: dict[str, tuple[Signature, str]], now_ns: int, learned: list[tuple[str, Signature, str]]) -> str | Finding:
    """The file's blob id: from the recorded stat signature when it still matches (no read),
    else by reading and hashing (and recording the signature taken before the read)."""
    try:
        sig = signature(os.stat(source.abspath))
    except OSError:
        sig = None
    entry = known.get(source.abspath)
    if sig is not None and entry is not None and entry[0] == sig:
        return entry[1]
    data = read_file(source)
    if isinstance(data, Finding):
        return data
    blob = blob_id(data)
    if sig is not None and trustworthy(sig, now_ns):
        learned.append((source.abspath, sig, blob))
    return blob


def analyze_data_task(rules: Sequence[Rule], task: tuple[bytes, FileRef, tuple[int, ...]]) -> FileResult:
    """One file whose bytes the parent already holds (a git blob, an editor's buffer)."""
    data, ref, scope = task
    with collector_paused():  # as in analyze_task
        return analyze_source(data, ref, [rules[i] for i in scope])


def analyze_data(items: Sequence[tuple[bytes, FileRef, tuple[int, ...]]], rules: Sequence[Rule], jobs: int | None = None) -> Iterator[tuple[int, FileResult]]:
    """Analyze ``(bytes, ref, indices of the rules that apply)`` items on the worker pool (crash
    isolated, as files are), yielding ``(index, result)`` as results arrive. A crashed or timed-out
    item's result is an SSOT000 finding, which the caller should not cache."""
    workers = _workers(jobs, len(items))
    if not workers:
        for n, item in enumerate(items):
            yield n, analyze_data_task(rules, item)
        return
    pool = WorkerPool(workers, analyze_data_task, list(rules), time_limit=FILE_TIME_LIMIT)
    for n, outcome in pool.run(items, _batch_size(len(items), workers)):
        yield n, crashed_result(outcome.reason) if isinstance(outcome, Crashed) else outcome


def crashed_result(reason: str) -> FileResult:
    what = reason if reason.startswith("timed out") else f"crashed ({reason})"
    message = f"analysis {what}; the file was not analyzed"
    return FileResult(parse_error=Finding(PARSE_ERROR_ID, 1, 1, 1, 1, message, "error", anchor=CRASH_ANCHOR))


def analyze_files(
    files: Sequence[SourceFile],
    rules: Sequence[Rule],
    options: RunOptions,
    stats: dict[str, Any] | None = None,
    keys: dict[str, str] | None = None,
    pool: WorkerPool[Any, Any] | None = None,
) -> list[tuple[FileRef, FileResult]]:
    """Analyze each file with the rules whose scope covers it, reusing cached results.
    ``stats`` (if given) receives the counts and seconds that ``--show-timings`` prints;
    ``keys`` (if given, with the cache on) each file's result key, by path; ``pool``: the
    workers to analyze in (``analyze_task`` over ``rules``), kept by the caller across calls."""
    if options.buffers:
        return _with_buffers(files, rules, options, stats)
    if any(is_compiled(source.ref) for source in files):
        # A compiled extension module is no text to read: its result is empty, and the
        # project-wide kinds see it as a module whose names are unknown (``aggregation.rule_facts``).
        sources = [source for source in files if not is_compiled(source.ref)]
        done = iter(analyze_files(sources, rules, options, stats, keys, pool))
        return [(source.ref, FileResult()) if is_compiled(source.ref) else next(done) for source in files]
    started = time.perf_counter()
    scopes = [tuple(i for i, rule in enumerate(rules) if rule.in_scope(source.ref.path)) for source in files]
    results: list[FileResult | None] = [None] * len(files)
    if options.cache is None:
        todo, unreadable = list(range(len(files))), 0  # the workers read the files; nothing to hash here
    else:
        todo, unreadable = _from_cache(files, rules, scopes, results, options, keys)
    looked_up = time.perf_counter()
    workers = _workers(options.jobs, len(todo))
    crashed = _analyze(files, rules, scopes, todo, results, options, workers, keys, pool)
    analyzed = [r for r in (results[i] for i in todo) if r is not None]
    if stats is not None:
        stats.update(
            files=len(files),
            from_cache=len(files) - len(todo) - unreadable,
            analyzed=len(todo),
            parsed=sum(1 for r in analyzed if r.parsed),
            prefiltered=sum(1 for r in analyzed if not r.parsed and r.parse_error is None),
            crashed=crashed,
            workers=workers,
            read_seconds=looked_up - started,
            analyze_seconds=time.perf_counter() - looked_up,
        )
    return [(source.ref, result) for source, result in zip(files, results) if result is not None]


def _with_buffers(files: Sequence[SourceFile], rules: Sequence[Rule], options: RunOptions, stats: dict[str, Any] | None) -> list[tuple[FileRef, FileResult]]:
    """``analyze_files`` where some files' bytes come from ``options.buffers``: those are
    analyzed here (or found in the cache by their content, like any file), the rest as usual."""
    buffers = options.buffers or {}
    on_disk = [source for source in files if source.abspath not in buffers]
    results = dict(zip((s.abspath for s in on_disk), (r for _, r in analyze_files(on_disk, rules, dataclasses.replace(options, buffers=None), stats))))
    hits = 0
    for source in files:
        if source.abspath not in buffers:
            continue
        if is_compiled(source.ref):  # an editor's buffer of a .pyx: a module still, no Python text
            results[source.abspath] = FileResult()
            continue
        data = buffers[source.abspath]
        applied = [rule for rule in rules if rule.in_scope(source.ref.path)]
        key = result_key(blob_id(data), source.ref, applied)
        cached = options.cache.get_many([key]) if options.cache is not None else {}
        result = cached.get(key)
        hits += result is not None
        if result is None:
            result = analyze_source(data, source.ref, applied)
            if options.cache is not None:
                options.cache.put(key, result)
        results[source.abspath] = result
    if options.cache is not None:
        options.cache.flush()
    if stats is not None:
        count = len(files) - len(on_disk)
        stats.update(files=len(files), buffers=count, from_cache=stats["from_cache"] + hits, analyzed=stats["analyzed"] + count - hits)
    return [(source.ref, results[source.abspath]) for source in files]


def _from_cache(
    files: Sequence[SourceFile],
    rules: Sequence[Rule],
    scopes: list[tuple[int, ...]],
    results: list[FileResult | None],
    options: RunOptions,
    found_keys: dict[str, str] | None = None,
) -> tuple[list[int], int]:
    """Fill ``results`` from the cache; return the indices still to analyze and the number of
    unreadable files (their results are the read errors)."""
    cache = options.cache
    assert cache is not None
    if cache.is_empty():  # nothing to find: the workers read the files (once) and return their blob ids
        return list(range(len(files))), 0
    known = cache.blob_ids()
    now_ns = time.time_ns()
    learned: list[tuple[str, Signature, str]] = []
    todo: list[int] = []
    unreadable = 0
    for start in range(0, len(files), _CHUNK):
        keys: dict[int, str] = {}
        for i in range(start, min(start + _CHUNK, len(files))):
            blob = _blob_of(files[i], known, now_ns, learned)
            if isinstance(blob, Finding):
                results[i] = FileResult(parse_error=blob)
                unreadable += 1
            else:
                keys[i] = result_key(blob, files[i].ref, [rules[k] for k in scopes[i]])
        cached = cache.get_many(keys.values())
        for i, key in keys.items():
            if key in cached:
                results[i] = cached[key]
                if found_keys is not None:
                    found_keys[files[i].ref.path] = key
            else:
                todo.append(i)
        if options.on_progress:
            options.on_progress(min(start + _CHUNK, len(files)) - len(todo), len(files))
    cache.remember_blob_ids(learned)
    return todo, unreadable


def _analyze(
    files: Sequence[SourceFile],
    rules: Sequence[Rule],
    scopes: list[tuple[int, ...]],
    todo: list[int],
    results: list[FileResult | None],
    options: RunOptions,
    workers: int,
    keys: dict[str, str] | None = None,
    pool: WorkerPool[Any, Any] | None = None,
) -> int:
    """Analyze the files at ``todo`` into ``results`` (and the cache); return how many crashed."""
    started_ns = time.time_ns()  # before any file is read: younger signatures are not kept
    cache = options.cache
    tasks = [(files[i].abspath, files[i].ref, scopes[i]) for i in todo]
    outcomes: Iterable[tuple[int, Any]]
    job = analyze_task if cache is not None else analyze_task_unhashed
    if workers:
        pool = pool or WorkerPool(workers, job, list(rules), time_limit=FILE_TIME_LIMIT)
        outcomes = pool.run(tasks, _batch_size(len(tasks), workers), workers)
    else:
        outcomes = ((n, job(rules, task)) for n, task in enumerate(tasks))
    crashed = 0
    done = len(files) - len(todo)
    learned: list[tuple[str, Signature, str]] = []
    for n, outcome in outcomes:
        i = todo[n]
        if isinstance(outcome, Crashed):
            crashed += 1
            results[i] = crashed_result(outcome.reason)  # not cached: the next run tries again
            options.observer.refuse()  # nor replayed
        else:
            blob, sig, result = outcome
            results[i] = result
            if cache is not None and blob is not None:
                key = result_key(blob, files[i].ref, [rules[k] for k in scopes[i]])
                cache.put(key, result)
                if keys is not None:
                    keys[files[i].ref.path] = key
                if sig is not None and trustworthy(sig, started_ns):
                    learned.append((files[i].abspath, sig, blob))
        done += 1
        if options.on_progress:
            options.on_progress(done, len(files))
    if cache is not None:
        cache.flush()
        cache.remember_blob_ids(learned)
    return crashed


def _workers(jobs: int | None, count: int) -> int:
    """How many worker processes to start for ``count`` files (0: analyze in this process)."""
    if count == 0 or not may_start_workers():
        return 0
    if start_method() != "fork" and count < _SPAWN_MIN:
        return 0
    return max(1, min(jobs or default_jobs(), count // _FILES_PER_WORKER))


worker_count = _workers  # the same decision for the fix engine's pool


def _batch_size(count: int, workers: int) -> int:
    # The largest batch: amortises the per-message cost where tasks are many and cheap.
    return max(1, min(32, count // (workers * 8)))
