"""A spec and the files it refers to, bundled into one document, with every `$ref` checked.

External `$ref`s (`./schemas/pet.yaml#/Pet`) are inlined where they are first used; later uses
become local `$ref`s to that place, which also keeps cross-file cycles finite. Every inlined
fragment remembers the file and pointer it came from, so a finding anywhere in the bundle is
reported in the file a person has to edit.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mkdocs_platform.models import Finding, FindingClass, Severity
from mkdocs_platform.models.pointers import from_pointer, list_index, to_pointer
from mkdocs_platform.openapi.fetch import (
    FETCH_TIMEOUT,
    FetchError,
    fetch_url,
    read_regular_file,
)
from mkdocs_platform.openapi.loader import LoadedFile, LoadError, parse_document

__all__ = ["FETCH_TIMEOUT", "SpecDocument", "bundle_spec", "is_missing", "resolve_tokens"]

_MISSING = object()

_SHOWN_REF = 200
"""Characters of a `$ref` quoted in a message."""


def shown(text: str) -> str:
    """`text` as a message may quote it: printable, encodable, and short."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    safe = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in safe)
    return safe if len(safe) <= _SHOWN_REF else safe[:_SHOWN_REF] + "…"


def resolve_tokens(data: Any, tokens: list[str] | tuple[str, ...]) -> Any:
    """The value at `tokens` (from `from_pointer`, already decoded) in `data`, or `_MISSING`."""
    node = data
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return _MISSING
            node = node[token]
        elif isinstance(node, list) and (index := list_index(token, len(node))) is not None:
            node = node[index]
        else:
            return _MISSING
    return node


def is_missing(value: Any) -> bool:
    return value is _MISSING


@dataclass
class _Origin:
    bundle_tokens: tuple[str, ...]
    file: LoadedFile
    file_tokens: tuple[str, ...]


@dataclass
class SpecDocument:
    """One spec, bundled, and the means to say where any part of it was written."""

    root: LoadedFile
    """The spec file itself."""
    source_root: Path
    """The checkout it lives in; nothing outside it is read."""
    data: Any
    """The bundled document."""
    origins: list[_Origin] = field(default_factory=list)
    """Where inlined fragments came from, longest prefix wins."""
    findings: list[Finding] = field(default_factory=list)
    """Problems met while bundling (unreadable or unresolved `$ref`s)."""
    unresolved_refs: int = 0
    """How many `$ref`s did not resolve."""
    files: list[Path] = field(default_factory=list)
    """Every local file read for this spec (the spec and the files its `$ref`s name)."""
    max_size: int = 0
    """The largest file, in bytes, the spec's files may be (0: no files besides the spec)."""

    def physical_tokens(self, logical: list[str] | tuple[str, ...]) -> list[str]:
        """Follow local `$ref`s met along `logical`, giving the place the value is written."""
        node: Any = self.data
        tokens: list[str] = []
        hops = 0
        for token in logical:
            while (
                isinstance(node, dict) and token not in node and isinstance(node.get("$ref"), str)
            ):
                ref = node["$ref"]
                if not ref.startswith("#") or hops > 64:
                    break
                hops += 1
                tokens = from_pointer(ref)
                node = resolve_tokens(self.data, tokens)
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and (index := list_index(token, len(node))) is not None:
                node = node[index]
            else:
                tokens.append(token)
                node = _MISSING
                continue
            tokens.append(token)
        return tokens

    def where(self, bundle_tokens: list[str]) -> tuple[str, int, int, str]:
        """(file relative to the source, line, column, pointer in that file) of a bundle place."""
        best: _Origin | None = None
        for origin in self.origins:
            n = len(origin.bundle_tokens)
            if tuple(bundle_tokens[:n]) == origin.bundle_tokens and (
                best is None or n > len(best.bundle_tokens)
            ):
                best = origin
        if best is None:
            file, file_tokens = self.root, list(bundle_tokens)
        else:
            file = best.file
            file_tokens = list(best.file_tokens) + list(bundle_tokens[len(best.bundle_tokens) :])
        line, column = file.locator.locate(file_tokens)
        return self.rel(file.path), line, column, to_pointer(file_tokens)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.source_root).as_posix()
        except ValueError:
            return path.as_posix()

    def finding(
        self,
        rule: str,
        severity: Severity,
        finding_class: FindingClass,
        message: str,
        bundle_tokens: list[str],
    ) -> Finding:
        """A finding located at a place in the bundle."""
        file, line, column, pointer = self.where(bundle_tokens)
        return Finding(
            rule=rule,
            severity=severity,
            finding_class=finding_class,
            message=message,
            file=file,
            line=line,
            column=column,
            pointer=pointer,
        )


