"""Markdown for Discord: the message splitter and page renderers."""
