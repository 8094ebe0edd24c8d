"""Where bundles live: a local folder or glob, or any fsspec URL (`s3://`, `gs://`, `az://`,
`file://`, `memory://`).

Credentials never come from here: fsspec's backends read them from the environment (the AWS,
Google and Azure variables and files), so that `mkdocs.yml` never holds a secret.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mkdocs_platform.cache import write_atomically
from mkdocs_platform.errors import PlatformError
from mkdocs_platform.openapi.fetch import FetchError, read_regular_file

SECRET_OPTION = re.compile(r"key|secret|token|password|credential|sas|sig|auth", re.IGNORECASE)
"""Storage option names that would hold a credential."""
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "az": "azure", "abfs": "azure"}
"""fsspec protocol -> the extra of mkdocs-platform that installs its backend."""
_GLOB = re.compile(r"[*?\[]")


class StorageError(PlatformError):
    """A bundle location that cannot be listed, read or written; the message names it."""


def secret_option(options: dict[str, Any]) -> str | None:
    """The first option whose name says it holds a credential, or None."""
    return next(
        (str(k) for k in options if not isinstance(k, str) or SECRET_OPTION.search(k)), None
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


@dataclass(frozen=True)
class StoredBundle:
    """A bundle as the storage lists it."""

    path: str
    """Its path in the storage's filesystem."""
    stamp: str | None
    """Changes whenever the file does (size and times, or the store's ETag); None when the
    store tells nothing that would."""
    modified: float | None
    """When it was last written (POSIX seconds), when the store says."""


@dataclass
class Storage:
    """A place bundles are read from or written to."""

    location: str
    """The location as the user gave it, for messages."""
    fs: Any
    """The fsspec filesystem."""
    root: str
    """The folder in `fs` (a glob's fixed part, when `pattern` is set)."""
    pattern: str | None = None
    """The glob the user gave, when they gave one."""

    @property
    def local(self) -> bool:
        return "file" in _protocols(self.fs)

    def display(self, path: str) -> str:
        """`path` of `fs` the way the user would write it (`s3://bucket/pets.bundle.json`)."""
        if self.local:
            return path
        protocol = _protocols(self.fs)[0]
        return f"{protocol}://{path}"

    def write_whole(self, name: str, data: bytes) -> str:
        """Write `data` as `name` in the folder, whole or not at all; where it was written."""
        path = f"{self.root.rstrip('/')}/{name}"
        if self.local:
            _write_local(Path(path), data)
            return path
        try:
            with contextlib.suppress(Exception):
                self.fs.makedirs(self.root, exist_ok=True)  # object stores have no folders
            # One upload: an object store shows the old object or the new one, never a part.
            self.fs.pipe_file(path, data)
        except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors
            raise StorageError(f"cannot write {self.display(path)}: {_reason(exc)}") from None
        return self.display(path)

    def list_bundles(self, suffix: str) -> list[StoredBundle]:
        """Every bundle of the location, sorted by path: those the glob matches, or every file
        under the folder whose name ends with `suffix`."""
        if self.local and self.pattern is None:
            return _local_bundles(Path(self.root), self.location, suffix)
        try:
            if self.pattern is not None:
                found = self.fs.glob(self.pattern, detail=True)
            elif self.fs.isdir(self.root):
                found = self.fs.find(self.root, detail=True)
                found = {p: info for p, info in found.items() if str(p).endswith(suffix)}
            elif self.fs.exists(self.root):
                found = {self.root: self.fs.info(self.root)}
            elif self.local:
                # A folder on this machine that is not there is a mistake; an empty prefix of
                # an object store is a service that has not published yet.
                raise StorageError(f"{self.location} does not exist")  # noqa: TRY301
            else:
                found = {}
        except StorageError:
            raise
        except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors
            raise StorageError(f"cannot list {self.location}: {_reason(exc)}") from None
        return sorted(
            (
                StoredBundle(str(path), _stamp(info), _modified(info))
                for path, info in found.items()
                if not (isinstance(info, dict) and info.get("type") == "directory")
            ),
            key=lambda stored: stored.path,
        )

    def read(self, path: str, max_size: int) -> bytes:
        """The bytes of the bundle at `path`, refused past `max_size`."""
        if self.local:
            # A folder on this machine may hold a pipe, a device or a link planted among the
            # bundles: only regular files are read.
            try:
                return read_regular_file(Path(path), max_size, follow_links=False)
            except FetchError as exc:
                raise StorageError(exc.message) from None
        try:
            size = self.fs.size(path)
        except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors
            raise StorageError(f"it cannot be read: {_reason(exc)}") from None
        if isinstance(size, int) and size > max_size:
            raise StorageError(f"it is {size:,} bytes, over the {max_size:,} a bundle may have")
        try:
            with self.fs.open(path, "rb") as handle:
                data: bytes = handle.read(max_size + 1)
        except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors
            raise StorageError(f"it cannot be read: {_reason(exc)}") from None
        if len(data) > max_size:
            raise StorageError(f"it grew past the {max_size:,} bytes a bundle may have")
        return data


