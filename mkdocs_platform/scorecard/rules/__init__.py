"""The default rules, one module per category; importing this package registers them."""

from __future__ import annotations

from mkdocs_platform.scorecard.registry import RULES, RuleSpec
from mkdocs_platform.scorecard.rules import (
    correctness,
    design,
    documentation,
    ownership,
    sdk,
    security,
)


def all_rules() -> dict[str, RuleSpec]:
    """Every rule by id, in the order registered (importing this package registered them)."""
    return RULES


__all__ = ["all_rules", "correctness", "design", "documentation", "ownership", "sdk", "security"]
