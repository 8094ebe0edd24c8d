"""Who owns a file according to a repository's CODEOWNERS, matched as GitHub documents it.

A CODEOWNERS pattern follows most gitignore rules, with GitHub's exceptions:

- a path is matched relative to the repository root; the last matching line wins, and a line
  without owners leaves the paths it matches without an owner;
- a pattern with a `/` at its start or in its middle is anchored at the root; one without
  (`*.js`, `apps/`) matches at any depth;
- `*` and `?` never cross a `/`, and a pattern ending in `/*` (`docs/*`) matches the files
  directly in that directory only, not those in its subdirectories;
- a pattern that names a directory (`/apps/github`, `/build/logs/`) matches everything below
  it; a trailing `/` matches directories only; `**` matches any number of directories;
- escaping a leading `#` with `\\`, `!` negation and `[ ]` character ranges do not work: such
  lines are skipped;
- text after a `#` that follows a space is a comment.

GitLab section headers (`[Docs]`, `^[Optional]`) are skipped. Each file is parsed once and
kept while its size and modification time stay the same, so `mkdocs serve` sees edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
"""Where hosts look for the file, in the order GitHub does."""

MAX_CODEOWNERS_SIZE = 3 * 1024 * 1024
"""GitHub ignores larger files; so do we."""


_SPECIAL = re.compile(r"[*?\[\\]")
_TOKENS = re.compile(r"\\(.)|(\*+)|(\?)|(\[)|([^*?\[\\]+)", re.DOTALL)

_STAR = 0
"""In a glob: any run of characters but `/`."""
_ANY = 1
"""In a glob: one character but `/`."""

Glob = str | tuple[str, str, tuple[str | int, ...]]
"""One path segment's pattern: its literal text, or (the literal text it starts with, the literal
text it ends with, its literal characters, `_STAR`s and `_ANY`s)."""

Ending = Literal["inside", "files", "path"]
"""What follows the matched segments: something inside a directory (`apps/`), nothing but a
file directly in it (`docs/*`), or either (`/apps/github`)."""


def _glob_matches(glob: Glob, text: str) -> bool:
    """Whether `glob` matches all of `text`.

    Backtracks to the last `*` only, so it takes at most len(glob) * len(text) steps: a pattern
    with many `*`s cannot make it take exponential time, as a regex could.
    """
    if isinstance(glob, str):
        return glob == text
    prefix, suffix, tokens = glob
    if not (text.startswith(prefix) and text.endswith(suffix)):
        return False  # most segments are told apart here, without the walk below
    g = t = 0
    star, mark = -1, 0
    while t < len(text):
        if g < len(tokens) and tokens[g] == _STAR:
            star, mark = g, t
            g += 1
        elif g < len(tokens) and (tokens[g] == _ANY or tokens[g] == text[t]):
            g += 1
            t += 1
        elif star >= 0:
            g, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    while g < len(tokens) and tokens[g] == _STAR:
        g += 1
    return g == len(tokens)


@dataclass(frozen=True)
class CodeownersRule:
    """One line of a CODEOWNERS file: a pattern and the owners it gives."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    anchored: bool
    """Matched from the root only, else from any directory."""
    segments: tuple[Glob | None, ...]
    """The pattern's segments; None is `**`."""
    ending: Ending

    def matches(self, rel_path: str) -> bool:
        """Whether the rule covers `rel_path` (a file, relative to the repository root)."""
        parts = rel_path.split("/")
        n = len(parts)
        first = self.segments[0]
        if not self.anchored:
            # One segment (a `/` anywhere but at the end anchors): any directory, or the file.
            stop = n - 1 if self.ending == "inside" else n
            return stop > 0 and (
                first is None or any(_glob_matches(first, part) for part in parts[:stop])
            )
        if isinstance(first, str) and first != parts[0]:
            return False  # the common case, decided without the general walk below
        ends = {0}
        last = len(self.segments) - 1
        for i, segment in enumerate(self.segments):
            if segment is None:
                # `**`: any number of directories; at the end, everything inside.
                low = 1 if i == last else 0
                ends = {k for j in ends for k in range(j + low, n + 1)}
            else:
                ends = {j + 1 for j in ends if j < n and _glob_matches(segment, parts[j])}
            if not ends:
                return False
        if self.ending == "inside":
            return any(k < n for k in ends)
        if self.ending == "files":
            return n in ends
        return any(k >= 1 for k in ends)


@dataclass(frozen=True)
class Codeowners:
    """The rules of one CODEOWNERS file, in file order; empty when there is none."""

    rules: tuple[CodeownersRule, ...] = ()

    def owners_of(self, rel_path: str) -> list[str]:
        """The owners of `rel_path` (relative to the repository root); [] for none."""
        path = rel_path.removeprefix("./").lstrip("/")
        if not path:
            return []
        for rule in reversed(self.rules):
            if rule.matches(path):
                return list(rule.owners)
        return []


