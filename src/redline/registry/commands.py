"""The registry's commands: ``redline registry list``, ``redline registry show ORG`` and
``redline compare A B ...``. Argument handling and rendering only; the work is in
:mod:`redline.registry.api` and :mod:`redline.registry.compare`.

Exit codes: 0 success; 1 an unknown organisation, a version the registry does not
encode, or a framework file with errors (each printed as one message); 2 usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from redline.framework import schema as S

_WIDTH = None if sys.stdout.isatty() else 140
out = Console(highlight=False, soft_wrap=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print as JSON.")]

registry_app = typer.Typer(
    name="registry",
    help="The signatories of the Frontier AI Safety Commitments and their encoded frameworks.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _fail(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(1)


def _latest_known(sig: Any) -> dict[str, Any] | None:
    """The latest version by date, leaving out versions only reported as unverified
    (unless nothing else is known)."""
    versions = sig.versions()
    if not versions:
        return None
    confirmed = [(fw, v) for fw, v in versions if v.flag != "unverified"] or versions
    fw, v = confirmed[-1]
    return {"framework": fw.name, "version": v.version, "date": v.date, "flag": v.flag}


def _version_text(latest: dict[str, Any]) -> Text:
    version = "" if latest["version"] in {"unknown", latest["date"]} else f" {latest['version']}"
    date = "date unknown" if latest["date"] == "unknown" else latest["date"]
    t = Text(f"{latest['framework']}{version} ({date})")
    if latest.get("flag"):
        t.append(f" [{latest['flag']}]", style="yellow")
    return t


def _latest_encoded(sig: Any) -> dict[str, Any] | None:
    encoded = sig.encoded_safety()
    if not encoded:
        return None
    fw, v = encoded[-1]
    return {"framework": fw.name, "version": v.version, "date": v.date, "file": v.encoded}


@registry_app.command("list")
def list_signatories(as_json: JsonOpt = False) -> None:
    """List the 20 signatories with their publication status and latest framework."""
    from redline.registry import api

    sigs = api.signatories()
    if as_json:
        _print_json(
            {
                "as_of": api.registry().as_of.isoformat(),
                "signatories": [
                    {
                        "id": s.id,
                        "name": s.name,
                        "signed": s.signed.date,
                        "cohort": s.signed.cohort,
                        "status": s.status.value,
                        "latest": _latest_known(s),
                        "latest_encoded": _latest_encoded(s),
                        "frameworks": [
                            {
                                "id": pf.id,
                                "name": pf.name,
                                "kind": pf.kind,
                                "companion_of": pf.companion_of,
                                "latest": {
                                    "version": v.version,
                                    "date": v.date,
                                    "flag": v.flag,
                                    "encoded": v.encoded,
                                },
                            }
                            for pf, v in api.latest_per_framework(s.id)
                        ],
                    }
                    for s in sigs
                ],
            }
        )
        return
    table = Table(
        title=f"Signatories of the Frontier AI Safety Commitments (as of {api.registry().as_of})",
        expand=True,
    )
    table.add_column("id", no_wrap=True)
    table.add_column("Name", ratio=2, overflow="fold")
    table.add_column("Signed", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Latest version of each framework", ratio=5, overflow="fold")
    table.add_column("Encoded (latest)", ratio=3, overflow="fold")
    style = {"published": "green", "partial": "yellow", "none_found": "red"}
    for s in sigs:
        latest = _latest_known(s)
        enc = _latest_encoded(s)
        signed = s.signed.date + ("" if s.signed.cohort == "original" else " (later)")
        table.add_row(
            s.id,
            s.name,
            signed,
            Text(s.status.value.replace("_", " "), style=style[s.status.value]),
            Text("\n").join(
                _version_text(
                    {"framework": pf.name, "version": v.version, "date": v.date, "flag": v.flag}
                )
                for pf, v in api.latest_per_framework(s.id)
            )
            if latest
            else Text("-"),
            Text(f"{enc['framework']} {enc['version']}") if enc else Text("-"),
        )
    out.print(table)
    counts = {k: sum(1 for s in sigs if s.status.value == k) for k in style}
    out.print(
        f"{len(sigs)} signatories: {counts['published']} published, {counts['partial']} partial, "
        f"{counts['none_found']} none found. Details: redline registry show ORG",
        markup=False,
    )


def _readings(fw: S.Framework) -> list[dict[str, Any]]:
    """The encoder's interpretations, each apart from the words it quotes."""
    from redline.registry.facts import cited

    return [
        {
            "element": c.element,
            "section": c.citation.section,
            "quotes": c.citation.all_quotes(),
            "reading": c.citation.interpretation.reading,
            "reason": c.citation.interpretation.reason,
        }
        for c in cited(fw)
        if c.citation.interpretation is not None
    ]


