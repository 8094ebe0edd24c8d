"""Git sources against real repositories created in `tmp_path`, fetched by file:// URL."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_platform.sources.git import Git, GitError, check_ref, check_url, git_message
from mkdocs_platform.sources.links import default_templates

from .conftest import build_site, git, minimal_spec


class Remote:
    """A git repository holding one spec whose title changes with every commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git("init", "--quiet", "--initial-branch", "main", cwd=path)

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def commit(self, title: str) -> str:
        (self.path / "openapi.yaml").write_text(yaml.safe_dump(minimal_spec(title)))
        git("add", "openapi.yaml", cwd=self.path)
        git("commit", "--quiet", "-m", title, cwd=self.path)
        return git("rev-parse", "HEAD", cwd=self.path)

    def hide(self) -> Path:
        """Make the remote unreachable; returns where it went."""
        hidden = self.path.with_name(self.path.name + "-gone")
        self.path.rename(hidden)
        return hidden


@pytest.fixture
def remote(tmp_path) -> Remote:
    repo = Remote(tmp_path / "remotes" / "pets")
    repo.first = repo.commit("Pets one")  # type: ignore[attr-defined]
    git("tag", "v1", cwd=repo.path)
    git("checkout", "--quiet", "-b", "feature", cwd=repo.path)
    repo.feature = repo.commit("Pets feature")  # type: ignore[attr-defined]
    git("checkout", "--quiet", "main", cwd=repo.path)
    repo.second = repo.commit("Pets two")  # type: ignore[attr-defined]
    return repo


def _plugin(remote: Remote, **source) -> dict:
    return {"sources": [{"name": "pets", "git": remote.url, **source}], "cache_dir": "cache"}


def _title(site) -> str:
    return site.article("apis/pets/index.html").select_one("h1").get_text(strip=True).rstrip("¶")


def _build_error(tmp_path, plugin, caplog) -> str:
    """The error a build fails with, as MkDocs logs it."""
    caplog.clear()
    with pytest.raises(Abort, match="BuildError"):
        build_site(tmp_path, plugin)
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def _git_commands(caplog) -> list[str]:
    return [
        r.getMessage().split("platform: git ", 1)[1]
        for r in caplog.records
        if "platform: git " in r.getMessage()
    ]


@pytest.mark.parametrize(
    ("ref", "title"),
    [("main", "Pets two"), ("feature", "Pets feature"), ("v1", "Pets one"), (None, "Pets two")],
)
def test_build_by_branch_tag_and_default_head(tmp_path, remote, ref, title):
    source = {"ref": ref} if ref else {}
    site = build_site(tmp_path, _plugin(remote, **source))
    assert _title(site) == title


def test_build_by_commit_shows_and_records_the_commit(tmp_path, remote):
    site = build_site(tmp_path, _plugin(remote, ref=remote.first))
    assert _title(site) == "Pets one"
    commit = site.article("apis/pets/index.html").select_one(".mp-commit")
    assert commit["title"] == remote.first
    (api,) = json.loads((site.dir / "scorecards.json").read_text())["apis"]
    assert api["commit"] == remote.first


def test_second_build_of_a_commit_never_touches_the_remote(tmp_path, remote, caplog):
    build_site(tmp_path, _plugin(remote, ref=remote.first))
    remote.hide()
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    site = build_site(tmp_path, _plugin(remote, ref=remote.first))
    assert _title(site) == "Pets one"
    assert _git_commands(caplog) == []
    assert "stale" not in caplog.text


def test_second_build_of_a_branch_only_asks_where_it_is(tmp_path, remote, caplog):
    build_site(tmp_path, _plugin(remote, ref="main"))
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    build_site(tmp_path, _plugin(remote, ref="main"))
    commands = _git_commands(caplog)
    assert len(commands) == 1
    assert "ls-remote" in commands[0]


def test_moved_branch_is_picked_up(tmp_path, remote):
    assert _title(build_site(tmp_path, _plugin(remote, ref="main"))) == "Pets two"
    third = remote.commit("Pets three")
    site = build_site(tmp_path, _plugin(remote, ref="main"))
    assert _title(site) == "Pets three"
    assert site.article("apis/pets/index.html").select_one(".mp-commit")["title"] == third


def test_offline_builds_from_the_cache(tmp_path, remote, caplog):
    build_site(tmp_path, _plugin(remote, ref="main"))
    remote.commit("Pets three")
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    site = build_site(tmp_path, {**_plugin(remote, ref="main"), "offline": True})
    assert _title(site) == "Pets two"
    assert _git_commands(caplog) == []


def test_offline_without_cache_says_how_to_fill_it(tmp_path, remote, caplog):
    message = _build_error(tmp_path, {**_plugin(remote, ref="main"), "offline": True}, caplog)
    assert "source 'pets'" in message
    assert "offline" in message
    assert "fill the cache" in message


