"""benchmarks/corpora.py, offline: a fake PyPI in tmp_path (files reached through file:// URLs or an
injected fetch function) stands in for the real one. Hash verification, idempotence, wheel vs
sdist extraction, and one-line errors with exit status 2."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "corpora.py"

_spec = importlib.util.spec_from_file_location("corpora_under_test", SCRIPT)
assert _spec and _spec.loader
corpora = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = corpora  # dataclasses look their module up while the class is built
_spec.loader.exec_module(corpora)

SDIST_FILES = {
    "demo-1.0/PKG-INFO": b"Metadata-Version: 2.1\nName: demo\n",
    "demo-1.0/demo/__init__.py": b"from .core import Thing\n",
    "demo-1.0/demo/core.py": b"class Thing: ...\n",
    "demo-1.0/tests/test_core.py": b"from demo.core import Thing\n",
}
WHEEL_FILES = {
    "demo/__init__.py": b"from .core import Thing\n",
    "demo/core.py": b"class Thing: ...\n",
    "demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo\n",
    "demo-1.0.dist-info/RECORD": b"",
}


def make_sdist(path: Path, files: dict[str, bytes], symlinks: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (symlinks or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tf.addfile(info)
    return path


def make_wheel(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fake_pypi(tmp_path: Path, archive_name: str, build) -> tuple[Path, object]:
    """A file laid out as on files.pythonhosted.org under tmp_path/pypi, and its pin."""
    url_path = f"/packages/ab/cd/{'e' * 60}/{archive_name}"
    target = tmp_path / "pypi" / url_path.lstrip("/")
    target.parent.mkdir(parents=True)
    build(target)
    release = corpora.Release(
        name="demo",
        version="1.0",
        filename=archive_name,
        sha256=sha256(target),
        size=target.stat().st_size,
        url_path=url_path,
        upload_time="2025-01-02T03:04:05.000000Z",
    )
    return tmp_path / "pypi", release


class CountingFetch:
    """Serves fake PyPI files by rewriting the real host to the file:// mirror; counts downloads."""

    def __init__(self, mirror: Path) -> None:
        self.mirror, self.urls = mirror, []

    def __call__(self, url: str, path: Path) -> None:
        self.urls.append(url)
        corpora.urllib_fetch(mirror_url(self.mirror) + url.removeprefix(corpora.FILES_HOST), path)


def mirror_url(mirror: Path) -> str:
    return mirror.as_uri()


def tree_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != corpora.MARKER}


def test_a_verified_sdist_is_extracted_without_its_top_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror, release = fake_pypi(tmp_path, "demo-1.0.tar.gz", lambda p: make_sdist(p, SDIST_FILES))
    fetch = CountingFetch(mirror)
    status = corpora.main(["demo", "--dest", str(tmp_path / "cache")], corpora={"demo": release}, fetch=fetch)
    out, err = capsys.readouterr()
    tree = tmp_path / "cache" / "demo-1.0"
    assert (status, out, err) == (0, f"{tree}\n", "")
    assert tree_files(tree) == {name.removeprefix("demo-1.0/"): data for name, data in SDIST_FILES.items()}
    marker = json.loads((tree / corpora.MARKER).read_text())
    assert (marker["sha256"], marker["filename"], marker["skipped"]) == (release.sha256, "demo-1.0.tar.gz", [])
    assert fetch.urls == [corpora.FILES_HOST + release.url_path]
    assert (tmp_path / "cache" / "archives" / "demo-1.0.tar.gz").read_bytes() == (mirror / release.url_path.lstrip("/")).read_bytes()
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")] == []  # no staging left


def test_a_wheel_is_extracted_as_it_is(tmp_path: Path) -> None:
    mirror, release = fake_pypi(tmp_path, "demo-1.0-py3-none-any.whl", lambda p: make_wheel(p, WHEEL_FILES))
    assert release.kind == "wheel"
    tree = corpora.ensure(release, tmp_path / "cache", CountingFetch(mirror))
    # Two top-level directories (the package and its dist-info): nothing is stripped.
    assert tree_files(tree) == WHEEL_FILES


def test_a_wheel_with_one_top_directory_keeps_it(tmp_path: Path) -> None:
    files = {"onlypkg/__init__.py": b"X = 1\n", "onlypkg/sub.py": b"Y = 2\n"}
    mirror, release = fake_pypi(tmp_path, "demo-1.0-py3-none-any.whl", lambda p: make_wheel(p, files))
    tree = corpora.ensure(release, tmp_path / "cache", CountingFetch(mirror))
    assert tree_files(tree) == files  # a wheel's package directory is the package, not a wrapper


