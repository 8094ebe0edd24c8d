"""Release tags of a source and the tree at each, read from git into the cache.

A source's releases are its tags that `releases:` names (by default, tags that read as a final
semver version). `git ls-remote` lists them; their commits are fetched shallowly into one bare
repository per source, `cache_dir/releases/<source>/repo.git`, and each release's tree is
exported once to `cache_dir/releases/<source>/<commit>/`. A commit never changes, so a tree
once exported is reused by every later build without running git again.

A local source is read the same way, as a remote: git never runs inside the user's own
checkout, whose configuration could name helpers to run; only the fetch reads from it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from mkdocs_platform.cache import write_atomically
from mkdocs_platform.changes.semver import is_release_tag, release_order
from mkdocs_platform.models import Source
from mkdocs_platform.sources.git import FETCH_TIMEOUT, Git, GitError, check_url, parse_tags

META_FILE = "releases.json"
"""Tags, commits and commit times last read from the remote, for offline builds."""
FETCH_BATCH = 100
"""Tags fetched per git call: keeps the command line short for sources with many releases."""

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
# Tags are passed to git in refspecs: only plain names, never anything it could read otherwise.
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/+-]*$")
# Variables that would point our git calls at another repository than the one named.
_REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


@dataclass(frozen=True)
class Release:
    """One release of a source: its tag and the commit it names."""

    tag: str
    commit: str
    time: datetime
    """When the commit was made (its committer date)."""


class Releases(list[Release]):
    """The releases of a source, oldest first, and why the list may be empty or old."""

    def __init__(self, releases: Iterable[Release] = (), reason: str = "") -> None:
        super().__init__(releases)
        self.reason = reason
        """'' when the list is current; else why it is empty or the one of an earlier build."""


def _plain_tag(tag: str) -> bool:
    return bool(_TAG.match(tag)) and ".." not in tag and not tag.endswith((".lock", "/", "."))


def _remote_url(source: Source) -> str:
    """The URL the source's tags are read from: its local folder when it has one, else `git`."""
    settings = source.settings
    # The same choice as resolving sources: an existing local folder wins.
    if settings.path is not None and settings.path.is_dir():
        return settings.path.resolve().as_uri()
    return settings.git or ""


def _git(source: Source, url: str, repo: Path) -> Git:
    """A git runner for the source whose every command works in our bare cache repository."""
    token_env = source.settings.token_env
    git = Git(url, os.environ.get(token_env) if token_env else None)
    for name in _REPOSITORY_VARIABLES:
        git.env.pop(name, None)
    # Named in the environment rather than by `--git-dir`, so that errors name git's command.
    git.env["GIT_DIR"] = str(repo)
    return git


def _cache(source: Source, cache_dir: Path) -> Path:
    return cache_dir / "releases" / source.name


