"""A git repository with one commit per Django release, for `ssot-lint history` benchmarks.

    python benchmarks/release_history.py                  # prints the repository's path
    python benchmarks/release_history.py --dest /tmp/django-history
    cd "$(python benchmarks/release_history.py)" && ssot-lint history --rules /path/to/benchmarks/rules/django.toml

The 13 releases of Django's main line from 5.0 to 5.1.4 (5.0, 5.0.1 ... 5.0.8, 5.1, 5.1.1 ... 5.1.4;
5.0.5 was yanked), each the sdist pinned by version and sha256 like the corpora in corpora.py, and
each committed as a whole tree (files the release dropped are deleted), with author and committer
dates set to the release's PyPI upload time, a fixed author, the version as the subject and a tag
per version. The same pins always give the same commit ids. Successive releases share most files,
so the repository stays small (git stores each distinct file version once) and a `history` run
analyses each distinct file version once.

The archives are downloaded once into ``<cache>/archives`` (default: corpora.py's cache). The
repository is rebuilt from scratch unless it already holds exactly these tagged commits, in
which case nothing is done. Errors are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora  # noqa: E402  (the pinned-download module next to this file)
from corpora import Release  # noqa: E402

# Pinned from https://pypi.org/pypi/Django/json ("releases" -> the sdist of each version). Upload
# times increase along the list, so the history is linear in time too.
RELEASES: tuple[Release, ...] = (
    Release(
        "django",
        "5.0",
        "Django-5.0.tar.gz",
        "7d29e14dfbc19cb6a95a4bd669edbde11f5d4c6a71fdaa42c2d40b6846e807f7",
        10585390,
        "/packages/be/a6/46e250737d46e955e048f6bbc2948fb22f0de3f3ab828d3803070dc1260e/Django-5.0.tar.gz",
        "2023-12-04T13:12:50.251293Z",
    ),
    Release(
        "django",
        "5.0.1",
        "Django-5.0.1.tar.gz",
        "8c8659665bc6e3a44fefe1ab0a291e5a3fb3979f9a8230be29de975e57e8f854",
        10590756,
        "/packages/53/82/c8e8ed137da1c72fa110e3be9ab0f26bcfcf6f3d2994601d164dfac86269/Django-5.0.1.tar.gz",
        "2024-01-02T09:16:29.607830Z",
    ),
    Release(
        "django",
        "5.0.2",
        "Django-5.0.2.tar.gz",
        "b5bb1d11b2518a5f91372a282f24662f58f66749666b0a286ab057029f728080",
        10619702,
        "/packages/50/98/499a2d11eb0b22fdd55ce5895e0f5ce6d7d4957a785f237a89317cb478fa/Django-5.0.2.tar.gz",
        "2024-02-06T14:53:36.824593Z",
    ),
    Release(
        "django",
        "5.0.3",
        "Django-5.0.3.tar.gz",
        "5fb37580dcf4a262f9258c1f4373819aacca906431f505e4688e37f3a99195df",
        10620661,
        "/packages/e1/b1/ac6a16aaf0049637b50afbcf06b8ec2fa5c6ce42d4ae6ba66bbaf4c3609a/Django-5.0.3.tar.gz",
        "2024-03-04T08:57:14.055474Z",
    ),
    Release(
        "django",
        "5.0.4",
        "Django-5.0.4.tar.gz",
        "4bd01a8c830bb77a8a3b0e7d8b25b887e536ad17a81ba2dce5476135c73312bd",
        10638006,
        "/packages/5a/51/30097ef45b0f9bd32908bb3309e9d8c04e2635846e9c73f61b427f6a6c78/Django-5.0.4.tar.gz",
        "2024-04-03T14:57:03.330645Z",
    ),
    Release(
        "django",
        "5.0.6",
        "Django-5.0.6.tar.gz",
        "ff1b61005004e476e0aeea47c7f79b85864c70124030e95146315396f1e7951f",
        10639679,
        "/packages/4c/d3/b0dae3b5e6412227ec4387cf39110be3432c53886d2927c78b5f6976f1cb/Django-5.0.6.tar.gz",
        "2024-05-07T16:55:48.753934Z",
    ),
    Release(
        "django",
        "5.0.7",
        "Django-5.0.7.tar.gz",
        "bd4505cae0b9bd642313e8fb71810893df5dc2ffcacaa67a33af2d5cd61888f2",
        10642686,
        "/packages/6d/cc/5384bf3daa6c857ccb731388bd59d15932157953c1ea05ebccc7591af492/Django-5.0.7.tar.gz",
        "2024-07-09T14:07:08.806230Z",
    ),
    Release(
        "django",
        "5.0.8",
        "Django-5.0.8.tar.gz",
        "ebe859c9da6fead9c9ee6dbfa4943b04f41342f4cea2c4d8c978ef0d10694f2b",
        10630791,
        "/packages/79/1c/55733805bb735e26fee0430045efdb61df6fd704b6aebf2154875ef9e6a9/Django-5.0.8.tar.gz",
        "2024-08-06T13:28:47.372777Z",
    ),
    Release(
        "django",
        "5.1",
        "Django-5.1.tar.gz",
        "848a5980e8efb76eea70872fb0e4bc5e371619c70fffbe48e3e1b50b2c09455d",
        10681050,
        "/packages/1e/0c/d854d25bb74a8a3b41e642bbd27fe6af12fadd0edfd07d487809cf0ef719/Django-5.1.tar.gz",
        "2024-08-07T13:34:10.857901Z",
    ),
    Release(
        "django",
        "5.1.1",
        "Django-5.1.1.tar.gz",
        "021ffb7fdab3d2d388bc8c7c2434eb9c1f6f4d09e6119010bbb1694dda286bc2",
        10675933,
        "/packages/88/6f/8f57ed6dc88656edd4fcb35c50dd963f3cd79303bd711fb0160fc7fd6ab7/Django-5.1.1.tar.gz",
        "2024-09-03T14:01:18.699006Z",
    ),
    Release(
        "django",
        "5.1.2",
        "Django-5.1.2.tar.gz",
        "bd7376f90c99f96b643722eee676498706c9fd7dc759f55ebfaf2c08ebcdf4f0",
        10711674,
        "/packages/9c/e5/a06e20c963b280af4aa9432bc694fbdeb1c8df9e28c2ffd5fbb71c4b1bec/Django-5.1.2.tar.gz",
        "2024-10-08T14:53:12.217712Z",
    ),
    Release(
        "django",
        "5.1.3",
        "Django-5.1.3.tar.gz",
        "c0fa0e619c39325a169208caef234f90baa925227032ad3f44842ba14d75234a",
        10698518,
        "/packages/c6/85/ba2c2b83ba8b95354f99ed8344405d9571109ce0175028876209d6b93fba/Django-5.1.3.tar.gz",
        "2024-11-05T05:24:27.270940Z",
    ),
    Release(
        "django",
        "5.1.4",
        "Django-5.1.4.tar.gz",
        "de450c09e91879fa5a307f696e57c851955c910a438a35e6b4c895e86bedc82a",
        10716397,
        "/packages/d3/e8/536555596dbb79f6e77418aeb40bdc1758c26725aba31919ba449e6d5e6a/Django-5.1.4.tar.gz",
        "2024-12-04T15:09:06.648959Z",
    ),
)

IDENTITY = {"name": "release_history.py", "email": "releases@ssot-lint.invalid"}
# Nothing from the user's git configuration may change the commits: no hooks, signing or templates.
GIT_CONFIG = (
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
    "-c",
    "core.autocrlf=false",
    "-c",
    "init.defaultBranch=main",
)


class HistoryError(Exception):
    pass


def git(repo: Path, *args: str, env: dict[str, str] | None = None, work_tree: Path | None = None) -> str:
    command = ["git", *GIT_CONFIG, f"--git-dir={repo / '.git'}"]
    if work_tree is not None:
        command.append(f"--work-tree={work_tree}")
    done = subprocess.run([*command, *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise HistoryError(f"git {' '.join(args[:2])} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def already_built(repo: Path, releases: Sequence[Release]) -> bool:
    """True when ``repo`` holds exactly one commit per release, in order, each tagged with its version."""
    if not (repo / ".git").is_dir():
        return False
    try:
        subjects = git(repo, "log", "--reverse", "--format=%s", "HEAD").splitlines()
        tags = {line for line in git(repo, "tag", "--points-at", "HEAD").splitlines()}
    except HistoryError:
        return False
    return subjects == [subject(r) for r in releases] and tags == {releases[-1].version}


def subject(release: Release) -> str:
    return f"Django {release.version}"


def build(repo: Path, releases: Sequence[Release], cache: Path, fetch: corpora.Fetch = corpora.urllib_fetch, log=print) -> Path:
    if already_built(repo, releases):
        return repo
    archives = [corpora.fetch_verified(release, cache / "archives", fetch) for release in releases]
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    subprocess.run(["git", *GIT_CONFIG, "init", "-q", str(repo)], check=True, capture_output=True)
    for release, archive in zip(releases, archives):
        with tempfile.TemporaryDirectory(prefix="release-", dir=repo.parent) as staging:
            tree = Path(staging) / "tree"
            skipped = corpora.extract(archive, tree, release.kind)
            env = {
                **os.environ,
                "GIT_AUTHOR_NAME": IDENTITY["name"],
                "GIT_AUTHOR_EMAIL": IDENTITY["email"],
                "GIT_COMMITTER_NAME": IDENTITY["name"],
                "GIT_COMMITTER_EMAIL": IDENTITY["email"],
                "GIT_AUTHOR_DATE": release.upload_time,
                "GIT_COMMITTER_DATE": release.upload_time,
            }
            # The index follows the staging tree: files this release dropped are deleted.
            git(repo, "add", "-A", "--force", ".", work_tree=tree)
            body = f"{release.filename}, sha256 {release.sha256}, uploaded {release.upload_time}"
            if skipped:
                body += f"\n\nNot committed (links or special files): {', '.join(skipped)}"
            git(repo, "commit", "-q", "--allow-empty", "-m", subject(release), "-m", body, env=env, work_tree=tree)
            git(repo, "tag", release.version, env=env)
        log(f"release_history.py: committed {subject(release)} ({release.upload_time[:10]})", file=sys.stderr)
    git(repo, "checkout", "-q", "-f", "HEAD", "--", ".", work_tree=repo)
    return repo


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=None, help="the repository (default: <cache>/django-history)")
    parser.add_argument("--cache", type=Path, default=None, help=f"where archives are kept (default: {corpora.default_dest()})")
    args = parser.parse_args(argv)
    cache = args.cache if args.cache is not None else corpora.default_dest()
    repo = args.dest if args.dest is not None else cache / "django-history"
    if shutil.which("git") is None:
        print("release_history.py: error: git is not installed", file=sys.stderr)
        return 2
    try:
        print(build(repo.resolve(), RELEASES, cache))
    except KeyboardInterrupt:
        print("release_history.py: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one line, never a traceback
        message = corpora._describe(error) if not isinstance(error, HistoryError) else str(error)
        print(f"release_history.py: error: {' '.join(message.split())}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
