"""Git sources: one pinned ref of each repository, fetched shallowly into the cache.

A commit ref is never fetched twice; a branch or tag costs one `git ls-remote` per build (which
also lists the release tags) and a fetch only when it moved. Offline builds never touch the
network. URLs and refs are checked so that git can never read them as options, only https, ssh
and file transports are allowed, git never prompts, every call has a timeout, and a token never
appears in any text we produce.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.errors import PlatformError
from mkdocs_platform.models import SourceSettings

log = get_plugin_logger(__name__)

REMOTE_TIMEOUT = 120
"""Seconds a `git ls-remote` may take."""
FETCH_TIMEOUT = 900
"""Seconds a fetch may take."""
META_FILE = ".platform-source.json"

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/+-]*$")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~+-]+$")


class GitError(PlatformError):
    """A git source that cannot be used; the message names the source and says why."""


@dataclass(frozen=True)
class Checkout:
    """A checkout of a git source, ready to read."""

    root: Path
    commit: str
    branch: str | None
    """The branch built, when the ref is a branch (for edit links)."""
    stale: bool = False
    """True when fetching failed and an older checkout is used."""
    reason: str = ""
    """Why the checkout is stale."""
    tags: dict[str, str] | None = None
    """Tag -> commit on the remote, when this build listed them; None when it did not."""


def parse_tags(out: str) -> dict[str, str]:
    """Tag -> commit in `git ls-remote` output; an annotated tag's peeled entry gives its commit."""
    direct: dict[str, str] = {}
    peeled: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if not _COMMIT.match(sha) or not ref.startswith("refs/tags/"):
            continue
        name = ref.removeprefix("refs/tags/")
        if name.endswith("^{}"):
            peeled[name.removesuffix("^{}")] = sha
        else:
            direct[name] = sha
    return {tag: peeled.get(tag, sha) for tag, sha in direct.items()}


