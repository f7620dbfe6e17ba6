"""The site's regulation section: one conformance matrix page per regime (SB 53, the
EU GPAI Code of Practice, NY RAISE) over every encoded registry framework::

    regulation/<regime>.html, regulation/<regime>.json

Each cell links to its reason on the same page. The site module calls
:func:`regulation_views` and renders each view with ``site/regulation.html.j2``.
"""

from __future__ import annotations

import datetime as dt

from redline.publish.registry import SignatoryView
from redline.publish.views import Audience
from redline.publish.views.regulatory_matrix import (
    Encoded,
    RegimeLink,
    RegulationMatrixView,
    regulation_matrix_view,
)
from redline.regulation.load import regimes
from redline.regulation.matrix import matrix

REGULATION_DIR = "regulation"
TEMPLATE = "site/regulation.html.j2"


def regulation_page(regime_id: str) -> str:
    return f"{REGULATION_DIR}/{regime_id}.html"


def first_page() -> str:
    return regulation_page(regimes()[0].id)


def regulation_views(
    signatories: list[SignatoryView], audience: Audience | str, generated: dt.datetime
) -> list[RegulationMatrixView]:
    """One matrix view per regime; rows link to the encodings' pages on the site."""
    pages: dict[tuple[str, str], tuple[str, str]] = {}
    for sig in signatories:
        for enc in sig.encodings:
            pages[(enc.identity.id, enc.identity.version)] = (enc.page, sig.page)
    every = regimes()
    out = []
    for regime in every:
        encoded = []
        for row in matrix(regime):
            ident = row.entry.fw.framework
            page, sig_page = pages.get((ident.id, ident.version), (None, None))
            encoded.append(
                Encoded(
                    fw=row.entry.fw,
                    conformance=row.conformance,
                    kind=row.entry.fw.framework.kind.value,
                    page=page,
                    signatory_page=sig_page,
                )
            )
        links = [
            RegimeLink(
                id=r.id,
                name=r.name,
                page=f"{r.id}.html",
                current=r.id == regime.id,
            )
            for r in every
        ]
        out.append(
            regulation_matrix_view(
                regime,
                encoded,
                audience,
                generated,
                page=regulation_page(regime.id),
                json_export=f"{REGULATION_DIR}/{regime.id}.json",
                regimes=links,
            )
        )
    return out
