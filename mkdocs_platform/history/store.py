"""The history folder: reading it without trusting it, and adding to it without losing it.

Layout of the folder (`HistorySettings.path`):

    README.txt                  what the folder is
    apis/<api-id>.jsonl         one API's records, one per build (or backfilled release)
    portfolio.jsonl             the portfolio's records
    specs/<sha256>.json.gz      each distinct spec as loaded (canonical JSON, gzip)
    sdks/<sha256>.json.gz       each distinct SDK API surface

A `.jsonl` file starts with a header line naming the format, its version and what the file
holds; every further line is one record (see `records`). The folder may come from a cache or a
clone, so anything in it may be damaged or hostile: every read is bounded, symbolic links are
not followed, and a file that cannot be read becomes one finding and is left out, never a
traceback. A file this release cannot read (damaged, foreign, of a newer format) is never
overwritten either: its finding says so. Every file is replaced atomically, so a build that is
interrupted leaves each file as it was or as it should be.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import secrets
import stat
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from mkdocs_platform.errors import HistoryError
from mkdocs_platform.history.records import (
    DIGEST,
    RecordError,
    api_record_from_json,
    api_record_json,
    canonical_json,
    portfolio_record_from_json,
    portfolio_record_json,
    utc,
)
from mkdocs_platform.models.findings import Finding
from mkdocs_platform.models.history import (
    HISTORY_FORMAT,
    ApiRecord,
    History,
    HistorySettings,
    PortfolioRecord,
)
from mkdocs_platform.openapi.fetch import FetchError, file_kind, os_reason, read_regular_file

FORMAT_NAME = "mkdocs-platform-history"
"""The `format` of every history file's header."""

APIS = "apis"
PORTFOLIO = "portfolio.jsonl"
SPECS = "specs"
SDKS = "sdks"
README = "README.txt"

HISTORY_RULE = "history"
"""The rule id of findings about the history folder."""

DEFAULT_MAX_SIZE = 64 * 1024 * 1024
"""Most bytes a history file (or a stored spec, once expanded) may have by default."""

MAX_LINE = 64 * 1024
"""Most bytes of one line of a `.jsonl` file: a record takes well under one."""

README_TEXT = """\
This folder is the history of an mkdocs-platform portal, kept between builds.

  apis/<api-id>.jsonl     one line per build for each API: score, grade, level, findings
  portfolio.jsonl         one line per build for the whole portfolio
  specs/<sha256>.json.gz  each distinct spec as it was loaded, named by its SHA-256
  sdks/<sha256>.json.gz   each distinct SDK API surface, named by its SHA-256

Every build adds its records and keeps the newest ones (`history.retention` per file); each
file is replaced whole, so an interrupted build leaves it as it was. The folder is safe to
commit to git or to keep in a CI cache. A file mkdocs-platform cannot read is reported and
left alone: fix or delete it to record that API again.
"""

Kind = Literal["api", "portfolio"]

_Record = TypeVar("_Record", ApiRecord, PortfolioRecord)

_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


