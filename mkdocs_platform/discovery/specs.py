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


CONVENTIONAL_PATTERNS = (
    "openapi.{yaml,yml,json}",
    "swagger.{yaml,yml,json}",
    "*.openapi.{yaml,yml,json}",
)
"""How `CONVENTIONAL_NAME` reads to a person, for messages."""


def searched_patterns(source: Source) -> str:
    """What a search of `source` looked for, as a message names it."""
    if source.settings.specs:
        patterns = ", ".join(repr(s.pattern) for s in source.settings.specs)
        where = f"specs {patterns}"
    else:
        where = f"the conventional names {', '.join(CONVENTIONAL_PATTERNS)}"
    if source.settings.catalog:
        where += " and catalog-info.yaml files"
    if source.settings.exclude:
        where += f", excluding {', '.join(repr(e) for e in source.settings.exclude)}"
    return where


def explicit_spec_paths(source: Source, specs: list[SpecFile]) -> frozenset[str]:
    """The paths among `specs` the user named one by one: a plain path in `specs`, or any
    `{path, id}` item (an id is meant for one API). A glob match may be any file; these are
    meant to be APIs."""
    literal = {
        (source.root / s.pattern.strip().lstrip("/")).relative_to(source.root).as_posix()
        for s in source.settings.specs
        if not _GLOB_CHARS.intersection(s.pattern)
    }
    return frozenset(
        spec.rel_path for spec in specs if spec.api_id is not None or spec.rel_path in literal
    )


def describe_non_openapi(data: object) -> str:
    """What a parsed file that is not OpenAPI looks like, when it is something well known:
    a hint to the person who named it as a spec."""
    if not isinstance(data, dict):
        return f"its top level is {'a list' if isinstance(data, list) else 'not a mapping'}"
    if "swaggerVersion" in data:
        version = str(data.get("swaggerVersion"))[:20]
        return f"it is a Swagger {version} document; convert it to OpenAPI 2.0 or later"
    if "asyncapi" in data:
        return "it is an AsyncAPI document"
    if "$schema" in data or ("properties" in data and "type" in data):
        return "it looks like a JSON Schema, not a whole API"
    if "services" in data and isinstance(data.get("services"), dict):
        return "it looks like a Docker Compose file"
    return "it has no top-level 'openapi' or 'swagger' key"