def _print_readings(name: str, fw: S.Framework) -> None:
    from redline.registry.facts import summary

    s = summary(fw)
    out.print(
        f"{name}: {s.elements} cited elements, {s.quoted} quoted ({s.quotes} quotes), "
        f"{s.interpretations} with an interpretation, {s.unspecified} unspecified",
        markup=False,
    )
    readings = _readings(fw)
    if not readings:
        return
    table = Table(title="Interpretations: our readings, not the text's words", expand=True)
    for col in ("Element", "Quoted words", "Our reading", "Why"):
        table.add_column(col, overflow="fold")
    for r in readings:
        quoted = "; ".join(f"\u201c{q}\u201d" for q in r["quotes"]) or "-"
        table.add_row(Text(r["element"]), Text(quoted), Text(r["reading"]), Text(r["reason"]))
    out.print(table)


def _contents_text(fw: S.Framework) -> str:
    c = _contents(fw)
    unspecified = (
        f" ({c['unspecified_safeguards']} unspecified)" if c["unspecified_safeguards"] else ""
    )
    return (
        f"{c['domains']} domains ({c['tracked_domains']} tracked), {c['levels']} levels, "
        f"{c['evaluations']} evaluations, {c['safeguards']} safeguards{unspecified}, "
        f"{c['rules']} rules, {c['self_tests']} self-tests"
    )


def _contents(fw: S.Framework) -> dict[str, int]:
    return {
        "domains": len(fw.domains),
        "tracked_domains": sum(1 for d in fw.domains if d.status == "tracked"),
        "levels": sum(len(d.levels) for d in fw.domains),
        "evaluations": len(fw.evaluations),
        "safeguards": len(fw.safeguards),
        "unspecified_safeguards": sum(1 for s in fw.safeguards if not s.specified),
        "rules": len(fw.rules),
        "self_tests": len(fw.tests),
    }


