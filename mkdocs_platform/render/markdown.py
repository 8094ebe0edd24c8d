"""Descriptions from specs: CommonMark to HTML, then sanitized with an allow-list.

Nothing that leaves here can run script: no `<script>`, no event handlers, no `javascript:`
URLs, no `id` from the spec (which could clobber the page's own anchors), and no `class` but
the few admonitions are drawn with, so a spec cannot dress text as the page's own parts.

GitHub's alerts (`> [!NOTE]`, as GitHub renders READMEs and as many specs are written) become
the admonitions mkdocs-material and the built-in theme style.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
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
    "div": {"class"},
    "p": {"class"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

ADMONITION_TYPES = {
    "NOTE": "note",
    "TIP": "tip",
    "IMPORTANT": "info",
    "WARNING": "warning",
    "CAUTION": "danger",
}
"""The admonition type each GitHub alert kind is shown as: types both Material and the built-in
theme know, nearest in meaning."""
ALLOWED_CLASSES = {
    "div": frozenset({"admonition", *ADMONITION_TYPES.values()}),
    "p": frozenset({"admonition-title"}),
}
"""The only classes kept: what admonitions need, whoever wrote them."""


def _kept_attribute(tag: str, name: str, value: str) -> str | None:
    """The attribute's value as kept: a `class` keeps only its allowed classes, and goes when
    none is left (nh3's `allowed_classes` would leave an empty `class=""`)."""
    if name != "class":
        return value
    allowed = ALLOWED_CLASSES.get(tag, frozenset())
    return " ".join(c for c in value.split() if c in allowed) or None


def _admonitions_from_alerts(state: StateCore) -> None:
    """Give the alert tokens markdown-it makes the classes of an admonition."""
    for token in state.tokens:
        if token.type == "alert_open":
            kind = ADMONITION_TYPES.get(token.info.upper(), "note")
            token.attrs = {"class": f"admonition {kind}"}
        elif token.type == "alert_title_open":
            token.attrs = {"class": "admonition-title"}


def admonition_alerts(md: MarkdownIt) -> None:
    """markdown-it plugin: GitHub alerts (`> [!TIP]`) rendered as admonitions
    (`<div class="admonition tip"><p class="admonition-title">Tip</p>…</div>`)."""
    md.options["alerts"] = True
    md.core.ruler.after("block", "admonition_alerts", _admonitions_from_alerts)


_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True, "linkify": False})
    .enable(["table", "strikethrough"])
    .use(admonition_alerts)
)


def sanitize_html(html: str) -> Markup:
    """Keep only the allowed tags, attributes and URL schemes."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_kept_attribute,
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
