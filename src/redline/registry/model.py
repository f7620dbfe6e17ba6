"""The registry's data schema: the signatories of the Frontier AI Safety Commitments,
what each has published, and where every fact comes from.

Strict like the framework schema: unknown keys are errors. Every fact carries a
``source`` (an id in the registry's ``sources`` catalogue, which the signatory
must list in its own ``sources``) and, where the research notes flag it, a
``flag`` (``secondary``: the fact rests on a secondary source or a late copy;
``unverified``: reported but not confirmed). What the sources do not state is
written ``unknown`` with a note, never filled in.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from redline.framework.schema import Id, Strict

REGISTRY_SCHEMA_VERSION = 1

Flag = Literal["secondary", "unverified"]

PartialDate = Annotated[
    str,
    Field(
        pattern=r"^(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?|unknown)$",
        description="YYYY, YYYY-MM or YYYY-MM-DD as precise as the source is, or 'unknown'.",
    ),
]

SourceKind = Literal[
    "official", "framework", "company", "analysis", "tracker", "dataset", "press", "notes"
]

Status = Literal["published", "partial", "none_found"]


class Source(Strict):
    """A document the research notes (shared/reference/commitments.md) cite."""

    id: Id
    title: str = Field(min_length=1)
    url: str | None = Field(
        default=None,
        description="The address; empty only for kind 'notes' (the research notes themselves).",
    )
    kind: SourceKind
    note: str | None = None


class Fact(Strict):
    """Base of every sourced fact."""

    source: Id = Field(description="Id of a source listed in the signatory's sources.")
    flag: Flag | None = Field(default=None, description="As the research notes flag the fact.")
    note: str | None = None


class Headquarters(Fact):
    country: str = Field(min_length=1, description="Country, or 'unknown' if no source states it.")


class Signing(Fact):
    date: PartialDate = Field(description="When the organisation signed, or 'unknown'.")
    cohort: Literal["original", "later"] = Field(
        description="original: the 16 of 21 May 2024; later: joined afterwards."
    )


class PublicationStatus(Fact):
    value: Status = Field(
        description=(
            "published: a framework on severe risks; partial: something published that "
            "analysts do not count as one; none_found: nothing found."
        )
    )


class FrameworkVersion(Fact):
    """One version of a framework: the fact is that it exists with this date."""

    version: str = Field(min_length=1)
    date: PartialDate
    document: Id | None = Field(
        default=None, description="Source id of the document itself, when the notes give its URL."
    )
    encoded: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_.-]*\.yaml$",
        description="File name under registry/data/frameworks/ when redline encodes this version.",
    )


class PublishedFramework(Strict):
    id: Id
    name: str = Field(min_length=1)
    kind: Literal["safety_framework", "compliance_framework"] = Field(
        default="safety_framework",
        description="compliance_framework: written for a law, beside a safety framework.",
    )
    companion_of: Id | None = Field(
        default=None,
        description="For a compliance framework: id of the signatory's safety framework.",
    )
    versions: list[FrameworkVersion] = Field(min_length=1)
    note: str | None = None

    def latest(self) -> FrameworkVersion:
        return max(self.versions, key=lambda v: sort_key(v.date))


class Signatory(Strict):
    id: Id
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Other names it is known by.")
    headquarters: Headquarters
    signed: Signing
    status: PublicationStatus
    frameworks: list[PublishedFramework] = Field(default_factory=list)
    sources: list[Id] = Field(min_length=1, description="Ids of the sources for this signatory.")
    notes: str | None = None

    def versions(self) -> list[tuple[PublishedFramework, FrameworkVersion]]:
        """Every known version of every framework, oldest first."""
        out = [(f, v) for f in self.frameworks for v in f.versions]
        return sorted(out, key=lambda fv: sort_key(fv[1].date))

    def encoded(self) -> list[tuple[PublishedFramework, FrameworkVersion]]:
        """Versions redline encodes, oldest first."""
        return [(f, v) for f, v in self.versions() if v.encoded]

    def encoded_safety(self) -> list[tuple[PublishedFramework, FrameworkVersion]]:
        """Encoded versions of safety frameworks (not compliance frameworks), oldest first;
        what the commitments check grades. Falls back to every encoding if none."""
        safety = [(f, v) for f, v in self.encoded() if f.kind == "safety_framework"]
        return safety or self.encoded()


class Registry(Strict):
    schema_version: Literal[1]
    as_of: dt.date = Field(description="Date of the research notes the registry follows.")
    sources: list[Source] = Field(min_length=1)
    signatories: list[Signatory] = Field(min_length=1)

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)


def sort_key(date: str) -> tuple[int, int, int]:
    """Order partial dates; 'unknown' sorts first, a bare year before its months."""
    if date == "unknown":
        return (0, 0, 0)
    parts = [int(p) for p in date.split("-")]
    parts += [0] * (3 - len(parts))
    return (parts[0], parts[1], parts[2])