def test_a_second_run_neither_downloads_nor_extracts(tmp_path: Path) -> None:
    mirror, release = fake_pypi(tmp_path, "demo-1.0.tar.gz", lambda p: make_sdist(p, SDIST_FILES))
    fetch = CountingFetch(mirror)
    tree = corpora.ensure(release, tmp_path / "cache", fetch)
    (tree / "demo" / "local_edit.py").write_text("# kept: a verified tree is not re-extracted\n")
    (mirror / release.url_path.lstrip("/")).unlink()  # the "network" is gone
    assert corpora.ensure(release, tmp_path / "cache", fetch) == tree
    assert len(fetch.urls) == 1
    assert (tree / "demo" / "local_edit.py").exists()


def test_a_kept_archive_is_reused_and_a_stale_tree_replaced(tmp_path: Path) -> None:
    mirror, release = fake_pypi(tmp_path, "demo-1.0.tar.gz", lambda p: make_sdist(p, SDIST_FILES))
    fetch = CountingFetch(mirror)
    tree = corpora.ensure(release, tmp_path / "cache", fetch)
    # An interrupted or older extraction: no marker, or a marker for another hash.
    (tree / corpora.MARKER).write_text(json.dumps({"sha256": "0" * 64, "filename": release.filename}))
    (tree / "junk.py").write_text("left over\n")
    assert corpora.ensure(release, tmp_path / "cache", fetch) == tree
    assert len(fetch.urls) == 1  # the archive in cache/archives still matched its pin
    assert not (tree / "junk.py").exists()
    assert json.loads((tree / corpora.MARKER).read_text())["sha256"] == release.sha256


def test_a_kept_archive_that_no_longer_matches_is_downloaded_again(tmp_path: Path) -> None:
    mirror, release = fake_pypi(tmp_path, "demo-1.0.tar.gz", lambda p: make_sdist(p, SDIST_FILES))
    fetch = CountingFetch(mirror)
    archives = tmp_path / "cache" / "archives"
    archives.mkdir(parents=True)
    (archives / release.filename).write_bytes(b"truncated")
    corpora.ensure(release, tmp_path / "cache", fetch)
    assert len(fetch.urls) == 1
    assert sha256(archives / release.filename) == release.sha256


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_a_hash_mismatch_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The real script and its real pin for django, served a different file from a file:// mirror."""
    pinned = corpora.CORPORA["django"]
    impostor = tmp_path / "pypi" / pinned.url_path.lstrip("/")
    impostor.parent.mkdir(parents=True)
    make_sdist(impostor, SDIST_FILES)
    done = run_script("django", "--dest", str(tmp_path / "cache"), "--files-host", mirror_url(tmp_path / "pypi"))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"corpora.py: error: django: {pinned.filename}: sha256 mismatch: expected {pinned.sha256}, got {sha256(impostor)}")
    assert "Traceback" not in done.stderr
    # Nothing unverified is kept: no archive, no partial download, no tree.
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*")) == ["archives"]


def test_a_network_failure_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_script("sympy", "--dest", str(tmp_path / "cache"), "--files-host", mirror_url(tmp_path / "empty-mirror"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"corpora.py: error: sympy: cannot download {mirror_url(tmp_path / 'empty-mirror')}/packages/")
    assert not (tmp_path / "cache" / "sympy-1.14.0").exists()


def test_an_unknown_corpus_is_a_usage_error() -> None:
    done = run_script("numpy")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "corpora.py: error: unknown corpus 'numpy' (known: homeassistant, django, sympy)\n"


@pytest.mark.parametrize(
    ("archive_name", "build", "message"),
    [
        (
            "demo-1.0.tar.gz",
            lambda p: make_sdist(p, {"demo-1.0/ok.py": b"", "demo-1.0/../../escape.py": b"x = 1\n"}),
            "unsafe path in archive: 'demo-1.0/../../escape.py'",
        ),
        ("demo-1.0-py3-none-any.whl", lambda p: make_wheel(p, {"/abs/evil.py": b"x = 1\n"}), "unsafe path in archive: '/abs/evil.py'"),
        ("demo-1.0.tar.gz", lambda p: p.write_bytes(b"not a tarball at all"), "damaged archive: "),
        ("demo-1.0-py3-none-any.whl", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), "damaged archive: "),
    ],
)
def test_an_unsafe_or_damaged_archive_with_the_right_hash_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], archive_name: str, build, message: str
) -> None:
    mirror, release = fake_pypi(tmp_path, archive_name, build)
    status = corpora.main(["demo", "--dest", str(tmp_path / "cache")], corpora={"demo": release}, fetch=CountingFetch(mirror))
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.startswith(f"corpora.py: error: demo: {message}"), err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "cache" / "demo-1.0").exists()
    assert not list(tmp_path.rglob("escape.py")) and not list(tmp_path.rglob("evil.py"))


