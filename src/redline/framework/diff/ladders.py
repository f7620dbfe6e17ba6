"""The diff of the ladders: domains, levels, triggers and what each level requires."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.diff.model import (
    ST,
    N,
    Recorder,
    W,
    combination,
    leaf_key,
    leaf_kind,
    leaf_words,
    leaves,
    match,
    norm,
    req_ids,
    requirement_words,
    threshold_direction,
    value_of,
)


class LadderDiff(Recorder):
    # ------------------------------------------------------------------ domains

    def domains(self) -> None:
        pairs, gone, came = match(self.o.domains, self.n.domains, lambda d: d.id, lambda d: d.name)
        gone, came = self.merged_or_split(gone, came)
        for d in gone:
            self.add(
                "domain-removed",
                W if d.status == "tracked" else N,
                f"domain {d.name!r} ({d.status}) is no longer covered",
                (d.id, d.name, d.citation),
                None,
            )
        for d in came:
            self.add(
                "domain-added",
                ST if d.status == "tracked" else N,
                f"domain {d.name!r} ({d.status}) is newly covered",
                None,
                (d.id, d.name, d.citation),
            )
        for a, b in pairs:
            if a.name != b.name or a.id != b.id:
                self.add(
                    "renamed",
                    N,
                    f"domain {a.name!r} is now {b.name!r}",
                    (a.id, a.name, a.citation),
                    (b.id, b.name, b.citation),
                )
            if a.status != b.status:
                self.add(
                    "domain-status",
                    W if a.status == "tracked" else ST if b.status == "tracked" else N,
                    f"domain {b.name!r}: {a.status} → {b.status}",
                    (a.id, a.status, a.citation),
                    (b.id, b.status, b.citation),
                )
            self.levels(a, b)

    def merged_or_split(
        self, gone: list[S.RiskDomain], came: list[S.RiskDomain]
    ) -> tuple[list[S.RiskDomain], list[S.RiskDomain]]:
        """Unmatched domains that share level ids were merged or split: their levels are
        compared where they went, and the domains are not reported as removed and added."""
        links = [
            (a, b)
            for a in gone
            for b in came
            if {lv.id for lv in a.levels} & {lv.id for lv in b.levels}
        ]
        if not links:
            return gone, came
        linked_old = {id(a) for a, _ in links}
        linked_new = {id(b) for _, b in links}
        for b in (d for d in came if id(d) in linked_new):
            sources = [a for a, x in links if x is b]
            self.add(
                "domain-merged",
                N,
                f"domain {b.name!r} now holds the levels of "
                + ", ".join(repr(a.name) for a in sources),
                (sources[0].id, ", ".join(a.name for a in sources), sources[0].citation),
                (b.id, b.name, b.citation),
            )
        for a in (d for d in gone if id(d) in linked_old):
            targets = [b for x, b in links if x is a]
            if len(targets) > 1:
                self.add(
                    "domain-merged",
                    N,
                    f"domain {a.name!r} was split into " + ", ".join(repr(b.name) for b in targets),
                    (a.id, a.name, a.citation),
                    (targets[0].id, ", ".join(b.name for b in targets), targets[0].citation),
                )
        old_levels = [(a, lv) for a in gone if id(a) in linked_old for lv in a.levels]
        new_levels = [(b, lv) for b in came if id(b) in linked_new for lv in b.levels]
        self.level_lists(old_levels, new_levels)
        return (
            [d for d in gone if id(d) not in linked_old],
            [d for d in came if id(d) not in linked_new],
        )

    def levels(self, da: S.RiskDomain, db: S.RiskDomain) -> None:
        self.level_lists([(da, lv) for lv in da.levels], [(db, lv) for lv in db.levels])

    def level_lists(
        self,
        old: list[tuple[S.RiskDomain, S.CapabilityLevel]],
        new: list[tuple[S.RiskDomain, S.CapabilityLevel]],
    ) -> None:
        pairs_dl, gone_dl, came_dl = match(
            old,
            new,
            lambda x: x[1].id,
            lambda x: x[1].name,
            lambda x: x[1].kind.value,
        )
        for (da, a), (db, b) in pairs_dl:
            self.level(f"{da.id}/{a.id}", f"{db.id}/{b.id}", a, b)
        for da, lv in gone_dl:
            self.add(
                "level-removed",
                W,
                f"level {lv.name!r} ({lv.kind.value}) was removed or merged",
                (f"{da.id}/{lv.id}", lv.name, lv.citation),
                None,
            )
        for db, lv in came_dl:
            self.add(
                "level-added",
                ST,
                f"level {lv.name!r} ({lv.kind.value}) was added",
                None,
                (f"{db.id}/{lv.id}", lv.name, lv.citation),
            )

    def level(self, pa: str, pb: str, a: S.CapabilityLevel, b: S.CapabilityLevel) -> None:
        ca, cb = a.citation, b.citation
        if a.name != b.name or a.id != b.id:
            self.add(
                "renamed",
                N,
                f"level {a.name!r} is now {b.name!r}",
                (pa, a.name, ca),
                (pb, b.name, cb),
            )
        order = [S.LevelKind.ALERT, S.LevelKind.THRESHOLD, S.LevelKind.INTOLERABLE]
        if a.kind != b.kind:
            d = W if order.index(b.kind) < order.index(a.kind) else ST
            self.add(
                "level-kind",
                d,
                f"level {b.name!r} was {a.kind.value}, is {b.kind.value}",
                (pa, a.kind.value, ca),
                (pb, b.kind.value, cb),
            )
        self.trigger(pa, pb, a.trigger, b.trigger, ca, cb)
        if a.evidence.standard != b.evidence.standard:
            d = W if b.evidence.standard is S.EvidenceStandard.DEMONSTRATED else ST
            self.add(
                "evidence-standard",
                d,
                f"level {b.name!r}: evidence standard {a.evidence.standard.value} → "
                f"{b.evidence.standard.value}",
                (pa, a.evidence.standard.value, ca),
                (pb, b.evidence.standard.value, cb),
            )
        if a.evidence.confidence != b.evidence.confidence:
            d = W if b.evidence.confidence < a.evidence.confidence else ST
            self.add(
                "evidence-confidence",
                d,
                f"level {b.name!r}: evidence confidence {a.evidence.confidence:g} → "
                f"{b.evidence.confidence:g}",
                (pa, a.evidence.confidence, ca),
                (pb, b.evidence.confidence, cb),
            )
        self.requirements(pa, pb, a, b)
        rb_a = {
            (x.when_reached, tuple(sorted(x.actions))): req_ids(x.safeguards)
            for x in a.required_before
        }
        rb_b = {
            (x.when_reached, tuple(sorted(x.actions))): req_ids(x.safeguards)
            for x in b.required_before
        }
        lost = set().union(*rb_a.values()) - set().union(*rb_b.values()) if rb_a else set()
        won = set().union(*rb_b.values()) - set().union(*rb_a.values()) if rb_b else set()
        if lost:
            self.add(
                "required-before",
                W,
                f"level {b.name!r}: no longer required before it is reached: "
                + ", ".join(sorted(lost)),
                (pa, ", ".join(sorted(lost)), ca),
                (pb, None, cb),
            )
        if won:
            self.add(
                "required-before",
                ST,
                f"level {b.name!r}: now required before it is reached: {', '.join(sorted(won))}",
                (pa, None, ca),
                (pb, ", ".join(sorted(won)), cb),
            )

    # ------------------------------------------------------------------ triggers

    def trigger(
        self,
        pa: str,
        pb: str,
        a: S.Condition | None,
        b: S.Condition | None,
        ca: S.Citation | None,
        cb: S.Citation | None,
    ) -> None:
        if a is None and b is None:
            return
        comb_a, comb_b = combination(a), combination(b)
        if comb_a != comb_b and {comb_a, comb_b} == {"all", "any"}:
            # any: reached when one condition holds, so all -> any makes it easier to reach
            d = ST if comb_b == "any" else W
            self.add(
                "trigger-combination",
                d,
                f"{pb}: trigger combined with {comb_a} → {comb_b}",
                (pa, comb_a, ca),
                (pb, comb_b, cb),
            )
        la, lb = leaves(a), leaves(b)
        pairs, gone, came = match(la, lb, leaf_key, kind=leaf_kind)
        for x, y in pairs:
            if isinstance(x, S.Comparison) and isinstance(y, S.Comparison):
                self.comparison(pa, pb, x, y, ca, cb)
            elif (
                isinstance(x, S.ManualDetermination)
                and isinstance(y, S.ManualDetermination)
                and norm(x.question) != norm(y.question)
            ):
                self.add(
                    "wording",
                    N,
                    f"{pb}: the question of determination {y.id!r} changed",
                    (pa, x.question, ca),
                    (pb, y.question, cb),
                )
        combined = comb_b or comb_a
        for x in gone:
            # dropping a condition from 'any' leaves fewer ways to reach the level
            d = W if combined in ("any", None) else ST
            self.add(
                "trigger-condition-removed",
                d,
                f"{pa}: trigger no longer has {leaf_words(x)}",
                (pa, leaf_words(x), ca),
                (pb, None, cb),
                S.Disclosable.THRESHOLD_VALUES,
            )
        for y in came:
            d = ST if combined in ("any", None) else W
            self.add(
                "trigger-condition-added",
                d,
                f"{pb}: trigger now also has {leaf_words(y)}",
                (pa, None, ca),
                (pb, leaf_words(y), cb),
                S.Disclosable.THRESHOLD_VALUES,
            )

    def comparison(
        self,
        pa: str,
        pb: str,
        x: S.Comparison,
        y: S.Comparison,
        ca: S.Citation | None,
        cb: S.Citation | None,
    ) -> None:
        item = S.Disclosable.THRESHOLD_VALUES
        if (x.evaluation, x.metric) != (y.evaluation, y.metric):
            self.add(
                "metric-swapped",
                N,
                f"{pb}: trigger reads {leaf_words(y)} instead of {leaf_words(x)}",
                (pa, leaf_words(x), ca),
                (pb, leaf_words(y), cb),
                item,
            )
            return
        xv, yv = value_of(x.value), value_of(y.value)
        if (xv is None) != (yv is None):
            d = W if yv is None else ST
            self.add(
                "threshold-unspecified",
                d,
                f"{pb}: threshold {'became unspecified' if yv is None else 'is now stated'}",
                (pa, leaf_words(x), ca),
                (pb, leaf_words(y), cb),
                item,
            )
            return
        if xv is None or yv is None:
            return
        if x.op != y.op or xv != yv:
            d = threshold_direction(x.op, xv, y.op, yv)
            self.add(
                "threshold-moved",
                d,
                f"{pb}: trigger {leaf_words(x)} → {leaf_words(y)}",
                (pa, leaf_words(x), ca),
                (pb, leaf_words(y), cb),
                item,
            )

    # --------------------------------------------------------------- requirements

    def requirements(self, pa: str, pb: str, a: S.CapabilityLevel, b: S.CapabilityLevel) -> None:
        ca, cb = a.citation, b.citation
        for action in S.ACTIONS:
            ra, rb = a.requirement(action), b.requirement(action)
            fa = ra is S.ActionRequirement.FORBIDDEN
            fb = rb is S.ActionRequirement.FORBIDDEN
            if fa != fb:
                self.add(
                    "action-forbidden",
                    W if fa else ST,
                    f"{pb}: {action.value} "
                    + ("is no longer forbidden" if fa else "is now forbidden"),
                    (pa, "forbidden" if fa else requirement_words(ra), ca),
                    (pb, "forbidden" if fb else requirement_words(rb), cb),
                )
                continue
            if fa or isinstance(ra, S.ActionRequirement) or isinstance(rb, S.ActionRequirement):
                continue
            ids_a, ids_b = req_ids(ra), req_ids(rb)
            self.regrouped(pa, pb, action, ids_a, ids_b, ca, cb)
            rec_b = req_ids(b.recommends.get(action, []))
            rec_a = req_ids(a.recommends.get(action, []))
            for sid in sorted(ids_a - ids_b):
                if sid in rec_b:
                    self.add(
                        "requirement-recommended",
                        W,
                        f"{pb}: {sid} is only recommended for {action.value} now",
                        (pa, sid, ca),
                        (pb, sid, cb),
                        S.Disclosable.SAFEGUARD_DETAILS,
                    )
                elif self._became_recommendation(b, sid):
                    self.add(
                        "own-to-recommendation",
                        W,
                        f"{pb}: {sid} for {action.value} is now an industry-wide recommendation",
                        (pa, sid, ca),
                        (pb, None, cb),
                        S.Disclosable.SAFEGUARD_DETAILS,
                    )
                else:
                    self.add(
                        "requirement-removed",
                        W,
                        f"{pb}: {action.value} no longer requires {sid}",
                        (pa, sid, ca),
                        (pb, None, cb),
                        S.Disclosable.SAFEGUARD_DETAILS,
                    )
            for sid in sorted(ids_b - ids_a):
                rule = "requirement-recommended" if sid in rec_a else "requirement-added"
                self.add(
                    rule,
                    ST,
                    f"{pb}: {action.value} now requires {sid}",
                    (pa, None, ca),
                    (pb, sid, cb),
                    S.Disclosable.SAFEGUARD_DETAILS,
                )
            self.tiers(pa, pb, action, a, b)

    def regrouped(
        self,
        pa: str,
        pb: str,
        action: S.Action,
        ids_a: set[str],
        ids_b: set[str],
        ca: S.Citation | None,
        cb: S.Citation | None,
    ) -> None:
        """An any-of group on both sides sharing an alternative is one changed group, not
        a removal and an addition: more alternatives is easier to meet (weakening)."""
        for old_group in sorted(g for g in ids_a - ids_b if "|" in g):
            members_a = set(old_group.split("|"))
            new_group = next(
                (g for g in sorted(ids_b - ids_a) if set(g.split("|")) & members_a), None
            )
            if new_group is None:
                continue
            members_b = set(new_group.split("|"))
            ids_a.discard(old_group)
            ids_b.discard(new_group)
            d = W if members_b > members_a else ST if members_b < members_a else N
            self.add(
                "requirement-alternative",
                d,
                f"{pb}: {action.value} accepts any of {', '.join(sorted(members_b))} "
                f"(was {', '.join(sorted(members_a))})",
                (pa, sorted(members_a), ca),
                (pb, sorted(members_b), cb),
                S.Disclosable.SAFEGUARD_DETAILS,
            )

    def tiers(
        self, pa: str, pb: str, action: S.Action, a: S.CapabilityLevel, b: S.CapabilityLevel
    ) -> None:
        ta, tb = a.requires.get(action), b.requires.get(action)
        if not isinstance(ta, S.TieredRequirement) or not isinstance(tb, S.TieredRequirement):
            return
        for tier in S.TIERS:
            xa, xb = req_ids(ta.for_tier(tier)), req_ids(tb.for_tier(tier))
            if xa - xb:
                self.add(
                    "tier-excluded",
                    W,
                    f"{pb}: {action.value} at tier {tier} no longer requires "
                    f"{', '.join(sorted(xa - xb))}",
                    (pa, sorted(xa), a.citation),
                    (pb, sorted(xb), b.citation),
                )
            elif xb - xa:
                self.add(
                    "tier-excluded",
                    ST,
                    f"{pb}: {action.value} at tier {tier} now requires "
                    + ", ".join(sorted(xb - xa)),
                    (pa, sorted(xa), a.citation),
                    (pb, sorted(xb), b.citation),
                )

    def _became_recommendation(self, level: S.CapabilityLevel, sid: str) -> bool:
        # a recommendation tied to this level that names the safeguard (by id or name)
        name = norm(next((s.name for s in self.o.safeguards if s.id == sid), sid))
        return any(
            level.id in r.levels and (sid in r.statement or name in norm(r.statement))
            for r in self.n.recommendations
        )
