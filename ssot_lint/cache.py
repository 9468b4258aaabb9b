"""Content-addressed per-file result cache in one SQLite file.

A key covers everything a FileResult depends on: the file's git blob id (so blob ids from the
git index or from history are keys without reading the file), its module name, the exact
definitions of the rules applied to it, and the tool version. A value that fails to load is a
miss, never a wrong result.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from ssot_lint import __version__
from ssot_lint.kinds.base import Rule
from ssot_lint.model import FileRef, FileResult

SCHEMA_VERSION = 2  # 2: FileResult.suppressions, Finding.fingerprint (older pickles lack them)


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def result_key(blob: str, ref: FileRef, rules: Sequence[Rule]) -> str:
    h = hashlib.sha256()
    for part in (__version__, blob, ref.module, str(ref.is_package), *sorted(r.meta.digest + r.id for r in rules)):
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


class ResultCache:
    """Get and put FileResults by key. ``warning`` says why the cache is off or was rebuilt."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "results.sqlite"
        self.warning: str | None = None
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[str, bytes]] = []
        self._db: sqlite3.Connection | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            gitignore = directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            self._db = self._open()
        except (OSError, sqlite3.Error) as exc:
            self.warning = f"cache disabled: {directory} is not usable ({exc})"
            self._db = None

    def _open(self, rebuilt: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            (schema,) = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if schema != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"cache schema {schema}, expected {SCHEMA_VERSION}")
            db.execute("SELECT count(*) FROM results").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            db.close()
            if rebuilt:
                raise
            self.warning = f"cache at {self.path} was unreadable ({exc}); rebuilt it"
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
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                    result = _load(value)
                    if result is not None:
                        found[key] = result
        except sqlite3.DatabaseError as exc:
            self.warning = f"cache read failed ({exc}); analysing without it"
            return {}
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put(self, key: str, result: FileResult) -> None:
        if self._db is not None:
            self._pending.append((key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", self._pending)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self.warning = f"cache write failed ({exc}); results were not stored"
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


def _load(value: bytes) -> FileResult | None:
    try:
        result = pickle.loads(value)
    except Exception:  # a damaged row is a miss
        return None
    return result if isinstance(result, FileResult) else None


