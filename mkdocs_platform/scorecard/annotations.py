"""GitHub Actions annotations: findings as `::error`, `::warning` and `::notice` lines.

GitHub turns these workflow commands, printed by a step on stdout or stderr, into annotations
on the pull request's files, without the permissions SARIF upload needs. They are printed only
when `GITHUB_ACTIONS` is `true`, for findings at or above a severity (default `warn`), worst
first, at most `cap` of them (default 50; GitHub shows only a few per step anyway) and one
more line saying how many were left out. Waived findings are not shown.

This module does not postpone annotations: its `annotations` function would clash with that
import's name.
"""

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from mkdocs_platform.models import SEVERITY_ORDER, Finding
from mkdocs_platform.models.scorecard import (
    DEFAULT_ANNOTATIONS_CAP,
    DEFAULT_ANNOTATIONS_SEVERITY,
    WAIVER_RULES,
    Scorecard,
)
from mkdocs_platform.openapi.loader import safe_text
from mkdocs_platform.scorecard.locations import repository_path

COMMANDS: dict[str, str] = {"error": "error", "warn": "warning", "info": "notice"}
"""Finding severity -> workflow command."""


def escape_data(text: str) -> str:
    """Escape a command's message as GitHub's toolkit does (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command's property value: as data, and `:` and `,` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _line(finding: Finding, api: str | None, path: str | None) -> str:
    properties = []
    if path:
        properties.append(f"file={escape_property(path)}")
        if finding.line is not None:
            properties.append(f"line={finding.line}")
            if finding.column is not None:
                properties.append(f"col={finding.column}")
    properties.append(f"title={escape_property(finding.rule)}")
    message = f"{api}: {finding.message}" if api else finding.message
    if finding.line is None and finding.pointer:
        message += f" (at {finding.pointer})"
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(message)}"


def annotations(
    scorecards: Sequence[Scorecard],
    min_severity: str = DEFAULT_ANNOTATIONS_SEVERITY,
    cap: int = DEFAULT_ANNOTATIONS_CAP,
    *,
    prefixes: Mapping[str, str] | None = None,
) -> list[str]:
    """The workflow command lines for the findings at or above `min_severity`.

    Errors come first, then warnings, then notices, each by API, file and line; past `cap`
    lines, one `::notice::` line says how many more there are. Identical lines (a problem of
    the waiver file that every API reports) are printed once. `prefixes` (source name -> path
    of its root in the repository, from `locations.source_prefixes`) make paths
    repository-relative, as GitHub needs.
    """
    if min_severity not in SEVERITY_ORDER:
        raise ValueError(f"min_severity must be info, warn or error, not {min_severity!r}")
    bar = SEVERITY_ORDER[min_severity]
    chosen: list[tuple[int, str, str, int, str]] = []
    seen: set[str] = set()
    for card in scorecards:
        for finding in card.findings:
            if SEVERITY_ORDER[finding.severity] < bar:
                continue
            path = repository_path(finding, card.source, card.spec, prefixes)
            # A waiver's finding names its API already, or concerns the whole file.
            api = None if finding.rule in WAIVER_RULES else card.api_id
            line = _line(finding, api, path)
            if line in seen:
                continue
            seen.add(line)
            rank = -SEVERITY_ORDER[finding.severity]
            chosen.append((rank, card.api_id, path or "", finding.line or 0, line))
    chosen.sort(key=lambda item: item[:4])
    lines = [item[4] for item in chosen[: max(cap, 0)]]
    left_out = len(chosen) - len(lines)
    if left_out > 0:
        lines.append(
            f"::notice title=mkdocs-platform::{left_out} more finding"
            f"{'s' if left_out > 1 else ''} at or above {min_severity} are not shown as "
            "annotations; see the scorecard reports for all of them"
        )
    return lines


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this runs as a GitHub Actions step (`GITHUB_ACTIONS=true`)."""
    return (environ if environ is not None else os.environ).get("GITHUB_ACTIONS") == "true"


def print_annotations(
    scorecards: Sequence[Scorecard],
    min_severity: str = DEFAULT_ANNOTATIONS_SEVERITY,
    cap: int = DEFAULT_ANNOTATIONS_CAP,
    *,
    prefixes: Mapping[str, str] | None = None,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Print the annotations when `GITHUB_ACTIONS` is `true`; returns how many lines.

    `stream` defaults to stdout; GitHub reads workflow commands from stderr as well.
    """
    if not in_github_actions(environ):
        return 0
    lines = annotations(scorecards, min_severity, cap, prefixes=prefixes)
    out = stream if stream is not None else sys.stdout
    for line in lines:
        out.write(safe_text(line) + "\n")
    out.flush()
    return len(lines)
