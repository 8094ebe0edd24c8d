"""`scorecards.json`: the document, its JSON Schema, and writing it safely."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs_platform.changes.formats import comparison_json
from mkdocs_platform.models import Finding
from mkdocs_platform.models.scorecard import CheckScore, Portfolio, Scorecard, WaivedFinding
from mkdocs_platform.scorecard.portfolio import build_portfolio
from mkdocs_platform.scorecard.score import SCORING_VERSION

TOOL = "mkdocs-platform"

SCHEMA_PATH = Path(__file__).with_name("scorecards.schema.json")
"""The published JSON Schema of `scorecards.json`."""


def package_version() -> str:
    """The installed version of mkdocs-platform, or `0+unknown` when it is not installed."""
    try:
        return metadata.version(TOOL)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def load_schema() -> dict[str, Any]:
    """The JSON Schema that every `scorecards.json` validates against."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding as `scorecards.json` writes it."""
    data: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity,
        "class": finding.finding_class,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "pointer": finding.pointer,
    }
    if finding.symbol is not None:
        data["symbol"] = finding.symbol
    return data


def waived_json(waived: WaivedFinding) -> dict[str, Any]:
    """A waived finding as `scorecards.json` writes it: marked, with its waiver."""
    return {**finding_json(waived.finding), "waived": True, "waiver": waived.waiver.as_json()}


def _check_json(check: CheckScore) -> dict[str, Any]:
    ratio = check.ratio
    return {
        "id": check.id,
        "title": check.title,
        "category": check.category,
        "severity": check.severity,
        "level": check.level,
        "threshold": check.threshold,
        "items": check.items,
        "applicable": check.applicable,
        "passed": check.passed,
        "waived": check.waived,
        "ratio": round(float(ratio), 4) if ratio is not None else None,
        "meets_threshold": check.meets_threshold,
        "points_available": check.points_available,
    }


def api_json(card: Scorecard) -> dict[str, Any]:
    """One API's entry of `scorecards.json`."""
    progress = card.next_level
    return {
        "id": card.api_id,
        "title": card.title,
        "version": card.version or None,
        "source": card.source,
        "spec": card.spec,
        "commit": card.commit,
        "owner": card.owner or None,
        "valid": card.valid,
        "score": card.score,
        "grade": card.grade,
        "level": card.level,
        "categories": {
            key: {"score": category.score, "weight": category.weight}
            for key, category in card.categories.items()
        },
        "sdk": dict(card.sdk) if card.sdk is not None else None,
        "findings": [finding_json(f) for f in card.findings],
        "waived_findings": [waived_json(w) for w in card.waived_findings],
        "capped_by": list(card.capped_by),
        "next_level": None
        if progress is None
        else {
            "level": progress.level,
            "passed": progress.passed,
            "total": progress.total,
            "failing": list(progress.failing),
        },
        "checks": [_check_json(c) for c in card.checks],
        "consumers": list(card.consumers),
        "changes": [comparison_json(c) for c in card.changes],
    }


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def measures_json(portfolio: Portfolio) -> dict[str, Any]:
    """The measures a platform team reports: adoption, ownership and SDK coverage, quality and
    change safety."""
    total = portfolio.apis
    return {
        "adoption": {
            "consumed": portfolio.consumed,
            "share": _share(portfolio.consumed, total),
            "most_consumed": [
                {"id": api_id, "consumers": count} for api_id, count in portfolio.most_consumed
            ],
        },
        "ownership": {"owned": portfolio.owned, "share": _share(portfolio.owned, total)},
        "sdk": {"with_sdk": portfolio.with_sdk, "share": _share(portfolio.with_sdk, total)},
        "quality": {
            "median_score": portfolio.median_score,
            "silver_or_above": portfolio.at_silver_or_above,
            "share_silver_or_above": _share(portfolio.at_silver_or_above, total),
        },
        "change_safety": {
            "breaking_changes": portfolio.breaking_changes,
            "releases": portfolio.releases,
            "releases_breaking_without_major": portfolio.releases_breaking_without_major,
        },
    }


def portfolio_json(portfolio: Portfolio) -> dict[str, Any]:
    """The `portfolio` entry of `scorecards.json`."""
    return {
        "apis": portfolio.apis,
        "median_score": portfolio.median_score,
        "grades": dict(portfolio.grades),
        "levels": dict(portfolio.levels),
        "measures": measures_json(portfolio),
    }


def build_report(
    scorecards: Sequence[Scorecard], portfolio: Portfolio | None = None
) -> dict[str, Any]:
    """The `scorecards.json` document for these scorecards.

    `portfolio` is their figures when already computed (see `build_portfolio`).
    """
    figures = portfolio if portfolio is not None else build_portfolio(scorecards)
    return {
        "tool": TOOL,
        "version": package_version(),
        "scoring_version": SCORING_VERSION,
        "portfolio": portfolio_json(figures),
        "apis": [api_json(card) for card in scorecards],
    }


def dumps_report(report: dict[str, Any]) -> str:
    """The report as indented JSON text, ending with a newline."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NEW_FILE_MODE = 0o666
"""Asked of the kernel, which takes the umask off: a report gets the mode any new file of the
process gets (0644 under umask 022), so a web server can serve it. `tempfile.mkstemp` would
give 0600."""


def _create_temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new, empty file beside `name` in `folder`, opened for writing: (descriptor, path).

    `O_EXCL` makes the name ours alone (never another's file, never a symlink planted there).
    """
    for _ in range(100):
        temporary = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(temporary, _NEW_FILE_FLAGS, _NEW_FILE_MODE), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no free name for a temporary file beside {name}")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    The file gets the process's usual mode for new files (0666 less the umask).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = _create_temporary(path.parent, path.name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_report(path: Path, scorecards: Sequence[Scorecard]) -> dict[str, Any]:
    """Build `scorecards.json` and write it atomically to `path`; returns the document."""
    report = build_report(scorecards)
    write_atomic(path, dumps_report(report))
    return report