def test_links_in_an_sdist_are_skipped_and_recorded(tmp_path: Path) -> None:
    links = {"demo-1.0/demo/alias.py": "core.py", "demo-1.0/outside": "/etc/passwd"}
    mirror, release = fake_pypi(tmp_path, "demo-1.0.tar.gz", lambda p: make_sdist(p, SDIST_FILES, links))
    tree = corpora.ensure(release, tmp_path / "cache", CountingFetch(mirror))
    assert not (tree / "demo" / "alias.py").exists() and not (tree / "outside").exists()
    assert json.loads((tree / corpora.MARKER).read_text())["skipped"] == ["demo/alias.py", "outside"]


def test_the_pins_are_complete() -> None:
    """Every pin has a 64-hex sha256, a PyPI file path ending in its file name, and an ISO upload time."""
    for name, release in corpora.CORPORA.items():
        assert release.name == name
        assert len(release.sha256) == 64 and int(release.sha256, 16) >= 0
        assert release.url_path.startswith("/packages/") and release.url_path.endswith("/" + release.filename)
        assert release.version in release.filename and release.upload_time.endswith("Z")
        assert replace(release).kind in ("wheel", "sdist")
    assert corpora.CORPORA["homeassistant"].kind == "wheel" and corpora.CORPORA["homeassistant"].python == "3.13"


def test_release_history_commits_each_release_with_its_upload_date(tmp_path: Path) -> None:
    """benchmarks/release_history.py, offline: two fake releases become two dated, tagged commits."""
    spec = importlib.util.spec_from_file_location("release_history_under_test", REPO / "benchmarks" / "release_history.py")
    assert spec and spec.loader
    history = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(history)
    v1 = {"demo-1.0/demo/__init__.py": b"", "demo-1.0/demo/old.py": b"OLD = 1\n", "demo-1.0/demo/core.py": b"X = 1\n"}
    v2 = {"demo-1.1/demo/__init__.py": b"", "demo-1.1/demo/new.py": b"NEW = 1\n", "demo-1.1/demo/core.py": b"X = 2\n"}
    mirror1, r1 = fake_pypi(tmp_path / "one", "demo-1.0.tar.gz", lambda p: make_sdist(p, v1))
    mirror2, r2 = fake_pypi(tmp_path / "two", "demo-1.1.tar.gz", lambda p: make_sdist(p, v2))
    r2 = replace(r2, version="1.1", upload_time="2025-02-03T04:05:06.000000Z")

    def fetch(url: str, path: Path) -> None:
        mirror = mirror1 if url.endswith("demo-1.0.tar.gz") else mirror2
        CountingFetch(mirror)(url, path)

    repo = history.build(tmp_path / "repo", [r1, r2], tmp_path / "cache", fetch, log=lambda *a, **k: None)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout

    assert git("log", "--reverse", "--format=%s|%aI|%cI").splitlines() == [
        "Django 1.0|2025-01-02T03:04:05Z|2025-01-02T03:04:05Z".replace("Z", "+00:00"),
        "Django 1.1|2025-02-03T04:05:06Z|2025-02-03T04:05:06Z".replace("Z", "+00:00"),
    ]
    assert git("ls-tree", "-r", "--name-only", "1.0").split() == ["demo/__init__.py", "demo/core.py", "demo/old.py"]
    assert git("ls-tree", "-r", "--name-only", "1.1").split() == ["demo/__init__.py", "demo/core.py", "demo/new.py"]  # old.py deleted
    assert (repo / "demo" / "core.py").read_text() == "X = 2\n" and not (repo / "demo" / "old.py").exists()
    head = git("rev-parse", "HEAD")
    # Idempotent, and deterministic: a rebuild elsewhere gives the same commit ids.
    assert history.build(repo, [r1, r2], tmp_path / "cache", fetch, log=lambda *a, **k: None) == repo and git("rev-parse", "HEAD") == head
    again = history.build(tmp_path / "repo2", [r1, r2], tmp_path / "cache", fetch, log=lambda *a, **k: None)
    assert subprocess.run(["git", "-C", str(again), "rev-parse", "HEAD"], capture_output=True, text=True).stdout == head
