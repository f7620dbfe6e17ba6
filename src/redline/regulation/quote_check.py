"""Every quote of a regime file checked against the source text, when a user has it.

The statutes and the Code are not shipped with redline, so this runs on a folder the
user supplies: the text of a regime is ``<regime id>.txt`` in the folder, or the file
the folder's name map (``quote-sources.tsv``, as for ``redline registry check-quotes``)
gives for the regime id or the document URL; a citation with its own ``url`` is looked
up by that URL. Matching is the registry's (:mod:`redline.registry.quotes`): marks and
whitespace normalised, everything else exact. A quote whose text is not in the folder
is unchecked, never passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.registry.quotes import Document, Sources
from redline.regulation.model import Regime


@dataclass(frozen=True)
class RegimeQuote:
    regime: str
    where: str  # e.g. requirements[c2b-results].citation
    text: str
    url: str | None  # None: the regime's own document


@dataclass
class QuoteReport:
    checked: int = 0
    misses: list[tuple[RegimeQuote, str]] = field(default_factory=list)
    unchecked: list[RegimeQuote] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # regime -> file

    @property
    def ok(self) -> bool:
        return not self.misses

    def as_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "missed": len(self.misses),
            "unchecked": len(self.unchecked),
            "misses": [
                {"regime": q.regime, "where": q.where, "document": doc, "quote": q.text}
                for q, doc in self.misses
            ],
            "documents": self.documents,
        }


def _walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if isinstance(node.get("quote"), str) and "section" in node:
            yield where, node
        for k, v in node.items():
            yield from _walk(v, f"{where}.{k}" if where else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            ident = v.get("id") if isinstance(v, dict) else None
            yield from _walk(v, f"{where}[{ident if isinstance(ident, str) else i}]")


def regime_quotes(regime: Regime) -> list[RegimeQuote]:
    """Every citation's quote in the regime file, where it sits."""
    data = regime.model_dump(mode="json", exclude_none=True)
    return [
        RegimeQuote(regime.id, where, str(c["quote"]), c.get("url")) for where, c in _walk(data, "")
    ]


def check_regime_quotes(regimes: list[Regime], folder: Path) -> QuoteReport:
    """Raises ``ValueError`` for a bad name map (from :class:`Sources`)."""
    sources = Sources(folder)
    report = QuoteReport()
    for regime in regimes:
        own_file = folder / f"{regime.id}.txt"
        own: Document | None = (
            Document.read(own_file)
            if own_file.is_file()
            else sources.find(regime.id, regime.document.url)
        )
        if own is not None:
            report.documents[regime.id] = own.name
        for q in regime_quotes(regime):
            doc = sources.find(q.url) if q.url else own
            if doc is None:
                report.unchecked.append(q)
            elif doc.contains(q.text):
                report.checked += 1
            else:
                report.checked += 1
                report.misses.append((q, doc.name))
    return report
