"""Text from specs becomes safe HTML."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from mkdocs_platform.render.markdown import plain_title, render_inline, render_markdown
from mkdocs_platform.render.samples import highlight
from mkdocs_platform.render.site import without_layout_whitespace


def test_commonmark_is_rendered():
    html = str(
        render_markdown("A **bold** claim.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two")
    )
    assert "<strong>bold</strong>" in html
    assert "<table>" in html
    assert "<li>one</li>" in html


def test_script_handlers_and_javascript_urls_are_removed():
    html = str(
        render_markdown(
            '<script>alert(1)</script><img src="x" onerror="alert(1)"> [a](javascript:alert(1)) <a href="javascript:alert(1)">b</a>'
        )
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="javascript' not in html


def test_ids_and_classes_from_specs_are_dropped():
    html = str(render_markdown('<p id="op-listpets" class="md-header" style="color:red">x</p>'))
    assert "id=" not in html
    assert "class=" not in html
    assert "style=" not in html


def test_links_get_safe_rel():
    html = str(render_markdown("[docs](https://example.com)"))
    assert 'rel="noopener noreferrer nofollow"' in html


def test_inline_has_no_paragraph():
    assert str(render_inline("Get *a* pet")) == "Get <em>a</em> pet"


def test_plain_title_survives_striptags_and_templates():
    from markupsafe import Markup

    title = plain_title("</title><script>x</script> {{ 7*7 }}")
    assert "<" not in Markup(title).striptags()
    assert "{{" not in title


def test_highlighted_json_marks_keys_strings_and_literals_and_little_else():
    code = '{\n  "name": "<b>Tom & Jerry</b>",\n  "age": 3,\n  "tags": [true, null]\n}'
    soup = BeautifulSoup(str(highlight(code, "json")), "html.parser")
    block = soup.select_one("div.language-json.highlight")
    assert block is not None
    assert block.has_attr("data-search-exclude")
    text = block.select_one("pre > code")
    assert text.get_text() == code + "\n"  # the text is whole, and escaped only as markup needs
    assert [s.get_text() for s in text.select("span.nt")] == ['"name"', '"age"', '"tags"']
    assert [s.get_text() for s in text.select("span.s2")] == ['"<b>Tom & Jerry</b>"']
    assert [s.get_text() for s in text.select("span.mi")] == ["3"]
    assert [s.get_text() for s in text.select("span.kc")] == ["true", "null"]
    assert text.find("b") is None
    # Whitespace and punctuation, uncoloured by the theme, get no spans of their own.
    assert len(text.find_all("span")) == 7


def test_adjacent_tokens_of_one_class_share_a_span():
    # Pygments gives the quotes and the text of a Python string as three tokens.
    soup = BeautifulSoup(str(highlight("x = 'abc'\n", "python")), "html.parser")
    assert [s.get_text() for s in soup.select("code span.s1")] == ["'abc'"]


def test_code_with_no_lexer_or_too_long_to_colour_is_escaped_text():
    for code, language in (("<a>&</a>", "no-such-language"), ("<i>" * 2000, "json")):
        soup = BeautifulSoup(str(highlight(code, language)), "html.parser")
        code_element = soup.select_one("pre > code")
        assert code_element.get_text() == code
        assert code_element.find_all(True) == []


def test_layout_whitespace_goes_where_it_shows_nothing():
    html = (
        '<div class="mp-operation">\n  <p>A <code>x</code> <span class="mp-flag">required</span></p>\n'
        "  <table>\n    <tr>\n      <td>\n        <p>Text.</p>\n\n      </td>\n    </tr>\n  </table>\n"
        '<div class="highlight"><pre><span></span><code>{\n  <span class="nt">"a"</span>: 1\n}\n'
        "</code></pre></div>\n</div>"
    )
    assert without_layout_whitespace(html) == (
        '<div class="mp-operation"><p>A <code>x</code> <span class="mp-flag">required</span></p>'
        "<table><tr><td><p>Text.</p></td></tr></table>"
        '<div class="highlight"><pre><span></span><code>{\n  <span class="nt">"a"</span>: 1\n}\n'
        "</code></pre></div></div>"
    )


ALERTS = [
    ("NOTE", "note", "Note"),
    ("TIP", "tip", "Tip"),
    ("IMPORTANT", "info", "Important"),
    ("WARNING", "warning", "Warning"),
    ("CAUTION", "danger", "Caution"),
]


@pytest.mark.parametrize(("kind", "admonition", "title"), ALERTS)
def test_github_alerts_become_admonitions(kind, admonition, title):
    html = str(render_markdown(f"Before.\n\n> [!{kind}]\n> Mind *this*.\n> - one\n\nAfter."))
    soup = BeautifulSoup(html, "html.parser")
    box = soup.select_one(f"div.admonition.{admonition}")
    assert box is not None, html
    assert box["class"] == ["admonition", admonition]
    assert [p.get_text() for p in box.select("p.admonition-title")] == [title]
    assert box.select_one("p:not(.admonition-title) em").get_text() == "this"
    assert box.select_one("ul li").get_text() == "one"
    assert "[!" not in html
    assert soup.find("blockquote") is None


def test_a_plain_quote_and_an_unknown_alert_stay_quotes():
    html = str(render_markdown("> Just a quote.\n\n> [!DANGER]\n> Not a GitHub alert."))
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("blockquote")) == 2
    assert soup.select(".admonition") == []


def test_only_admonition_classes_survive_from_a_spec():
    html = str(
        render_markdown(
            '<div class="evil">a</div>\n\n<div class="admonition md-header danger">b</div>\n\n'
            '<p class="admonition-title md-typeset">c</p>\n\n<span class="admonition">d</span>'
        )
    )
    soup = BeautifulSoup(html, "html.parser")
    evil, admonition = soup.select("div")
    assert not evil.has_attr("class")
    assert admonition["class"] == ["admonition", "danger"]
    assert soup.select_one("p")["class"] == ["admonition-title"]
    assert not soup.select_one("span").has_attr("class")
