"""Who owns a file according to a repository's CODEOWNERS (GitHub and GitLab syntax)."""

from __future__ import annotations

from pathlib import Path

import pathspec

CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
"""Where hosts look for the file, in the order GitHub does."""

MAX_CODEOWNERS_SIZE = 3 * 1024 * 1024
"""GitHub ignores larger files; so do we."""


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
        except OSError:
            continue
    return None


def owners_of(root: Path, rel_path: str) -> list[str]:
    """The owners CODEOWNERS gives `rel_path` (the last matching line wins); [] for none."""
    path = find_codeowners(root)
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    owners: list[str] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        # GitLab section headers (`[Docs]`, `^[Optional]`) group lines; they match nothing.
        if not line or line.startswith(("#", "[", "^[")):
            continue
        pattern, *names = line.split()
        try:
            matches = pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(rel_path)
        except ValueError:
            continue
        if matches:
            owners = names
    return owners
