"""Where a finding's file lies in its repository, for outputs that name files to a code host.

Findings name files relative to their source's root. SARIF and GitHub annotations want paths
relative to the repository's root: a source that is a folder inside a repository (a monorepo's
`services/pets`, or `mkdocs-platform check services/pets`) needs that folder put in front.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from mkdocs_platform.models import ApiEntry, Finding
from mkdocs_platform.models.scorecard import WAIVER_RULES


def repository_prefix(root: Path) -> str:
    """The path from the git work tree holding `root` to `root` (`services/pets/`), else ''."""
    root = root.absolute()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            rel = root.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def source_prefixes(apis: Iterable[ApiEntry]) -> dict[str, str]:
    """Source name -> the prefix that makes its findings' files repository-relative."""
    prefixes: dict[str, str] = {}
    for api in apis:
        name = api.source.name
        if name not in prefixes:
            prefixes[name] = repository_prefix(api.source.root)
    return prefixes


def repository_path(
    finding: Finding, source: str, spec: str | None, prefixes: Mapping[str, str] | None
) -> str | None:
    """The finding's file relative to its repository (the spec when it names none).

    Findings about the waiver file already name it relative to its repository.
    """
    path = finding.file or spec
    if not path:
        return None
    if finding.rule in WAIVER_RULES or prefixes is None:
        return path
    return prefixes.get(source, "") + path
