"""The recording half of replay (see ``ssot_lint.replay.play``): what a slow ``check`` depended on,
its output, and the memo written from them. Imported only when a run is not replayed."""

from __future__ import annotations

import contextlib
import io
import marshal
import os
import stat
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import ssot_lint
from ssot_lint.observer import Observer
from ssot_lint.replay.play import REPLAY_DIR, memo_name, run_key, signature

if TYPE_CHECKING:
    from ssot_lint.replay.play import Signature

MAX_MEMOS = 16  # pre-commit runs one command line per batch of files: keep the recent ones
# How long after a change a file stays "racy". Linux stamps files from a clock that ticks every
# 1-10 ms, so a tenth of a second covers sub-second timestamps; whole-second (or FAT's 2 s)
# timestamps get two seconds.
FINE_WINDOW_NS = 100_000_000
COARSE_WINDOW_NS = 2_000_000_000


def racy(sig: Signature, started_ns: int) -> bool:
    """Whether what ``sig`` describes changed so close to ``started_ns`` (or later) that another
    change could leave the same signature."""
    if len(sig) == 1:
        return False
    mtime, ctime = sig[2], sig[3]
    whole_seconds = mtime % 1_000_000_000 == 0 and ctime % 1_000_000_000 == 0
    window = COARSE_WINDOW_NS if whole_seconds else FINE_WINDOW_NS
    return max(mtime, ctime) > started_ns - window


