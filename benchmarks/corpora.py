"""Real public corpora for benchmarks and precision work: pinned PyPI releases, verified by sha256.

    python benchmarks/corpora.py homeassistant        # prints the extracted tree's path
    python benchmarks/corpora.py django sympy --dest /tmp/corpora
    python benchmarks/corpora.py --list               # what is pinned, and where it would go

Each corpus is one release file on PyPI, pinned by exact version, file name and sha256 (from
PyPI's JSON API). The file is downloaded to ``<dest>/archives/``, its hash checked, and it is
extracted to ``<dest>/<name>-<version>`` (default dest: ``$XDG_CACHE_HOME/ssot-lint/corpora``, i.e.
``~/.cache/ssot-lint/corpora``). A wheel is unzipped as it is (``homeassistant/``,
``*.dist-info/``); an sdist's single top-level directory is stripped, so the tree holds the
project's root (``django/``, ``tests/``, ``docs/`` ...). Extraction goes to a temporary
directory that is renamed into place, and a marker file records the verified hash: a second run
finds the marker and neither downloads nor extracts again. A kept archive whose hash still
matches is not downloaded again either.

Errors (network, hash mismatch, a damaged or unsafe archive, disk) are one line on stderr and exit
status 2; never a traceback.

Importable: ``ensure(CORPORA["django"])`` returns the path; ``fetch_verified`` downloads one pinned
file (``release_history.py`` uses it for its many Django releases). Every function that downloads
takes a ``fetch(url, path)`` callable, so tests can serve files without a network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FILES_HOST = "https://files.pythonhosted.org"
MARKER = ".ssot-corpus.json"
CHUNK = 1 << 20
TIMEOUT_S = 60

Fetch = Callable[[str, Path], None]


class CorpusError(Exception):
    """A failure the command line reports as one line and exit status 2."""


@dataclass(frozen=True)
class Release:
    """One file of one PyPI release, pinned: ``url`` is where PyPI's JSON API says it lives."""

    name: str  # the corpus name used on the command line and in the directory name
    version: str
    filename: str
    sha256: str
    size: int
    url_path: str  # path under FILES_HOST, as in PyPI's JSON ``url``
    upload_time: str  # PyPI's ``upload_time_iso_8601``
    python: str = ""  # the interpreter ssot-lint must run on to parse the tree ("3.13"), if not any

    @property
    def url(self) -> str:
        return FILES_HOST + self.url_path

    @property
    def kind(self) -> str:
        if self.filename.endswith(".whl"):
            return "wheel"
        if self.filename.endswith((".tar.gz", ".tgz")):
            return "sdist"
        if self.filename.endswith(".zip"):
            return "zip sdist"
        raise CorpusError(f"{self.filename}: not a wheel or an sdist")

    @property
    def dirname(self) -> str:
        return f"{self.name}-{self.version}"


# Pinned from https://pypi.org/pypi/<project>/json ("releases" -> files: filename, size, digests.sha256, url,
# upload_time_iso_8601). Changing a pin means changing all its fields together.
CORPORA: dict[str, Release] = {
    # ~8k Python files, ~1.15M lines; needs Python 3.13 to parse (PEP 695/696 syntax).
    "homeassistant": Release(
        name="homeassistant",
        version="2025.4.4",
        filename="homeassistant-2025.4.4-py3-none-any.whl",
        sha256="b7970fe3ce3a9d032a3a5dee3cbf71b227e7f23fad14a23855ee252542ef2631",
        size=43206054,
        url_path="/packages/5f/a9/2e778738a2c4e45d795a076796b341e8af6d3919e591b0fafa1ff2564702/homeassistant-2025.4.4-py3-none-any.whl",
        upload_time="2025-04-25T09:19:07.669444Z",
        python="3.13",
    ),
    # The sdist: django/ plus its test suite (tests/), docs and scripts.
    "django": Release(
        name="django",
        version="5.2.8",
        filename="django-5.2.8.tar.gz",
        sha256="23254866a5bb9a2cfa6004e8b809ec6246eba4b58a7589bc2772f1bcc8456c7f",
        size=10849032,
        url_path="/packages/05/a2/933dbbb3dd9990494960f6e64aca2af4c0745b63b7113f59a822df92329e/django-5.2.8.tar.gz",
        upload_time="2025-11-05T14:07:32.778255Z",
    ),
    "sympy": Release(
        name="sympy",
        version="1.14.0",
        filename="sympy-1.14.0.tar.gz",
        sha256="d3d3fe8df1e5a0b42f0e7bdf50541697dbe7d23746e894990c030e2b05e72517",
        size=7793921,
        url_path="/packages/83/d3/803453b36afefb7c2bb238361cd4ae6125a569b4db67cd9e79846ba2d68c/sympy-1.14.0.tar.gz",
        upload_time="2025-04-27T18:05:01.611132Z",
    ),
}


