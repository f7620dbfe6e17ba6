"""The schema of a regime file (``data/<regime>.yaml``).

Facts and our reading are kept apart: ``citation`` holds what the source says (a
locator and verbatim words), ``mapping`` what we take it to ask of a framework file,
labelled as our reading. A requirement without a mapping is recorded with the reason
it cannot be checked from a framework file.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Quote = Annotated[
    str,
    Field(
        min_length=1, max_length=400, description="Exact words of the source, at most a few lines."
    ),
]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.()_-]*$", min_length=1, max_length=80)]


class SourceDocument(Strict):
    """The text every citation of the file points into, versioned."""

    title: str = Field(min_length=1)
    url: str = Field(min_length=1, description="The official text of this version.")
    version: str = Field(min_length=1, description="Which version: chapter, print, or final.")
    date: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="Date of that version.")
    read_from: str = Field(
        min_length=1, description="Where the quotes were read and checked (copy, mirror, page)."
    )


class Citation(Strict):
    section: str = Field(min_length=1, description="Statute section or Code measure number.")
    quote: Quote
    url: str | None = Field(default=None, description="Another document than the regime's.")


class Present(Strict):
    """At least ``min`` elements exist at ``at`` (that match ``where``)."""

    check: Literal["present"]
    label: str = Field(min_length=1, description="What is looked for, in words.")
    at: str = Field(min_length=1, description="Path into the framework: a.b[].c")
    where: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="Field -> value or values; a list field matches when any value is in it.",
    )
    min: int = Field(default=1, ge=1)


class Mentions(Strict):
    """Some text at or under ``at`` (the whole framework when empty) names a term."""

    check: Literal["mentions"]
    label: str = Field(min_length=1)
    at: str = ""
    any: list[str] = Field(min_length=1, description="Terms, matched case-insensitively.")


class AtMost(Strict):
    """A number at ``at`` is at most ``value``."""

    check: Literal["at_most"]
    label: str = Field(min_length=1)
    at: str = Field(min_length=1)
    value: float


Check = Annotated[Present | Mentions | AtMost, Field(discriminator="check")]


class Mapping(Strict):
    """Our reading: which framework elements can satisfy the requirement."""

    reading: str = Field(min_length=1, description="Our reading, in a sentence; not the law.")
    met_when: list[Check] = Field(min_length=1, description="All must hold for 'met'.")
    partly_when: list[Check] = Field(
        default_factory=list,
        description="Any of these (or some of met_when) holding makes it 'partly'.",
    )


class Requirement(Strict):
    id: Id
    title: str = Field(min_length=1)
    citation: Citation
    mapping: Mapping | None = None
    not_checked: str | None = Field(
        default=None, description="Why a framework file cannot show it (no mapping)."
    )


class IncidentDeadline(Strict):
    """A reporting clock the text sets (facts only; computed by the incident commands)."""

    id: Id
    what: str = Field(min_length=1, description="What must be reported, to whom (our words).")
    hours: int = Field(gt=0)
    clock_starts: Literal["discovery", "determination_or_reasonable_belief"]
    when: str | None = Field(default=None, description="The condition, e.g. imminent risk.")
    citation: Citation


class Coverage(Strict):
    """Who or what the regime covers (facts, in our words, with the quote)."""

    id: Id
    definition: str = Field(min_length=1)
    citation: Citation


class Regime(Strict):
    schema_version: Literal[1]
    id: Id
    name: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1)
    document: SourceDocument
    coverage: list[Coverage] = Field(default_factory=list)
    requirements: list[Requirement] = Field(min_length=1)
    incident_deadlines: list[IncidentDeadline] = Field(default_factory=list)
    unsourced: list[str] = Field(
        default_factory=list, description="Facts we looked for and could not source; left out."
    )
