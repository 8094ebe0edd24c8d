"""Scoring every API: rules, the 0-100 score, grade and level, gates, waivers, and reports."""

from mkdocs_platform.models.scorecard import (
    CheckScore,
    GateResult,
    Portfolio,
    Scorecard,
    ScorecardSettings,
    WaivedFinding,
    Waiver,
)
from mkdocs_platform.scorecard.annotations import annotations, print_annotations
from mkdocs_platform.scorecard.engine import score_api, score_apis
from mkdocs_platform.scorecard.gates import evaluate_gates
from mkdocs_platform.scorecard.junit import build_junit, write_junit
from mkdocs_platform.scorecard.portfolio import build_portfolio
from mkdocs_platform.scorecard.report import build_report, write_report
from mkdocs_platform.scorecard.sarif import build_sarif, write_sarif
from mkdocs_platform.scorecard.score import SCORING_VERSION
from mkdocs_platform.scorecard.waivers import load_waivers

__all__ = [
    "SCORING_VERSION",
    "CheckScore",
    "GateResult",
    "Portfolio",
    "Scorecard",
    "ScorecardSettings",
    "WaivedFinding",
    "Waiver",
    "annotations",
    "build_junit",
    "build_portfolio",
    "build_report",
    "build_sarif",
    "evaluate_gates",
    "load_waivers",
    "print_annotations",
    "score_api",
    "score_apis",
    "write_junit",
    "write_report",
    "write_sarif",
]
