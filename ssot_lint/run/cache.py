"""Content-addressed per-file result cache in one SQLite file.

A key covers everything a FileResult depends on: the file's git blob id (so blob ids from the
git index or from history are keys without reading the file), its module name, the exact
definitions of the rules applied to it, and the code that computes results (tool version, a
digest of ssot-lint's own source and of any plugin rule kind's module, libcst and Python
versions). A value that fails to load is a miss, never a wrong result.

Values are pickles read back by an unpickler that only admits the classes registered with
``model.cache_value`` (results, findings and the kinds' facts), so a planted cache file cannot
run code. The database carries an application id; a file at the
cache path that is not ours, or not a database, is replaced with a one-line warning.
Concurrent runs share the file safely: WAL mode, a busy timeout, short write transactions,
and identical values for identical keys (``INSERT OR IGNORE``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import ssot_lint
from ssot_lint import model
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult

SCHEMA_VERSION = 3  # 2: FileResult.suppressions, Finding.fingerprint; 3: stat signatures, application id
APPLICATION_ID = 0x5353_4F54  # "SSOT" in the SQLite header: tells our cache from any other file
_FLUSH_EVERY = 1000  # results buffered before a write: an interrupted run keeps most of its work
_LOOKUP_CHUNK = 500  # keys per SELECT: under SQLite's bound-parameter limit
_OPEN_ATTEMPTS = 20  # ~10 s in all: another run creating the cache takes milliseconds
_OUR_TABLES = frozenset({"meta", "results", "files"})
_WITH_AGGREGATES = _OUR_TABLES | {"aggregates"}  # added in schema 3 without a rebuild: older caches lack it


Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
RACY_SECONDS = 2.0


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def trustworthy(sig: Signature, now_ns: int) -> bool:
    """A file changed within the last moments could change again within the same timestamp
    tick without its signature changing (git's "racy" entries): such signatures are not kept."""
    limit = now_ns - int(RACY_SECONDS * 1e9)
    return sig[1] < limit and sig[2] < limit


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@cache
def _code_digest(kinds: frozenset[type]) -> str:
    """ssot-lint's own sources and the module of every plugin rule kind in use: editing the
    analyzing code without bumping the version must not serve stale results."""
    import inspect  # only needed once per process

    files = {str(p) for p in Path(ssot_lint.__file__).parent.rglob("*.py")}
    for kind in kinds:
        try:
            files.add(inspect.getfile(kind))
        except (TypeError, OSError):
            pass
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(Path(name).read_bytes())
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()


def _libcst_stamp() -> str:
    """Which libcst is installed (plugin kinds may read its tree), without importlib.metadata,
    which costs ~30 ms of start-up: reinstalling or upgrading rewrites its package files."""
    spec = importlib.util.find_spec("libcst")
    if spec is None or spec.origin is None:
        return "no libcst"
    try:
        info = os.stat(os.path.join(os.path.dirname(spec.origin), "_version.py"))
    except OSError:
        info = os.stat(spec.origin)
    return f"libcst {info.st_size} {info.st_mtime_ns}"


@lru_cache(maxsize=256)
def _context(rules: tuple[Rule, ...], version: str) -> bytes:
    h = hashlib.sha256()
    for part in (version, _code_digest(frozenset(type(r) for r in rules)), _libcst_stamp(), sys.version):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for rule_id, digest in sorted((r.id, r.meta.digest) for r in rules):
        h.update(f"{rule_id}\0{digest}\0".encode("utf-8", "surrogateescape"))
    return h.digest()


def context_digest(rules: Sequence[Rule]) -> bytes:
    """Everything about the analyzing code and the applied rules that a result depends on."""
    return _context(tuple(rules), ssot_lint.__version__)


def result_key(blob: str, ref: FileRef, rules: Sequence[Rule]) -> str:
    h = hashlib.sha256(context_digest(rules))
    for part in (blob, ref.module, str(ref.is_package), str(ref.implied)):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


class ResultCache:
    """Get and put FileResults by key. ``warnings`` say why the cache is off or was rebuilt."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "results.sqlite"
        self.warnings: list[str] = []
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[str, bytes]] = []
        self._db: sqlite3.Connection | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            gitignore = directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            self._db = self._open_shared()
        except (OSError, sqlite3.Error) as exc:
            self._warn(f"cache disabled: {directory} is not usable ({exc})")
            self._db = None

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _open_shared(self) -> sqlite3.Connection:
        """Open, waiting out another run that is creating the same cache: switching a new
        database to WAL needs a lock that SQLite reports as busy without waiting for it."""
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == _OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _open(self, rebuilt: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            (app_id,) = db.execute("PRAGMA application_id").fetchone()  # reads the header: fails on non-databases
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            # A run creating the cache concurrently can show its tables (all three: they are made in
            # one transaction) before the application id; that file is ours and must not be deleted.
            if app_id != APPLICATION_ID and (app_id != 0 or tables not in (set(), _OUR_TABLES, _WITH_AGGREGATES)):
                raise sqlite3.DatabaseError("not an ssot-lint cache")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
            db.execute(
                "CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
                " ctime_ns INTEGER, inode INTEGER, blob TEXT NOT NULL) WITHOUT ROWID"
            )
            db.execute("CREATE TABLE IF NOT EXISTS aggregates (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            db.execute("COMMIT")
            (schema,) = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if schema != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"cache schema {schema}, expected {SCHEMA_VERSION}")
            db.execute("SELECT count(*) FROM results").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            db.close()
            if rebuilt or "readonly" in str(exc) or "locked" in str(exc):
                raise
            self._warn(f"cache at {self.path} was unreadable ({exc}); rebuilt it")
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            return self._open(rebuilt=True)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, FileResult]:
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, FileResult] = {}
        loaded: dict[bytes, FileResult | None] = {}  # most values are the same few bytes (no findings)
        try:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                    if value not in loaded:
                        loaded[value] = load_value(value)
                    result = loaded[value]
                    if result is not None:
                        found[key] = result
        except sqlite3.DatabaseError as exc:
            self._warn(f"cache read failed ({exc}); analyzing without it")
            return {}
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def is_empty(self) -> bool:
        """No results at all (a first run, or after ``cache clear``): looking keys up is moot."""
        if self._db is None:
            return True
        try:
            return self._db.execute("SELECT 1 FROM results LIMIT 1").fetchone() is None
        except sqlite3.DatabaseError as exc:
            self._warn(f"cache read failed ({exc}); analyzing without it")
            return True

    def blob_ids(self) -> dict[str, tuple[Signature, str]]:
        """Path -> (stat signature, blob id) as recorded by earlier runs: like git's index, it
        lets a file whose signature is unchanged skip reading and hashing."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT path, size, mtime_ns, ctime_ns, inode, blob FROM files").fetchall()
        except sqlite3.DatabaseError as exc:
            self._warn(f"cache read failed ({exc}); analyzing without it")
            return {}
        encoding = sys.getfilesystemencoding()  # os.fsdecode, minus its per-call overhead
        return {path.decode(encoding, "surrogateescape"): ((size, mtime, ctime, inode), blob) for path, size, mtime, ctime, inode, blob in rows}

    def remember_blob_ids(self, entries: Iterable[tuple[str, Signature, str]]) -> None:
        """Record (path, stat signature, blob id). Only call it for signatures taken before
        the bytes were read and at least ``RACY_SECONDS`` old (see ``trustworthy``)."""
        rows = [(os.fsencode(path), *signature, blob) for path, signature, blob in entries]
        if rows:
            self._write("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", rows)

    def _write(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """One write transaction; a failure is a warning and a rollback, never an error."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(statement, rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._warn(f"cache write failed ({exc}); results were not stored")
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def get_aggregate(self, key: str) -> bytes | None:
        """The stored aggregation memo ``key`` (see ``run.aggregation_memo``), as written."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM aggregates WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._warn(f"cache read failed ({exc}); analyzing without it")
            return None
        return row[0] if row is not None else None

    def put_aggregate(self, key: str, value: bytes) -> None:
        self._write("INSERT OR REPLACE INTO aggregates VALUES (?, ?)", [(key, value)])

    def put(self, key: str, result: FileResult) -> None:
        if self._db is not None:
            self._pending.append((key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))
            if len(self._pending) >= _FLUSH_EVERY:
                self.flush()

    def flush(self) -> None:
        if self._pending:
            self._write("INSERT OR IGNORE INTO results VALUES (?, ?)", self._pending)
        self._pending.clear()

    def info(self) -> dict[str, Any]:
        """Location, number of entries and bytes on disk (database and its WAL files)."""
        entries = 0
        if self._db is not None:
            (entries,) = self._db.execute("SELECT count(*) FROM results").fetchone()
        size = sum(p.stat().st_size for p in self.directory.glob("results.sqlite*") if p.is_file())
        return {"path": str(self.path), "entries": entries, "bytes": size, "schema": SCHEMA_VERSION}

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        if self._db is None:
            return 0
        self._pending.clear()
        self._db.execute("BEGIN IMMEDIATE")
        (entries,) = self._db.execute("SELECT count(*) FROM results").fetchone()
        self._db.execute("DELETE FROM results")
        self._db.execute("DELETE FROM files")
        self._db.execute("DELETE FROM aggregates")
        self._db.execute("COMMIT")
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return entries

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


class _ResultUnpickler(pickle.Unpickler):
    """Admits only registered result types (``model.cache_value``): a cache file from anywhere
    else cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return model.CACHE_VALUE_TYPES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cache value type") from None


def load_restricted(value: bytes) -> Any:
    """A value pickled from cache value types and builtins; None when it does not load."""
    try:
        return _ResultUnpickler(io.BytesIO(value)).load()
    except Exception:  # a damaged or foreign row is a miss
        return None


def load_value(value: bytes) -> FileResult | None:
    result = load_restricted(value)
    return result if isinstance(result, FileResult) else None
