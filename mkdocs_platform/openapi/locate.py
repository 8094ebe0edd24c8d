"""From a JSON pointer to a line and column in the file it came from.

Locating is only needed for documents with findings, so it is lazy: YAML keeps the node tree
its C composer built anyway; JSON is scanned on demand, only along the pointers asked for.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Protocol

import yaml

from mkdocs_platform.models.pointers import list_index

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
"""One for all locators: its C scanner does not pickle, and locators travel with readings."""


class Locator(Protocol):
    def locate(self, tokens: list[str]) -> tuple[int, int]:
        """1-based line and column of the deepest node on the path that exists."""


class YamlLocator:
    """Locates pointers in the node tree libyaml composed while loading."""

    def __init__(self, root: yaml.Node) -> None:
        self._root = root

    def node_at(self, tokens: list[str]) -> yaml.Node | None:
        """The node at `tokens`, if it exists."""
        node = self._root
        for token in tokens:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                child = next(
                    (
                        v
                        for k, v in node.value
                        if isinstance(k, yaml.ScalarNode) and k.value == token
                    ),
                    None,
                )
            elif isinstance(node, yaml.SequenceNode):
                index = list_index(token, len(node.value))
                child = None if index is None else node.value[index]
            if child is None:
                return None
            node = child
        return node

    def locate(self, tokens: list[str]) -> tuple[int, int]:
        node = self._root
        mark = node.start_mark
        for token in tokens:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == token:
                        child, mark = value_node, key_node.start_mark
                        break
            elif isinstance(node, yaml.SequenceNode):
                index = list_index(token, len(node.value))
                if index is not None:
                    child = node.value[index]
                    mark = child.start_mark
            if child is None:
                break
            node = child
        return mark.line + 1, mark.column + 1


class JsonLocator:
    """Locates pointers in JSON text by scanning only the containers on the way."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._text: str | None = None
        self._line_starts: list[int] | None = None
        # container offset -> {key or index: (offset of the key or item, offset of the value)}
        self._members: dict[int, dict[str, tuple[int, int]]] = {}

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._raw.decode("utf-8-sig", errors="replace")
        return self._text

    def _position(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def _skip_value(self, offset: int) -> int:
        _, end = _DECODER.raw_decode(self.text, offset)
        return _WS.match(self.text, end).end()  # type: ignore[union-attr]

    def _scan(self, offset: int) -> dict[str, tuple[int, int]]:
        cached = self._members.get(offset)
        if cached is not None:
            return cached
        text = self.text
        members: dict[str, tuple[int, int]] = {}
        opening = text[offset]
        closing = "}" if opening == "{" else "]"
        idx = _WS.match(text, offset + 1).end()  # type: ignore[union-attr]
        index = 0
        while idx < len(text) and text[idx] != closing:
            item_at = idx
            if opening == "{":
                key, idx = json.decoder.scanstring(text, idx + 1)  # type: ignore[attr-defined]
                idx = _WS.match(text, idx).end()  # type: ignore[union-attr]
                idx = _WS.match(text, idx + 1).end()  # type: ignore[union-attr]  # past ':'
            else:
                key = str(index)
                index += 1
            members.setdefault(key, (item_at, idx))
            idx = self._skip_value(idx)
            if idx < len(text) and text[idx] == ",":
                idx = _WS.match(text, idx + 1).end()  # type: ignore[union-attr]
        self._members[offset] = members
        return members

    def locate(self, tokens: list[str]) -> tuple[int, int]:
        text = self.text
        value_at = _WS.match(text, 0).end()  # type: ignore[union-attr]
        mark = value_at
        try:
            for token in tokens:
                if value_at >= len(text) or text[value_at] not in "{[":
                    break
                found = self._scan(value_at).get(token)
                if found is None:
                    break
                mark, value_at = found
        except (ValueError, IndexError, RecursionError):
            pass  # a malformed or too deep tail: the deepest position reached is the best answer
        return self._position(mark)


class ShiftedLocator:
    """Locates pointers in a document embedded in another file, from a given line and column."""

    def __init__(self, inner: Locator, line_offset: int, column_offset: int) -> None:
        self._inner = inner
        self._line_offset = line_offset
        self._column_offset = column_offset

    def locate(self, tokens: list[str]) -> tuple[int, int]:
        line, column = self._inner.locate(tokens)
        return line + self._line_offset, column + self._column_offset
