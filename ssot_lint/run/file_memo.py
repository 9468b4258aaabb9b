"""The project's files as one verification call reads them, and what a process keeps of them
between calls (the language server checks a buffer on every keystroke: ``api.check_source``).

Within a call (``FileTexts``, one per ``run.modules.ProjectModules``), each file is looked at
(``os.stat``) at most once and read at most once, whatever number of questions its verifications
ask of it: the text tests of ``spelling`` ask one word at a time, and each used to read every
file of the project again (39,000 reads for 3,000 files in one call).

Between calls (``MEMO``, the process's), each file's bytes and what was derived from them (a
word test's answer, the words it spells as attributes, a per-file analysis's result) are kept
under the file's stat signature, the result cache's (``run.cache.signature``: size, mtime,
ctime, inode), and handed out again only while a fresh ``os.stat`` gives the same signature: a
file changed on disk is read again. A signature too young to be trusted (``run.cache.trustworthy``:
the file may change again within the same timestamp tick) is not kept. An editor's buffer
(``buffers``: absolute path -> bytes) stands in place of its file, under its bytes: a buffer with
other text is another version. What a process keeps is bounded (``LIMIT_BYTES`` of text, the
least recently used dropped first); nothing a result depends on is kept but the file's version.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from ssot_lint.analysis.chunks import without_comments
from ssot_lint.analysis.parsing import SourceError
from ssot_lint.model import Finding
from ssot_lint.project.module_paths import is_compiled
from ssot_lint.run.cache import Signature, signature, trustworthy
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.reading import read_signed

T = TypeVar("T")

# Text a process keeps between calls, at most: Django's django/ is 5.7 MB, Home Assistant 39 MB.
LIMIT_BYTES = 256 * 1024 * 1024

_UNREAD = object()  # an entry's data before it is read
MISSING = object()  # what ``FileTexts.known`` gives for a result not derived yet
_BUFFER = "\0buffer"  # a buffer's key in the memo: its path and this (no path holds a NUL)


class _Entry:
    """One version of a file: its stat signature (a buffer's: its bytes), its bytes once read
    (a finding when it cannot be read), and what was derived from them, by key."""

    __slots__ = ("data", "derived", "version")

    def __init__(self, version: Signature | bytes | None, data: Any = _UNREAD) -> None:
        self.version = version
        self.data = data
        self.derived: dict[Hashable, Any] = {}


class _Memo:
    """The process's entries, by absolute path, least recently used first."""

    def __init__(self, limit: int = LIMIT_BYTES) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the language server answers on several threads

    def get(self, path: str, version: Signature | bytes) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(path)
            if entry is None or entry.version != version:
                return None
            self._entries.move_to_end(path)
            return entry

    def put(self, path: str, entry: _Entry) -> None:
        with self._lock:
            old = self._entries.pop(path, None)
            if old is not None:
                self._bytes -= _size(old)
            self._entries[path] = entry
            self._bytes += _size(entry)
            self._trim()

    def grew(self, path: str, entry: _Entry) -> None:
        """``entry`` (kept at ``path``) has just been read: count its bytes."""
        with self._lock:
            if self._entries.get(path) is entry:
                self._bytes += _size(entry)
                self._trim()

    def forget(self, paths: Iterable[str]) -> None:
        """Drop what is kept of the files at ``paths`` (absolute; not their buffers'): files
        changed or deleted on disk would be read again anyway (their signature changed), but
        a deleted one's bytes would stay until pushed out."""
        with self._lock:
            for path in paths:
                old = self._entries.pop(path, None)
                if old is not None:
                    self._bytes -= _size(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _trim(self) -> None:
        while self._bytes > self.limit and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= _size(dropped)


def _size(entry: _Entry) -> int:  # a buffer's bytes are counted as its version
    return len(entry.data) if isinstance(entry.data, bytes) else 0


MEMO = _Memo()


class FileTexts:
    """One call's view of the project's files (see the module docstring): ``buffers`` in place of
    their files; ``memo``: what the process keeps between calls."""

    def __init__(self, buffers: Mapping[str, bytes] | None = None, memo: _Memo = MEMO) -> None:
        self._buffers: Mapping[str, bytes] = buffers if buffers is not None else {}  # read lazily (history's git blobs)
        self._memo = memo
        self._entries: dict[str, _Entry] = {}
        # Signatures younger than the call (and a moment before it) are not trusted: see trustworthy.
        self._started_ns = time.time_ns()

    def __getstate__(self) -> dict[str, Any]:  # for a spawned worker: not the call's texts
        return {"_buffers": self._buffers, "_memo": None, "_entries": {}, "_started_ns": self._started_ns}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._memo = MEMO  # the worker's own

    def read(self, source: SourceFile) -> bytes | None:
        """The file's bytes (the buffer's, for a file an editor holds), read at most once per
        call; None when it cannot be read, or is no regular file (a FIFO named ``*.py`` would
        block, a link to ``/dev/zero`` never end)."""
        found = self.read_or_error(source)
        return None if isinstance(found, Finding) else found

    def read_or_error(self, source: SourceFile, cython: bool = False) -> bytes | Finding:
        """``read``, with why a file cannot be read (an ``SSOT000`` finding) instead of None. A
        compiled extension module's file is never read: it is no Python (its names are unknown);
        with ``cython``, a ``.pyx`` is read, as text for text tests alone."""
        if is_compiled(source.ref) and not (cython and source.ref.path.endswith(".pyx")):
            return SourceError("not read: a compiled extension module").finding()
        entry = self._entry(source)
        if entry.data is _UNREAD:
            read = read_signed(source)
            if isinstance(read, Finding):
                entry.data = read
            elif read[1] != entry.version:  # changed since it was looked at: this call's alone
                entry = self._entries[source.abspath] = _Entry(read[1], read[0])
            else:
                entry.data = read[0]
                self._memo.grew(source.abspath, entry)
        data: bytes | Finding = entry.data
        return data

    def derived(self, source: SourceFile, key: Hashable, compute: Callable[[bytes | None], T]) -> T:
        """``compute(the file's bytes)``, kept with this version of the file under ``key``: a
        function of the bytes alone (a text test of one word: ``("spells", word)``; a ``.pyx``
        is text to such a test, though no Python, with its comments blanked)."""
        found = self._entry(source).derived.get(key, MISSING)
        if found is MISSING:
            read = self.read_or_error(source, cython=True)
            data = None if isinstance(read, Finding) else read
            if data is not None and source.ref.path.endswith(".pyx"):
                data = without_comments(data)  # scikit-learn's "# ... into easy vars" stores nothing
            found = compute(data)
            self._entry(source).derived[key] = found  # the version read (see read)
        result: T = found
        return result

    def known(self, source: SourceFile, key: Hashable) -> Any:
        """What ``keep`` kept under ``key`` for this version of the file, else ``MISSING``."""
        return self._entry(source).derived.get(key, MISSING)

    def keep(self, source: SourceFile, key: Hashable, value: Any) -> None:
        """Keep ``value`` (derived from the file as it was when this call first looked at it,
        ``look``) under ``key``."""
        self._entry(source).derived[key] = value

    def look(self, source: SourceFile) -> None:
        """Look at the file now (its signature, before anything reads it): what a result kept
        for it is then kept under."""
        self._entry(source)

    def _entry(self, source: SourceFile) -> _Entry:
        path = source.abspath
        entry = self._entries.get(path)
        if entry is not None:
            return entry
        buffered = self._buffers.get(path)
        if buffered is not None:
            # Kept beside the file's entry: the file is read again once the buffer is closed.
            entry = self._memo.get(path + _BUFFER, buffered)
            if entry is None:
                entry = _Entry(buffered, buffered)
                self._memo.put(path + _BUFFER, entry)
        else:
            try:
                sig: Signature | None = signature(os.stat(path))
            except OSError:
                sig = None
            entry = self._memo.get(path, sig) if sig is not None else None
            if entry is None:
                entry = _Entry(sig)
                if sig is not None and trustworthy(sig, self._started_ns):
                    self._memo.put(path, entry)
        self._entries[path] = entry
        return entry
