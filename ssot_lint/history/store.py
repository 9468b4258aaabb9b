"""The snapshot store: one SQLite file, ``.ssot-lint/history.db`` in the project.

Schema (version ``SCHEMA_VERSION``, kept in ``schema_version``; a store of version 1 is migrated
in place, a newer one refused with a clear error rather than misread):

- ``snapshots``: one row per snapshot. ``commit_sha`` (NULL for the working tree), ``label``,
  ``series`` (which trend it belongs to: the file scope, and current rules or rules at each
  commit), ``ruleset_digest`` (what exactly it was computed with: the rules' keys, the file
  scope and the tool version; ``(commit_sha, ruleset_digest)`` is unique, so a stored commit is
  never recomputed), ``commit_time``/``author_time`` (epoch seconds), ``subject``,
  ``recorded_at``, ``tool_version``, ``files``, ``parse_errors``, ``note``, ``complete`` (0 when
  the note says why there are no counts), ``generation`` (the commit's place in the commit graph,
  ``GitRepo.generations``: ``trend`` draws commits in this order; NULL for the working tree and
  for commits stored before version 3 until ``history`` reuses them).
- ``rule_counts``: ``(snapshot_id, rule_id)`` -> ``kind``, ``severity``, ``count``, ``findings``,
  ``max``, ``rule_key`` (what decides the rule's counts: its kind, options and scope; a trend
  shows a count where it equals the rule's key today). Version 1 had no ``rule_key`` (it is '':
  see ``adopt_legacy``).
- ``file_counts``: ``(snapshot_id, path, rule_id)`` -> ``findings``, for every file with findings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from ssot_lint.errors import ConfigError
from ssot_lint.history.model import RuleCount, Snapshot

SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    commit_sha TEXT,
    label TEXT NOT NULL,
    series TEXT NOT NULL,
    ruleset_digest TEXT NOT NULL,
    commit_time INTEGER,
    author_time INTEGER,
    subject TEXT NOT NULL DEFAULT '',
    recorded_at INTEGER NOT NULL,
    tool_version TEXT NOT NULL,
    files INTEGER NOT NULL,
    parse_errors INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    complete INTEGER NOT NULL,
    generation INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS snapshots_commit ON snapshots (commit_sha, ruleset_digest) WHERE commit_sha IS NOT NULL;
CREATE INDEX IF NOT EXISTS snapshots_series ON snapshots (series);
CREATE TABLE IF NOT EXISTS rule_counts (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    count INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    max INTEGER,
    rule_key TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (snapshot_id, rule_id)
);
CREATE TABLE IF NOT EXISTS file_counts (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    findings INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, path, rule_id)
);
"""

# What makes a store of an earlier version this one: version 1 had no rule keys ('' until
# adopted), version 2 no generations (NULL until ``history`` reuses the snapshot).
_ADD_KEYS = "ALTER TABLE rule_counts ADD COLUMN rule_key TEXT NOT NULL DEFAULT '';"
_ADD_GENERATIONS = "ALTER TABLE snapshots ADD COLUMN generation INTEGER;"
_MIGRATIONS = {1: (_ADD_KEYS, _ADD_GENERATIONS), 2: (_ADD_GENERATIONS,)}

_LEGACY = "instr(series, ':') = 0"  # a snapshot of version 1 not adopted since (see ``legacy``)

_COLUMNS = (
    "id",
    "commit_sha",
    "label",
    "series",
    "ruleset_digest",
    "commit_time",
    "author_time",
    "subject",
    "recorded_at",
    "tool_version",
    "files",
    "parse_errors",
    "note",
    "complete",
    "generation",
)


OWN_DIRECTORY = ".ssot-lint"  # the default store's folder: ssot-lint's alone, so it ignores itself in git


def default_path(project_root: Path) -> Path:
    return project_root / OWN_DIRECTORY / "history.db"