def default_dest() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ssot-lint" / "corpora"


def urllib_fetch(url: str, path: Path) -> None:
    """Download ``url`` to ``path`` (any scheme urllib knows, ``file://`` included)."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(path, "wb") as out:
            shutil.copyfileobj(response, out, CHUNK)
    except urllib.error.HTTPError as error:
        raise CorpusError(f"cannot download {url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise CorpusError(f"cannot download {url}: {error.reason}") from None
    except (TimeoutError, ConnectionError, OSError) as error:
        raise CorpusError(f"cannot download {url}: {error}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def fetch_verified(release: Release, archives: Path, fetch: Fetch = urllib_fetch) -> Path:
    """The release's file in ``archives``, downloaded unless a copy with the pinned hash is there."""
    archives.mkdir(parents=True, exist_ok=True)
    target = archives / release.filename
    if target.is_file() and sha256_of(target) == release.sha256:
        return target
    partial = archives / f".{release.filename}.part"
    try:
        fetch(release.url, partial)
        got = sha256_of(partial)
        if got != release.sha256:
            raise CorpusError(f"{release.filename}: sha256 mismatch: expected {release.sha256}, got {got} (from {release.url})")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _member_parts(name: str) -> tuple[str, ...]:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise CorpusError(f"unsafe path in archive: {name!r}")
    return tuple(p for p in path.parts if p not in ("", "."))


def _single_top(names: Sequence[str]) -> str | None:
    """The one directory every member lives under (an sdist's ``name-version/``), if there is one."""
    tops = {parts[0] for name in names if (parts := _member_parts(name))}
    if len(tops) != 1:
        return None
    (top,) = tops
    return top if any(len(_member_parts(name)) > 1 for name in names) else None


