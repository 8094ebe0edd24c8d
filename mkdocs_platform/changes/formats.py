"""One comparison as text for a terminal, JSON for machines, or Markdown for a pull request."""

from __future__ import annotations

import json
import re
from typing import Any

from mkdocs_platform.models.changes import CHANGE_LEVELS, Change, Comparison

CHANGE_FORMATS = ("text", "json", "markdown")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#+!|~])")


def _plain(text: str) -> str:
    """`text` on one line: control characters from a spec shown as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _markdown(text: str) -> str:
    """`text` from a spec as inert Markdown: no markup, no HTML, no table cell breaks."""
    text = _plain(text).replace("&", "&amp;")
    return _MARKUP.sub(r"\\\1", text)


def _counts(comparison: Comparison) -> str:
    return ", ".join(f"{comparison.count(level)} {level}" for level in CHANGE_LEVELS)


def _versions(comparison: Comparison) -> str:
    old = comparison.old_label + (f" ({comparison.old_version})" if comparison.old_version else "")
    new = comparison.new_label + (f" ({comparison.new_version})" if comparison.new_version else "")
    return f"{old} → {new}"


def _version_note(comparison: Comparison) -> str:
    """What the version step says about the breaking changes, or ''."""
    if not comparison.breaking:
        return ""
    if comparison.exempt:
        return f"Breaking changes are allowed: the newer spec says {comparison.exempt}."
    if comparison.major:
        return "The version takes a major step, as breaking changes require."
    if comparison.major is None:
        return "The versions do not read as semver: whether the step is major is unknown."
    return "Breaking changes without a major version step."


def _all(comparison: Comparison) -> list[Change]:
    return [*comparison.changes, *comparison.sdk_changes]


def format_text(comparison: Comparison) -> str:
    """A headline with the counts, then one line per change, the most severe first."""
    lines = [_plain(f"{_versions(comparison)}: {_counts(comparison)}")]
    note = _version_note(comparison)
    if note:
        lines.append(_plain(note))
    for change in _all(comparison):
        pointer = change.new_pointer or change.old_pointer
        lines.append(_plain(f"{change.level:<7}  {change.id}  {change.message}  [{pointer}]"))
    if not _all(comparison):
        lines.append("No changes.")
    return "\n".join(lines) + "\n"


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "id": change.id,
        "level": change.level,
        "operation": change.operation,
        "message": change.message,
        "old_pointer": change.old_pointer,
        "new_pointer": change.new_pointer,
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON values."""
    return {
        "kind": comparison.kind,
        "old": {
            "label": comparison.old_label,
            "version": comparison.old_version,
            "commit": comparison.old_commit,
        },
        "new": {
            "label": comparison.new_label,
            "version": comparison.new_version,
            "commit": comparison.new_commit,
        },
        "at": comparison.at.isoformat() if comparison.at is not None else None,
        "major": comparison.major,
        "exempt": comparison.exempt,
        "breaks_without_major": comparison.breaks_without_major,
        "counts": {level: comparison.count(level) for level in CHANGE_LEVELS},
        "changes": [_change_json(c) for c in comparison.changes],
        "sdk_changes": [_change_json(c) for c in comparison.sdk_changes],
    }


def format_json(comparison: Comparison) -> str:
    return json.dumps(comparison_json(comparison), indent=2, ensure_ascii=False) + "\n"


def _table(changes: list[Change]) -> list[str]:
    rows = ["| Level | Change | Operation | Where |", "| --- | --- | --- | --- |"]
    for change in changes:
        message = change.message
        if change.operation and message.startswith(change.operation + ": "):
            # The operation has a column of its own.
            message = message[len(change.operation) + 2 :]
        pointer = change.new_pointer or change.old_pointer
        rows.append(
            f"| {change.level} | {_markdown(message)} (`{change.id}`) | "
            f"{_markdown(change.operation)} | {_markdown(pointer)} |"
        )
    return rows


def format_markdown(comparison: Comparison) -> str:
    """A pull-request comment: a heading with the counts, the breaking changes in a table,
    the others folded in a `<details>` block."""
    changes = _all(comparison)
    breaking = [c for c in changes if c.level == "error"]
    others = [c for c in changes if c.level != "error"]
    lines = [f"### API changes: {_counts(comparison)}", "", _markdown(_versions(comparison))]
    note = _version_note(comparison)
    if note:
        lines += ["", f"**{_markdown(note)}**"]
    if breaking:
        lines += ["", "#### Breaking changes", "", *_table(breaking)]
    if others:
        lines += [
            "",
            "<details>",
            f"<summary>Other changes ({len(others)})</summary>",
            "",
            *_table(others),
            "",
            "</details>",
        ]
    if not changes:
        lines += ["", "No changes."]
    return "\n".join(lines) + "\n"


def format_comparison(comparison: Comparison, output_format: str) -> str:
    """The comparison in `output_format` (`text`, `json` or `markdown`)."""
    if output_format == "json":
        return format_json(comparison)
    if output_format == "markdown":
        return format_markdown(comparison)
    return format_text(comparison)