class HistoryStore:
    def __init__(self, path: Path, create: bool = True) -> None:
        """Open the store at ``path`` to write into it (``create``: made when missing; an earlier
        version is migrated in place), or with ``create`` off only to read an existing store
        (``trend --store``, a store merged from): opened read-only, never migrated, its journal
        mode left as it is, so the file stays byte-identical. Either way a SQLite file that is not
        a history store (no ``schema_version`` table) is refused rather than written into."""
        self.path = path
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Only ssot-lint's own directory: a folder the user chose (the project root, for a
                # CI shard's store) would have git ignore everything in it.
                gitignore = path.parent / ".gitignore"
                if path.parent.name == OWN_DIRECTORY and not gitignore.exists():
                    gitignore.write_text("*\n")
                self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
                self._refuse_other_databases(empty_ok=True)
                self._open_for_writing()
            elif not path.is_file():
                raise ConfigError("no history store here", str(path))
            else:
                self._db = self._open_read_only()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot open the history store: {exc}", str(path)) from None

    def _refuse_other_databases(self, empty_ok: bool) -> None:
        """Refuse a database without our ``schema_version`` table; one with no table at all (an
        empty file) becomes a store when it is opened for writing."""
        tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in tables and (tables or not empty_ok):
            self._db.close()
            raise ConfigError("not a history store (no schema_version table)", str(self.path))

    def _open_for_writing(self) -> None:
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            self._db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        elif row[0] in _MIGRATIONS:  # written by an earlier ssot-lint
            self._db.executescript(f"BEGIN IMMEDIATE; {''.join(_MIGRATIONS[row[0]])} UPDATE schema_version SET version = {SCHEMA_VERSION}; COMMIT;")
        elif row[0] != SCHEMA_VERSION:
            raise self._newer(row[0])

    def _open_read_only(self) -> sqlite3.Connection:
        """A read-only connection; a store of an earlier version is copied into memory and
        migrated there. Without a ``-wal`` file next to it (a store closed cleanly) the file is
        opened immutable: a read-only connection to a WAL-mode file would otherwise leave empty
        ``-wal`` and ``-shm`` files behind."""
        wal = self.path.with_name(self.path.name + "-wal")
        uri = self.path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
        db = self._db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        try:
            self._refuse_other_databases(empty_ok=False)
            row = db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                raise ConfigError("not a history store (no schema version in its schema_version table)", str(self.path))
            if row[0] != SCHEMA_VERSION and row[0] not in _MIGRATIONS:
                raise self._newer(row[0])
            if row[0] == SCHEMA_VERSION and not self.legacy_ids():
                return db
            # Reading it takes writes (a migration, adopting snapshots of version 1): in a copy.
            memory = sqlite3.connect(":memory:", isolation_level=None)
            db.backup(memory)
        except BaseException:
            db.close()
            raise
        db.close()
        if row[0] != SCHEMA_VERSION:
            memory.executescript(f"BEGIN; {''.join(_MIGRATIONS[row[0]])} UPDATE schema_version SET version = {SCHEMA_VERSION}; COMMIT;")
        return memory

    def _newer(self, version: int) -> ConfigError:
        return ConfigError(
            f"history store has schema version {version}, this ssot-lint reads {SCHEMA_VERSION}; move it aside to start a new one", str(self.path)
        )

    def find(self, commit: str, ruleset_digest: str) -> Snapshot | None:
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM snapshots WHERE commit_sha = ? AND ruleset_digest = ?", (commit, ruleset_digest)).fetchone()
        return self._load([row])[0] if row else None

    def series(self, series: str) -> list[Snapshot]:
        """Every snapshot of a series, oldest first (commit date; working-tree snapshots by record time)."""
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM snapshots WHERE series = ? ORDER BY coalesce(commit_time, recorded_at), id", (series,)
        ).fetchall()
        return self._load(rows)

    def set_generations(self, generations: dict[int, int]) -> None:
        """Record the generation of stored snapshots (snapshot id -> generation) that lack one."""
        if generations:
            self._db.executemany("UPDATE snapshots SET generation = ? WHERE id = ? AND generation IS NULL", [(g, i) for i, g in generations.items()])

    def is_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM snapshots LIMIT 1").fetchone() is None

    def add(self, snapshot: Snapshot) -> Snapshot:
        """Store a snapshot in one transaction (a re-computed commit replaces its old row)."""
        with self._transaction():
            if snapshot.commit is not None:
                self._db.execute("DELETE FROM snapshots WHERE commit_sha = ? AND ruleset_digest = ?", (snapshot.commit, snapshot.ruleset_digest))
            self._insert(snapshot)
        return snapshot

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise ConfigError(f"cannot write the history store: {exc}", str(self.path)) from None
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _insert(self, snapshot: Snapshot) -> None:
        db = self._db
        cursor = db.execute(
            f"INSERT INTO snapshots ({', '.join(_COLUMNS[1:])}) VALUES ({', '.join('?' * (len(_COLUMNS) - 1))})",
            (
                snapshot.commit,
                snapshot.label,
                snapshot.series,
                snapshot.ruleset_digest,
                snapshot.commit_time,
                snapshot.author_time,
                snapshot.subject,
                snapshot.recorded_at,
                snapshot.tool_version,
                snapshot.files,
                snapshot.parse_errors,
                snapshot.note,
                int(snapshot.complete),
                snapshot.generation,
            ),
        )
        snapshot.id = cursor.lastrowid
        db.executemany(
            "INSERT INTO rule_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(snapshot.id, r.rule_id, r.kind, r.severity, r.count, r.findings, r.max, r.key) for r in snapshot.rules],
        )
        db.executemany(
            "INSERT INTO file_counts VALUES (?, ?, ?, ?)",
            [(snapshot.id, path, rule, n) for path, rules in snapshot.file_counts.items() for rule, n in rules.items()],
        )

    def legacy(self) -> list[Snapshot]:
        """Snapshots written by ssot-lint before rule keys (schema 1; their series is a bare hash,
        today's are ``scope:...`` or ``at-commit:...``) and not adopted since."""
        rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM snapshots WHERE {_LEGACY} ORDER BY id").fetchall()
        return self._load(rows)

    def legacy_ids(self) -> list[int]:
        return [sid for (sid,) in self._db.execute(f"SELECT id FROM snapshots WHERE {_LEGACY}")]

    def adopt_legacy(self, snapshot_ids: list[int], series: str, digests: dict[int, str], keys: dict[str, str]) -> None:
        """Give snapshots of schema 1 the series, digest and rule keys of today's rules, once it is
        known they were computed with exactly these rules (see ``history.model.adopt``)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for sid in snapshot_ids:
                digest = digests.get(sid)
                clash = (
                    digest is not None
                    and db.execute(
                        "SELECT 1 FROM snapshots WHERE id != ? AND ruleset_digest = ? AND commit_sha = (SELECT commit_sha FROM snapshots WHERE id = ?)",
                        (sid, digest, sid),
                    ).fetchone()
                )
                if clash:  # the commit was computed again with these rules since: the old row adds nothing
                    db.execute("DELETE FROM snapshots WHERE id = ?", (sid,))
                    continue
                if digest is None:
                    db.execute("UPDATE snapshots SET series = ? WHERE id = ?", (series, sid))
                else:
                    db.execute("UPDATE snapshots SET series = ?, ruleset_digest = ? WHERE id = ?", (series, digest, sid))
                db.executemany("UPDATE rule_counts SET rule_key = ? WHERE snapshot_id = ? AND rule_id = ?", [(key, sid, rule) for rule, key in keys.items()])
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise ConfigError(f"cannot write the history store: {exc}", str(self.path)) from None

    def all(self) -> list[Snapshot]:
        return self._load(self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM snapshots ORDER BY id"))

    def commits(self) -> list[str]:
        """The commits this store has snapshots of."""
        return [sha for (sha,) in self._db.execute("SELECT DISTINCT commit_sha FROM snapshots WHERE commit_sha IS NOT NULL ORDER BY id")]

    def merge(self, others: Iterable[HistoryStore]) -> int:
        """Add the snapshots of ``others`` that this store lacks, all in one transaction (a store
        that fails to read leaves this one as it was); return how many were added. A commit's
        snapshot is identified by (commit, rules digest); a working-tree one by its series and time."""
        have = {(s.commit, s.ruleset_digest) if s.commit else (s.series, s.recorded_at, s.label) for s in self.all()}
        added = 0
        with self._transaction():
            for other in others:
                for snapshot in other.all():
                    key = (snapshot.commit, snapshot.ruleset_digest) if snapshot.commit else (snapshot.series, snapshot.recorded_at, snapshot.label)
                    if key not in have:
                        have.add(key)
                        self._insert(dataclasses.replace(snapshot, id=None))
                        added += 1
        return added

    def _load(self, rows: Iterable[tuple]) -> list[Snapshot]:
        snapshots = {}
        for row in rows:
            values = dict(zip(_COLUMNS, row))  # each column is the Snapshot field of its name but these two
            commit, complete = values.pop("commit_sha"), bool(values.pop("complete"))
            snapshots[values["id"]] = Snapshot(commit=commit, complete=complete, **values)
        ids = list(snapshots)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for sid, rule_id, kind, severity, count, findings, ceiling, key in self._db.execute(
                f"SELECT snapshot_id, rule_id, kind, severity, count, findings, max, rule_key FROM rule_counts WHERE snapshot_id IN ({marks}) ORDER BY rowid",
                chunk,
            ):
                snapshots[sid].rules.append(RuleCount(rule_id, kind, severity, count, findings, ceiling, key))
            for sid, path, rule_id, findings in self._db.execute(f"SELECT * FROM file_counts WHERE snapshot_id IN ({marks}) ORDER BY path, rule_id", chunk):
                snapshots[sid].file_counts.setdefault(path, {})[rule_id] = findings
        return list(snapshots.values())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
