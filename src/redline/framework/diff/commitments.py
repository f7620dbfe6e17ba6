"""The diff of the commitments around the ladders: safeguards, rules, exemptions,
governance, scope, transparency and external input."""

from __future__ import annotations

from redline.framework import schema as S
from redline.framework.diff.model import (
    ST,
    N,
    Recorder,
    W,
    all_required,
    match,
    norm,
    num,
    req_ids,
    threshold_direction,
    verification_words,
)


class CommitmentDiff(Recorder):
    # ----------------------------------------------------------------- safeguards

    def safeguards(self) -> None:
        pairs, gone, _came = match(
            self.o.safeguards, self.n.safeguards, lambda s: s.id, lambda s: s.name
        )
        for s in gone:
            d = W if s.id in all_required(self.o) else N
            self.add(
                "safeguard-removed",
                d,
                f"safeguard {s.name!r} was removed",
                (s.id, s.name, s.citation),
                None,
                S.Disclosable.SAFEGUARD_DETAILS,
            )
        for a, b in pairs:
            if a.name != b.name or a.id != b.id:
                self.add(
                    "renamed",
                    N,
                    f"safeguard {a.name!r} is now {b.name!r}",
                    (a.id, a.name, a.citation),
                    (b.id, b.name, b.citation),
                )
            self.verification(a, b)
            if a.specified != b.specified:
                self.add(
                    "safeguard-specified",
                    ST if b.specified else W,
                    f"safeguard {b.name!r} is "
                    + ("now defined" if b.specified else "no longer defined"),
                    (a.id, a.specified, a.citation),
                    (b.id, b.specified, b.citation),
                )
            if a.kind is S.SafeguardKind.SECURITY or b.kind is S.SafeguardKind.SECURITY:
                lost, won = set(a.implies) - set(b.implies), set(b.implies) - set(a.implies)
                lost_c, won_c = (
                    set(a.comprises) - set(b.comprises),
                    set(b.comprises) - set(a.comprises),
                )
                if lost or lost_c:
                    self.add(
                        "security-level",
                        W,
                        f"security standard {b.name!r} no longer includes "
                        f"{', '.join(sorted(lost | lost_c))}",
                        (a.id, sorted(set(a.implies) | set(a.comprises)), a.citation),
                        (b.id, sorted(set(b.implies) | set(b.comprises)), b.citation),
                        S.Disclosable.SAFEGUARD_DETAILS,
                    )
                elif won or won_c:
                    self.add(
                        "security-level",
                        ST,
                        f"security standard {b.name!r} now includes "
                        + ", ".join(sorted(won | won_c)),
                        (a.id, sorted(set(a.implies) | set(a.comprises)), a.citation),
                        (b.id, sorted(set(b.implies) | set(b.comprises)), b.citation),
                        S.Disclosable.SAFEGUARD_DETAILS,
                    )

    def verification(self, a: S.Safeguard, b: S.Safeguard) -> None:
        va, vb = a.verification, b.verification
        item = S.Disclosable.SAFEGUARD_DETAILS
        if va is None and vb is None:
            return
        if vb is None:
            self.add(
                "safeguard-verification",
                W,
                f"safeguard {b.name!r} is no longer verified",
                (a.id, verification_words(va), a.citation),
                (b.id, None, b.citation),
                item,
            )
            return
        if va is None:
            self.add(
                "safeguard-verification",
                ST,
                f"safeguard {b.name!r} is now verified",
                (a.id, None, a.citation),
                (b.id, verification_words(vb), b.citation),
                item,
            )
            return
        if (va.evaluation, va.metric) != (vb.evaluation, vb.metric):
            self.add(
                "metric-swapped",
                N,
                f"safeguard {b.name!r} is verified by another evaluation",
                (a.id, verification_words(va), a.citation),
                (b.id, verification_words(vb), b.citation),
                item,
            )
            return
        # a verification must be met: relaxing it is the opposite of moving a trigger
        d = threshold_direction(va.op, va.value, vb.op, vb.value)
        moved = va.op != vb.op or va.value != vb.value
        if moved:
            d = W if d is ST else ST if d is W else N
        elif va.confidence != vb.confidence:
            d = W if vb.confidence < va.confidence else ST
        else:
            return
        self.add(
            "safeguard-verification",
            d,
            f"safeguard {b.name!r}: verification {verification_words(va)} → "
            + str(verification_words(vb)),
            (a.id, verification_words(va), a.citation),
            (b.id, verification_words(vb), b.citation),
            item,
        )

    # --------------------------------------------------------- rules, exemptions

    def rules(self) -> None:
        pairs, gone, came = match(
            self.o.rules, self.n.rules, lambda r: r.id, kind=lambda r: r.kind.value
        )
        for r in gone:
            d = W if r.binding and r.kind in (S.RuleKind.HALT, S.RuleKind.BASELINE) else N
            self.add(
                "rule-removed",
                d,
                f"{r.kind.value} rule {r.id!r} was removed",
                (r.id, r.statement, r.citation),
                None,
            )
        for r in came:
            if r.conditional_on is not None or not r.binding or r.kind is S.RuleKind.OTHER:
                d = N
            else:
                d = ST
            self.add(
                "rule-added",
                d,
                f"{r.kind.value} rule {r.id!r} was added",
                None,
                (r.id, r.statement, r.citation),
            )
        for a, b in pairs:
            ca, cb = (a.id, a.statement, a.citation), (b.id, b.statement, b.citation)
            if a.binding != b.binding:
                self.add(
                    "rule-binding",
                    W if a.binding else ST,
                    f"rule {b.id!r} is {'discretionary' if a.binding else 'binding'} now",
                    ca,
                    cb,
                )
            if (a.conditional_on, a.applies_when is None) != (
                b.conditional_on,
                b.applies_when is None,
            ):
                now_cond = b.conditional_on is not None or b.applies_when is not None
                self.add(
                    "rule-conditional",
                    W if now_cond else ST,
                    f"rule {b.id!r} is "
                    + (
                        f"now conditional on {b.conditional_on}"
                        if now_cond
                        else "unconditional now"
                    ),
                    ca,
                    cb,
                )
            lost = set(a.actions) - set(b.actions)
            won = set(b.actions) - set(a.actions)
            dom_a = None if a.domains == "all" else set(a.domains)
            dom_b = None if b.domains == "all" else set(b.domains)
            narrower = bool(lost) or (dom_b is not None and (dom_a is None or bool(dom_a - dom_b)))
            wider = bool(won) or (dom_a is not None and (dom_b is None or bool(dom_b - dom_a)))
            if narrower or wider:
                d = W if narrower and not wider else ST if wider and not narrower else N
                self.add("rule-scope", d, f"rule {b.id!r} covers other actions or domains", ca, cb)
            ra, rb = req_ids(a.requires), req_ids(b.requires)
            if ra != rb:
                d = W if ra - rb and not rb - ra else ST if rb - ra and not ra - rb else N
                self.add(
                    "rule-requirement",
                    d,
                    f"rule {b.id!r} requires {sorted(rb)} (was {sorted(ra)})",
                    ca,
                    cb,
                )
            if (
                a.binding == b.binding
                and norm(a.statement) != norm(b.statement)
                and not (narrower or wider or ra != rb)
            ):
                self.add("wording", N, f"rule {b.id!r}: statement reworded", ca, cb)

    def exemptions(self) -> None:
        pairs, gone, came = match(
            self.o.exemptions, self.n.exemptions, lambda e: e.id, kind=lambda e: e.grounds.value
        )
        for e in came:
            self.add(
                "exemption-added",
                W if e.binding else N,
                f"new {e.kind.value} {e.id!r} ({e.grounds.value})",
                None,
                (e.id, e.statement, e.citation),
            )
        for e in gone:
            self.add(
                "exemption-removed",
                ST if e.binding else N,
                f"{e.kind.value} {e.id!r} ({e.grounds.value}) was removed",
                (e.id, e.statement, e.citation),
                None,
            )
        for a, b in pairs:
            ca, cb = (a.id, a.statement, a.citation), (b.id, b.statement, b.citation)
            if a.binding != b.binding:
                self.add(
                    "exemption-binding",
                    W if b.binding else ST,
                    f"{b.kind.value} {b.id!r} "
                    + ("can now be applied" if b.binding else "is only discretionary now"),
                    ca,
                    cb,
                )
            wider = (
                bool(set(b.actions) - set(a.actions))
                or (b.levels == "all" and a.levels != "all")
                or (a.tiers and (not b.tiers or bool(set(b.tiers) - set(a.tiers))))
            )
            narrower = (
                bool(set(a.actions) - set(b.actions))
                or (a.levels == "all" and b.levels != "all")
                or (b.tiers and (not a.tiers or bool(set(a.tiers) - set(b.tiers))))
            )
            if wider or narrower:
                d = W if wider and not narrower else ST if narrower and not wider else N
                self.add(
                    "exemption-scope",
                    d,
                    f"{b.kind.value} {b.id!r} covers other actions, tiers or levels",
                    ca,
                    cb,
                )

    # -------------------------------------------------------------- governance

    def governance(self) -> None:
        ga, gb = self.o.governance, self.n.governance
        role_name = {r.id: r.title for r in [*ga.roles, *gb.roles]}
        pairs, gone, came = match(
            ga.sign_off,
            gb.sign_off,
            lambda s: ",".join(sorted(a.value for a in s.actions)),
            kind=lambda s: s.when,
        )
        for s in gone:
            self.add(
                "sign-off-removed",
                W,
                f"sign-off by {', '.join(role_name.get(r, r) for r in s.roles)} for "
                f"{', '.join(a.value for a in s.actions)} was removed",
                ("governance/sign_off", s.roles, s.citation),
                None,
                S.Disclosable.SIGN_OFFS,
            )
        for s in came:
            self.add(
                "sign-off-added",
                ST,
                f"sign-off by {', '.join(role_name.get(r, r) for r in s.roles)} for "
                f"{', '.join(a.value for a in s.actions)} was added",
                None,
                ("governance/sign_off", s.roles, s.citation),
                S.Disclosable.SIGN_OFFS,
            )
        for a, b in pairs:
            lost, won = set(a.roles) - set(b.roles), set(b.roles) - set(a.roles)
            if a.rule == "all" and b.rule == "any" and len(b.roles) > 1:
                lost = lost or set(b.roles)
            for r in sorted(lost):
                self.add(
                    "sign-off-role",
                    W,
                    f"{role_name.get(r, r)} no longer signs "
                    f"{', '.join(x.value for x in b.actions)}",
                    ("governance/sign_off", a.roles, a.citation),
                    ("governance/sign_off", b.roles, b.citation),
                    S.Disclosable.SIGN_OFFS,
                )
            for r in sorted(won - lost):
                self.add(
                    "sign-off-role",
                    ST,
                    f"{role_name.get(r, r)} now signs {', '.join(x.value for x in b.actions)}",
                    ("governance/sign_off", a.roles, a.citation),
                    ("governance/sign_off", b.roles, b.citation),
                    S.Disclosable.SIGN_OFFS,
                )
        self._presence(
            "dissent", ga.dissent, gb.dissent, "how dissent is handled", ga.citation, gb.citation
        )
        self._presence(
            "noncompliance-channel",
            ga.noncompliance_reporting,
            gb.noncompliance_reporting,
            "the noncompliance reporting channel",
            ga.citation,
            gb.citation,
        )
        ra, rb = ga.reassessment, gb.reassessment
        self._longer(
            "reassessment-interval",
            ra.months,
            rb.months,
            "reassessment interval (months)",
            ra.citation,
            rb.citation,
        )
        self._longer(
            "reassessment-compute",
            ra.effective_compute_multiple,
            rb.effective_compute_multiple,
            "effective-compute multiple that triggers reassessment",
            ra.citation,
            rb.citation,
        )
        self._longer(
            "policy-review",
            ga.policy_review_months,
            gb.policy_review_months,
            "framework review interval (months)",
            ga.citation,
            gb.citation,
        )
        lost = set(ga.policy_changes_approved_by) - set(gb.policy_changes_approved_by)
        won = set(gb.policy_changes_approved_by) - set(ga.policy_changes_approved_by)
        if lost or won:
            d = W if lost and not won else ST if won and not lost else N
            self.add(
                "change-approval",
                d,
                "the roles that approve changes to the framework changed",
                ("governance", sorted(ga.policy_changes_approved_by), ga.citation),
                ("governance", sorted(gb.policy_changes_approved_by), gb.citation),
            )

    def _presence(
        self,
        rule: str,
        a: str | None,
        b: str | None,
        what: str,
        ca: S.Citation | None,
        cb: S.Citation | None,
    ) -> None:
        if bool(a) != bool(b):
            self.add(
                rule,
                W if a else ST,
                f"{what} {'is no longer stated' if a else 'is now stated'}",
                ("governance", a, ca),
                ("governance", b, cb),
            )

    def _longer(
        self,
        rule: str,
        a: float | None,
        b: float | None,
        what: str,
        ca: S.Citation | None,
        cb: S.Citation | None,
    ) -> None:
        if a == b:
            return
        # both stated: longer is weaker; a stated value dropped is weaker, a new one stronger
        d = (W if b > a else ST) if a is not None and b is not None else W if b is None else ST
        self.add(
            rule,
            d,
            f"{what}: {num(a)} → {num(b)}",
            ("governance/reassessment", num(a), ca),
            ("governance/reassessment", num(b), cb),
        )

    # ------------------------------------------------- scope, transparency, input

    def scope(self) -> None:
        a, b = self.o.scope, self.n.scope
        ca = [c.model_dump(mode="json") for c in a.criteria]
        cb = [c.model_dump(mode="json") for c in b.criteria]
        if ca == cb and a.combine == b.combine:
            return
        fa = {float(c["training_flop_at_least"]) for c in ca if c.get("training_flop_at_least")}
        fb = {float(c["training_flop_at_least"]) for c in cb if c.get("training_flop_at_least")}
        d = N
        if fa and fb and len(fa) == len(fb) == 1:
            d = W if min(fb) > min(fa) else ST if min(fb) < min(fa) else N
        elif a.combine != b.combine and len(cb) > 1:
            d = W if b.combine == "all" else ST
        self.add(
            "scope-criteria",
            d,
            "what counts as a frontier model changed",
            ("scope", ca, a.citation),
            ("scope", cb, b.citation),
        )

    def transparency(self) -> None:
        def levels(t: S.Transparency | None) -> dict[S.Disclosable, tuple[int, S.Citation | None]]:
            out: dict[S.Disclosable, tuple[int, S.Citation | None]] = {}
            if t is None:
                return out
            for item in t.public:
                out[item] = (0, t.citation)
            for dsc in t.trusted_only:
                out[dsc.item] = (1, dsc.citation)
            for dsc in t.withheld:
                out[dsc.item] = (2, dsc.citation)
            return out

        words = ("public", "trusted only", "withheld")
        la, lb = levels(self.o.transparency), levels(self.n.transparency)
        for item in S.Disclosable:
            xa, ca = la.get(item, (0, None))
            xb, cb = lb.get(item, (0, None))
            if xa != xb:
                self.add(
                    "transparency",
                    W if xb > xa else ST,
                    f"{item.value}: {words[xa]} → {words[xb]}",
                    (f"transparency/{item.value}", words[xa], ca),
                    (f"transparency/{item.value}", words[xb], cb),
                )
        aa = self.o.transparency.artefacts if self.o.transparency else []
        ab = self.n.transparency.artefacts if self.n.transparency else []
        ka = {x.kind.value for x in aa}
        kb = {x.kind.value for x in ab}
        for k in sorted(ka - kb):
            self.add(
                "artefact",
                W,
                f"no longer commits to a {_artefact_words(k)}",
                ("transparency/artefacts", k, None),
                None,
            )
        for k in sorted(kb - ka):
            self.add(
                "artefact",
                ST,
                f"now commits to a {_artefact_words(k)}",
                None,
                ("transparency/artefacts", k, None),
            )

    def external_input(self) -> None:
        ea, eb = self.o.external_input, self.n.external_input
        pairs, gone, came = match(
            ea.trusted_actors, eb.trusted_actors, lambda a: a.id, lambda a: a.name
        )
        for x in gone:
            self.add(
                "external-input",
                W,
                f"trusted actor {x.name!r} no longer named",
                (x.id, x.name, x.citation),
                None,
            )
        for x in came:
            self.add(
                "external-input",
                ST,
                f"trusted actor {x.name!r} now named",
                None,
                (x.id, x.name, x.citation),
            )
        for a, b in pairs:
            lost = set(a.reviewed) - set(b.reviewed)
            if lost:
                self.add(
                    "external-input",
                    W,
                    f"{b.name!r} no longer reviews {', '.join(sorted(x.value for x in lost))}",
                    (a.id, sorted(x.value for x in a.reviewed), a.citation),
                    (b.id, sorted(x.value for x in b.reviewed), b.citation),
                )
        if bool(ea.threshold_setting) != bool(eb.threshold_setting):
            self.add(
                "external-input",
                W if ea.threshold_setting else ST,
                "the account of external input on thresholds "
                f"{'was removed' if ea.threshold_setting else 'was added'}",
                ("external_input", ea.threshold_setting, ea.citation),
                ("external_input", eb.threshold_setting, eb.citation),
            )


def _artefact_words(kind: str) -> str:
    return "further published document" if kind == "other" else kind.replace("_", " ")
