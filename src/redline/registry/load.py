"""Load the registry's ``signatories.yaml`` with every problem located.

Parsing and the mapping of validation errors to file, line and column are the
framework loader's (:func:`redline.framework.load.parse_yaml`); this module adds
the registry's own reference checks: every fact's source is in the catalogue and
listed by its signatory, ids are unique, encoded files exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from redline.framework.load import (
    PathT,
    Problem,
    _problems_from_validation,
    format_path,
    parse_yaml,
)
from redline.registry.model import Registry, Signatory, sort_key

DATA = Path(__file__).parent / "data"
SIGNATORIES = DATA / "signatories.yaml"
FRAMEWORKS = DATA / "frameworks"


class RegistryError(Exception):
    """The registry data has errors; ``problems`` lists each, located."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


def load_registry_file(path: str | Path = SIGNATORIES, frameworks: Path | None = None) -> Registry:
    """Load and check a registry file, or raise :class:`RegistryError`."""
    p = Path(path)
    name = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError([Problem(name, 1, 1, "", f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise RegistryError([Problem(name, 1, 1, "", "not UTF-8 text")]) from None
    return load_registry_text(text, name, frameworks=frameworks or p.parent / "frameworks")


def load_registry_text(text: str, file: str, *, frameworks: Path = FRAMEWORKS) -> Registry:
    data, pos, problems = parse_yaml(text, file)
    if problems:
        raise RegistryError(problems)
    if not isinstance(data, dict):
        raise RegistryError([Problem(file, 1, 1, "", "expected a registry mapping at the top")])
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(
            sorted(_problems_from_validation(exc, data, pos, file, root=Registry))
        ) from None
    located = [
        Problem(file, *pos.of(path), format_path(path), message)
        for path, message in _check(registry, frameworks)
    ]
    if located:
        raise RegistryError(sorted(located))
    return registry


def _check(reg: Registry, frameworks: Path) -> Iterator[tuple[PathT, str]]:
    catalogue = {s.id for s in reg.sources}
    seen: dict[str, PathT] = {}
    for i, s in enumerate(reg.sources):
        if s.id in seen:
            yield ("sources", i, "id"), f"duplicate source id {s.id!r}"
        seen[s.id] = ("sources", i, "id")
        if s.url is None and s.kind != "notes":
            yield ("sources", i), f"source {s.id!r} has no url (only kind 'notes' may omit it)"
    sig_ids: set[str] = set()
    for i, sig in enumerate(reg.signatories):
        base: PathT = ("signatories", i)
        if sig.id in sig_ids:
            yield (*base, "id"), f"duplicate signatory id {sig.id!r}"
        sig_ids.add(sig.id)
        yield from _check_signatory(sig, base, catalogue, frameworks)


def _check_signatory(
    sig: Signatory, base: PathT, catalogue: set[str], frameworks: Path
) -> Iterator[tuple[PathT, str]]:
    listed = set(sig.sources)
    for k, sid in enumerate(sig.sources):
        if sid not in catalogue:
            yield (*base, "sources", k), f"unknown source {sid!r} (not in the sources catalogue)"

    def ref(path: PathT, sid: str | None) -> Iterator[tuple[PathT, str]]:
        if sid is None:
            return
        if sid not in catalogue:
            yield path, f"unknown source {sid!r} (not in the sources catalogue)"
        elif sid not in listed:
            yield path, f"source {sid!r} is not listed in this signatory's sources"

    yield from ref((*base, "headquarters", "source"), sig.headquarters.source)
    yield from ref((*base, "signed", "source"), sig.signed.source)
    yield from ref((*base, "status", "source"), sig.status.source)
    if sig.headquarters.country == "unknown" and not sig.headquarters.note:
        yield (*base, "headquarters"), "an unknown headquarters needs a note saying why"
    if sig.signed.date == "unknown" and not sig.signed.note:
        yield (*base, "signed"), "an unknown signing date needs a note saying why"
    if sig.status.value == "published" and not sig.frameworks:
        yield (*base, "status"), "status 'published' but no framework is listed"
    if sig.status.value == "none_found" and sig.frameworks:
        yield (*base, "status"), "status 'none_found' but frameworks are listed"
    ids: set[str] = set()
    for j, fw in enumerate(sig.frameworks):
        fpath: PathT = (*base, "frameworks", j)
        if fw.id in ids:
            yield (*fpath, "id"), f"duplicate framework id {fw.id!r}"
        ids.add(fw.id)
        if fw.companion_of is not None and fw.kind != "compliance_framework":
            yield (*fpath, "companion_of"), "companion_of is for compliance frameworks only"
        if fw.kind == "compliance_framework" and fw.companion_of is None:
            yield (
                (*fpath, "kind"),
                "a compliance framework names its safety framework (companion_of)",
            )
        if fw.companion_of is not None and fw.companion_of not in {f.id for f in sig.frameworks}:
            yield (
                (*fpath, "companion_of"),
                f"companion_of {fw.companion_of!r} is not a framework of {sig.id}",
            )
        versions: set[str] = set()
        for k, v in enumerate(fw.versions):
            vpath: PathT = (*fpath, "versions", k)
            if v.version in versions:
                yield (*vpath, "version"), f"duplicate version {v.version!r}"
            versions.add(v.version)
            yield from ref((*vpath, "source"), v.source)
            yield from ref((*vpath, "document"), v.document)
            if v.encoded is not None and not (frameworks / v.encoded).is_file():
                yield (*vpath, "encoded"), f"no encoded file {v.encoded!r} in {frameworks}"
            if v.date == "unknown" and not v.note:
                yield (*vpath, "date"), "an unknown date needs a note saying why"
        order = [sort_key(v.date) for v in fw.versions]
        if order != sorted(order):
            yield (*fpath, "versions"), "list versions oldest first"


__all__ = [
    "DATA",
    "FRAMEWORKS",
    "SIGNATORIES",
    "RegistryError",
    "load_registry_file",
    "load_registry_text",
]
