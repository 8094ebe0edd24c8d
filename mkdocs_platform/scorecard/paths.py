"""Which path templates clash: two that match one URL with neither more specific.

The OpenAPI specification calls `/{entity}/me` and `/books/{id}` ambiguous (`/books/me`
matches both, and each is more specific at one place), and `/pets/{id}` and `/pets/{name}`
identical. `/pets/mine` beside `/pets/{id}` is fine: the literal wins. Earlier paths are kept
in a trie of segments, so a new path meets only the paths it might overlap, not all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TEMPLATE = re.compile(r"\{[^{}]*\}")


def _template_matches(segment: str, text: str) -> bool:
    """Whether `text` fits a templated segment (`{id}.json`), each variable one or more characters.

    Leftmost placement of each literal part decides it in one pass; a regular expression of
    many variables backtracks without bound on a crafted path.
    """
    if "/" in text:
        return False
    parts = _TEMPLATE.split(segment)
    if len(parts) == 1:
        return text == segment
    first, *middle, last = parts
    if not text.startswith(first):
        return False
    position = len(first)
    for literal in middle:
        found = text.find(literal, position + 1)
        if found < 0:
            return False
        position = found + len(literal)
    return len(text) - len(last) >= position + 1 and text.endswith(last)


def _shape(segment: str) -> str:
    return _TEMPLATE.sub("{}", segment)


def _more_specific_template(a: str, b: str) -> str | None:
    """Which of two templated segments is more specific: `a`, `b`, `both` (tie) or None."""
    # More literal text is more specific (`{name}:cancel` beats `{name}`); segments whose
    # literal ends disagree (`{id}.json`, `{id}.xml`) match no text in common.
    parts_a, parts_b = _TEMPLATE.split(a), _TEMPLATE.split(b)
    prefix_a, suffix_a, prefix_b, suffix_b = parts_a[0], parts_a[-1], parts_b[0], parts_b[-1]
    if not (prefix_a.startswith(prefix_b) or prefix_b.startswith(prefix_a)):
        return None
    if not (suffix_a.endswith(suffix_b) or suffix_b.endswith(suffix_a)):
        return None
    literal_a, literal_b = sum(map(len, parts_a)), sum(map(len, parts_b))
    if literal_a == literal_b:
        return "both"
    return "a" if literal_a > literal_b else "b"


def _may_overlap(a: str, b: str) -> bool:
    """Whether some text matches both segments."""
    if _shape(a) == _shape(b):
        return True
    templated_a, templated_b = "{" in a, "{" in b
    if not templated_a and not templated_b:
        return False
    if not templated_a:
        return _template_matches(b, a)
    if not templated_b:
        return _template_matches(a, b)
    return _more_specific_template(a, b) is not None


def conflict(a: list[str], b: list[str]) -> str | None:
    """`identical`, `ambiguous`, or None when any URL matching both picks one of them."""
    a_specific = b_specific = unordered = differ = False
    for seg_a, seg_b in zip(a, b, strict=True):
        if _shape(seg_a) == _shape(seg_b):
            continue
        differ = True
        if not _may_overlap(seg_a, seg_b):
            return None
        templated_a, templated_b = "{" in seg_a, "{" in seg_b
        if not templated_a:
            a_specific = True
        elif not templated_b:
            b_specific = True
        else:
            winner = _more_specific_template(seg_a, seg_b)
            a_specific |= winner == "a"
            b_specific |= winner == "b"
            unordered |= winner == "both"
    if not differ:
        return "identical"
    if (a_specific and b_specific) or unordered:
        return "ambiguous"
    return None


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    templates: dict[str, _Node] = field(default_factory=dict)
    paths: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """(order added, path, its segments) of the paths ending here."""


def _segments(path: str) -> list[str]:
    return path.removeprefix("/").split("/")


class PathIndex:
    """The paths seen so far, to ask which of them a new path clashes with."""

    def __init__(self) -> None:
        self._roots: dict[int, _Node] = {}
        self._count = 0

    def add(self, path: str) -> None:
        """Remember `path`."""
        segments = _segments(path)
        node = self._roots.setdefault(len(segments), _Node())
        for segment in segments:
            children = node.templates if "{" in segment else node.literals
            node = children.setdefault(segment, _Node())
        node.paths.append((self._count, path, segments))
        self._count += 1

    def _overlapping(self, segments: list[str]) -> list[tuple[int, str, list[str]]]:
        """Earlier paths of the same length that may match some URL `segments` matches."""
        root = self._roots.get(len(segments))
        found: list[tuple[int, str, list[str]]] = []
        stack = [(root, 0)] if root is not None else []
        while stack:
            node, depth = stack.pop()
            if depth == len(segments):
                found.extend(node.paths)
                continue
            segment = segments[depth]
            if "{" in segment:
                # A variable may stand for any literal here: every branch that overlaps.
                stack.extend(
                    (child, depth + 1)
                    for text, child in node.literals.items()
                    if _template_matches(segment, text)
                )
            elif segment in node.literals:
                stack.append((node.literals[segment], depth + 1))
            stack.extend(
                (child, depth + 1)
                for text, child in node.templates.items()
                if _may_overlap(segment, text)
            )
        return found

    def clash(self, path: str) -> tuple[str, str] | None:
        """(`identical` or `ambiguous`, the earliest such path) for `path`, or None."""
        segments = _segments(path)
        for _, other, other_segments in sorted(self._overlapping(segments)):
            kind = conflict(other_segments, segments)
            if kind is not None:
                return kind, other
        return None