def extract(archive: Path, into: Path, kind: str) -> list[str]:
    """Extract ``archive`` into the new directory ``into``; an sdist loses its top-level directory.

    Only regular files and directories are extracted (no links, devices or FIFOs, which a
    corpus does not need and which could point outside ``into``); the names skipped are returned.
    """
    into.mkdir(parents=True)
    skipped: list[str] = []
    if kind == "wheel" or kind == "zip sdist":
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            strip = _single_top([i.filename for i in infos]) if kind == "zip sdist" else None
            for info in infos:
                parts = _member_parts(info.filename)
                if strip:
                    parts = parts[1:]
                if not parts:
                    continue
                dest = into.joinpath(*parts)
                if info.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
        return skipped
    with tarfile.open(archive, "r:*") as tf:
        members = tf.getmembers()
        strip = _single_top([m.name for m in members])
        chosen = []
        for member in members:
            parts = _member_parts(member.name)
            if strip:
                parts = parts[1:]
            if not parts:
                continue
            member.name = "/".join(parts)
            chosen.append(member)
        for member in chosen:
            if not (member.isfile() or member.isdir()):
                skipped.append(member.name)
                continue
            dest = into / member.name
            if member.isdir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = tf.extractfile(member)
            if source is None:
                continue
            with source, open(dest, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
    return skipped


def ensure(release: Release, dest: Path | None = None, fetch: Fetch = urllib_fetch) -> Path:
    """The extracted tree of ``release`` under ``dest``: downloaded, verified and extracted once."""
    dest = Path(dest) if dest is not None else default_dest()
    tree = dest / release.dirname
    marker = tree / MARKER
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        recorded = None
    if isinstance(recorded, dict) and recorded.get("sha256") == release.sha256 and recorded.get("filename") == release.filename:
        return tree
    archive = fetch_verified(release, dest / "archives", fetch)
    staging = Path(tempfile.mkdtemp(prefix=f".{release.dirname}-", dir=dest))
    try:
        skipped = extract(archive, staging / "tree", release.kind)
        record = {"filename": release.filename, "sha256": release.sha256, "url": release.url, "upload_time": release.upload_time, "skipped": skipped}
        (staging / "tree" / MARKER).write_text(json.dumps(record, indent=1) + "\n")
        if tree.exists():  # an older or unfinished extraction: replace it
            shutil.rmtree(tree)
        os.replace(staging / "tree", tree)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tree


def pin(project: str, version: str, packagetype: str = "sdist", name: str | None = None) -> Release:
    """Look a release file up in PyPI's JSON API, for writing a new pin (network; not used by ``ensure``).

    Reads ``/pypi/<project>/<version>/json`` and falls back to ``/pypi/<project>/json`` (some
    mirrors serve only the latter).
    """
    wanted = {"sdist": "sdist", "wheel": "bdist_wheel"}[packagetype]
    files = None
    for url in (f"https://pypi.org/pypi/{project}/{version}/json", f"https://pypi.org/pypi/{project}/json"):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
                data = json.load(response)
        except (urllib.error.URLError, OSError, ValueError):
            continue
        # The per-version document lists the files under "urls"; the project's, under "releases".
        files = data.get("urls") if f"/{version}/" in url else data.get("releases", {}).get(version)
        if files:
            break
    if not files:
        raise CorpusError(f"no release {project}=={version} on PyPI (or PyPI unreachable)")
    candidates = [f for f in files if f["packagetype"] == wanted and not f.get("yanked")]
    if not candidates:
        raise CorpusError(f"{project}=={version} has no {packagetype}")
    chosen = candidates[0]
    # files.pythonhosted.org/packages/<2 hex>/<2 hex>/<60 hex>/<file> (mirrors may prefix or relativise it)
    found = re.search(r"/packages/([0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/[^/]+)$", chosen["url"])
    if not found:
        raise CorpusError(f"unexpected file URL {chosen['url']}")
    return Release(
        name=name or project.lower(),
        version=version,
        filename=chosen["filename"],
        sha256=chosen["digests"]["sha256"],
        size=chosen["size"],
        url_path="/packages/" + found.group(1),
        upload_time=chosen["upload_time_iso_8601"],
    )


def _describe(error: BaseException) -> str:
    """One line: tarfile's "could not be opened" lists a reason per compression on lines of its own."""
    return " ".join(_explain(error).split())


def _explain(error: BaseException) -> str:
    if isinstance(error, CorpusError):
        return str(error)
    if isinstance(error, (tarfile.TarError, zipfile.BadZipFile, EOFError)):
        return f"damaged archive: {error}"
    if isinstance(error, OSError):
        return f"{error.strerror or error}{f': {error.filename}' if error.filename else ''}"
    return f"{type(error).__name__}: {error}"


def main(argv: Sequence[str] | None = None, *, corpora: dict[str, Release] | None = None, fetch: Fetch = urllib_fetch) -> int:
    corpora = CORPORA if corpora is None else corpora
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"corpora to fetch: {', '.join(corpora)} (or 'all')")
    parser.add_argument("--dest", type=Path, default=None, help=f"cache directory (default: {default_dest()})")
    parser.add_argument("--files-host", default=FILES_HOST, metavar="URL", help=f"a mirror of {FILES_HOST} (any urllib URL, file:// included)")
    parser.add_argument("--list", action="store_true", help="list the pinned corpora and exit")
    parser.add_argument("--pin", metavar="PROJECT==VERSION", help="print a Release(...) pin read from PyPI's JSON API (network), add ':wheel' for the wheel")
    args = parser.parse_args(argv)
    if args.pin:
        spec, _, packagetype = args.pin.partition(":")
        project, _, version = spec.partition("==")
        try:
            print(repr(pin(project, version, packagetype or "sdist")))
        except (CorpusError, KeyError) as error:
            print(f"corpora.py: error: {args.pin}: {_describe(error)}", file=sys.stderr)
            return 2
        return 0
    dest = args.dest if args.dest is not None else default_dest()
    if args.list:
        for release in corpora.values():
            needs = f"  (check with Python {release.python})" if release.python else ""
            print(f"{release.name}\t{release.version}\t{release.kind}\t{release.filename}\t{release.sha256}\t{dest / release.dirname}{needs}")
        return 0
    if args.files_host != FILES_HOST:
        host, inner = args.files_host.rstrip("/"), fetch

        def fetch(url: str, path: Path) -> None:
            inner(host + url.removeprefix(FILES_HOST), path)

    names = list(corpora) if args.names == ["all"] else args.names
    if not names:
        parser.print_usage(sys.stderr)
        print("corpora.py: error: name a corpus (or 'all', or --list)", file=sys.stderr)
        return 2
    unknown = [n for n in names if n not in corpora]
    if unknown:
        print(f"corpora.py: error: unknown corpus {unknown[0]!r} (known: {', '.join(corpora)})", file=sys.stderr)
        return 2
    for name in names:
        try:
            print(ensure(corpora[name], dest, fetch), flush=True)
        except KeyboardInterrupt:
            print("corpora.py: interrupted", file=sys.stderr)
            return 130
        except Exception as error:  # one line, never a traceback
            print(f"corpora.py: error: {name}: {_describe(error)}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
