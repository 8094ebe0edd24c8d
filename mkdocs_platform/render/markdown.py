"""Descriptions from specs: CommonMark to HTML, then sanitized with an allow-list.

Nothing that leaves here can run script: no `<script>`, no event handlers, no `javascript:`
URLs, no `id` or `class` from the spec (which could clobber the page's own anchors).
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "var",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def sanitize_html(html: str) -> Markup:
    """Keep only the allowed tags, attributes and URL schemes."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - sanitized by nh3 just above


CACHED_TEXTS = 32768
"""Texts rendered once and reused: a large API repeats its descriptions and response texts on
many pages (GitHub's has 5,389 distinct descriptions), and a cache smaller than that is emptied
by every pass over its models before any text comes round again."""


@lru_cache(maxsize=CACHED_TEXTS)
def render_markdown(text: str) -> Markup:
    """A description as safe HTML (CommonMark, as OpenAPI specifies)."""
    if not text or not text.strip():
        return Markup("")
    try:
        html = _MARKDOWN.render(text)
    except Exception:  # noqa: BLE001 - untrusted text must never break a page
        return Markup("<p>") + escape(text) + Markup("</p>")
    return sanitize_html(html)


@lru_cache(maxsize=CACHED_TEXTS)
def render_inline(text: str) -> Markup:
    """A one-line text (a summary) as safe inline HTML, without a wrapping paragraph."""
    if not text or not text.strip():
        return Markup("")
    try:
        html = _MARKDOWN.renderInline(text)
    except Exception:  # noqa: BLE001
        return escape(text)
    return sanitize_html(html)


def plain_title(text: str) -> str:
    """A title for places the theme prints without escaping (nav, `<title>`, TOC).

    Escaped HTML, without '<' or '>' even once unescaped: some themes pass titles through
    `striptags`, which turns `&lt;` back into '<'. Braces are entities, so that plugins that
    render titles as templates (mkdocs-macros does) find no `{{` to run.
    """
    cleaned = " ".join(text.replace("<", "‹").replace(">", "›").split())
    return str(escape(cleaned)).replace("{", "&#123;").replace("}", "&#125;")


def safe_url(url: str) -> str | None:
    """The URL when it is http(s) or mailto; None for anything a browser could run."""
    scheme = url.strip().split(":", 1)[0].lower() if ":" in url else ""
    return url.strip() if scheme in ("http", "https", "mailto") else None