STAMP_KEYS = ("size", "ETag", "etag", "md5Hash", "crc32c", "LastModified", "mtime", "updated")
"""What object stores say of an object that changes with its content."""


def _stamp(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    known = {key: str(info[key]) for key in STAMP_KEYS if info.get(key) is not None}
    # The size alone changes with too few edits to stand for the content.
    return repr(sorted(known.items())) if set(known) - {"size"} else None


MODIFIED_KEYS = ("LastModified", "last_modified", "updated", "mtime", "created")
"""Where object stores say when an object was written (s3fs, adlfs, gcsfs, local, memory)."""


def _modified(info: Any) -> float | None:
    """When the object was written, from what its store said, in POSIX seconds."""
    if not isinstance(info, dict):
        return None
    for key in MODIFIED_KEYS:
        value = info.get(key)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return None


def _local_bundle(path: Path) -> StoredBundle:
    try:
        info = path.lstat()
    except OSError:
        return StoredBundle(str(path), None, None)
    stamp = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}"
    return StoredBundle(str(path), stamp, info.st_mtime)


def _local_bundles(root: Path, location: str, suffix: str) -> list[StoredBundle]:
    """The bundles under a local folder, links to folders not followed (no loops)."""
    if not root.is_dir():
        if root.is_file():
            return [_local_bundle(root)]
        raise StorageError(f"{location} does not exist")
    found: list[str] = []
    for folder, _, names in os.walk(root, followlinks=False):
        found.extend(str(Path(folder) / name) for name in names if name.endswith(suffix))
    return [_local_bundle(Path(path)) for path in sorted(found)]


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


def local_folder(location: str | None) -> str | None:
    """The folder on this machine that holds the bundles `location` names (a glob's fixed
    part), or None when they are in object storage."""
    if not location:
        return None
    if location.startswith("file://"):
        location = location.removeprefix("file://")
    elif "://" in location:
        return None
    return _glob_folder(location) if _GLOB.search(location) else location


def _glob_folder(pattern: str) -> str:
    """The folder every path the glob `pattern` matches lies under: its fixed part."""
    fixed = _GLOB.split(pattern, maxsplit=1)[0]
    return fixed.rpartition("/")[0] or ("/" if fixed.startswith("/") else ".")


def storage_for(location: str, options: dict[str, Any]) -> Storage:
    """The storage at `location` with fsspec `options`.

    Raises:
        StorageError: a credential among the options, or a protocol whose backend is not
            installed (the message names the extra that installs it).
    """
    secret = secret_option(options)
    if secret is not None:
        raise StorageError(
            f"the storage option {secret!r} would hold a credential; give credentials in the "
            "environment instead"
        )
    # Imported here: most builds read no bundle, and fsspec's backends are slow to import.
    import fsspec

    protocol = location.split("://", 1)[0] if "://" in location else "file"
    try:
        fs, path = fsspec.core.url_to_fs(location, **options)
    except ImportError:
        extra = EXTRAS.get(protocol)
        hint = f"pip install 'mkdocs-platform[{extra}]'" if extra else "install its fsspec backend"
        raise StorageError(f"{location}: reading {protocol}:// needs a package: {hint}") from None
    except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors
        raise StorageError(f"{location}: {_reason(exc)}") from None
    if _GLOB.search(path):
        return Storage(location=location, fs=fs, root=_glob_folder(path), pattern=path)
    return Storage(location=location, fs=fs, root=str(path))


def _write_local(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file renamed over it."""
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise StorageError(f"cannot write {target}: {exc.strerror or exc}") from None
