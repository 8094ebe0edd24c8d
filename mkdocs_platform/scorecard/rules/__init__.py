"""The default rules, one module per category; importing this package registers them."""

from mkdocs_platform.scorecard.rules import (
    correctness,
    design,
    documentation,
    ownership,
    sdk,
    security,
)

__all__ = ["correctness", "design", "documentation", "ownership", "sdk", "security"]