def _split_line(line: str) -> tuple[str, tuple[str, ...]]:
    """(pattern, owners) of a stripped line: the pattern ends at the first unescaped space."""
    if "\\" in line:
        end = 0
        while end < len(line) and not line[end].isspace():
            end += 2 if line[end] == "\\" else 1
        pattern, rest = line[:end], line[end:]
    else:
        pattern, *more = line.split(maxsplit=1)
        rest = more[0] if more else ""
    owners: list[str] = []
    for word in rest.split():
        if word.startswith("#"):
            break
        owners.append(word)
    return pattern, tuple(owners)


def _split_segments(pattern: str) -> list[str]:
    """The pattern split on its `/`s, escapes kept (an escaped `/` is a `/` too)."""
    if "\\" not in pattern:
        return pattern.split("/")
    segments = [""]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and pattern[i + 1 : i + 2] not in ("", "/"):
            segments[-1] += pattern[i : i + 2]
            i += 2
            continue
        if char == "/":
            segments.append("")
        elif char != "\\":
            segments[-1] += char
        i += 1
    return segments


def _literal_run(tokens: Iterable[str | int]) -> str:
    """The literal characters `tokens` start with."""
    run: list[str] = []
    for token in tokens:
        if not isinstance(token, str):
            break
        run.append(token)
    return "".join(run)


def _glob(segment: str) -> Glob | None:
    """One segment as a glob; None if it uses a `[ ]` range, which GitHub does not read."""
    if _SPECIAL.search(segment) is None:
        return segment
    glob: list[str | int] = []
    for escaped, stars, one, bracket, literal in _TOKENS.findall(segment):
        if bracket:
            return None
        if stars:
            glob.append(_STAR)
        elif one:
            glob.append(_ANY)
        else:
            glob.extend(escaped or literal)
    prefix, suffix = _literal_run(glob), _literal_run(reversed(glob))[::-1]
    return prefix, suffix, tuple(glob)


def parse_rule(pattern: str, owners: tuple[str, ...] = (), line: int = 0) -> CodeownersRule | None:
    """The rule of one CODEOWNERS pattern; None for a pattern GitHub does not read."""
    if not pattern or pattern.startswith(("!", "\\#")) or pattern.endswith("\\"):
        return None
    raw = _split_segments(pattern)
    inside = len(raw) > 1 and not raw[-1]
    # A `/` at the start or in the middle anchors the pattern; a trailing one does not.
    anchored = len(raw) > 2 or (len(raw) == 2 and not inside)
    segments: list[Glob | None] = []
    for text in raw:
        if not text:
            continue
        glob = None if text == "**" else _glob(text)
        if glob is None and text != "**":
            return None
        segments.append(glob)
    if not segments:
        return None
    ending: Ending = "path"
    if inside:
        ending = "inside"
    elif len(raw) > 1 and raw[-1] == "*":
        ending = "files"  # `docs/*`: the files directly in `docs`, not those further down
    return CodeownersRule(pattern, owners, line, anchored, tuple(segments), ending)


def parse_codeowners(text: str) -> Codeowners:
    """The rules of a CODEOWNERS text; lines GitHub would not read are left out."""
    rules: list[CodeownersRule] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        # GitLab section headers (`[Docs]`, `^[Optional]`) group lines; they match nothing.
        if not line or line.startswith(("#", "[", "^[")):
            continue
        pattern, owners = _split_line(line)
        rule = parse_rule(pattern, owners, number)
        if rule is not None:
            rules.append(rule)
    return Codeowners(tuple(rules))


def find_codeowners(root: Path) -> Path | None:
    """The CODEOWNERS file of the checkout at `root`, if it has one inside it."""
    for place in CODEOWNERS_PLACES:
        path = root / place
        try:
            if (
                path.is_file()
                and path.resolve().is_relative_to(root.resolve())
                and path.stat().st_size <= MAX_CODEOWNERS_SIZE
            ):
                return path
        except (OSError, ValueError):
            continue
    return None


@lru_cache(maxsize=64)
def _parse_file(stamp: tuple[str, int, int]) -> Codeowners:
    """The parsed file of a (path, size, modification time) stamp: a new stamp, a new parse."""
    try:
        with Path(stamp[0]).open("rb") as handle:
            raw = handle.read(MAX_CODEOWNERS_SIZE + 1)
    except OSError:
        return Codeowners()
    if len(raw) > MAX_CODEOWNERS_SIZE or b"\x00" in raw:
        return Codeowners()  # grown past the limit since, or not text
    return parse_codeowners(raw.decode("utf-8-sig", errors="replace"))


def read_codeowners(root: Path) -> Codeowners:
    """The CODEOWNERS rules of the checkout at `root`, parsed once per version of the file."""
    path = find_codeowners(root)
    if path is None:
        return Codeowners()
    try:
        stat = path.stat()
    except OSError:
        return Codeowners()
    return _parse_file((str(path), stat.st_size, stat.st_mtime_ns))


def owners_of(root: Path, rel_path: str) -> list[str]:
    """The owners CODEOWNERS gives `rel_path` (the last matching line wins); [] for none."""
    return read_codeowners(root).owners_of(rel_path)
