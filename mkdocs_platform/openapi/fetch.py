"""Bringing in the bytes a spec refers to: files of its source and URLs on allowed hosts.

Both are untrusted. A file is read only when it is a regular file inside the source and within
the size limit, checked again on the open descriptor: a file swapped for a pipe or a device in
between is refused, never waited on. A URL is fetched only from an allowed host, and every
redirect is checked before it is followed, so no request reaches a host the user did not allow.
"""

from __future__ import annotations

import http.client
import os
import stat
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection
from pathlib import Path
from typing import Any

from mkdocs_platform.errors import PlatformError

FETCH_TIMEOUT = 15
"""Seconds to wait for a URL on an allowed host."""

_SCHEMES = ("http", "https")
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class FetchError(PlatformError):
    """Bytes that may not or cannot be brought in; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_kind(mode: int) -> str:
    """What a file of `mode` is, for a message (`a folder`, `a named pipe`, ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_regular(mode: int, size: int, max_size: int) -> None:
    if not stat.S_ISREG(mode):
        raise FetchError(f"it is {file_kind(mode)}, not a regular file; it was not read")
    if size > max_size:
        raise FetchError(f"the file is {size:,} bytes, over max_spec_size ({max_size:,} bytes)")


def regular_file_inside(path: Path, root: Path) -> Path:
    """`path` resolved, when it is a regular file inside `root` (symlinks followed).

    Raises:
        FetchError: when it is outside `root`, missing, or not a regular file.
    """
    try:
        resolved = path.resolve(strict=True)
        inside = resolved.is_relative_to(root.resolve())
        mode = resolved.stat().st_mode
    except (OSError, ValueError, RuntimeError) as exc:
        raise FetchError(f"cannot read the file: {os_reason(exc)}") from None
    if not inside:
        raise FetchError("it leaves the source's checkout; it was not read")
    if not stat.S_ISREG(mode):
        raise FetchError(f"it is {file_kind(mode)}, not a regular file; it was not read")
    return resolved


def read_regular_file(
    path: Path, max_size: int, root: Path | None = None, *, follow_links: bool = True
) -> bytes:
    """The bytes of `path`, a regular file (inside `root` when given) of at most `max_size` bytes.

    The size and kind are checked before reading and again on the open descriptor. With
    `follow_links` False, a symbolic link at `path` is refused rather than followed: for folders
    we own, where a link can only have been planted.

    Raises:
        FetchError: when the file may not or cannot be read.
    """
    resolved = regular_file_inside(path, root) if root is not None else path
    try:
        before = resolved.stat() if follow_links else resolved.lstat()
    except (OSError, ValueError) as exc:
        raise FetchError(f"cannot read the file: {os_reason(exc)}") from None
    if stat.S_ISLNK(before.st_mode):
        raise FetchError("it is a symbolic link, which is not followed here; it was not read")
    _check_regular(before.st_mode, before.st_size, max_size)
    try:
        descriptor = os.open(resolved, _OPEN_FLAGS)
    except (OSError, ValueError) as exc:
        raise FetchError(f"cannot read the file: {os_reason(exc)}") from None
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(handle.fileno())
        _check_regular(opened.st_mode, opened.st_size, max_size)
        try:
            raw = handle.read(max_size + 1)
        except OSError as exc:
            raise FetchError(f"cannot read the file: {os_reason(exc)}") from None
    if len(raw) > max_size:
        raise FetchError(f"the file grew past max_spec_size ({max_size:,} bytes) while read")
    return raw


def os_reason(exc: BaseException) -> str:
    """Why an OS call failed, in the OS's words where it gives them."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def url_host(url: str) -> str:
    """The lower-case host of `url`, or '' when it has none or cannot be parsed."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def refusal(url: str, allow_hosts: Collection[str]) -> str | None:
    """Why `url` may not be fetched, or None when its scheme and host are allowed."""
    try:
        scheme = urllib.parse.urlsplit(url).scheme.lower()
    except ValueError:
        return "it is not a valid URL"
    if scheme not in _SCHEMES:
        return f"its scheme '{scheme}' is not http or https"
    host = url_host(url)
    if not host:
        return "it names no host"
    if host not in {h.lower() for h in allow_hosts}:
        return f"its host '{host}' is not in allow_hosts"
    return None


class _RedirectRefused(urllib.error.URLError):
    pass


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an allowed host, deciding before any request is sent."""

    def __init__(self, allow_hosts: Collection[str]) -> None:
        self.allow_hosts = allow_hosts

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        why = refusal(newurl, self.allow_hosts)
        if why is not None:
            raise _RedirectRefused(
                f"it redirects to '{url_host(newurl)}', which may not be fetched ({why}); "
                "the redirect was not followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(
    url: str, allow_hosts: Collection[str], max_size: int, timeout: float = FETCH_TIMEOUT
) -> bytes:
    """The body of `url`, fetched only from `allow_hosts`, redirects included, within `max_size`.

    Raises:
        FetchError: when the URL may not be fetched, fails, or is too large.
    """
    why = refusal(url, allow_hosts)
    if why is not None:
        raise FetchError(f"{why}; nothing was fetched")
    opener = urllib.request.build_opener(_CheckedRedirects(allow_hosts))
    try:
        with opener.open(url, timeout=timeout) as response:
            raw: bytes = response.read(max_size + 1)
    except _RedirectRefused as exc:
        raise FetchError(str(exc.reason)) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise FetchError(f"it could not be fetched: {str(exc)[:300]}") from None
    if len(raw) > max_size:
        raise FetchError(f"it is larger than max_spec_size ({max_size:,} bytes)")
    return raw
