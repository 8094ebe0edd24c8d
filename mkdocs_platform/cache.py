"""Results of the pipeline's stages kept on disk, keyed by content, so no build redoes them.

A stage (reading a spec, scoring an API, rendering a page) stores what it produced under a key
made of everything it depends on; the next build with the same inputs loads it instead of
working. Entries are pickles, and the cache folder is untrusted (it may sit in the repository
being built, where anyone can plant a file), so every entry is signed with a secret kept in the
user's own cache folder, and only an entry whose signature matches is unpickled. An entry that
is missing, damaged, truncated, of another format or signed with another secret is ignored and
the stage runs again; it is never trusted.

Entries are written to a temporary file and renamed into place, so a build that runs at the
same time as another reads either a whole entry or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

FORMAT = 1
"""Bumped when what an entry holds changes shape."""

MAX_ENTRY_SIZE = 2**31
"""Largest entry read back, in bytes (a reading of a 64 MB spec pickles to a few hundred MB)."""

KEY_FILE = "validation-cache.key"
"""The secret entries are signed with, in the user's cache folder."""

_SECRET_SIZE = 32
_MAGIC = b"mkdocs-platform stage cache\n"
_DIGEST_SIZE = hashlib.sha256().digest_size


def user_cache_dir() -> Path:
    """This program's folder in the user's cache (`$XDG_CACHE_HOME` or `~/.cache`)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "mkdocs-platform"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


@cache
def tool_versions() -> tuple[str, ...]:
    """The versions of what computes a stage's result: a new one invalidates every entry."""
    names = ("mkdocs-platform", "openapi-spec-validator", "jsonschema-rs", "griffe", "jinja2")
    return (*(f"{name}={_version(name)}" for name in names), f"code={_own_code_digest()}")


def _own_code_digest() -> str:
    """A digest of this package's code, templates and assets.

    The version number alone misses every change made between releases: an install from a
    checkout or a git commit keeps `0.1.0` while its templates change, and would be served pages
    rendered by the code it replaced.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".json"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def content_key(*parts: object) -> str:
    """A digest of `parts` (text, bytes or their reprs) and of the tool versions."""
    digest = hashlib.sha256()
    for part in (FORMAT, *tool_versions(), *parts):
        raw = part if isinstance(part, bytes) else repr(part).encode("utf-8", "backslashreplace")
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    return digest.hexdigest()


def _read_file(path: Path, max_size: int) -> bytes | None:
    """The bytes of a regular file of at most `max_size` bytes; None when it cannot be read."""
    # Imported here: the `openapi` package keeps its readings in this cache.
    from mkdocs_platform.openapi.fetch import FetchError, read_regular_file

    try:
        return read_regular_file(path, max_size)
    except FetchError:
        return None


def file_digest(path: Path, max_size: int) -> str | None:
    """The SHA-256 of a regular file of at most `max_size` bytes; None when it cannot be read."""
    raw = _read_file(path, max_size)
    return hashlib.sha256(raw).hexdigest() if raw is not None else None


def files_unchanged(files: Iterable[tuple[str, str | None]], max_size: int) -> bool:
    """Whether every (path, digest) pair still describes the file at that path."""
    return all(file_digest(Path(path), max_size) == digest for path, digest in files)


def signing_secret(folder: Path) -> bytes | None:
    """The signing secret in `folder`, made on first use; None when it cannot be kept."""
    path = folder / KEY_FILE
    secret = _read_secret(path)
    if secret is not None:
        return secret
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(_SECRET_SIZE))
        # Two builds at once: the first secret written stays, the other is dropped.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            Path(temporary).unlink()
        return _read_secret(path)
    except OSError:
        return None


def _read_secret(path: Path) -> bytes | None:
    raw = _read_file(path, _SECRET_SIZE)
    return raw if raw is not None and len(raw) == _SECRET_SIZE else None


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stage_store(stages_dir: Path | None) -> StageCache | None:
    """The stage cache in `stages_dir`; None when caching is off."""
    return StageCache(stages_dir) if stages_dir is not None else None


class StageCache:
    """Signed entries of every stage, in `directory/<stage>/`.

    The secret is read from `secret_dir` (by default `user_cache_dir()`) on first use; without
    one nothing is kept. The object pickles, so worker processes can use the same folder.
    """

    def __init__(self, directory: Path, secret_dir: Path | None = None) -> None:
        self.directory = directory
        self.secret_dir = secret_dir
        self._secret: bytes | None = None
        self._secret_read = False

    def __getstate__(self) -> dict[str, Any]:
        # The secret is read again in a worker rather than sent to it.
        return {"directory": self.directory, "secret_dir": self.secret_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"], state["secret_dir"])  # type: ignore[misc]

    def secret(self) -> bytes | None:
        if not self._secret_read:
            folder = self.secret_dir if self.secret_dir is not None else user_cache_dir()
            self._secret = signing_secret(folder)
            self._secret_read = True
        return self._secret

    def path(self, stage: str, key: str) -> Path:
        """Where the entry of `stage` for `key` lives."""
        return self.directory / stage / key[:2] / f"{key}.pickle"

    def _signature(self, secret: bytes, stage: str, key: str, payload: bytes | memoryview) -> bytes:
        mac = hmac.new(secret, digestmod=hashlib.sha256)
        for part in (_MAGIC, str(FORMAT).encode(), stage.encode(), key.encode()):
            mac.update(len(part).to_bytes(8, "big") + part)
        mac.update(payload)
        return mac.digest()

    def get(self, stage: str, key: str) -> Any | None:
        """The value stored for `key`, or None when there is none that can be trusted."""
        secret = self.secret()
        if secret is None:
            return None
        raw = _read_file(self.path(stage, key), MAX_ENTRY_SIZE)
        if raw is None:
            return None
        head = len(_MAGIC)
        if len(raw) < head + _DIGEST_SIZE or raw[:head] != _MAGIC:
            return None
        signature = raw[head : head + _DIGEST_SIZE]
        payload = memoryview(raw)[head + _DIGEST_SIZE :]
        if not hmac.compare_digest(signature, self._signature(secret, stage, key, payload)):
            log.debug("cache entry %s/%s is not signed by this user; it is ignored", stage, key)
            return None
        try:
            return pickle.loads(payload)  # noqa: S301 - signed with the user's own secret above
        except Exception:
            # Signed but unreadable (a class that changed shape): computed again.
            log.debug("cache entry %s/%s cannot be read; it is ignored", stage, key, exc_info=True)
            return None

    def put(self, stage: str, key: str, value: object) -> None:
        """Store `value` for `key`; a folder that cannot be written costs speed, never the build."""
        secret = self.secret()
        if secret is None:
            return
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            log.debug("a %s result cannot be kept in the cache", stage, exc_info=True)
            return
        signature = self._signature(secret, stage, key, payload)
        path = self.path(stage, key)
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                # Something else took the entry's place: an empty folder is cleared away.
                path.rmdir()
            write_atomically(path, _MAGIC + signature + payload)
