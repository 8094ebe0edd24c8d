"""Safe loading of one JSON or YAML file, keeping what is needed to find lines later."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from mkdocs_platform.errors import PlatformError
from mkdocs_platform.openapi.fetch import FetchError, read_regular_file
from mkdocs_platform.openapi.locate import JsonLocator, Locator, YamlLocator

# libyaml's C parser where present; the pure-Python one otherwise (same results, slower).
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_YAML_EXPANSION = 2_000_000
"""Most nodes a YAML document may expand to through aliases (a "billion laughs" guard)."""

DEFAULT_MAX_SIZE = 64 * 1024 * 1024
"""Most characters a document may expand to when the caller gives no `max_spec_size`."""

_NODE_OVERHEAD = 2
"""Characters counted per node besides its text: the punctuation JSON would write around it."""

_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
"""NUL (which ends C strings in every tool downstream) and UTF-16 surrogates (which UTF-8 cannot
encode: every writer of pages and reports would raise on them)."""

REPLACEMENT = "\ufffd"

# Parsers turn valid UTF-8 into safe text and refuse raw NULs: only escapes can write unsafe
# text, so documents without them (nearly all) skip the walk over every string.
_UNSAFE_JSON_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_UNSAFE_YAML_ESCAPE = re.compile(r"\\(?:0|x00|u0000|U00000000|u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")


class LoadError(PlatformError):
    """A file that cannot be loaded; carries where and why."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class LoadedFile:
    """A parsed file and the means to locate a JSON pointer in it."""

    path: Path
    """Absolute path of the file."""
    data: Any
    """The parsed content, JSON-compatible: string keys, no dates."""
    locator: Locator
    """Finds the line and column of a JSON pointer."""


class _SpecLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loading that yields JSON-compatible data: keys as written, dates as text."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        # `200:` or `on:` keys are text in OpenAPI: keep the text the author wrote.
        if isinstance(key_node, yaml.ScalarNode):
            key = key_node.value
        else:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    try:
        return int(loader.construct_yaml_int(node))
    except ValueError:
        # Past Python's digit limit for int(): the number stays the text the author wrote.
        return str(node.value)