def test_unreachable_remote_with_cache_builds_stale(tmp_path, remote, caplog):
    build_site(tmp_path, _plugin(remote, ref="main"))
    remote.hide()
    caplog.set_level(logging.INFO)
    site = build_site(tmp_path, _plugin(remote, ref="main"), strict=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("stale" in w and "'pets'" in w for w in warnings)
    assert _title(site) == "Pets two"
    notice = site.article("apis/pets/index.html").select_one(".mp-stale")
    assert notice is not None
    assert remote.second[:12] in notice.get_text()


def test_unreachable_remote_with_cache_fails_strict(tmp_path, remote):
    build_site(tmp_path, _plugin(remote, ref="main"))
    remote.hide()
    with pytest.raises(Abort, match="warnings in strict mode"):
        build_site(tmp_path, _plugin(remote, ref="main"), strict=True)


def test_unreachable_remote_without_cache_is_an_error(tmp_path, remote, caplog):
    remote.hide()
    message = _build_error(tmp_path, _plugin(remote, ref="main"), caplog)
    assert "source 'pets'" in message
    assert "could not be fetched" in message
    assert "git ls-remote failed" in message


def test_a_git_error_keeps_everything_git_said(tmp_path, caplog):
    not_a_repository = tmp_path / "remotes" / "pets"
    not_a_repository.mkdir(parents=True)
    plugin = {
        "sources": [{"name": "pets", "git": not_a_repository.as_uri(), "ref": "main"}],
        "cache_dir": "cache",
    }
    message = _build_error(tmp_path, plugin, caplog)
    # Git says why over several lines; the first one names the cause, the last only a hint.
    assert (
        f"git ls-remote failed: fatal: '{not_a_repository}' does not appear to be a git "
        "repository fatal: Could not read from remote repository. Please make sure you have "
        "the correct access rights and the repository exists."
    ) in message


def test_a_git_error_masks_secrets_in_every_line(tmp_path):
    token = "tok-5e4d3c2b1a"
    missing = tmp_path / token / "pets"
    git_runner = Git(missing.as_uri(), token)
    with pytest.raises(GitError) as caught:
        git_runner.run("ls-remote", "--", git_runner.url, "HEAD")
    message = str(caught.value)
    assert token not in message
    assert f"fatal: '{tmp_path}/***/pets' does not appear to be a git repository" in message
    assert "the repository exists." in message
    assert "\n" not in message


def test_git_message_joins_lines_and_drops_control_characters():
    said = "fatal: one\r\n\n  remote: \x1b[31mtwo\x07\nthree  \n"
    assert git_message(said) == "fatal: one remote: [31mtwo three"
    assert git_message("\n \n") == ""


def test_missing_ref_is_an_error(tmp_path, remote, caplog):
    assert "no branch or tag named 'nope'" in _build_error(
        tmp_path, _plugin(remote, ref="nope"), caplog
    )


def test_local_path_wins_when_it_exists(tmp_path, remote):
    local = tmp_path / "checkout"
    shutil.copytree(remote.path, local)
    (local / "openapi.yaml").write_text(yaml.safe_dump(minimal_spec("Local pets")))
    plugin = {
        "sources": [{"name": "pets", "git": remote.url, "path": "checkout"}],
        "cache_dir": "cache",
    }
    site = build_site(tmp_path, plugin)
    assert _title(site) == "Local pets"
    assert not (tmp_path / "cache" / "git").exists()  # nothing was fetched
    # The local checkout's own HEAD is shown, read without running git in it.
    assert site.article("apis/pets/index.html").select_one(".mp-commit")["title"] == remote.second


def test_token_appears_nowhere(tmp_path, remote, caplog, monkeypatch):
    token = "tok-9f8e7d6c5b4a"
    monkeypatch.setenv("PETS_TOKEN", token)
    caplog.set_level(logging.DEBUG)
    plugin = {
        "sources": [
            {"name": "pets", "git": remote.url, "ref": "main", "token_env": "PETS_TOKEN"},
        ],
        "cache_dir": "cache",
    }
    site = build_site(tmp_path, plugin)
    written = "".join(p.read_text(errors="replace") for p in site.dir.rglob("*") if p.is_file())
    assert token not in written
    assert token not in caplog.text
    # An https remote that cannot be reached: git's own error text must not carry the token.
    plugin["sources"] = [
        {
            "name": "pets",
            "git": f"https://user:{token}@127.0.0.1:9/pets.git",
            "token_env": "PETS_TOKEN",
        }
    ]
    message = _build_error(tmp_path, plugin, caplog)
    assert token not in message
    assert token not in caplog.text
    assert "127.0.0.1" in message
    # A token written as the URL's user name (https://<token>@host) is masked as well.
    plugin["sources"] = [{"name": "pets", "git": f"https://{token}@127.0.0.1:9/pets.git"}]
    message = _build_error(tmp_path, plugin, caplog)
    assert token not in message
    assert token not in caplog.text
    assert "127.0.0.1" in message


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/pwned",
        "--upload-pack=touch /tmp/pwned",
        "-oProxyCommand=touch /tmp/pwned",
        "http://example.com/repo.git",
        "git://example.com/repo.git",
        "fd::17",
        "/srv/repos/pets",
        "https://example.com/re po.git",
        "",
    ],
)
def test_refused_urls(url):
    with pytest.raises(GitError):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/pets.git",
        "ssh://git@host/acme/pets.git",
        "git@github.com:acme/pets.git",
        "file:///srv/pets",
    ],
)
def test_accepted_urls(url):
    check_url(url)  # raises GitError when refused
    assert Git(url, token=None).display_url == url