class Recording(Observer):
    """What one slow run depended on, and whether its output may be replayed."""

    def __init__(self, argv: list[str], started_ns: int) -> None:
        self.key = run_key(argv)
        self.started_ns = started_ns
        self.seen: dict[str, Signature] = {}
        self.directory: str | None = None  # set by allow(): the run's cache directory
        self.refused = False
        self.output: list[tuple[int, bytearray]] = []  # (1 or 2, bytes) in the order written
        self.listings: dict[str, list[str]] = {}  # directories noted while racy -> their entries then

    def wrote(self, stream: int, data: bytes) -> None:
        if self.output and self.output[-1][0] == stream:
            self.output[-1][1].extend(data)
        else:
            self.output.append((stream, bytearray(data)))

    def note(self, path: str | os.PathLike[str]) -> None:
        path = os.fspath(path)
        if path not in self.seen:
            sig = self.seen[path] = signature(path)
            if len(sig) > 1 and stat.S_ISDIR(sig[0]) and racy(sig, self.started_ns):
                # Changed just now (the run itself created `.ssot-lint/` in the project root):
                # what the run reads of a directory is its listing, so keep it to compare at the end.
                with contextlib.suppress(OSError):
                    self.listings[path] = sorted(os.listdir(path))

    def refuse(self) -> None:
        self.refused = True

    def allow(self, cache_directory: str | os.PathLike[str]) -> None:
        """``check`` ran with options whose output may be replayed; memos go under its cache."""
        self.directory = os.fspath(cache_directory)

    def _inputs(self) -> dict[str, Signature] | None:
        """Every input with its signature now, or None if one changed during the run or too
        recently to be trusted."""
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str):
                self.note(filename)
        # Workers import some of ssot-lint's modules that this process never does: all of its
        # files count (and its directories, for a module added).
        for directory, subdirectories, names in os.walk(os.path.dirname(ssot_lint.__file__)):
            subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]  # bytecode follows the sources
            self.note(directory)
            for name in names:
                if name.endswith(".py"):
                    self.note(os.path.join(directory, name))
        settling: list[str] = []
        for path, before in self.seen.items():
            now = signature(path)
            if now != before:
                return None
            if racy(now, self.started_ns):
                if not self._same_listing(path, now):
                    return None
                settling.append(path)
        return self.seen if self._settle(settling) else None

    def _same_listing(self, path: str, sig: Signature) -> bool:
        """Whether a directory noted while racy still lists what it did then (only sub-second
        timestamps: on whole-second ones the wait below would be seconds)."""
        if path not in self.listings or len(sig) == 1 or sig[2] % 1_000_000_000 == 0:
            return False
        try:
            return sorted(os.listdir(path)) == self.listings[path]
        except OSError:
            return False

    def _settle(self, directories: list[str]) -> bool:
        """A racy directory whose listing is still the one the run read can be trusted once its
        timestamp is older than the racy window: a later change then gets a new one. Wait out
        the rest of the window (at most a tenth of a second, once per project: the first run
        creates `.ssot-lint/`), then check again that nothing changed meanwhile."""
        if not directories:
            return True
        newest = max(max(sig[2], sig[3]) for sig in (self.seen[path] for path in directories) if len(sig) == 5)
        time.sleep(max(0, newest + FINE_WINDOW_NS - time.time_ns()) / 1e9)
        return all(signature(path) == self.seen[path] and self._same_listing(path, self.seen[path]) for path in directories)

    def store(self, code: object) -> bool:
        """Write the memo if the run allowed it; False (and nothing written) otherwise."""
        if self.refused or self.directory is None or code not in (0, 1):
            return False
        inputs = self._inputs()
        if inputs is None:
            return False
        output = tuple((stream, bytes(data)) for stream, data in self.output)
        memo = (self.key, tuple(inputs), tuple(inputs.values()), output, code)
        directory = os.path.join(self.directory, REPLAY_DIR)
        target = os.path.join(directory, memo_name(self.key))
        temporary = f"{target}.{os.getpid()}.tmp"
        try:
            os.makedirs(directory, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(marshal.dumps(memo))
            os.replace(temporary, target)  # concurrent runs: each memo appears whole or not at all
            _prune(directory)
        except OSError:  # the cache said so already if it is unusable; a replay is only a shortcut
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            return False
        return True


def forget(cache_directory: str | os.PathLike[str]) -> None:
    """Delete every memo under the cache directory (``ssot-lint cache clear``)."""
    directory = os.path.join(cache_directory, REPLAY_DIR)
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.endswith(".memo"):
                with contextlib.suppress(FileNotFoundError):  # another clear got there first
                    os.unlink(entry.path)


def _prune(directory: str) -> None:
    memos = []
    for entry in os.scandir(directory):
        if entry.name.endswith(".memo"):
            with contextlib.suppress(OSError):
                memos.append((entry.stat().st_mtime_ns, entry.path))
    for _, path in sorted(memos, reverse=True)[MAX_MEMOS:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


class _Tee(io.BufferedIOBase):
    """Passes bytes to the real stream and keeps a copy."""

    def __init__(self, target: io.BufferedIOBase, rec: Recording, stream: int) -> None:
        self._target = target
        self._rec = rec
        self._stream = stream

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._target.write(data)
        self._rec.wrote(self._stream, data)
        return len(data)

    def flush(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            self._target.flush()

    def close(self) -> None:  # the real stream stays open
        self.flush()

    def writable(self) -> bool:
        return True

    @property
    def name(self) -> object:  # what the TextIOWrapper around it reports as its name
        return getattr(self._target, "name", None)

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()


@contextlib.contextmanager
def _capture(rec: Recording, stream: int) -> Iterator[None]:
    name = "stdout" if stream == 1 else "stderr"
    original = getattr(sys, name)
    buffer = getattr(original, "buffer", None)
    if buffer is None:
        rec.refuse()
        yield
        return
    original.flush()
    wrapper = io.TextIOWrapper(
        _Tee(buffer, rec, stream), encoding=original.encoding, errors=original.errors, line_buffering=original.line_buffering, write_through=True
    )
    setattr(sys, name, wrapper)
    try:
        yield
    finally:
        wrapper.flush()
        setattr(sys, name, original)


@contextlib.contextmanager
def recording(argv: list[str], started_ns: int) -> Iterator[Recording]:
    """Record the run inside the block: its output, and the inputs the run notes on the recording
    (it is the run's observer)."""
    rec = Recording(argv, started_ns)
    with _capture(rec, 1), _capture(rec, 2):
        yield rec
