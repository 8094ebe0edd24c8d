"""SVG made at build time: shields-style badges, the dashboard's bar charts, and trend lines.

Self-contained (no fonts or scripts fetched), readable without JavaScript, with `<title>` and
`role="img"` so that screen readers announce what a chart shows. Text is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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


BREAK_LABEL = "scoring changed"
"""What a break in a trend line says: the scores on either side were made by other rules."""


@dataclass(frozen=True)
class SeriesPoint:
    """One value of a trend, in build order."""

    value: float
    label: str
    """What the point is, for its tooltip (`2026-11-02: 70`)."""
    starts_segment: bool = False
    """Whether the line breaks before it: the scoring changed, so the values do not compare."""


def _positions(
    points: Sequence[SeriesPoint], left: float, top: float, width: float, height: float
) -> list[tuple[float, float]]:
    low = min(p.value for p in points)
    high = max(p.value for p in points)
    span = high - low
    step = width / (len(points) - 1) if len(points) > 1 else 0.0
    positions = []
    for index, point in enumerate(points):
        # A flat series sits in the middle rather than on an edge, where it reads as "zero".
        share = (point.value - low) / span if span else 0.5
        positions.append((left + index * step, top + height - share * height))
    return positions


def _segments(points: Sequence[SeriesPoint]) -> list[list[int]]:
    segments: list[list[int]] = []
    for index, point in enumerate(points):
        if not segments or point.starts_segment:
            segments.append([])
        segments[-1].append(index)
    return segments


def _line_parts(
    points: Sequence[SeriesPoint],
    positions: list[tuple[float, float]],
    top: float,
    bottom: float,
    radius: float,
    break_text: bool,
) -> list[str]:
    parts = []
    for segment in _segments(points):
        if len(segment) > 1:
            coords = " ".join(f"{positions[i][0]:.1f},{positions[i][1]:.1f}" for i in segment)
            parts.append(
                f'<polyline class="mp-spark-line" points="{coords}" fill="none" '
                'stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>'
            )
    for index, point in enumerate(points):
        if index and point.starts_segment:
            x = (positions[index - 1][0] + positions[index][0]) / 2
            parts.append(
                f'<line class="mp-spark-break" x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" '
                f'y2="{bottom:.1f}" stroke="currentColor" stroke-width="1" '
                f'stroke-dasharray="2 2"><title>{BREAK_LABEL}</title></line>'
            )
            if break_text:
                anchor = "start" if x < (positions[0][0] + positions[-1][0]) / 2 else "end"
                shift = 3 if anchor == "start" else -3
                parts.append(
                    f'<text class="mp-trend-break-label" x="{x + shift:.1f}" y="{top + 8:.1f}" '
                    f'text-anchor="{anchor}">{BREAK_LABEL}</text>'
                )
    for index, (point, (x, y)) in enumerate(zip(points, positions, strict=True)):
        r = radius * 1.4 if index == len(points) - 1 else radius
        parts.append(
            f'<circle class="mp-spark-point" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" '
            f'fill="currentColor"><title>{escape(point.label)}</title></circle>'
        )
    return parts


def _svg_open(css: str, width: int, height: int, title: str, *, fluid: bool = False) -> str:
    size = 'width="100%"' if fluid else f'width="{width}" height="{height}"'
    return (
        f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size} role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _axis_text(x: float, y: float, anchor: str, text: str) -> str:
    return (
        f'<text class="mp-trend-axis" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _axis_line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line class="mp-trend-axis-line" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
        f'y2="{y2:.1f}" stroke="currentColor" stroke-width="1" opacity=".35"/>'
    )


def sparkline(
    points: Sequence[SeriesPoint], *, title: str, width: int = 96, height: int = 24
) -> Markup:
    """A small line of `points`, broken where a point starts a segment; '' under two points
    (one value is no trend: the text beside it says so).

    Drawn in `currentColor`, so that it takes the text colour of light and dark schemes.
    """
    if len(points) < 2:
        return Markup("")
    pad = 3.0
    positions = _positions(points, pad, pad, width - 2 * pad, height - 2 * pad)
    parts = [
        _svg_open("mp-sparkline", width, height, title),
        *_line_parts(points, positions, 0.0, float(height), 1.6, break_text=False),
        "</svg>",
    ]
    # Every piece of text above went through escape().
    return Markup("".join(parts))  # noqa: S704


def trend_chart(
    points: Sequence[SeriesPoint],
    *,
    title: str,
    low_label: str,
    high_label: str,
    first_label: str,
    last_label: str,
    width: int = 280,
    height: int = 110,
) -> Markup:
    """A trend with its axes labelled: lowest and highest values on the left, first and last
    builds below; breaks are labelled. '' under two points."""
    if len(points) < 2:
        return Markup("")
    left, right, top, bottom = 40.0, 8.0, 12.0, 20.0
    plot_width, plot_height = width - left - right, height - top - bottom
    positions = _positions(points, left, top, plot_width, plot_height)
    base = top + plot_height
    if high_label == low_label:
        # A flat line: its one value stands beside it, not twice at heights it does not reach.
        value_labels = [_axis_text(left - 8, positions[0][1] + 3, "end", high_label)]
    else:
        value_labels = [
            _axis_text(left - 8, top + 4, "end", high_label),
            _axis_text(left - 8, base + 3, "end", low_label),
        ]
    parts = [
        _svg_open("mp-trend-chart", width, height, title, fluid=True),
        _axis_line(left - 4, top, left - 4, base),
        _axis_line(left - 4, base + 4, width - right, base + 4),
        *value_labels,
        _axis_text(left, height - 3, "start", first_label),
        _axis_text(width - right, height - 3, "end", last_label),
        *_line_parts(points, positions, top - 10, base, 2.2, break_text=True),
        "</svg>",
    ]
    # Every piece of text above went through escape().
    return Markup("".join(parts))  # noqa: S704
