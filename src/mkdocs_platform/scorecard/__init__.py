"""Scoring every API: rules, the 0-100 score, grade and level, gates, and reports."""

from mkdocs_platform.scorecard.engine import score_api, score_apis
from mkdocs_platform.scorecard.gates import GateResult, evaluate_gates
from mkdocs_platform.scorecard.report import build_report, write_report
from mkdocs_platform.scorecard.score import SCORING_VERSION, CheckScore, Scorecard
from mkdocs_platform.scorecard.settings import ScorecardSettings

__all__ = [
    "SCORING_VERSION",
    "CheckScore",
    "GateResult",
    "Scorecard",
    "ScorecardSettings",
    "build_report",
    "evaluate_gates",
    "score_api",
    "score_apis",
    "write_report",
]