def check_url(url: str) -> None:
    """Refuse a URL git could read as an option, or whose transport is not https, ssh or file.

    Raises:
        GitError: when the URL is refused.
    """
    if not url or url.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise GitError(
            "the git URL is empty, starts with '-' or holds spaces or control characters"
        )
    if "::" in url.split("/", 1)[0]:
        raise GitError("git remote helpers (`transport::address`) are refused")
    try:
        parts = urllib.parse.urlsplit(url)
        # Reading the port checks it: what URL parsing refuses here, every later use would too.
        _ = parts.hostname, parts.port
    except ValueError as exc:
        raise GitError(f"the git URL cannot be parsed: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme in ("https", "ssh", "file"):
        return
    if not scheme and _SCP_LIKE.match(url):
        return  # user@host:path, ssh in scp form
    raise GitError(f"only https, ssh and file git URLs are allowed, not {scheme or 'this form'}")


def check_ref(ref: str) -> None:
    """Refuse a ref git could read as an option or as a revision expression.

    Raises:
        GitError: when the ref is refused.
    """
    if not _REF.match(ref) or ".." in ref or ref.endswith((".lock", "/", ".")) or "//" in ref:
        raise GitError(f"the ref {ref!r} is not a plain branch, tag or 40-hex commit")


MAX_MESSAGE = 2000
"""Characters of git's output an error keeps: a server may send pages of `remote:` lines."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def git_message(output: str) -> str:
    """All of what git said, as one line: its lines trimmed and joined, blank ones dropped.

    Git's reason is often spread over lines ("fatal: ... does not appear to be a git
    repository", then the hint about access rights): the first line alone, or the last, says
    too little. Control characters a server could send to drive the terminal are dropped.
    """
    lines = [line.strip() for line in _CONTROL.sub("", output).splitlines()]
    return " ".join(line for line in lines if line)


def shortened(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` cut to `limit` characters, the cut marked."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class Git:
    """Runs git for one source: no prompts, allowed transports only, a timeout, secrets masked."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.secrets = [s for s in self._secrets(url, token) if s]
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_CONFIG_")}
        env.update(
            GIT_TERMINAL_PROMPT="0",
            GIT_ALLOW_PROTOCOL="https:ssh:file",
            GIT_ASKPASS="",
            SSH_ASKPASS="",
            GCM_INTERACTIVE="never",
            LC_ALL="C",
        )
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        if token and urllib.parse.urlsplit(url).scheme == "https":
            # The token travels in the environment, never on a command line that `ps` shows.
            basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
            )
        self.env = env

    @staticmethod
    def _secrets(url: str, token: str | None) -> list[str]:
        secrets = [token or ""]
        if token:
            secrets.append(base64.b64encode(f"x-access-token:{token}".encode()).decode())
        parts = urllib.parse.urlsplit(url)
        if parts.password:
            secrets.append(parts.password)
        if parts.username and parts.scheme == "https":
            secrets.append(parts.username)  # https://<token>@host
        return secrets

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    @property
    def display_url(self) -> str:
        """The URL without any credentials in it."""
        parts = urllib.parse.urlsplit(self.url)
        # An https "user" is often a token (https://<token>@host); an ssh user (git@) is not.
        if parts.password or (parts.username and parts.scheme == "https"):
            host = parts.hostname or ""
            if parts.port:
                host += f":{parts.port}"
            return self.mask(urllib.parse.urlunsplit(parts._replace(netloc=host)))
        return self.mask(self.url)

    def run(self, *args: str, cwd: Path | None = None, timeout: int = REMOTE_TIMEOUT) -> str:
        command = [
            "git",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "advice.detachedHead=false",
            *args,
        ]
        log.debug("%s", self.mask(" ".join(command)))
        try:
            done = subprocess.run(
                command,
                cwd=cwd,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} took longer than {timeout} s") from None
        except OSError as exc:
            raise GitError(f"git cannot be run: {exc.strerror}") from None
        if done.returncode != 0:
            said = git_message(done.stderr) or git_message(done.stdout)
            # Masked before it is cut: a cut through a secret would leave part of it showing.
            reason = shortened(self.mask(said)) if said else f"exit {done.returncode}"
            raise GitError(f"git {args[0]} failed: {reason}")
        return done.stdout

    def resolve_remote(self, ref: str | None) -> tuple[str, str | None, str, dict[str, str]]:
        """(commit, branch or None, ref as resolved, tags) of `ref` on the remote.

        One `ls-remote` answers both where the ref is and which tags exist, so that a build
        reading the source's releases asks the remote nothing more.
        """
        if ref is None:
            out = self.run("ls-remote", "--symref", "--", self.url, "HEAD", "refs/tags/*")
            branch = None
            commit = ""
            for line in out.splitlines():
                if line.startswith("ref: refs/heads/"):
                    branch = line.split("\t", 1)[0].removeprefix("ref: refs/heads/")
                elif line.endswith("\tHEAD"):
                    commit = line.split("\t", 1)[0]
            if not _COMMIT.match(commit):
                raise GitError("the remote has no HEAD to build")
            return commit, branch, branch or "HEAD", parse_tags(out)
        out = self.run("ls-remote", "--", self.url, f"refs/heads/{ref}", "refs/tags/*")
        tags = parse_tags(out)
        for line in out.splitlines():
            sha, _, name = line.partition("\t")
            if name == f"refs/heads/{ref}":
                return sha, ref, ref, tags
        if ref in tags:
            return tags[ref], None, ref, tags
        raise GitError(f"the remote has no branch or tag named {ref!r}")