@registry_app.command("show")
def show(
    org: Annotated[str, typer.Argument(help="Signatory id or name, e.g. openai.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one signatory: its frameworks and versions, what each encoding contains,
    and the commitments I-VIII check of its latest encoded framework. Exit 1 if unknown."""
    from redline.framework.commitments import SOURCE, check_commitments
    from redline.framework.load import FrameworkError
    from redline.registry import api
    from redline.registry.load import FRAMEWORKS

    try:
        sig = api.signatory(org)
    except api.RegistryLookupError as exc:
        raise _fail(str(exc)) from None
    reg = api.registry()
    loaded: dict[str, S.Framework] = {}
    for _, v in sig.encoded():
        assert v.encoded is not None
        try:
            from redline.framework.load import load_framework

            loaded[v.encoded] = load_framework(FRAMEWORKS / v.encoded)
        except FrameworkError as exc:  # a shipped file should never fail; say so plainly
            raise _fail(f"registry file {v.encoded} is invalid: {exc}") from None
    latest = sig.encoded_safety()[-1][1] if sig.encoded() else None
    supersedes = {(e.framework, e.version): e.supersedes for e in api.history(sig.id) if e.encoded}
    checks = check_commitments(loaded[latest.encoded]) if latest and latest.encoded else None

    def url(sid: str | None) -> str | None:
        return reg.source(sid).url if sid else None

    frameworks = [
        {
            "id": fw.id,
            "name": fw.name,
            "kind": fw.kind,
            "companion_of": fw.companion_of,
            "note": fw.note,
            "versions": [
                {
                    "version": v.version,
                    "date": v.date,
                    "supersedes": supersedes.get((fw.id, v.version)),
                    "flag": v.flag,
                    "source": v.source,
                    "document_url": url(v.document),
                    "note": v.note,
                    "encoded": v.encoded,
                    "contents": _contents(loaded[v.encoded]) if v.encoded else None,
                    "interpretations": _readings(loaded[v.encoded]) if v.encoded else None,
                }
                for v in fw.versions
            ],
        }
        for fw in sig.frameworks
    ]
    if as_json:
        _print_json(
            {
                "signatory": sig.model_dump(mode="json", exclude={"frameworks", "sources"}),
                "frameworks": frameworks,
                "sources": [reg.source(s).model_dump(mode="json") for s in sig.sources],
                "commitments": None
                if checks is None or latest is None
                else {
                    "framework": loaded[str(latest.encoded)].framework.model_dump(mode="json"),
                    "source": SOURCE,
                    "checks": [c.as_dict() for c in checks],
                },
            }
        )
        return
    signed = sig.signed.date + (f" ({sig.signed.note})" if sig.signed.note else "")
    out.print(f"[bold]{sig.name}[/] ({sig.id})")
    cohort = sig.signed.cohort
    out.print(f"  signed: {signed}  [{cohort}; source: {sig.signed.source}]", markup=False)
    hq = sig.headquarters
    hq_note = f" ({hq.note})" if hq.note else ""
    out.print(f"  headquarters: {hq.country}{hq_note}  [source: {hq.source}]", markup=False)
    status_note = f" ({sig.status.note})" if sig.status.note else ""
    status = sig.status.value.replace("_", " ")
    out.print(f"  status: {status}{status_note}  [source: {sig.status.source}]", markup=False)
    if sig.frameworks:
        table = Table(title="Frameworks and versions", expand=True)
        for col in ("Framework", "Version", "Date", "Supersedes", "Source", "Encoding", "Contains"):
            table.add_column(col, overflow="fold")
        names = {pf.id: pf.name for pf in sig.frameworks}
        for pf in sig.frameworks:
            label = Text(pf.name)
            if pf.kind == "compliance_framework":
                label.append(
                    f" (compliance framework, companion of {names.get(str(pf.companion_of))})",
                    style="cyan",
                )
            for fv in pf.versions:
                version = Text(fv.version)
                if fv.flag:
                    version.append(f" [{fv.flag}]", style="yellow")
                table.add_row(
                    label,
                    version,
                    Text(fv.date),
                    Text(supersedes.get((pf.id, fv.version)) or "-"),
                    Text(fv.source),
                    Text(fv.encoded or "-"),
                    Text(_contents_text(loaded[fv.encoded]) if fv.encoded else "-"),
                )
        out.print(table)
    else:
        out.print("  no framework found", markup=False)
    if latest is not None and latest.encoded:
        _print_readings(latest.encoded, loaded[latest.encoded])
    if checks is not None and latest is not None:
        fw0 = loaded[str(latest.encoded)].framework
        ctable = Table(
            title=f"Seoul commitments I-VIII: {fw0.name} {fw0.version} (latest encoded)",
            expand=True,
        )
        ctable.add_column("#")
        ctable.add_column("Commitment")
        ctable.add_column("Status")
        ctable.add_column("Why", overflow="fold")
        style = {"met": "green", "partly": "yellow", "missing": "red"}
        for c in checks:
            why = "\n".join([*c.reasons, *(f"missing: {g}" for g in c.gaps)])
            ctable.add_row(
                c.commitment.number,
                c.commitment.title,
                f"[{style[c.status.value]}]{c.status.value}[/]",
                why,
            )
        out.print(ctable)
    out.print(
        f"Sources: {', '.join(sig.sources)} (URLs: redline registry show {sig.id} --json)",
        markup=False,
    )


def _resolve(arg: str) -> tuple[S.Framework, str]:
    """A registry org id (``openai``, ``openai@Beta``) or a framework file path."""
    from redline.framework.load import FrameworkError, load_file
    from redline.registry import api

    path = Path(arg)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        loaded = load_file(path)
        if loaded.framework is None:
            for p in loaded.errors or loaded.problems:
                err.print(p.format(), markup=False)
            raise typer.Exit(1)
        fw = loaded.framework
        return fw, f"{fw.framework.organisation}: {fw.framework.name} {fw.framework.version}"
    org, _, version = arg.partition("@")
    try:
        fw = api.load_registry_framework(org, version or None)
    except api.RegistryLookupError as exc:
        raise _fail(str(exc)) from None
    except FrameworkError as exc:
        raise _fail(f"registry file for {org} is invalid: {exc}") from None
    return fw, f"{fw.framework.organisation}: {fw.framework.name} {fw.framework.version}"


def compare_command(
    frameworks: Annotated[
        list[str],
        typer.Argument(
            help="Two or more: registry org ids (openai, anthropic, google-deepmind; "
            "ORG@VERSION for an older encoding) or framework YAML files."
        ),
    ],
    as_json: JsonOpt = False,
    no_refs: Annotated[
        bool, typer.Option("--no-refs", help="Leave out the cited elements under each cell.")
    ] = False,
) -> None:
    """Compare frameworks side by side: METR's common elements of frontier safety
    policies, then the Seoul commitments I-VIII, each cell citing the framework
    elements it rests on. Exit 1 on an unknown organisation or an invalid file."""
    from redline.registry.compare import compare, render

    if len(frameworks) < 2:
        raise typer.BadParameter("give at least two frameworks to compare", param_hint="FRAMEWORKS")
    resolved = [_resolve(a) for a in frameworks]
    cmp = compare([fw for fw, _ in resolved], [label for _, label in resolved])
    if as_json:
        _print_json(cmp.as_dict())
        return
    render(cmp, out, refs=not no_refs)


def register(app: typer.Typer) -> None:
    """Add ``registry list|show`` and ``compare`` to the redline command."""
    from redline.registry.check_command import check_quotes, docs_command

    registry_app.command("check-quotes")(check_quotes)
    registry_app.command("docs")(docs_command)
    app.add_typer(registry_app, name="registry")
    app.command("compare")(compare_command)
