"""The provider's account of a revision, and what it leaves out.

A changelog file is a small structured form of what a provider says changed (in a
release note, a "summary of changes" page, an appendix of the framework itself)::

    changelog:
      from: "2.2"
      to: "3.0"
      source: https://example.org/rsp-v3-summary   # where the account is published
      claims:
        - elements: [cbrn-3, cbrn-4]    # element ids the account says changed
          quote: "We replaced the ASL ladder with capability and usage thresholds"
        - elements: [governance]        # a section name works too
          quote: "The Responsible Scaling Officer now reports to the board"

A material change of the diff is *disclosed* when one of its element ids, or the
section it sits in, is named by a claim; otherwise it is *undisclosed*. A claim that
no change of the diff touches is *not found* (the account says something changed
that the encodings do not show: a wording change, or something the encodings miss).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from redline.framework import schema as S
from redline.framework.diff.model import Change
from redline.framework.load import load_model_file


class Claim(S.Strict):
    elements: list[str] = Field(min_length=1, description="Element ids or section names.")
    quote: str = Field(min_length=1, description="The account's own words.")


class ChangelogBody(S.Strict):
    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    source: str | None = None
    claims: list[Claim] = Field(default_factory=list)


class Changelog(S.Strict):
    changelog: ChangelogBody


def load_changelog(path: Path) -> ChangelogBody:
    doc, _, _ = load_model_file(path, Changelog)
    return doc.changelog


@dataclass
class Disclosure:
    undisclosed: list[int] = field(default_factory=list)  # indexes of material changes
    disclosed: dict[int, list[int]] = field(default_factory=dict)  # change -> claims
    not_found: list[int] = field(default_factory=list)  # indexes of claims


def _names(change: Change) -> set[str]:
    out = set(change.element_ids())
    for side in (change.old, change.new):
        if side is not None:
            out.update(side.element.split("/"))
    return {x for x in out if x}


def check_disclosure(
    changes: list[Change], material: list[bool], account: ChangelogBody
) -> Disclosure:
    out = Disclosure()
    claimed = [set(c.elements) for c in account.claims]
    used: set[int] = set()
    for i, change in enumerate(changes):
        names = _names(change)
        hits = [k for k, els in enumerate(claimed) if els & names]
        used.update(hits)
        if hits:
            out.disclosed[i] = hits
        elif material[i]:
            out.undisclosed.append(i)
    out.not_found = [k for k in range(len(account.claims)) if k not in used]
    return out
