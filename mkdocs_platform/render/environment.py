"""The Jinja environment every portal template renders in.

Autoescaping is on: a spec string reaches a page escaped unless a filter made it safe HTML
(`md` and `inline` sanitize CommonMark with an allow-list).
"""

from __future__ import annotations

from functools import partial

from jinja2 import Environment, PackageLoader, StrictUndefined

from mkdocs_platform.models.api import slugify
from mkdocs_platform.render import findings as listing
from mkdocs_platform.render.markdown import render_inline, render_markdown, safe_url
from mkdocs_platform.render.schemas import json_text
from mkdocs_platform.scorecard.score import SCORING_VERSION


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mkdocs_platform.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = render_markdown
    env.filters["inline"] = render_inline
    env.filters["json"] = json_text
    env.filters["scalar"] = lambda value: value if isinstance(value, str) else json_text(value)
    env.filters["slug"] = slugify
    env.globals["safe_url"] = safe_url
    env.globals["scoring_version"] = SCORING_VERSION
    env.globals["overview_listing"] = partial(
        listing.list_findings, per_rule=listing.OVERVIEW_PER_RULE, limit=listing.OVERVIEW_LIMIT
    )
    env.globals["scorecard_listing"] = partial(
        listing.list_findings, per_rule=listing.SCORECARD_PER_RULE, limit=listing.SCORECARD_LIMIT
    )
    return env


ENV = _environment()
"""The one environment: templates are compiled once per process."""
