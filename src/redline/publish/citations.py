"""How a citation is shown: the quoted words, and apart from them our interpretation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline.framework import schema as S

if TYPE_CHECKING:
    from redline.publish.views import CitationView


def citation_view(c: S.Citation) -> CitationView:
    from redline.publish.views import CitationView, Link, safe_link

    link = None if c.source is None else (safe_link(c.source) or Link(text=c.source))
    i = c.interpretation
    return CitationView(
        source=link,
        section=c.section,
        quote=c.quote,
        quotes=list(c.quotes),
        reading=i.reading if i else None,
        reason=i.reason if i else None,
    )