class _UnreadableError(Exception):
    """Why a history file is left out: `problem` completes `the history file X ...`."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


# -- reading -----------------------------------------------------------------------------


def read_history(settings: HistorySettings, max_size: int = DEFAULT_MAX_SIZE) -> History:
    """Every record the folder holds, oldest first per API; each unreadable file, a finding.

    A missing folder (no build has written one yet) is an empty history without findings.
    """
    history = History()
    folder = settings.path
    if folder is None:
        return history
    try:
        info = folder.stat()
    except FileNotFoundError:
        return history
    except OSError as exc:
        history.findings.append(_folder_finding(folder, f"cannot be read ({os_reason(exc)})"))
        return history
    if not stat.S_ISDIR(info.st_mode):
        history.findings.append(
            _folder_finding(folder, f"is {file_kind(info.st_mode)}, not a folder")
        )
        return history
    for name in _listing(folder, APIS, history.findings):
        if name.startswith(".") or not name.endswith(".jsonl"):
            continue  # temporary files of a write in progress, or files of the user's own
        api_id = name[: -len(".jsonl")]
        rel = f"{APIS}/{name}"
        try:
            history.apis[api_id] = _read_api_file(folder / rel, api_id, max_size)
        except _UnreadableError as unreadable:
            history.findings.append(_file_finding(folder, rel, unreadable, writing=False))
    if os.path.lexists(folder / PORTFOLIO):
        try:
            history.portfolio = _read_portfolio_file(folder / PORTFOLIO, max_size)
        except _UnreadableError as unreadable:
            history.findings.append(_file_finding(folder, PORTFOLIO, unreadable, writing=False))
    return history


def _listing(folder: Path, name: str, findings: list[Finding]) -> list[str]:
    """The names in the sub-folder `name`, sorted; [] (and a finding) when it cannot be listed."""
    path = folder / name
    try:
        info = path.lstat()
    except FileNotFoundError:
        return []
    except OSError as exc:
        findings.append(_folder_finding(path, f"cannot be read ({os_reason(exc)})", folder))
        return []
    if not stat.S_ISDIR(info.st_mode):
        findings.append(
            _folder_finding(path, f"is {file_kind(info.st_mode)}, not a folder", folder)
        )
        return []
    try:
        return sorted(entry.name for entry in os.scandir(path))
    except OSError as exc:
        findings.append(_folder_finding(path, f"cannot be read ({os_reason(exc)})", folder))
        return []


def _read_api_file(path: Path, api_id: str, max_size: int) -> list[ApiRecord]:
    lines = _records(_read_bounded(path, max_size), "api", api_id)
    records = [_record(api_record_from_json, value, number, api_id) for number, value in lines]
    records.sort(key=lambda record: utc(record.time))
    return records


def _read_portfolio_file(path: Path, max_size: int) -> list[PortfolioRecord]:
    lines = _records(_read_bounded(path, max_size), "portfolio", None)
    records = [_record(portfolio_record_from_json, value, number) for number, value in lines]
    records.sort(key=lambda record: utc(record.time))
    return records


def _record(parse: Callable[..., _Record], value: object, number: int, *args: str) -> _Record:
    try:
        return parse(value, *args)
    except RecordError as exc:
        raise _UnreadableError(f"holds a damaged record on line {number}: {exc}", number) from None


def _read_bounded(path: Path, max_size: int) -> bytes:
    """The bytes of the plain file `path`, of at most `max_size` bytes; never a link's target."""
    try:
        return read_regular_file(path, max_size, follow_links=False)
    except FetchError as exc:
        raise _UnreadableError(
            f"cannot be read: {exc.message.removesuffix('; it was not read')}"
        ) from None


def _records(raw: bytes, kind: Kind, api_id: str | None) -> Iterable[tuple[int, object]]:
    """(line number, JSON value) of every record after a valid header."""
    lines = raw.split(b"\n")
    _check_header(lines[0], kind, api_id)
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue  # a blank line (an editor's final newline) holds no record
        if len(line) > MAX_LINE:
            raise _UnreadableError(f"has a line {number} longer than {MAX_LINE:,} bytes", number)
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise _UnreadableError(f"is not UTF-8 text on line {number}", number) from None
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise _UnreadableError(f"is not valid JSON on line {number}", number) from None
        yield number, value


def _check_header(line: bytes, kind: Kind, api_id: str | None) -> None:
    foreign = _UnreadableError(
        f"does not start with the {FORMAT_NAME} header: it is not a history file", 1
    )
    if len(line) > MAX_LINE:
        raise foreign
    try:
        header = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):
        raise foreign from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise foreign
    version = header.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _UnreadableError(f"has a header whose version {version!r} is not a history format", 1)
    if version > HISTORY_FORMAT:
        raise _UnreadableError(
            f"is in history format {version}, newer than this mkdocs-platform reads "
            f"({HISTORY_FORMAT}); upgrade mkdocs-platform to read it",
            1,
        )
    if header.get("kind") != kind:
        raise _UnreadableError(f"has a header for {header.get('kind')!r} records, not {kind!r}", 1)
    if kind == "api" and header.get("api") != api_id:
        raise _UnreadableError(
            f"has a header naming the API {header.get('api')!r}, not {api_id!r}", 1
        )


# -- writing -----------------------------------------------------------------------------


