"""Publish: audience views (the only place where redaction happens), HTML/Markdown/JSON
reports, SVG charts, the static site with its registry section, terminal rendering.

Layer: above ``ledger``; may import every lower package (``framework``, ``suites``,
``decide``, ``registry``, ``measure``, ``ledger``). Renders the registry, never owns it.
"""
