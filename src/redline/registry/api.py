"""The registry's library API: signatories, their encoded frameworks, and their text.

>>> from redline.registry import api
>>> api.signatory("openai").name
'OpenAI'
>>> api.framework_path("openai").name
'openai-pf-v2.yaml'
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path

from redline.framework import schema as S
from redline.framework.load import load_framework
from redline.registry.load import FRAMEWORKS, SIGNATORIES, load_registry_file
from redline.registry.model import (
    FrameworkVersion,
    PublishedFramework,
    Registry,
    Signatory,
    sort_key,
)


class RegistryLookupError(LookupError):
    """An organisation or version the registry does not hold; the message says what it does."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@functools.lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry shipped with redline (loaded once, checked)."""
    return load_registry_file(SIGNATORIES, FRAMEWORKS)


def signatories() -> list[Signatory]:
    """All signatories of the Frontier AI Safety Commitments, in registry order."""
    return list(registry().signatories)


def _norm(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def signatory(org: str) -> Signatory:
    """A signatory by id, name or alias (case and punctuation ignored)."""
    wanted = _norm(org)
    for sig in registry().signatories:
        if wanted in {_norm(sig.id), _norm(sig.name), *(_norm(a) for a in sig.aliases)}:
            return sig
    names = [s.id for s in registry().signatories]
    close = difflib.get_close_matches(org.casefold(), names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise RegistryLookupError(
        f"no signatory {org!r} in the registry{hint} (known: {', '.join(names)})"
    )


def encoded_versions(org: str) -> list[tuple[PublishedFramework, FrameworkVersion]]:
    """The versions of an organisation's frameworks that redline encodes, oldest first."""
    return signatory(org).encoded()


def _pick(org: str, version: str | None) -> tuple[Signatory, PublishedFramework, FrameworkVersion]:
    sig = signatory(org)
    encoded = sig.encoded()
    if not encoded:
        status = sig.status.value.replace("_", " ")
        raise RegistryLookupError(
            f"{sig.name} has no encoded framework in the registry (status: {status})"
        )
    if version is None:
        fw, v = sig.encoded_safety()[-1]
        return sig, fw, v
    wanted = _norm(version)
    for fw, v in encoded:
        candidates = {_norm(v.version), _norm(f"{fw.id}{v.version}"), _norm(v.encoded or "")}
        candidates.add(_norm((v.encoded or "").removesuffix(".yaml")))
        if wanted in candidates:
            return sig, fw, v
    known = ", ".join(f"{fw.id} {v.version}" for fw, v in encoded)
    raise RegistryLookupError(f"{sig.name} has no encoded version {version!r} (encoded: {known})")


def framework_path(org: str, version: str | None = None) -> Path:
    """Path of an organisation's encoded framework: the latest by date unless ``version``
    names one (a version string such as ``"2"`` or ``"Beta"``, or the file's name)."""
    _, _, v = _pick(org, version)
    assert v.encoded is not None
    return FRAMEWORKS / v.encoded


@functools.lru_cache(maxsize=64)
def _load(path: Path) -> S.Framework:
    return load_framework(path)


def load_registry_framework(org: str, version: str | None = None) -> S.Framework:
    """Load an encoded framework (raises FrameworkError if the shipped file were invalid).
    Loaded once per process; frameworks are immutable, so sharing them is safe."""
    return _load(framework_path(org, version))


def framework_text(org: str, version: str | None = None) -> str:
    """The encoded YAML, with a header saying where it came from; for ``redline init --from``.

    The editor modeline is rewritten to point at the schema inside the installed
    package, so the text validates wherever it is written."""
    sig, fw, v = _pick(org, version)
    assert v.encoded is not None
    path = FRAMEWORKS / v.encoded
    body = path.read_text(encoding="utf-8")
    lines = body.splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines = lines[1:]
    schema = (Path(__file__).parents[1] / "framework" / "framework.schema.json").resolve()
    document = registry().source(v.document).url if v.document else None
    header = [
        f"# yaml-language-server: $schema={schema}\n",
        f"# Started from redline's registry: {sig.name}, {fw.name} {v.version} ({v.date}).\n",
        f"# Source document: {document or 'URL not recorded in the registry'}\n",
        f"# Registry file: redline/registry/data/frameworks/{v.encoded}\n",
        "# An encoding by redline from public sources, not an official text of the organisation;\n",
        "# check it against the source before relying on it.\n",
        "#\n",
    ]
    return "".join(header + lines)


def citation_urls(fw: S.Framework) -> list[tuple[str, str]]:
    """Every (element, cited source) in an encoded framework, for source checks.

    A citation without a source cites the encoding's own document (``source_url``)."""
    out: list[tuple[str, str]] = []

    def add(what: str, c: S.Citation | None) -> None:
        if c is not None:
            source = c.source or fw.framework.source_url
            if source is not None:
                out.append((what, source))

    add("scope", fw.scope.citation)
    for d in fw.domains:
        add(f"domain {d.id}", d.citation)
        for lv in d.levels:
            add(f"level {lv.id}", lv.citation)
    for e in fw.evaluations:
        add(f"evaluation {e.id}", e.citation)
    for s in fw.safeguards:
        add(f"safeguard {s.id}", s.citation)
    for r in fw.rules:
        add(f"rule {r.id}", r.citation)
    g = fw.governance
    add("governance", g.citation)
    for role in g.roles:
        add(f"role {role.id}", role.citation)
    for i, so in enumerate(g.sign_off):
        add(f"sign_off[{i}]", so.citation)
    add("reassessment", g.reassessment.citation)
    add("external_input", fw.external_input.citation)
    for a in fw.external_input.trusted_actors:
        add(f"trusted actor {a.id}", a.citation)
    t = fw.transparency
    if t is not None:
        add("transparency", t.citation)
        for disc in [*t.trusted_only, *t.withheld]:
            add(f"transparency item {disc.item.value}", disc.citation)
    return out


def signatory_urls(sig: Signatory) -> set[str]:
    reg = registry()
    return {url for sid in sig.sources if (url := reg.source(sid).url)}


@dataclass(frozen=True)
class VersionEntry:
    """One version of a framework as the registry knows it, with what its encoding says
    about its place in the history (supersedes, companion)."""

    framework: str  # registry framework id
    framework_name: str
    kind: str
    companion_of: str | None
    version: str
    date: str
    encoded: str | None
    document_url: str | None
    supersedes: str | None  # from the encoding, when encoded
    encoding_id: str | None
    flag: str | None
    note: str | None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def history(org: str) -> list[VersionEntry]:
    """Every known version of every framework of an organisation, per framework oldest
    first, with the encodings' supersedes chain and companion links."""
    sig = signatory(org)
    reg = registry()
    out: list[VersionEntry] = []
    for pf in sig.frameworks:
        for v in sorted(pf.versions, key=lambda v: sort_key(v.date)):
            fw = _load(FRAMEWORKS / v.encoded) if v.encoded else None
            out.append(
                VersionEntry(
                    framework=pf.id,
                    framework_name=pf.name,
                    kind=pf.kind,
                    companion_of=pf.companion_of,
                    version=v.version,
                    date=v.date,
                    encoded=v.encoded,
                    document_url=reg.source(v.document).url if v.document else None,
                    supersedes=fw.framework.supersedes if fw else None,
                    encoding_id=fw.framework.id if fw else None,
                    flag=v.flag,
                    note=v.note,
                )
            )
    return out


def latest_per_framework(org: str) -> list[tuple[PublishedFramework, FrameworkVersion]]:
    """The latest version of each of an organisation's frameworks (unverified reports
    left out unless nothing else is known)."""
    out = []
    for pf in signatory(org).frameworks:
        known = [v for v in pf.versions if v.flag != "unverified"] or list(pf.versions)
        out.append((pf, max(known, key=lambda v: sort_key(v.date))))
    return out
