"""Read commits, trees and blobs through the git command line, never touching the work tree.

``git rev-list`` selects commits, ``git ls-tree -r -z --full-tree`` lists a commit's blob ids and
paths without reading any file, and one long-lived ``git cat-file --batch`` process streams the
blobs we do need. Nothing is checked out, so a dirty or detached work tree is fine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ssot_lint.errors import ConfigError


class GitError(ConfigError):
    """git refused (not a repository, unknown revision, ...): one line, exit 2."""


@dataclass(frozen=True)
class Commit:
    sha: str
    commit_time: int  # committer date, seconds since the epoch
    author_time: int
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class TreeEntry:
    """A file in a commit's tree. ``path`` is repository-relative, ``/``-separated, OS-decoded."""

    path: str
    blob: str
    mode: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256
_ENV = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


class Repository:
    """The git repository holding ``directory``. ``prefix`` is the directory's path inside it
    (``""`` at the top, else ending in ``/``)."""

    def __init__(self, directory: Path) -> None:
        if shutil.which("git") is None:
            raise GitError("git is not installed or not on PATH")
        self.directory = directory
        try:
            out = self._run("rev-parse", "--show-toplevel", "--show-prefix", cwd=directory)
        except GitError as exc:
            if "not a git repository" in str(exc):
                raise GitError(f"{directory}: not a git repository (history reads commits from git)") from None
            raise GitError(f"{directory}: {exc}") from None
        lines = os.fsdecode(out).split("\n")
        self.toplevel = Path(lines[0])
        self.prefix = lines[1] if len(lines) > 1 else ""

    def _run(self, *args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
        proc = subprocess.run(
            ["git", *args], cwd=cwd or self.toplevel, env=_ENV, input=stdin, stdin=subprocess.DEVNULL if stdin is None else None, capture_output=True
        )
        if proc.returncode != 0:
            lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            first = lines[0].removeprefix("fatal: ") if lines else f"exit status {proc.returncode}"
            raise GitError(f"git {args[0]}: {first}")
        return proc.stdout

    def is_shallow(self) -> bool:
        return self._run("rev-parse", "--is-shallow-repository").strip() == b"true"

    def shallow_boundary(self) -> set[str]:
        """Commits whose parents a shallow clone does not have."""
        path = self.toplevel / os.fsdecode(self._run("rev-parse", "--git-path", "shallow").strip())
        try:
            return set(path.read_text().split())
        except OSError:
            return set()

    def commits(
        self, rev_range: str | None, first_parent: bool = False, max_count: int | None = None, since: str | None = None, until: str | None = None
    ) -> list[Commit]:
        """Commits of ``rev_range`` (default HEAD; anything ``git rev-list`` accepts, e.g. ``v1..main``),
        newest first; ``since``/``until`` limit their commit dates as ``git rev-list`` does."""
        revs = (rev_range or "HEAD").split()
        for rev in revs:
            if rev.startswith("-"):
                raise GitError(f"invalid revision {rev!r}: a revision cannot start with '-'")
        args = ["rev-list", "--format=%H%x00%ct%x00%at%x00%s"]
        if first_parent:
            args.append("--first-parent")
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        args += [f"--since={since}"] * (since is not None) + [f"--until={until}"] * (until is not None)
        try:
            out = self._run(*args, *revs, "--")
        except GitError as exc:
            raise GitError(self._explain_bad_revision(rev_range or "HEAD", str(exc))) from None
        commits = []
        for line in out.decode("utf-8", "replace").split("\n"):
            if "\0" in line:
                sha, commit_time, author_time, subject = line.split("\0", 3)
                commits.append(Commit(sha, int(commit_time), int(author_time), subject))
        return commits

    def generations(self, shas: list[str]) -> dict[str, int]:
        """Each commit's generation: 1 for a root (or a shallow clone's boundary), else one more
        than its highest parent's. An ancestor's is always lower, whatever the commit dates say,
        so it orders commits as history made them, comparably across runs and shards."""
        if not shas:
            return {}
        out = self._run("rev-list", "--topo-order", "--reverse", "--parents", "--stdin", stdin="\n".join(shas).encode() + b"\n")
        generation: dict[str, int] = {}
        for line in out.decode("ascii", "replace").split("\n"):
            sha, *parents = line.split() or [""]
            if sha:
                generation[sha] = 1 + max((generation.get(p, 0) for p in parents), default=0)
        return {sha: generation[sha] for sha in shas if sha in generation}

    def missing_commits(self, shas: list[str]) -> list[str]:
        """Those of ``shas`` that are not commits of this repository, in their order: one
        ``git cat-file --batch-check`` reads them all. Anything but a hex object id is missing."""
        valid = [sha for sha in shas if _OBJECT_ID.fullmatch(sha)]
        missing = {sha for sha in shas if not _OBJECT_ID.fullmatch(sha)}
        if valid:
            out = self._run("cat-file", "--batch-check", stdin="".join(f"{sha}^{{commit}}\n" for sha in valid).encode())
            answers = out.decode("ascii", "replace").split("\n")
            missing.update(sha for sha, answer in zip(valid, answers) if not answer.startswith(sha + " commit "))
        return [sha for sha in shas if sha in missing]

    def _explain_bad_revision(self, rev_range: str, message: str) -> str:
        text = f"unknown revision or range {rev_range!r} ({message})"
        try:
            self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitError:
            return f"the repository has no commits yet ({message})"
        if self.is_shallow():
            text += "; this is a shallow clone, older history is missing (git fetch --unshallow)"
        return text

    def tree(self, sha: str) -> list[TreeEntry]:
        """Every blob in the commit's tree, recursively (submodules, which are commits, are left out)."""
        entries = []
        for record in self._run("ls-tree", "-r", "-z", "--full-tree", sha).split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, obj = meta.decode("ascii").split(" ")
            if kind == "blob":
                entries.append(TreeEntry(os.fsdecode(raw_path), obj, mode))
        return entries

    def blob_reader(self) -> BlobReader:
        return BlobReader(self.toplevel)


class BlobReader:
    """One ``git cat-file --batch`` process for the whole run: a request is a blob id on stdin, the
    answer a header and the raw bytes on stdout. ``count`` is the number of blobs read."""

    def __init__(self, toplevel: Path) -> None:
        self.count = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._toplevel = toplevel

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None:  # started on first use: a run that needs no blob starts no process
            self._proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self._toplevel,
                env=_ENV,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._proc

    def read(self, blob: str) -> bytes | None:
        """The blob's bytes, or None when the object is missing (a partial or damaged clone)."""
        proc = self._process()
        stdin: IO[bytes] = proc.stdin  # type: ignore[assignment]
        stdout: IO[bytes] = proc.stdout  # type: ignore[assignment]
        try:
            stdin.write(blob.encode("ascii") + b"\n")
            stdin.flush()
            header = stdout.readline().decode("ascii", "replace").split()
        except (BrokenPipeError, OSError) as exc:
            raise GitError(f"git cat-file stopped unexpectedly ({exc})") from None
        if len(header) != 3:
            if header[-1:] == ["missing"]:
                return None
            raise GitError(f"git cat-file stopped unexpectedly (answer {' '.join(header)!r})")
        size = int(header[2])
        data = stdout.read(size)
        stdout.read(1)  # the newline after the contents
        if len(data) != size:
            raise GitError(f"git cat-file returned {len(data)} of {size} bytes for {blob}")
        self.count += 1
        return data

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
