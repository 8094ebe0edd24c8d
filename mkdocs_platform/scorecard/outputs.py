"""Every report a portal writes, into the site folder, each one atomically."""

from __future__ import annotations

from pathlib import Path

from mkdocs_platform.models import Portal
from mkdocs_platform.scorecard.annotations import print_annotations
from mkdocs_platform.scorecard.junit import write_junit
from mkdocs_platform.scorecard.locations import source_prefixes
from mkdocs_platform.scorecard.report import write_report
from mkdocs_platform.scorecard.sarif import write_sarif
from mkdocs_platform.scorecard.settings import ScorecardSettings


def write_reports(portal: Portal, site_dir: Path) -> list[Path]:
    """Write the reports the settings ask for (JSON, SARIF, JUnit); returns the paths written.

    Paths are relative to `site_dir`. Each file is replaced whole or not at all.
    """
    scorecards = [api.scorecard for api in portal.apis if api.scorecard is not None]
    reports = portal.settings.reports
    settings = portal.settings.scorecard or ScorecardSettings()
    written = []
    if reports.json:
        path = site_dir / reports.json
        write_report(path, scorecards)
        written.append(path)
    if reports.sarif:
        path = site_dir / reports.sarif
        write_sarif(path, scorecards, prefixes=source_prefixes(portal.apis), extra=portal.findings)
        written.append(path)
    if reports.junit:
        path = site_dir / reports.junit
        write_junit(path, scorecards, settings)
        written.append(path)
    return written


def print_portal_annotations(portal: Portal) -> int:
    """Print GitHub annotations for the portal's findings when run by GitHub Actions.

    Uses `scorecard.annotations` (severity, cap); returns how many lines were printed.
    """
    scorecards = [api.scorecard for api in portal.apis if api.scorecard is not None]
    settings = portal.settings.scorecard or ScorecardSettings()
    return print_annotations(
        scorecards,
        settings.annotations_severity,
        settings.annotations_cap,
        prefixes=source_prefixes(portal.apis),
    )
