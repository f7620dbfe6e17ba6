"""The version history of an organisation's frameworks: each step from one encoded
version to the next, with the semantic diff's counts of weakening, strengthening and
neutral changes (:mod:`redline.framework.diff`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.framework import schema as S
from redline.framework.diff import Change, counts, diff
from redline.registry.api import _load, history
from redline.registry.load import FRAMEWORKS


@dataclass(frozen=True)
class Step:
    framework: str  # registry framework id
    framework_name: str
    old_version: str | None  # None: the first encoded version
    new_version: str
    date: str
    encoded: str
    counts: dict[str, int] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()

    @property
    def weakened(self) -> bool:
        return self.counts.get("weakening", 0) > 0

    def as_dict(self, with_changes: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "framework": self.framework,
            "framework_name": self.framework_name,
            "from": self.old_version,
            "to": self.new_version,
            "date": self.date,
            "encoded": self.encoded,
            "counts": self.counts,
        }
        if with_changes:
            out["changes"] = [c.model_dump(mode="json") for c in self.changes]
        return out


def version_steps(org: str) -> list[Step]:
    """Per framework, oldest first: the first encoded version, then every step between
    consecutive encoded versions (unencoded versions are skipped, and said so by
    ``registry show``)."""
    steps: list[Step] = []
    previous: dict[str, tuple[str, S.Framework]] = {}
    for v in history(org):
        if not v.encoded:
            continue
        fw = _load(FRAMEWORKS / v.encoded)
        before = previous.get(v.framework)
        if before is None:
            steps.append(Step(v.framework, v.framework_name, None, v.version, v.date, v.encoded))
        else:
            old_version, old_fw = before
            changes = diff(old_fw, fw)
            steps.append(
                Step(
                    v.framework, v.framework_name, old_version, v.version, v.date, v.encoded,
                    counts(changes), tuple(changes),
                )
            )  # fmt: skip
        previous[v.framework] = (v.version, fw)
    return steps
