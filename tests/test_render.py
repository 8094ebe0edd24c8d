"""Text from specs becomes safe HTML."""

from __future__ import annotations

from mkdocs_platform.render.markdown import plain_title, render_inline, render_markdown


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