@pytest.mark.parametrize(
    "ref",
    [
        "--upload-pack=x",
        "-b",
        "main..other",
        "HEAD~1",
        "a b",
        "main^",
        "x:y",
        "v1/",
        "@{1}",
        "a.lock",
    ],
)
def test_refused_refs(ref):
    with pytest.raises(GitError):
        check_ref(ref)


def test_refused_url_fails_the_build_naming_the_source(tmp_path, caplog):
    plugin = {
        "sources": [{"name": "pets", "git": "ext::sh -c touch% /tmp/pwned"}],
        "cache_dir": "cache",
    }
    assert "source 'pets'" in _build_error(tmp_path, plugin, caplog)


@pytest.mark.parametrize(
    ("url", "view", "edit"),
    [
        (
            "https://github.com/acme/pets.git",
            "https://github.com/acme/pets/blob/C/a/openapi.yaml",
            "https://github.com/acme/pets/edit/main/a/openapi.yaml",
        ),
        (
            "git@github.com:acme/pets.git",
            "https://github.com/acme/pets/blob/C/a/openapi.yaml",
            "https://github.com/acme/pets/edit/main/a/openapi.yaml",
        ),
        (
            "https://gitlab.com/acme/team/pets.git",
            "https://gitlab.com/acme/team/pets/-/blob/C/a/openapi.yaml",
            "https://gitlab.com/acme/team/pets/-/edit/main/a/openapi.yaml",
        ),
        (
            "ssh://git@bitbucket.org/acme/pets.git",
            "https://bitbucket.org/acme/pets/src/C/a/openapi.yaml",
            "https://bitbucket.org/acme/pets/src/main/a/openapi.yaml?mode=edit",
        ),
        (
            "https://gitea.com/acme/pets.git",
            "https://gitea.com/acme/pets/src/commit/C/a/openapi.yaml",
            "https://gitea.com/acme/pets/_edit/main/a/openapi.yaml",
        ),
    ],
)
def test_links_derived_from_host_forms(url, view, edit):
    templates = default_templates(url)
    fill = {"{commit}": "C", "{ref}": "main", "{path}": "a/openapi.yaml"}
    got_view, got_edit = templates.view or "", templates.edit or ""
    for key, value in fill.items():
        got_view, got_edit = got_view.replace(key, value), got_edit.replace(key, value)
    assert (got_view, got_edit) == (view, edit)


def test_unknown_host_has_no_links():
    assert default_templates("https://git.internal.example/acme/pets.git").view is None


def _edit_link(site, rel: str) -> str | None:
    button = site.soup(rel).select_one("a.md-content__button[href]")
    return button["href"] if button is not None else None


def test_pages_link_into_their_own_repository(tmp_path, remote):
    templates = {
        "view_url": "https://code.example/pets/blob/{commit}/{path}",
        "edit_url": "https://code.example/pets/edit/{ref}/{path}",
    }
    extra = {
        "repo_url": "https://code.example/portal",
        "edit_uri": "edit/main/docs/",
        "theme": {"name": "material", "features": ["content.action.edit"]},
    }
    site = build_site(tmp_path, _plugin(remote, ref="main", **templates), **extra)
    assert (
        _edit_link(site, "apis/pets/index.html")
        == "https://code.example/pets/edit/main/openapi.yaml"
    )
    assert _edit_link(site, "apis/index.html") is None
    spec_link = site.article("apis/pets/index.html").select_one(".mp-meta a[href*='/blob/']")[
        "href"
    ]
    assert spec_link == f"https://code.example/pets/blob/{remote.second}/openapi.yaml"
    # A tag or a commit cannot be edited: no edit link, but still a view link.
    site = build_site(tmp_path, _plugin(remote, ref="v1", **templates), **extra)
    assert _edit_link(site, "apis/pets/index.html") is None
    assert site.article("apis/pets/index.html").select_one(".mp-meta a[href*='/blob/']") is not None
