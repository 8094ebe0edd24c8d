"""Links from a portal page to a file in its repository: view at the commit, edit on the branch."""

from __future__ import annotations

import configparser
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

_SCP_LIKE = re.compile(r"^(?:[A-Za-z0-9._-]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*)$")


@dataclass(frozen=True)
class LinkTemplates:
    """URL templates with `{commit}`, `{ref}` and `{path}` for one repository."""

    view: str | None = None
    edit: str | None = None
    line: str = ""
    """Fragment of a view URL that shows one line, with `{line}` (`#L{line}`)."""


def web_base(git_url: str) -> tuple[str, str] | None:
    """(host, `https://host/owner/repo`) for a git URL whose host serves a web UI."""
    try:
        parsed = urllib.parse.urlsplit(git_url)
        _ = parsed.hostname, parsed.port
    except ValueError:
        return None
    if parsed.scheme in ("https", "http", "ssh") and parsed.hostname:
        host, path = parsed.hostname, parsed.path
    else:
        match = _SCP_LIKE.match(git_url)
        if match is None:
            return None
        host, path = match["host"], "/" + match["path"]
    path = path.rstrip("/").removesuffix(".git").strip("/")
    if not path or host in ("localhost", "127.0.0.1"):
        return None
    return host.lower(), f"https://{host}/{path}"


def default_templates(git_url: str | None) -> LinkTemplates:
    """Templates for GitHub, GitLab, Bitbucket and Gitea URL forms; none for other hosts."""
    base = web_base(git_url) if git_url else None
    if base is None:
        return LinkTemplates()
    host, root = base
    if host == "github.com" or host.startswith("github."):
        return LinkTemplates(
            f"{root}/blob/{{commit}}/{{path}}", f"{root}/edit/{{ref}}/{{path}}", "#L{line}"
        )
    if "gitlab" in host:
        return LinkTemplates(
            f"{root}/-/blob/{{commit}}/{{path}}", f"{root}/-/edit/{{ref}}/{{path}}", "#L{line}"
        )
    if "bitbucket" in host:
        return LinkTemplates(
            f"{root}/src/{{commit}}/{{path}}",
            f"{root}/src/{{ref}}/{{path}}?mode=edit",
            "#lines-{line}",
        )
    if host in ("gitea.com", "codeberg.org") or "gitea" in host or "forgejo" in host:
        return LinkTemplates(
            f"{root}/src/commit/{{commit}}/{{path}}", f"{root}/_edit/{{ref}}/{{path}}", "#L{line}"
        )
    return LinkTemplates()


def origin_url(checkout: Path) -> str | None:
    """The `origin` remote's URL of a local checkout, read from `.git/config` (git is not run)."""
    config_path = checkout / ".git" / "config"
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(config_path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return None
    section = 'remote "origin"'
    if parser.has_option(section, "url"):
        return parser.get(section, "url").strip() or None
    return None


def expand(template: str | None, *, path: str, commit: str | None, ref: str | None) -> str | None:
    """A template with its fields filled in, or None when a field it needs is unknown."""
    if not template:
        return None
    if "{commit}" in template and not commit:
        return None
    if "{ref}" in template and not ref:
        return None
    quoted = urllib.parse.quote(path, safe="/")
    return (
        template.replace("{commit}", commit or "")
        .replace("{ref}", ref or "")
        .replace("{path}", quoted)
    )
