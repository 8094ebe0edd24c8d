"""Finding spec files in a source: by the conventional names, or by the user's globs."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pathspec

from mkdocs_platform.models import Source, SpecFile

CONVENTIONAL_NAME = re.compile(r"^(?:openapi|swagger|.+\.openapi)\.(?:ya?ml|json)$", re.IGNORECASE)
"""`openapi.{yaml,yml,json}`, `swagger.{yaml,yml,json}` and `*.openapi.{yaml,yml,json}`."""

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)
"""Directories never searched, whatever the configuration says."""

_GLOB_CHARS = frozenset("*?[")


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()


def _readable_file(path: Path, real_root: Path) -> bool:
    """Whether `path` is a regular file, or a symlink to one inside `real_root`.

    A symlink out of the checkout would publish a file of the machine that builds the site;
    a pipe or a device would block or never end.
    """
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode):
            return True
        if not stat.S_ISLNK(mode):
            return False
        target = path.resolve(strict=True)
        return target.is_relative_to(real_root) and stat.S_ISREG(target.stat().st_mode)
    except (OSError, ValueError, RuntimeError):
        return False


def walk_files(source: Source) -> list[str]:
    """Every file of the source not excluded, as sorted paths relative to its root.

    Only regular files are listed, and symlinks only when they lead to one inside the source.
    """
    root = source.root
    real_root = root.resolve()
    excluded = pathspec.GitIgnoreSpec.from_lines(source.settings.exclude)
    result: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIPPED_DIRS
            and not _is_virtualenv(base / d)
            and not excluded.match_file(prefix + d + "/")
        )
        for name in filenames:
            rel = prefix + name
            if not excluded.match_file(rel) and _readable_file(base / name, real_root):
                result.append(rel)
    result.sort()
    return result


def _inside(root: Path, path: Path) -> bool:
    """Whether `path`, symlinks resolved, is a regular file inside `root`."""
    try:
        resolved = path.resolve(strict=True)
        return resolved.is_relative_to(root.resolve()) and stat.S_ISREG(resolved.stat().st_mode)
    except (OSError, ValueError, RuntimeError):
        return False


def find_spec_files(source: Source, files: list[str] | None = None) -> list[SpecFile]:
    """The candidate spec files of a source, each at most once, in a stable order.

    `files` is the source's `walk_files`, when the caller has it already.
    """
    root = source.root
    selectors = source.settings.specs
    found: dict[str, SpecFile] = {}
    if not selectors:
        for rel in files if files is not None else walk_files(source):
            if CONVENTIONAL_NAME.match(rel.rsplit("/", 1)[-1]) and _inside(root, root / rel):
                found[rel] = SpecFile(source=source, path=root / rel)
        return list(found.values())
    for selector in selectors:
        pattern = selector.pattern.strip().lstrip("/")
        if not _GLOB_CHARS.intersection(pattern):
            path = root / pattern
            if _inside(root, path):
                rel = path.relative_to(root).as_posix()
                found.setdefault(rel, SpecFile(source=source, path=path, api_id=selector.api_id))
            continue
        if files is None:
            files = walk_files(source)
        spec = pathspec.GitIgnoreSpec.from_lines([pattern])
        for rel in files:
            if spec.match_file(rel) and _inside(root, root / rel):
                found.setdefault(
                    rel, SpecFile(source=source, path=root / rel, api_id=selector.api_id)
                )
    return list(found.values())


def missing_explicit_specs(source: Source) -> list[str]:
    """Spec paths the user named exactly that do not exist (a configuration mistake)."""
    return [
        s.pattern
        for s in source.settings.specs
        if not _GLOB_CHARS.intersection(s.pattern)
        and not (source.root / s.pattern.lstrip("/")).is_file()
    ]