class _Bundler:
    def __init__(
        self, root: LoadedFile, source_root: Path, max_size: int, allow_hosts: tuple[str, ...]
    ) -> None:
        self.doc = SpecDocument(root=root, source_root=source_root, data=root.data)
        self.max_size = max_size
        self.allow_hosts = {h.lower() for h in allow_hosts}
        self.files: dict[str, LoadedFile | None] = {str(root.path): root}
        # (file key, pointer) -> bundle tokens of the place it was first inlined
        self.inlined: dict[tuple[str, str], tuple[str, ...]] = {}
        self.local_refs: list[tuple[tuple[str, ...], str]] = []

    def ref_finding(self, message: str, at: tuple[str, ...]) -> None:
        self.doc.unresolved_refs += 1
        self.doc.findings.append(
            self.doc.finding("oas-refs-resolve", "error", "structure", message, list(at))
        )

    def load(self, key: str, at: tuple[str, ...]) -> LoadedFile | None:
        if key in self.files:
            return self.files[key]
        loaded: LoadedFile | None = None
        if key.startswith(("http://", "https://")):
            loaded = self.fetch(key, at)
        else:
            loaded = self.read_local(Path(key), at)
        self.files[key] = loaded
        return loaded

    def read_local(self, path: Path, at: tuple[str, ...]) -> LoadedFile | None:
        rel = shown(self.doc.rel(path))
        try:
            raw = read_regular_file(path, self.max_size, self.doc.source_root)
            return parse_document(path, raw)
        except FetchError as exc:
            self.ref_finding(f"the $ref target {rel} cannot be loaded: {exc.message}", at)
        except LoadError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            self.ref_finding(f"the $ref target {rel} cannot be loaded{where}: {exc}", at)
        return None

    def fetch(self, url: str, at: tuple[str, ...]) -> LoadedFile | None:
        try:
            raw = fetch_url(url, tuple(self.allow_hosts), self.max_size)
        except FetchError as exc:
            self.ref_finding(f"the $ref {shown(url)} was not fetched: {exc.message}", at)
            return None
        try:
            return parse_document(Path(urllib.parse.urlsplit(url).path or "ref"), raw)
        except (LoadError, ValueError) as exc:
            self.ref_finding(f"the $ref {shown(url)} cannot be loaded: {exc}", at)
            return None

    def target(self, ref: str, current: LoadedFile, at: tuple[str, ...]) -> tuple[str, str] | None:
        """(file key, pointer) a `$ref` written in `current` points to, if it may be read.

        The pointer is given in one spelling (`to_pointer` of the decoded tokens), so that
        `#/a%20b` and `#/a b` name the same place and it is inlined once.
        """
        try:
            return self._target(ref, current, at)
        except (ValueError, OSError, RuntimeError) as exc:
            # A malformed URL, a NUL or a lone surrogate in a path: the spec's mistake.
            self.ref_finding(f"the $ref {shown(ref)} is not a usable reference: {exc}", at)
            return None

    def _target(self, ref: str, current: LoadedFile, at: tuple[str, ...]) -> tuple[str, str] | None:
        location, _, fragment = ref.partition("#")
        pointer = to_pointer(from_pointer(fragment))
        if not location:
            return str(current.path), pointer
        base = str(current.path)
        if base.startswith(("http://", "https://")):
            return urllib.parse.urljoin(base, location), pointer
        parsed = urllib.parse.urlsplit(location)
        if parsed.scheme in ("http", "https"):
            return location, pointer
        if parsed.scheme:
            self.ref_finding(
                f"the $ref {shown(ref)} uses the scheme '{shown(parsed.scheme)}', which is refused",
                at,
            )
            return None
        path = (current.path.parent / urllib.parse.unquote(location)).resolve()
        if not path.is_relative_to(self.doc.source_root.resolve()):
            self.ref_finding(
                f"the $ref {shown(ref)} leaves the source's checkout; it was not read", at
            )
            return None
        return str(path), pointer

    def walk(self, node: Any, current: LoadedFile, at: tuple[str, ...]) -> Any:
        """Bundle `node` (written in `current`) placed at `at`; returns what to put there."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    node[i] = self.walk(item, current, (*at, str(i)))
            return node
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and not (current is self.doc.root and ref.startswith("#")):
            return self.bundle_ref(node, ref, current, at)
        if isinstance(ref, str):
            self.local_refs.append((at, ref))
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                node[key] = self.walk(value, current, (*at, key))
        return node

    def bundle_ref(
        self, node: dict[str, Any], ref: str, current: LoadedFile, at: tuple[str, ...]
    ) -> Any:
        target = self.target(ref, current, at)
        if target is None:
            return node
        key, pointer = target
        if key == str(self.doc.root.path):
            rewritten = dict(node, **{"$ref": pointer})
            self.local_refs.append((at, pointer))
            return rewritten
        first = self.inlined.get(target)
        if first is not None:
            return dict(node, **{"$ref": to_pointer(list(first))})
        loaded = self.load(key, at)
        if loaded is None:
            return node
        tokens = from_pointer(pointer)
        fragment = resolve_tokens(loaded.data, tokens)
        if fragment is _MISSING:
            self.ref_finding(f"the $ref {shown(ref)} does not resolve", at)
            return node
        self.inlined[target] = at
        self.doc.origins.append(_Origin(at, loaded, tuple(tokens)))
        # A private copy: the same file may be inlined at several places.
        copied = orjson.loads(orjson.dumps(fragment))
        return self.walk(copied, loaded, at)

    def check_local_refs(self) -> None:
        for at, ref in self.local_refs:
            if resolve_tokens(self.doc.data, from_pointer(ref)) is _MISSING:
                self.ref_finding(f"the $ref {shown(ref)} does not resolve", at)


def bundle_spec(
    root: LoadedFile, source_root: Path, max_size: int, allow_hosts: tuple[str, ...] = ()
) -> SpecDocument:
    """Bundle a loaded spec with the files its `$ref`s name, checking every `$ref`."""
    bundler = _Bundler(root, source_root, max_size, allow_hosts)
    bundler.doc.max_size = max_size
    try:
        bundler.doc.data = bundler.walk(root.data, root, ())
    except RecursionError:
        bundler.ref_finding("the document is nested too deeply to follow its $refs", ())
    except orjson.JSONEncodeError as exc:
        bundler.ref_finding(f"a $ref target cannot be copied: {exc}", ())
    bundler.check_local_refs()
    bundler.doc.files = [
        Path(key) for key in bundler.files if not key.startswith(("http://", "https://"))
    ]
    return bundler.doc