def _read_meta(path: Path) -> dict[str, str]:
    try:
        data = json.loads((path / META_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_meta(path: Path, meta: dict[str, str | None]) -> None:
    target = path / META_FILE
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(meta))
    temporary.replace(target)


def _cached(settings: SourceSettings, cache: Path) -> Checkout | None:
    meta = _read_meta(cache)
    worktree = cache / "checkout"
    if meta.get("url") != settings.git or not meta.get("commit") or not worktree.is_dir():
        return None
    return Checkout(root=worktree, commit=meta["commit"], branch=meta.get("branch") or None)


def _fetch(git: Git, cache: Path, commit: str, ref_to_fetch: str) -> None:
    worktree = cache / "checkout"
    if not (worktree / ".git").exists():
        if worktree.exists():
            shutil.rmtree(worktree)
        worktree.mkdir(parents=True)
        git.run("init", "--quiet", str(worktree))
    fetch_args = ("fetch", "--quiet", "--depth", "1", "--no-tags", "--", git.url)
    try:
        git.run(*fetch_args, ref_to_fetch, cwd=worktree, timeout=FETCH_TIMEOUT)
    except GitError:
        if ref_to_fetch == commit:
            raise
        # A branch that moved between ls-remote and fetch: the commit itself is what we pin.
        git.run(*fetch_args, commit, cwd=worktree, timeout=FETCH_TIMEOUT)
    git.run(
        "checkout", "--quiet", "--force", "--detach", commit, cwd=worktree, timeout=FETCH_TIMEOUT
    )


def fetch_git_source(settings: SourceSettings, cache_dir: Path, offline: bool) -> Checkout:
    """A checkout of the source's ref in `cache_dir`, fetching only what changed.

    Raises:
        GitError: when the source cannot be fetched and there is no cached checkout.
    """
    url = settings.git or ""
    check_url(url)
    if settings.ref is not None:
        check_ref(settings.ref)
    token = os.environ.get(settings.token_env) if settings.token_env else None
    git = Git(url, token)
    cache = cache_dir / "git" / settings.name
    ref = settings.ref
    meta = _read_meta(cache)
    # Only a checkout of this very URL and ref counts as this source's cache.
    cached = _cached(settings, cache) if meta.get("ref") == (ref or "") else None
    if ref is not None and _COMMIT.match(ref) and cached is not None and cached.commit == ref:
        return cached
    if offline:
        if cached is not None:
            return cached
        raise GitError(
            f"offline is on and there is no cached checkout of {git.display_url} "
            f"({'ref ' + ref if ref else 'its HEAD'}) in {cache}; build once without "
            "`offline: true` to fill the cache"
        )
    try:
        if ref is not None and _COMMIT.match(ref):
            commit, branch, wanted, tags = ref, None, ref, None
        else:
            commit, branch, wanted, tags = git.resolve_remote(ref)
        if cached is not None and cached.commit == commit:
            return replace(cached, tags=tags)
        cache.mkdir(parents=True, exist_ok=True)
        if meta.get("url") not in (None, url) and (cache / "checkout").exists():
            shutil.rmtree(cache / "checkout")
        fetch_ref = (
            commit
            if wanted in ("HEAD", commit)
            else (f"refs/heads/{wanted}" if branch else f"refs/tags/{wanted}")
        )
        _fetch(git, cache, commit, fetch_ref)
    except GitError as exc:
        if cached is None:
            raise GitError(f"{git.display_url} could not be fetched: {exc}") from None
        return Checkout(
            root=cached.root,
            commit=cached.commit,
            branch=cached.branch,
            stale=True,
            reason=str(exc),
        )
    _write_meta(cache, {"url": url, "ref": ref or "", "commit": commit, "branch": branch})
    return Checkout(root=cache / "checkout", commit=commit, branch=branch, tags=tags)


def read_local_head(path: Path) -> tuple[str | None, str | None]:
    """(commit, branch) of a local checkout, read from its `.git` files without running git.

    Running git inside a checkout we do not own could run its configured helpers; reading
    `HEAD` and the refs directly cannot.
    """
    git_dir = path / ".git"
    try:
        if git_dir.is_file():
            pointer = git_dir.read_text().strip()
            if not pointer.startswith("gitdir:"):
                return None, None
            git_dir = (path / pointer.removeprefix("gitdir:").strip()).resolve()
        head = (git_dir / "HEAD").read_text().strip()
    except OSError:
        return None, None
    if _COMMIT.match(head):
        return head, None
    if not head.startswith("ref: refs/heads/"):
        return None, None
    ref = head.removeprefix("ref: ")
    branch = ref.removeprefix("refs/heads/")
    common = git_dir
    try:
        commondir = (git_dir / "commondir").read_text().strip()
        common = (git_dir / commondir).resolve()
    except OSError:
        pass
    try:
        commit = (common / ref).read_text().strip()
        if _COMMIT.match(commit):
            return commit, branch
    except OSError:
        pass
    try:
        for line in (common / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref) and _COMMIT.match(line[:40]):
                return line[:40], branch
    except OSError:
        pass
    return None, branch
