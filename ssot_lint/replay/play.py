"""Replay the last identical ``check``: same command line, working directory, environment,
interpreter and terminal, and every file and directory the run looked at unchanged, means the
same output and exit code, so they are written again without loading the linter at all.

Why: a warm run (every result in the cache) still spends ~0.3 s importing click and the rule
kinds, walking the tree and looking up thousands of cache keys, while ruff's whole warm run takes
0.02-0.06 s. A replay costs one ``stat`` per input.

How it stays correct:

- The slow path *records* (``ssot_lint.replay.record``): the executable passes its ``Recording``
  to the run as its ``Observer``, and every place that reads the file system to decide the output
  calls the observer's ``note`` (config and rule files, including the places where a config file
  could appear, walked directories, ``.gitignore`` and ``__init__.py`` probes, source files, the
  baseline); the run's stdout and stderr bytes are captured as they are written.
- A memo is stored only when ``check`` says its options allow one (``allow``: no fixing,
  recording, timings, files written or ``--no-cache``) and nothing refused it (``refuse``:
  plugin rule kinds, cache warnings, crashed or timed-out files, a progress bar).
- Before storing, every input is looked at again: the memo is dropped if one changed during the
  run, or changed so recently that a further change could keep the same timestamp (git's "racy"
  entries), and the modules the run imported count as inputs too (an upgrade invalidates).
- A replay compares the whole key and every signature (mode, size, mtime, ctime, inode): any
  difference, or anything unexpected in the memo file, means the normal run.

This half runs before anything else on every start: a few standard modules, no pathlib or typing.
"""

from __future__ import annotations

import binascii
import marshal
import os
import sys

import ssot_lint

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds, a tenth of a replay
    from collections.abc import Iterator

    # (mode, size, mtime_ns, ctime_ns, inode) of what is there, or (errno,) when stat failed.
    Signature = tuple[int, int, int, int, int] | tuple[int]

MEMO_FORMAT = 1
REPLAY_DIR = "replay"  # inside the result cache directory, so `cache clear` empties it too
DEFAULT_CACHE = os.path.join(".ssot-lint", "cache")
# Shell bookkeeping that differs between identical invocations and that nothing here reads.
VOLATILE_ENV = frozenset({"_", "OLDPWD", "PWD", "SHLVL"})


def signature(path: str) -> Signature:
    try:
        st = os.stat(path)
    except OSError as exc:
        return (exc.errno or -1,)
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _terminal(stream: object) -> object:
    try:
        if not stream.isatty():  # type: ignore[attr-defined]
            return None
        return tuple(os.get_terminal_size(stream.fileno()))  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return "unknown"


def run_key(argv: list[str]) -> tuple:
    """Everything besides files that the output could depend on."""
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE_ENV))
    streams = tuple((getattr(s, "encoding", None), getattr(s, "errors", None), _terminal(s)) for s in (sys.stdout, sys.stderr))
    interpreter = (sys.version, sys.executable, tuple(sys.flags), tuple(sys.warnoptions), tuple(sorted(map(str, sys._xoptions.items()))))
    return (MEMO_FORMAT, ssot_lint.__version__, interpreter, os.getcwd(), tuple(argv), env, streams)


def memo_name(key: tuple) -> str:
    # Only spreads memos over file names: the memo holds the whole key and is compared in full.
    # (Not marshal's bytes: they depend on which equal objects happen to be shared.)
    return f"{binascii.crc32(repr(key).encode('utf-8', 'surrogateescape')):08x}.memo"


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1 :]
    return None


def memo_directories(argv: list[str]) -> Iterator[str]:
    """Where a memo for this command line could be: ``--cache-dir``, the default cache of the
    ``--config`` file's project, then the default cache of the working directory and each parent
    (the project root is one of them when the config was found by walking up)."""
    given = _option(argv, "--cache-dir")
    if given:
        yield os.path.join(given, REPLAY_DIR)
    config = _option(argv, "--config")
    if config:
        yield os.path.join(os.path.dirname(os.path.abspath(config)), DEFAULT_CACHE, REPLAY_DIR)
    directory = os.getcwd()
    while True:
        yield os.path.join(directory, DEFAULT_CACHE, REPLAY_DIR)
        parent = os.path.dirname(directory)
        if parent == directory:
            return
        directory = parent


def _load(path: str, key: tuple) -> tuple | None:
    try:
        with open(path, "rb") as handle:
            memo = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    # Anything but the exact shape we write (say, a planted code object) is not a memo.
    if not (isinstance(memo, tuple) and len(memo) == 5 and memo[0] == key):
        return None
    _, paths, sigs, output, code = memo
    if not (isinstance(paths, tuple) and isinstance(sigs, tuple) and len(paths) == len(sigs) and type(code) is int):
        return None
    if not (isinstance(output, tuple) and all(isinstance(c, tuple) and len(c) == 2 and c[0] in (1, 2) and isinstance(c[1], bytes) for c in output)):
        return None
    return memo


def _unchanged(paths: tuple, sigs: tuple) -> bool:
    """``signature`` inlined: this loop is most of a replay (a few microseconds per path)."""
    stat = os.stat
    for path, sig in zip(paths, sigs):
        try:
            st = stat(path)
        except OSError as exc:
            if (exc.errno or -1,) != sig:
                return False
            continue
        if (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) != sig:
            return False
    return True


def replay(argv: list[str]) -> int | None:
    """Write the recorded output and return the exit code, or None when there is nothing valid
    to replay (then nothing was written)."""
    try:
        key = run_key(argv)
        name = memo_name(key)
        memo = next((m for m in (_load(os.path.join(d, name), key) for d in memo_directories(argv)) if m is not None), None)
        if memo is None:
            return None
        _, paths, sigs, output, code = memo
        if not _unchanged(paths, sigs):
            return None
        streams = {1: (sys.stdout, sys.stdout.buffer), 2: (sys.stderr, sys.stderr.buffer)}
    except Exception:  # noqa: BLE001 - replay is a shortcut: whatever goes wrong, run normally
        return None
    for number, data in output:  # in the order the run wrote them
        text, binary = streams[number]
        text.flush()
        binary.write(data)
        binary.flush()
    return code
