"""What of a page the search index gets: its headings and prose, not its schemas and code.

Search plugins index the HTML of every page, and their cost and the index's size grow with it.
A reference page is mostly schema trees and code samples, which are the same on many pages and
make poor search results. Those blocks are wrapped in markers when they are rendered, and the
search plugins are handed the page without them; readers get the whole page.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_SKIP_MARKUP = Markup("<!--mp-search-skip-->")
_END_MARKUP = Markup("<!--mp-search-end-->")
SKIP = str(_SKIP_MARKUP)
END = str(_END_MARKUP)
_MARKERS = re.compile(re.escape(SKIP) + "|" + re.escape(END))


def unsearched(html: Markup) -> Markup:
    """`html`, marked as no part of the search index."""
    return _SKIP_MARKUP + html + _END_MARKUP


def searchable(html: str) -> str:
    """`html` without its marked blocks (markers nest; text from a spec cannot forge one, as it
    is escaped)."""
    if SKIP not in html:
        return html
    kept: list[str] = []
    depth = 0
    start = 0
    for marker in _MARKERS.finditer(html):
        if marker.group() == SKIP:
            if depth == 0:
                kept.append(html[start : marker.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                start = marker.end()
    if depth == 0:
        kept.append(html[start:])
    return "".join(kept)