def _read_meta(cache: Path, url: str, ref: str | None = None) -> dict[str, dict[str, str]] | None:
    """The tags last read from `url` (tag -> commit and time), or None when there are none.

    With `ref`, only tags read by a build of that very ref count.
    """
    try:
        data = json.loads((cache / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("url") != url
        or not isinstance(data.get("tags"), dict)
        or (ref is not None and data.get("ref") != ref)
    ):
        return None
    tags: dict[str, dict[str, str]] = {}
    for tag, known in data["tags"].items():
        if (
            isinstance(known, dict)
            and isinstance(known.get("commit"), str)
            and isinstance(known.get("time"), str)
        ):
            tags[tag] = {"commit": known["commit"], "time": known["time"]}
    return tags


def _write_meta(cache: Path, url: str, ref: str, tags: dict[str, dict[str, str]]) -> None:
    meta = {"url": url, "ref": ref, "tags": tags}
    write_atomically(cache / META_FILE, json.dumps(meta, sort_keys=True).encode("utf-8"))


def _releases(tags: dict[str, dict[str, str]], pattern: str | None) -> list[Release]:
    found: list[Release] = []
    for tag in release_order(t for t in tags if is_release_tag(t, pattern)):
        try:
            time = datetime.fromisoformat(tags[tag]["time"])
        except ValueError:
            continue
        found.append(Release(tag=tag, commit=tags[tag]["commit"], time=time))
    return found


def _init_repo(git: Git, repo: Path) -> None:
    if not (repo / "HEAD").is_file():
        if repo.exists():
            shutil.rmtree(repo)
        repo.parent.mkdir(parents=True, exist_ok=True)
        # `init` alone takes the repository from GIT_DIR, which names `repo`.
        git.run("init", "--quiet", "--bare")


def _has_commit(git: Git, commit: str) -> bool:
    try:
        git.run("cat-file", "-e", f"{commit}^{{commit}}")
    except GitError:
        return False
    return True


def _fetch_tags(git: Git, repo: Path, tags: list[str]) -> None:
    """Fetch the commits of `tags`, one level deep, into the bare repository."""
    _init_repo(git, repo)
    for start in range(0, len(tags), FETCH_BATCH):
        refspecs = [
            f"+refs/tags/{tag}:refs/tags/{tag}" for tag in tags[start : start + FETCH_BATCH]
        ]
        git.run(
            "fetch",
            "--quiet",
            "--depth",
            "1",
            "--no-tags",
            "--",
            git.url,
            *refspecs,
            timeout=FETCH_TIMEOUT,
        )


def _commit_times(git: Git) -> dict[str, str]:
    """Commit -> its committer date (ISO 8601), for the tags the bare repository holds.

    Read from the tags rather than by naming commits: a tag naming a tree or a blob just has
    no date, where naming it to `git log` would fail the whole call.
    """
    out = git.run(
        "for-each-ref",
        "--format=%(objectname) %(committerdate:iso-strict) %(*objectname) "
        "%(*committerdate:iso-strict)",
        "refs/tags",
    )
    pairs = (line.split(" ") for line in out.splitlines())
    return {
        sha: time
        for parts in pairs
        for sha, time in zip(parts[0::2], parts[1::2], strict=False)
        if _COMMIT.match(sha) and time
    }


def list_releases(source: Source, cache_dir: Path, offline: bool) -> Releases:
    """The source's release tags, oldest release first, each with its commit and time.

    Online, the remote's tags are listed and the commits of new release tags fetched (one
    level deep); what was read is kept so that an offline build, or one whose remote cannot be
    reached, uses the last list known, with `Releases.reason` saying so. Offline with nothing
    kept gives an empty list and the reason.

    Raises:
        GitError: when the remote cannot be read and nothing is kept; the message names the
            source and gives git's reason, with any token masked.
    """
    url = _remote_url(source)
    cache = _cache(source, cache_dir)
    pattern = source.settings.releases
    known = _read_meta(cache, url)
    if offline:
        if known is None:
            return Releases(
                reason=f"offline is on and the releases of source '{source.name}' were "
                "never read; build once without `offline: true` to read them"
            )
        return Releases(_releases(known, pattern))
    if not url:
        return Releases(reason=f"source '{source.name}' has no git repository to read tags from")
    ref = source.settings.ref or ""
    if _COMMIT.match(ref) and (pinned := _read_meta(cache, url, ref)) is not None:
        # A source pinned to a commit builds without asking the remote anything, and so do
        # its releases: the tags read when that pin was first built are kept.
        return Releases(_releases(pinned, pattern))
    try:
        check_url(url)
        git = _git(source, url, cache / "repo.git")
    except GitError as exc:
        raise GitError(f"source '{source.name}': {exc}") from None
    try:
        remote = {
            tag: commit
            for tag, commit in (
                source.remote_tags
                if source.remote_tags is not None
                else parse_tags(git.run("ls-remote", "--tags", "--", git.url))
            ).items()
            if _plain_tag(tag) and is_release_tag(tag, pattern)
        }
        tags = {
            tag: known[tag]
            for tag, commit in remote.items()
            if known is not None and tag in known and known[tag]["commit"] == commit
        }
        missing = sorted(tag for tag in remote if tag not in tags)
        if missing:
            repo = cache / "repo.git"
            _fetch_tags(git, repo, missing)
            times = _commit_times(git)
            for tag in missing:
                if remote[tag] in times:
                    tags[tag] = {"commit": remote[tag], "time": times[remote[tag]]}
    except GitError as exc:
        reason = f"the tags of {git.display_url} could not be read: {exc}"
        if known is None:
            raise GitError(f"source '{source.name}': {reason}") from None
        return Releases(
            _releases(known, pattern), reason=f"{reason}; the releases last read are used"
        )
    cache.mkdir(parents=True, exist_ok=True)
    _write_meta(cache, url, ref, tags)
    return Releases(_releases(tags, pattern))


def _inside(member: tarfile.TarInfo) -> bool:
    """Whether a member is a plain file or folder whose name stays inside the target."""
    name = PurePosixPath(member.name)
    return (member.isfile() or member.isdir()) and not name.is_absolute() and ".." not in name.parts


def _extract(archive: Path, target: Path) -> None:
    """Unpack a tar written by `git archive`, leaving out any member that would land outside
    `target` or is not a plain file, folder or link inside it."""
    with tarfile.open(archive) as tar:
        if not hasattr(tarfile, "data_filter"):
            # Pythons before 3.10.12 and 3.11.4 have no extraction filters: only plain files
            # and folders inside the tree are unpacked (links are left out).
            tar.extractall(target, members=[m for m in tar.getmembers() if _inside(m)])  # noqa: S202
            return
        members = []
        for member in tar.getmembers():
            try:
                tarfile.data_filter(member, str(target))
            except tarfile.FilterError:
                continue
            members.append(member)
        tar.extractall(target, members=members, filter="data")


def _ensure_commit(git: Git, repo: Path, release: Release, offline: bool) -> None:
    """Fetch the release's commit into the bare repository unless it is there already."""
    if _has_commit(git, release.commit):
        return
    if offline:
        raise GitError(
            "offline is on and its commit was never fetched; build once without `offline: true`"
        )
    if not _plain_tag(release.tag):
        raise GitError("the tag is not a plain name")
    _fetch_tags(git, repo, [release.tag])
    if not _has_commit(git, release.commit):
        raise GitError(f"the tag no longer names commit {release.commit[:12]}")


def release_tree(source: Source, release: Release, cache_dir: Path, offline: bool) -> Path:
    """A folder holding the tree of the release's commit, exported once and then reused.

    Raises:
        GitError: when the commit cannot be fetched or exported; the message names the source,
            the tag and git's reason, with any token masked.
    """
    if not _COMMIT.match(release.commit):
        raise GitError(
            f"source '{source.name}', tag {release.tag}: {release.commit!r} is no commit"
        )
    cache = _cache(source, cache_dir)
    tree = cache / release.commit
    if tree.is_dir():
        return tree
    url = _remote_url(source)
    where = f"source '{source.name}', tag {release.tag}"
    repo = cache / "repo.git"
    try:
        check_url(url)
        git = _git(source, url, repo)
    except GitError as exc:
        raise GitError(f"{where}: {exc}") from None
    try:
        _ensure_commit(git, repo, release, offline)
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".export-", dir=cache) as scratch:
            archive = Path(scratch) / "tree.tar"
            git.run(
                "archive",
                "--format=tar",
                "-o",
                str(archive),
                release.commit,
                timeout=FETCH_TIMEOUT,
            )
            unpacked = Path(scratch) / "tree"
            unpacked.mkdir()
            try:
                _extract(archive, unpacked)
            except (OSError, tarfile.TarError) as exc:
                raise GitError(f"its tree could not be unpacked: {exc}") from None
            try:
                # Atomic: a build running at the same time sees the whole tree or none.
                unpacked.rename(tree)
            except OSError:
                if not tree.is_dir():
                    raise
    except GitError as exc:
        raise GitError(f"{where}: {exc}") from None
    except OSError as exc:
        raise GitError(
            f"{where}: the tree could not be written to {tree}: {exc.strerror}"
        ) from None
    return tree
