"""Every report of a portal: the text of each format, written into the site folder atomically
by the build and printed or written by `mkdocs-platform check`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TextIO

from mkdocs_platform.models import Portal
from mkdocs_platform.models.scorecard import Scorecard
from mkdocs_platform.openapi.loader import safe_text
from mkdocs_platform.scorecard.annotations import print_annotations
from mkdocs_platform.scorecard.junit import build_junit, dumps_junit
from mkdocs_platform.scorecard.locations import source_prefixes
from mkdocs_platform.scorecard.report import build_report, dumps_report, write_atomic
from mkdocs_platform.scorecard.sarif import build_sarif, dumps_sarif

ReportFormat = Literal["json", "sarif", "junit"]

REPORT_FORMATS: tuple[ReportFormat, ...] = ("json", "sarif", "junit")


def portal_scorecards(portal: Portal) -> list[Scorecard]:
    """The scorecards of the portal's scored APIs, in the portal's order."""
    return [api.scorecard for api in portal.apis if api.scorecard is not None]


def report_text(portal: Portal, report_format: ReportFormat) -> str:
    """The report of a scored portal: `scorecards.json`, SARIF 2.1.0 or JUnit XML.

    Always text that UTF-8 can encode: loaded text is made safe, but SDK docstrings and
    messages that quote them come from elsewhere, and a report must never fail to be written.
    """
    scorecards = portal_scorecards(portal)
    if report_format == "json":
        text = dumps_report(build_report(scorecards))
    elif report_format == "sarif":
        sarif = build_sarif(
            scorecards, prefixes=source_prefixes(portal.apis), extra=portal.findings
        )
        text = dumps_sarif(sarif)
    else:
        text = dumps_junit(build_junit(scorecards, portal.settings.scorecard))
    return safe_text(text)


def write_reports(portal: Portal, site_dir: Path) -> list[Path]:
    """Write the reports the settings ask for (JSON, SARIF, JUnit); returns the paths written.

    Paths are relative to `site_dir`. Each file is replaced whole or not at all.
    """
    reports = portal.settings.reports
    written = []
    for report_format, name in zip(
        REPORT_FORMATS, (reports.json, reports.sarif, reports.junit), strict=True
    ):
        if name:
            path = site_dir / name
            write_atomic(path, report_text(portal, report_format))
            written.append(path)
    return written


def print_portal_annotations(portal: Portal, stream: TextIO | None = None) -> int:
    """Print GitHub annotations for the portal's findings when run by GitHub Actions.

    Uses `scorecard.annotations` (severity, cap); writes to `stream` (default: stdout) and
    returns how many lines were printed.
    """
    settings = portal.settings.scorecard
    return print_annotations(
        portal_scorecards(portal),
        settings.annotations_severity,
        settings.annotations_cap,
        prefixes=source_prefixes(portal.apis),
        stream=stream,
    )