def _parse_json_int(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_SpecLoader.add_constructor("tag:yaml.org,2002:binary", _construct_text)
_SpecLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# `!!set {a, b}` is a mapping whose values are null: kept as that mapping, not a Python set.
_SpecLoader.add_constructor("tag:yaml.org,2002:set", _construct_mapping)


def safe_text(text: str) -> str:
    """`text` with surrogate pairs joined, and lone surrogates and NULs replaced by U+FFFD."""
    if _UNSAFE_TEXT.search(text) is None:
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined.replace("\x00", REPLACEMENT)


def make_text_safe(data: Any) -> Any:
    """`data` with every string and key made safe by `safe_text`; containers changed in place.

    Loaded text is untrusted: once this has run, every writer downstream (pages, JSON, SARIF,
    JUnit, the HTML sanitizer) can encode it.
    """
    if isinstance(data, str):
        return safe_text(data)
    seen: set[int] = set()
    stack = [data]
    while stack:
        container = stack.pop()
        if id(container) in seen:
            continue  # a YAML alias shares one object between several places
        seen.add(id(container))
        if isinstance(container, dict):
            if any(_UNSAFE_TEXT.search(key) for key in container if isinstance(key, str)):
                items = [
                    (safe_text(k) if isinstance(k, str) else k, v) for k, v in container.items()
                ]
                container.clear()
                container.update(items)
            for key, value in container.items():
                if isinstance(value, str):
                    container[key] = safe_text(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(container, list):
            for index, value in enumerate(container):
                if isinstance(value, str):
                    container[index] = safe_text(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
    return data


def _node_text_size(node: yaml.Node) -> int:
    return (len(node.value) if isinstance(node, yaml.ScalarNode) else 0) + _NODE_OVERHEAD


def check_expansion(root: yaml.Node, max_nodes: int, max_chars: int) -> None:
    """Refuse a document whose aliases expand it past `max_nodes` nodes or `max_chars` characters.

    Counting nodes alone lets a few aliases of one long text expand to gigabytes.

    Raises:
        LoadError: at the node that expands too far, or at an alias of a node that contains it.
    """
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    # Post-order walk without recursion: deep documents must not crash the loader.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                children.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if children_done or not children:
            open_nodes.discard(key)
            nodes = 1 + sum(sizes[id(c)][0] for c in children)
            chars = _node_text_size(node) + sum(sizes[id(c)][1] for c in children)
            sizes[key] = (nodes, chars)
            mark = node.start_mark
            if nodes > max_nodes:
                raise LoadError(
                    f"YAML aliases expand this document past {max_nodes:,} nodes",
                    mark.line + 1,
                    mark.column + 1,
                )
            if chars > max_chars:
                raise LoadError(
                    f"YAML aliases expand this document past {max_chars:,} characters, "
                    "over max_spec_size",
                    mark.line + 1,
                    mark.column + 1,
                )
            continue
        if key in open_nodes:
            mark = node.start_mark
            raise LoadError("a YAML alias refers to a node that contains it", mark.line + 1)
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                mark = child.start_mark
                raise LoadError("a YAML alias refers to a node that contains it", mark.line + 1)
            if id(child) not in sizes:
                stack.append((child, False))


def _yaml_documents(path: Path, text: str, max_size: int, *, single: bool) -> list[LoadedFile]:
    loader = _SpecLoader(text)
    unsafe_escapes = _UNSAFE_YAML_ESCAPE.search(text) is not None
    documents: list[LoadedFile] = []
    try:
        while True:
            if single:
                node = loader.get_single_node()
                if node is None:
                    raise LoadError("the file is empty")
            elif loader.check_node():
                node = loader.get_node()
            else:
                break
            check_expansion(node, MAX_YAML_EXPANSION, max_size)
            data = loader.construct_document(node)
            if unsafe_escapes:
                data = make_text_safe(data)
            documents.append(LoadedFile(path=path, data=data, locator=YamlLocator(node)))
            if single:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadError(
            f"invalid YAML: {problem}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise LoadError("the document is nested too deeply to load") from None
    finally:
        loader.dispose()
    return documents


def _load_yaml(path: Path, text: str, max_size: int) -> LoadedFile:
    return _yaml_documents(path, text, max_size, single=True)[0]


def load_yaml_documents(path: Path, max_size: int) -> list[LoadedFile]:
    """Every document of a multi-document YAML file (`---` separated), loaded safely.

    Raises:
        LoadError: when the file is too large, unreadable, or not YAML.
    """
    raw = _read_bounded(path, max_size)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError("the file is not UTF-8 text") from None
    return _yaml_documents(path, text, max_size, single=False)


def _load_json(path: Path, raw: bytes) -> LoadedFile:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # orjson refuses some valid JSON (integers past 64 bits, lone surrogates); the standard
        # parser settles it and reports errors with line and column. An integer past Python's
        # digit limit stays the text the author wrote.
        try:
            data = json.loads(raw, parse_int=_parse_json_int)
        except json.JSONDecodeError as exc:
            raise LoadError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise LoadError("the document is nested too deeply to load") from None
        except UnicodeDecodeError:
            raise LoadError("the file is not UTF-8 text") from None
    if _UNSAFE_JSON_ESCAPE.search(raw):
        data = make_text_safe(data)
    return LoadedFile(path=path, data=data, locator=JsonLocator(raw))


def load_file(path: Path, max_size: int) -> LoadedFile:
    """Load a JSON or YAML file safely.

    Raises:
        LoadError: when the file is too large, unreadable, or not JSON/YAML.
    """
    return parse_document(path, _read_bounded(path, max_size), max_size)


def _read_bounded(path: Path, max_size: int) -> bytes:
    # Resolved first: discovery has already kept symlinks inside the source, and the read
    # itself refuses to follow one or to wait on a pipe or a device.
    try:
        return read_regular_file(path.resolve(), max_size)
    except (OSError, RuntimeError) as exc:
        raise LoadError(f"cannot read the file: {exc}") from None
    except FetchError as exc:
        raise LoadError(exc.message) from None


def parse_document(path: Path, raw: bytes, max_size: int = DEFAULT_MAX_SIZE) -> LoadedFile:
    """Parse JSON (by a `.json` suffix) or YAML bytes read from `path`.

    Every string and key of the result is safe text (see `make_text_safe`); YAML may not expand
    through aliases past `max_size` characters.

    Raises:
        LoadError: when the bytes are not JSON/YAML text.
    """
    if path.suffix.lower() == ".json":
        return _load_json(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError("the file is not UTF-8 text") from None
    return _load_yaml(path, text, max_size)
