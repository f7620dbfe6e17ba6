"""A semantic diff between two versions of a framework: what a revision changed in
the commitments, each change classified as weakening, strengthening or neutral.

The diff runs over the framework model, never over text. Elements (domains, levels,
safeguards, rules, exemptions, roles, sign-offs, trusted actors, disclosures) are
matched by id, then by name, then by position among what is left of the same kind,
so a rename or a reordering is one neutral change or none, never a removal plus an
addition. Every change names the rule that classified it (``RULES`` says what each
rule means) and carries the element's citation on both sides, so a reader can check
the classification against the two texts.

Direction conventions (our reading, stated once here): a change is *weakening* when
it makes a commitment bind in fewer situations or demand less when it binds; a
threshold on a metric that triggers when high (``>=``) is weakened by raising it;
moving an item from public to trusted-only or withheld narrows transparency. What the
rules cannot judge (a metric swapped for another, a new free-text statement) is
*neutral/unclear* and says so.

Modules: ``model`` (changes, rules, matching), ``ladders`` (domains, levels, triggers,
requirements), ``commitments`` (safeguards, rules, exemptions, governance, scope,
transparency, external input).
"""

from __future__ import annotations

from collections.abc import Iterable

from redline.framework import schema as S
from redline.framework.diff.commitments import CommitmentDiff
from redline.framework.diff.ladders import LadderDiff
from redline.framework.diff.model import RULES, ST, Change, Direction, N, Side, W, match

__all__ = ["RULES", "Change", "Direction", "Side", "counts", "diff", "match"]


class _Diff(LadderDiff, CommitmentDiff):
    pass


def diff(old: S.Framework, new: S.Framework) -> list[Change]:
    """Every change from ``old`` to ``new``, weakenings first, in element order."""
    d = _Diff(old, new)
    d.scope()
    d.domains()
    d.safeguards()
    d.rules()
    d.exemptions()
    d.governance()
    d.external_input()
    d.transparency()
    rank = {W: 0, ST: 1, N: 2}
    return sorted(d.changes, key=lambda c: rank[c.direction])


def counts(changes: Iterable[Change]) -> dict[str, int]:
    out = {d.value: 0 for d in Direction}
    for c in changes:
        out[c.direction.value] += 1
    return out
