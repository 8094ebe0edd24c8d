"""Release tags and their trees, read from real git repositories made in `tmp_path`."""

from __future__ import annotations

import io
import tarfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mkdocs_platform.models import PortalSettings, Source, SourceSettings
from mkdocs_platform.sources import resolve_sources
from mkdocs_platform.sources.git import GitError
from mkdocs_platform.sources.releases import Release, _extract, list_releases, release_tree

from .conftest import git

TOKEN = "ghp_secretvalue123456"


class Repo:
    """A repository whose file `version.txt` names the release each commit makes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.commits: dict[str, str] = {}
        path.mkdir(parents=True)
        git("init", "--quiet", "--initial-branch", "main", cwd=path)

    def release(self, tag: str, day: int, annotated: bool = False) -> str:
        (self.path / "version.txt").write_text(tag)
        (self.path / f"only-in-{tag}.txt").write_text(tag)
        date = f"2024-01-{day:02d}T12:00:00+00:00"
        git("add", "-A", cwd=self.path)
        git("commit", "--quiet", "-m", f"release {tag}", cwd=self.path, date=date)
        # Each release's own marker file leaves the next commit: a tree shows one release only.
        (self.path / f"only-in-{tag}.txt").unlink()
        if annotated:
            git("tag", "-a", "-m", f"Release {tag}", tag, cwd=self.path, date=date)
        else:
            git("tag", tag, cwd=self.path)
        commit = git("rev-parse", "HEAD", cwd=self.path)
        self.commits[tag] = commit
        return commit


@pytest.fixture
def repo(tmp_path) -> Repo:
    made = Repo(tmp_path / "remotes" / "pets")
    made.release("v1.0.0", 1)
    made.release("v1.1.0", 2, annotated=True)
    made.release("1.2.0", 3)
    made.release("v2.0.0-rc.1", 4, annotated=True)
    made.release("nightly", 5)
    made.release("release-a", 6, annotated=True)
    made.release("release-b", 7)
    return made


def _source(tmp_path: Path, **settings) -> Source:
    portal = PortalSettings(
        sources=(SourceSettings(name="pets", **settings),), cache_dir=tmp_path / "cache"
    )
    return resolve_sources(portal)[0]


def _git_source(tmp_path: Path, repo: Repo, **settings) -> Source:
    return _source(tmp_path, git=repo.path.as_uri(), **settings)


def test_semver_releases_of_a_git_source_oldest_first(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    releases = list_releases(source, tmp_path / "cache", offline=False)
    assert [r.tag for r in releases] == ["v1.0.0", "v1.1.0", "1.2.0"]
    assert releases.reason == ""
    # The annotated tag's commit, not the tag object's id.
    assert [r.commit for r in releases] == [repo.commits[t] for t in ("v1.0.0", "v1.1.0", "1.2.0")]
    assert releases[1].time == datetime(2024, 1, 2, 12, tzinfo=timezone.utc)


def test_a_custom_pattern_names_the_releases(tmp_path, repo):
    source = _git_source(tmp_path, repo, releases="release-*")
    releases = list_releases(source, tmp_path / "cache", offline=False)
    assert [r.tag for r in releases] == ["release-a", "release-b"]
    assert [r.commit for r in releases] == [repo.commits["release-a"], repo.commits["release-b"]]


def test_the_tree_of_each_release_holds_its_files(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    for release in list_releases(source, cache, offline=False):
        tree = release_tree(source, release, cache, offline=False)
        assert tree == cache / "releases" / "pets" / release.commit
        assert (tree / "version.txt").read_text() == release.tag
        assert sorted(p.name for p in tree.glob("only-in-*")) == [f"only-in-{release.tag}.txt"]


def test_a_local_source_is_read_as_a_remote(tmp_path, repo):
    source = _source(tmp_path, path=repo.path)
    cache = tmp_path / "cache"
    releases = list_releases(source, cache, offline=False)
    assert [r.tag for r in releases] == ["v1.0.0", "v1.1.0", "1.2.0"]
    tree = release_tree(source, releases[0], cache, offline=False)
    assert (tree / "version.txt").read_text() == "v1.0.0"
    # The fetch went into our cache, never into the user's checkout.
    assert (cache / "releases" / "pets" / "repo.git" / "FETCH_HEAD").is_file()
    assert not (repo.path / ".git" / "FETCH_HEAD").exists()


def test_offline_uses_the_list_read_last(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    online = list_releases(source, cache, offline=False)
    first = release_tree(source, online[0], cache, offline=False)
    repo.path.rename(repo.path.with_name("gone"))
    offline = list_releases(source, cache, offline=True)
    assert list(offline) == list(online)
    assert offline.reason == ""
    # The tree exported once is reused; one never exported but fetched is exported offline.
    assert release_tree(source, online[0], cache, offline=True) == first
    second = release_tree(source, online[1], cache, offline=True)
    assert (second / "version.txt").read_text() == "v1.1.0"


def test_offline_without_a_cache_gives_no_releases_and_says_why(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    releases = list_releases(source, tmp_path / "other-cache", offline=True)
    assert list(releases) == []
    assert "offline" in releases.reason
    assert "'pets'" in releases.reason


def test_an_unreachable_remote_falls_back_to_the_list_read_last(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    online = list_releases(source, cache, offline=False)
    repo.path.rename(repo.path.with_name("gone"))
    # The next build: the source itself falls back to its cached checkout, listing no tags.
    stale = _git_source(tmp_path, repo)
    assert stale.stale
    assert stale.remote_tags is None
    again = list_releases(stale, cache, offline=False)
    assert list(again) == list(online)
    assert "could not be read" in again.reason


def test_new_tags_are_found_on_the_next_build(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    assert len(list_releases(source, cache, offline=False)) == 3
    repo.release("v2.0.0", 20)
    source = _git_source(tmp_path, repo)
    releases = list_releases(source, cache, offline=False)
    assert [r.tag for r in releases][-1] == "v2.0.0"
    tree = release_tree(source, releases[-1], cache, offline=False)
    assert (tree / "version.txt").read_text() == "v2.0.0"


def test_the_tags_listed_with_the_source_spare_a_second_ls_remote(tmp_path, repo):
    source = _git_source(tmp_path, repo, ref="main")
    assert source.remote_tags is not None
    assert source.remote_tags["v1.1.0"] == repo.commits["v1.1.0"]  # peeled: the commit
    repo.release("v2.0.0", 20)
    # The tags of this build are the ones listed when the source was fetched.
    assert [r.tag for r in list_releases(source, tmp_path / "cache", offline=False)] == [
        "v1.0.0",
        "v1.1.0",
        "1.2.0",
    ]


def test_a_source_pinned_to_a_commit_keeps_the_tags_read_for_that_pin(tmp_path, repo):
    cache = tmp_path / "cache"
    first = _git_source(tmp_path, repo, ref=repo.commits["1.2.0"])
    assert first.remote_tags is None
    assert len(list_releases(first, cache, offline=False)) == 3
    repo.release("v2.0.0", 20)
    again = _git_source(tmp_path, repo, ref=repo.commits["1.2.0"])
    assert len(list_releases(again, cache, offline=False)) == 3
    # A new pin reads the tags again.
    moved = _git_source(tmp_path, repo, ref=repo.commits["v2.0.0"])
    assert [r.tag for r in list_releases(moved, cache, offline=False)][-1] == "v2.0.0"


def test_a_broken_remote_gives_a_clear_error_naming_the_source(tmp_path):
    broken = tmp_path / "not-a-repo"
    broken.mkdir()
    url = f"https://{TOKEN}@127.0.0.1:9/pets.git"
    source = Source(settings=SourceSettings(name="pets", git=url), root=broken)
    with pytest.raises(GitError) as caught:
        list_releases(source, tmp_path / "cache", offline=False)
    message = str(caught.value)
    assert message.startswith("source 'pets': ")
    assert "could not be read" in message
    assert TOKEN not in message
    assert "Traceback" not in message


def test_a_refused_url_is_an_error_naming_the_source(tmp_path):
    source = Source(settings=SourceSettings(name="pets", git="ext::sh%20-c%20touch"), root=tmp_path)
    with pytest.raises(GitError, match=r"source 'pets': .*refused"):
        list_releases(source, tmp_path / "cache", offline=False)


def test_a_missing_tag_gives_an_error_naming_source_and_tag(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    missing = Release(tag="v9.9.9", commit="0" * 40, time=datetime(2024, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(GitError) as caught:
        release_tree(source, missing, cache, offline=False)
    message = str(caught.value)
    assert message.startswith("source 'pets', tag v9.9.9: ")
    assert "git fetch failed" in message
    assert not (cache / "releases" / "pets" / missing.commit).exists()


def test_a_tree_never_fetched_is_an_error_offline(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    release = Release(tag="v1.0.0", commit=repo.commits["v1.0.0"], time=datetime.now(timezone.utc))
    with pytest.raises(GitError, match=r"source 'pets', tag v1\.0\.0: offline is on"):
        release_tree(source, release, tmp_path / "cache", offline=True)


def test_a_moved_tag_is_read_again(tmp_path, repo):
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    before = list_releases(source, cache, offline=False)
    (repo.path / "version.txt").write_text("v1.0.0 again")
    git("commit", "--quiet", "-am", "retag", cwd=repo.path, date="2024-02-01T00:00:00+00:00")
    git("tag", "-f", "v1.0.0", cwd=repo.path)
    source = _git_source(tmp_path, repo)
    after = list_releases(source, cache, offline=False)
    assert after[0].commit != before[0].commit
    assert after[0].time == datetime(2024, 2, 1, tzinfo=timezone.utc)
    tree = release_tree(source, after[0], cache, offline=False)
    assert (tree / "version.txt").read_text() == "v1.0.0 again"


def test_a_link_leading_out_of_the_tree_is_left_out(tmp_path, repo):
    (repo.path / "escape").symlink_to("/etc/passwd")
    (repo.path / "inside").symlink_to("version.txt")
    repo.release("v3.0.0", 21)
    source = _git_source(tmp_path, repo)
    cache = tmp_path / "cache"
    newest = list_releases(source, cache, offline=False)[-1]
    tree = release_tree(source, newest, cache, offline=False)
    assert (tree / "version.txt").read_text() == "v3.0.0"
    assert not (tree / "escape").exists()
    assert not (tree / "escape").is_symlink()
    assert (tree / "inside").read_text() == "v3.0.0"


def test_without_extraction_filters_only_plain_members_inside_are_unpacked(tmp_path, monkeypatch):
    # Pythons before 3.10.12 and 3.11.4 lack tarfile's filters; what such a Python unpacks.
    archive = tmp_path / "tree.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (("openapi.yaml", b"openapi: 3.0.3\n"), ("../escape.txt", b"no")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    monkeypatch.delattr(tarfile, "data_filter")
    target = tmp_path / "out" / "tree"
    target.mkdir(parents=True)
    _extract(archive, target)
    assert sorted(p.name for p in target.iterdir()) == ["openapi.yaml"]
    assert not (tmp_path / "out" / "escape.txt").exists()
