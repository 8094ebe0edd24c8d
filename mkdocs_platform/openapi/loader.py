"""Safe loading of one JSON or YAML file, keeping what is needed to find lines later."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from mkdocs_platform.errors import PlatformError
from mkdocs_platform.openapi.locate import JsonLocator, Locator, YamlLocator

# libyaml's C parser where present; the pure-Python one otherwise (same results, slower).
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_YAML_EXPANSION = 2_000_000
"""Most nodes a YAML document may expand to through aliases (a "billion laughs" guard)."""


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


_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_SpecLoader.add_constructor("tag:yaml.org,2002:binary", _construct_text)


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Count the nodes the document expands to, following aliases; stop past `limit`.

    Raises:
        LoadError: when an alias refers to a node that contains it.
    """
    sizes: dict[int, int] = {}
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
            total = 1 + sum(sizes[id(c)] for c in children)
            sizes[key] = total
            if total > limit:
                return total
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
    return sizes[id(root)]


def _yaml_documents(path: Path, text: str, *, single: bool) -> list[LoadedFile]:
    loader = _SpecLoader(text)
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
            if _expanded_size(node, MAX_YAML_EXPANSION) > MAX_YAML_EXPANSION:
                raise LoadError(
                    f"YAML aliases expand this document past {MAX_YAML_EXPANSION:,} nodes",
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                )
            data = loader.construct_document(node)
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


def _load_yaml(path: Path, text: str) -> LoadedFile:
    return _yaml_documents(path, text, single=True)[0]


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
    return _yaml_documents(path, text, single=False)


def _load_json(path: Path, raw: bytes) -> LoadedFile:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # orjson refuses some valid JSON (integers past 64 bits); the standard
        # parser settles it and reports errors with line and column.
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LoadError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise LoadError("the document is nested too deeply to load") from None
        except UnicodeDecodeError:
            raise LoadError("the file is not UTF-8 text") from None
    return LoadedFile(path=path, data=data, locator=JsonLocator(raw))


def load_file(path: Path, max_size: int) -> LoadedFile:
    """Load a JSON or YAML file safely.

    Raises:
        LoadError: when the file is too large, unreadable, or not JSON/YAML.
    """
    return parse_document(path, _read_bounded(path, max_size))


def _read_bounded(path: Path, max_size: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror}") from None
    if size > max_size:
        raise LoadError(f"the file is {size:,} bytes, over max_spec_size ({max_size:,} bytes)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror}") from None


def parse_document(path: Path, raw: bytes) -> LoadedFile:
    """Parse JSON (by a `.json` suffix) or YAML bytes read from `path`.

    Raises:
        LoadError: when the bytes are not JSON/YAML text.
    """
    if path.suffix.lower() == ".json":
        return _load_json(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError("the file is not UTF-8 text") from None
    return _load_yaml(path, text)
