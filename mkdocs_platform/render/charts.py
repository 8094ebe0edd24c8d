"""SVG made at build time: shields-style badges and the dashboard's bar charts.

Self-contained (no fonts or scripts fetched), readable without JavaScript, with `<title>` and
`role="img"` so that screen readers announce what a chart shows. Text is escaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from mkdocs_platform.models.scorecard import Scorecard

GRADE_COLORS = {"A": "#2e7d32", "B": "#558b2f", "C": "#f9a825", "D": "#ef6c00", "F": "#c62828"}
"""Badge and bar colours by grade: A/B green, C/D amber, F red."""
LEVEL_COLORS = {"gold": "#c9a227", "silver": "#8e9aa6", "bronze": "#a0673a", "none": "#9e9e9e"}

_CHAR_WIDTH = 6.4
"""Average advance of an 11px sans-serif character, to size badges without measuring fonts."""


def _text_width(text: str) -> float:
    return len(text) * _CHAR_WIDTH + 10


def badge_svg(label: str, message: str, color: str) -> str:
    """A shields.io-style flat badge."""
    left, right = _text_width(label), _text_width(message)
    width = left + right
    title = escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        '<linearGradient id="s" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width:.0f}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left:.0f}" height="20" fill="#555"/>'
        f'<rect x="{left:.0f}" width="{right:.0f}" height="20" fill="{escape(color)}"/>'
        f'<rect width="{width:.0f}" height="20" fill="url(#s)"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        f'font-size="11"><text x="{left / 2:.1f}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{escape(message)}</text></g></svg>'
    )


@dataclass(frozen=True)
class Bar:
    """One bar of a chart."""

    label: str
    value: float
    color: str = "#3f51b5"


def bar_chart(title: str, bars: list[Bar], *, unit: str = "", width: int = 420) -> Markup:
    """A horizontal bar chart as inline SVG, with each value written beside its bar."""
    row, label_width, gap = 26, 90, 8
    height = row * max(1, len(bars)) + 10
    top = max((b.value for b in bars), default=0) or 1
    plot = width - label_width - 60
    opening = (
        f'<svg class="mp-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    parts = [opening]
    for index, bar in enumerate(bars):
        y = 5 + index * row
        length = max(0.0, plot * bar.value / top)
        value = f"{bar.value:g}{unit}"
        parts.append(
            f'<text x="{label_width - gap}" y="{y + 16}" text-anchor="end" class="mp-chart-label">'
            f"{escape(bar.label)}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" rx="2" '
            f'fill="{escape(bar.color)}"><title>{escape(bar.label)}: {escape(value)}</title></rect>'
            f'<text x="{label_width + length + gap:.1f}" y="{y + 16}" class="mp-chart-value">'
            f"{escape(value)}</text>"
        )
    parts.append("</svg>")
    # Every piece of text above went through escape().
    return Markup("".join(parts))  # noqa: S704


BADGE_COLORS = {"A": "brightgreen", "B": "green", "C": "yellow", "D": "orange", "F": "red"}
"""shields.io named colours by grade."""
_NAMED = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
}


def badge_message(card: Scorecard) -> str:
    """`88 · B · bronze`."""
    return f"{card.score} · {card.grade} · {card.level or 'no level'}"


def badge_svg_for(card: Scorecard) -> str:
    """The API's badge as SVG."""
    return badge_svg("API score", badge_message(card), _NAMED[BADGE_COLORS[card.grade]])


def badge_json_for(card: Scorecard) -> str:
    """The API's badge as a shields.io endpoint (https://shields.io/badges/endpoint-badge)."""
    return json.dumps(
        {
            "schemaVersion": 1,
            "label": "API score",
            "message": badge_message(card),
            "color": BADGE_COLORS[card.grade],
        }
    )