def write_history(
    settings: HistorySettings,
    records: Sequence[ApiRecord],
    portfolio: PortfolioRecord | None,
    specs: Mapping[str, Any],
    sdks: Mapping[str, Any],
    *,
    max_size: int = DEFAULT_MAX_SIZE,
) -> list[Finding]:
    """Add this run's records (and the specs and SDK surfaces they name) to the folder.

    A record with the release tag of a recorded one replaces it, so a backfill run twice keeps
    one record per release. Each file keeps its newest `settings.retention` records. `specs`
    and `sdks` map a SHA-256 (see `spec_hash`) to the JSON value stored under it; values
    already stored are not written again.

    Returns:
        A finding for each file that was left as it was because it cannot be read.

    Raises:
        HistoryError: when the folder cannot be written (read-only, not a folder, disk full);
            every file is then as it was, or wholly replaced.
        ValueError: when a key of `specs` or `sdks` is not the hash of its value.
    """
    folder = settings.path
    if folder is None or not settings.write:
        return []
    blobs = [*_blobs(SPECS, specs), *_blobs(SDKS, sdks)]
    by_api: dict[str, list[ApiRecord]] = {}
    for record in records:
        by_api.setdefault(record.api_id, []).append(record)
    keep = max(settings.retention, 1)
    findings: list[Finding] = []

    _prepare_folder(folder)
    if not os.path.lexists(folder / README):
        _write_atomic(folder, README, README_TEXT.encode("utf-8"))
    # The specs go first: a record never names a spec that is not there.
    for sub, digest, payload in blobs:
        rel = f"{sub}/{digest}.json.gz"
        if not os.path.lexists(folder / rel):
            _write_atomic(folder, rel, gzip.compress(payload, compresslevel=9, mtime=0))
    for api_id, new in sorted(by_api.items()):
        rel = f"{APIS}/{api_id}.jsonl"
        if not _is_file_name(api_id):
            findings.append(
                _history_finding(
                    folder,
                    rel,
                    f"the API id {api_id!r} cannot name a file; "
                    "this build's record of it was not kept",
                )
            )
            continue
        try:
            old = _read_api_file(folder / rel, api_id, max_size) if _exists(folder / rel) else []
        except _UnreadableError as unreadable:
            findings.append(_file_finding(folder, rel, unreadable, writing=True))
            continue
        kept = _merge(old, new, keep)
        lines = [api_record_json(record) for record in kept]
        _write_atomic(folder, rel, _jsonl({"kind": "api", "api": api_id}, lines))
    if portfolio is not None:
        try:
            old_portfolio = (
                _read_portfolio_file(folder / PORTFOLIO, max_size)
                if _exists(folder / PORTFOLIO)
                else []
            )
        except _UnreadableError as unreadable:
            findings.append(_file_finding(folder, PORTFOLIO, unreadable, writing=True))
        else:
            kept_portfolio = sorted([*old_portfolio, portfolio], key=lambda r: utc(r.time))[-keep:]
            lines = [portfolio_record_json(record) for record in kept_portfolio]
            _write_atomic(folder, PORTFOLIO, _jsonl({"kind": "portfolio"}, lines))
    return findings


def _blobs(sub: str, values: Mapping[str, Any]) -> list[tuple[str, str, bytes]]:
    found = []
    for digest, value in sorted(values.items()):
        payload = canonical_json(value)
        if not DIGEST.fullmatch(digest) or hashlib.sha256(payload).hexdigest() != digest:
            raise ValueError(f"{sub}: {digest[:80]!r} is not the SHA-256 of its value")
        found.append((sub, digest, payload))
    return found


def _merge(old: list[ApiRecord], new: list[ApiRecord], keep: int) -> list[ApiRecord]:
    """`old` and `new` by time, a release recorded again replaced, the newest `keep` of them."""
    fresh: list[ApiRecord] = []
    releases: set[str] = set()
    for record in reversed(new):  # of one release given twice, the later wins
        if record.release and record.release in releases:
            continue
        releases.add(record.release)
        fresh.append(record)
    kept = [record for record in old if not (record.release and record.release in releases)]
    # Stable: of records with one time, the recorded ones stay first.
    merged = sorted([*kept, *reversed(fresh)], key=lambda record: utc(record.time))
    return merged[-keep:]


def _jsonl(header: dict[str, Any], records: list[dict[str, Any]]) -> bytes:
    head = {"format": FORMAT_NAME, "version": HISTORY_FORMAT, **header}
    lines = [_compact(head), *(_compact(record) for record in records)]
    return ("\n".join(lines) + "\n").encode("ascii")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def _is_file_name(api_id: str) -> bool:
    # API ids are slugs; anything else (a path separator, a leading dot) must not reach a path.
    return (
        0 < len(api_id) <= 200
        and api_id[0].isascii()
        and api_id[0].isalnum()
        and all(c.isascii() and (c.isalnum() or c in "-_.") for c in api_id)
    )


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _prepare_folder(folder: Path) -> None:
    """The folder and its sub-folders, made when missing; each must be a real folder."""
    for path in (folder, folder / APIS, folder / SPECS, folder / SDKS):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            pass  # not a folder: said below
        except OSError as exc:
            raise _write_error(folder, path, exc) from None
        try:
            # The folder itself may be a link (to a cache); what is inside it may not.
            info = path.stat() if path == folder else path.lstat()
        except OSError as exc:
            raise _write_error(folder, path, exc) from None
        if not stat.S_ISDIR(info.st_mode):
            where = "it" if path == folder else path.name
            raise HistoryError(
                f"cannot write the history folder {folder}: {where} is "
                f"{file_kind(info.st_mode)}, not a folder"
            )


