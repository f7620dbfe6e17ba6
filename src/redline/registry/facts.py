"""What an encoding states and on what grounds: each cited element with its quotes,
its interpretation (our reading, kept apart) and what the text leaves unspecified.

Used by ``registry show``, the generated tables of docs/registry.md and the site."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from redline.framework import schema as S


@dataclass(frozen=True)
class CitedElement:
    path: str  # e.g. domains[0].levels[1]
    element: str  # e.g. "level cbrn-3"
    citation: S.Citation

    @property
    def quoted(self) -> bool:
        return bool(self.citation.all_quotes())


def _label(node: BaseModel, path: str) -> str:
    ident = getattr(node, "id", None)
    kind = type(node).__name__
    names = {
        "CapabilityLevel": "level",
        "RiskDomain": "domain",
        "Safeguard": "safeguard",
        "Rule": "rule",
        "Role": "role",
        "Evaluation": "evaluation",
        "TrustedActor": "trusted actor",
        "Exemption": "exemption",
        "Recommendation": "recommendation",
        "Artefact": "artefact",
    }
    if isinstance(ident, str) and kind in names:
        return f"{names[kind]} {ident}"
    return path or "framework"


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")


def cited(fw: S.Framework) -> list[CitedElement]:
    """Every element of the framework that carries a citation, in file order."""
    out = []
    for path, node in _walk(fw, ""):
        if isinstance(node, BaseModel) and not isinstance(node, S.Citation):
            c = getattr(node, "citation", None)
            if isinstance(c, S.Citation):
                out.append(CitedElement(path, _label(node, path), c))
    return out


def unspecified(fw: S.Framework) -> list[str]:
    """What the encoding marks as not stated by the text: unspecified values and
    safeguards the framework requires but has not defined."""
    out = []
    for path, node in _walk(fw, ""):
        if isinstance(node, S.Unspecified):
            out.append(path + (f" ({node.note})" if node.note else ""))
    for s in fw.safeguards:
        if not s.specified:
            out.append(f"safeguard {s.id} (required, not yet defined by the framework)")
    return out


@dataclass(frozen=True)
class Summary:
    elements: int
    quoted: int
    quotes: int
    interpretations: int
    unquoted: int
    unspecified: int


def summary(fw: S.Framework) -> Summary:
    items = cited(fw)
    return Summary(
        elements=len(items),
        quoted=sum(1 for c in items if c.quoted),
        quotes=sum(len(c.citation.all_quotes()) for c in items),
        interpretations=sum(1 for c in items if c.citation.interpretation is not None),
        unquoted=sum(1 for c in items if not c.quoted),
        unspecified=len(unspecified(fw)),
    )
