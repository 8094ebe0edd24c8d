"""Every report a portal writes, into the site folder, each one atomically."""

from __future__ import annotations

from pathlib import Path

from mkdocs_platform.models import Portal
from mkdocs_platform.scorecard.report import write_report


def write_reports(portal: Portal, site_dir: Path) -> list[Path]:
    """Write the reports the settings ask for; returns the paths written."""
    scorecards = [api.scorecard for api in portal.apis if api.scorecard is not None]
    reports = portal.settings.reports
    written = []
    if reports.json:
        path = site_dir / reports.json
        write_report(path, scorecards)
        written.append(path)
    return written
