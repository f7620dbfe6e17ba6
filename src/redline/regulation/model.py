"""The schema of a regime file (``data/<regime>.yaml``).

Facts and our reading are kept apart: ``citation`` holds what the source says (a
locator and verbatim words), ``mapping`` what we take it to ask of a framework file,
labelled as our reading. A requirement without a mapping is recorded with the reason
it cannot be checked from a framework file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


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


class SeverityClass(Strict):
    """A class of incident the text itself distinguishes (facts, in our words, with the
    quote); the clocks name the classes they run for."""

    id: Id
    definition: str = Field(min_length=1)
    citation: Citation


class IncidentClock(Strict):
    """A reporting clock the text sets (facts only; computed by ``regulation.incidents``).

    A period is either ``days`` or ``hours``, as the text words it. ``in_force_from`` and
    ``in_force_until`` (dates in the regime's time zone; until is exclusive) bound the
    discoveries the clock applies to, so that an amendment is a second clock with the
    same id and a later ``in_force_from``.
    """

    id: Id
    what: str = Field(min_length=1, description="What must be reported, to whom (our words).")
    classes: list[Id] = Field(min_length=1, description="The severity classes it runs for.")
    days: int | None = Field(default=None, gt=0)
    hours: int | None = Field(default=None, gt=0)
    clock_starts: Literal["discovery", "awareness", "determination_or_reasonable_belief"]
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    citation: Citation

    @model_validator(mode="after")
    def _one_period(self) -> IncidentClock:
        if (self.days is None) == (self.hours is None):
            raise ValueError("give the period as either days or hours, as the text words it")
        if (
            self.in_force_from is not None
            and self.in_force_until is not None
            and self.in_force_until <= self.in_force_from
        ):
            raise ValueError("in_force_until must be after in_force_from")
        return self


class IncidentRules(Strict):
    """A regime's incident classes and clocks, and how we count them (our reading)."""

    time_zone: str = Field(
        min_length=1, description="IANA zone in which calendar days are counted (our reading)."
    )
    reading: str = Field(min_length=1, description="How we count the clocks; not the law.")
    classes: list[SeverityClass] = Field(min_length=1)
    clocks: list[IncidentClock] = Field(default_factory=list)


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
    incidents: IncidentRules | None = None
    unsourced: list[str] = Field(
        default_factory=list, description="Facts we looked for and could not source; left out."
    )
