"""The review page shows the answer as the member saw it, never as live HTML."""

from __future__ import annotations

from bot.review.server import discord_markdown


def test_markdown_is_rendered() -> None:
    html = discord_markdown(
        "> a quote\n🔴 **Allegation** · [¶4](<https://example.org/a#:~:text=x>)"
    )
    assert "<blockquote>" in html and "<strong>Allegation</strong>" in html
    assert 'href="https://example.org/a#:~:text=x"' in html


def test_raw_html_and_script_links_are_not_passed_through() -> None:
    html = discord_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>"
    )
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript:' not in html