def _write_atomic(folder: Path, rel: str, data: bytes) -> None:
    """Replace `folder/rel` by `data` whole: readers see the old file or the new one."""
    path = folder / rel
    try:
        descriptor, temporary = _new_temporary(path)
    except OSError as exc:
        raise _write_error(folder, path, exc) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        # The folder may refuse even that: the error raised says why.
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise _write_error(folder, path, exc) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _new_temporary(path: Path) -> tuple[int, Path]:
    """A new empty file beside `path`, open for writing: (descriptor, its path).

    `O_EXCL` makes the name ours alone: never a file or a link someone planted there.
    """
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, _NEW_FILE_FLAGS, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"no free name for a temporary file beside {path.name}")


def _write_error(folder: Path, path: Path, exc: OSError) -> HistoryError:
    try:
        rel = path.relative_to(folder).as_posix()
    except ValueError:
        rel = str(path)
    where = f" ({rel})" if rel not in ("", ".") else ""
    return HistoryError(f"cannot write the history folder {folder}: {os_reason(exc)}{where}")


# -- stored specs and SDK surfaces -----------------------------------------------------------


def load_spec_document(
    settings: HistorySettings, digest: str, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[Any | None, Finding | None]:
    """The spec stored under `digest`, or (None, a finding saying why it cannot be had)."""
    return _load_blob(settings, SPECS, "spec", digest, max_size)


def load_sdk_surface(
    settings: HistorySettings, digest: str, max_size: int = DEFAULT_MAX_SIZE
) -> tuple[Any | None, Finding | None]:
    """The SDK surface stored under `digest`, or (None, a finding saying why it cannot be had)."""
    return _load_blob(settings, SDKS, "SDK surface", digest, max_size)


def _load_blob(
    settings: HistorySettings, sub: str, what: str, digest: str, max_size: int
) -> tuple[Any | None, Finding | None]:
    folder = settings.path
    if folder is None:
        return None, Finding(
            rule=HISTORY_RULE,
            severity="warn",
            finding_class="fetch",
            message=f"no history folder is set, so the stored {what} {digest[:80]} cannot be read",
        )
    if not DIGEST.fullmatch(digest):
        return None, _history_finding(
            folder, sub, f"{digest[:80]!r} is not a SHA-256, so no stored {what} has that name"
        )
    rel = f"{sub}/{digest}.json.gz"
    try:
        return _stored_value(folder / rel, what, digest, max_size), None
    except _UnreadableError as unreadable:
        message = f"the stored {what} {rel} {unreadable.problem}; it is left out"
        return None, _history_finding(folder, rel, message)


def _stored_value(path: Path, what: str, digest: str, max_size: int) -> Any:
    if not os.path.lexists(path):
        raise _UnreadableError(f"is missing: the {what} was not stored")
    payload = _gunzip(_read_bounded(path, max_size), max_size)
    if hashlib.sha256(payload).hexdigest() != digest:
        raise _UnreadableError(f"is damaged: its content is not the {what} it is named after")
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        raise _UnreadableError("is damaged: it is not JSON") from None


def _gunzip(raw: bytes, max_size: int) -> bytes:
    """`raw` decompressed, refused past `max_size` bytes: a gzip bomb expands a thousandfold."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as compressed:
            # GzipFile decompresses only as much as asked for: memory stays bounded.
            payload = compressed.read(max_size + 1)
    except (OSError, EOFError, zlib.error, ValueError):
        raise _UnreadableError("is damaged: it is not gzip data") from None
    if len(payload) > max_size:
        raise _UnreadableError(f"expands past {max_size:,} bytes; it was not read")
    return payload


# -- findings ----------------------------------------------------------------------------


def _shown(folder: Path, rel: str) -> str:
    """`rel` as findings show it: relative to the folder's parent (`.history/apis/x.jsonl`)."""
    return f"{folder.name}/{rel}" if folder.name else rel


def _history_finding(folder: Path, rel: str, message: str, line: int | None = None) -> Finding:
    return Finding(
        rule=HISTORY_RULE,
        severity="warn",
        finding_class="fetch",
        message=message,
        file=_shown(folder, rel),
        line=line,
    )


def _file_finding(
    folder: Path, rel: str, unreadable: _UnreadableError, *, writing: bool
) -> Finding:
    if writing:
        outcome = "this build's record was not added and the file was left as it is"
    else:
        outcome = "it is left out of the history and will not be overwritten"
    message = f"the history file {_shown(folder, rel)} {unreadable.problem}; {outcome}"
    return _history_finding(folder, rel, message, unreadable.line)


def _folder_finding(path: Path, problem: str, folder: Path | None = None) -> Finding:
    if folder is None:
        return Finding(
            rule=HISTORY_RULE,
            severity="warn",
            finding_class="fetch",
            message=f"the history folder {path} {problem}; no history is read",
            file=path.name or str(path),
        )
    rel = path.relative_to(folder).as_posix()
    return _history_finding(
        folder, rel, f"the history folder's {rel} {problem}; what it holds is left out"
    )
