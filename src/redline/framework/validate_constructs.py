"""Semantic checks for the registry constructs (identity of versions, citations,
and the 2026 constructs documented in docs/registry-constructs.md).

Kept apart from :mod:`redline.framework.validate` so each module stays small;
``validate.check`` yields these problems with the others."""

from __future__ import annotations

from collections.abc import Iterator

from redline.framework import schema as S
from redline.framework.validate import PathT, SemanticProblem


def _err(path: PathT, msg: str, *, on_key: bool = False) -> SemanticProblem:
    return SemanticProblem(path, msg, "error", on_key)


def check(fw: S.Framework) -> Iterator[SemanticProblem]:
    yield from _identity(fw)


def _identity(fw: S.Framework) -> Iterator[SemanticProblem]:
    ident = fw.framework
    compliance = ident.kind == S.FrameworkKind.COMPLIANCE_FRAMEWORK
    if ident.companion_of is not None and not compliance:
        yield _err(
            ("framework", "companion_of"),
            "companion_of is for compliance frameworks only (set kind: compliance_framework)",
            on_key=True,
        )
    if compliance and ident.companion_of is None:
        yield _err(
            ("framework", "kind"),
            "a compliance framework names the safety framework it accompanies in companion_of",
        )
    if ident.companion_of is not None and ident.companion_of == ident.id:
        yield _err(
            ("framework", "companion_of"),
            f"companion_of names this framework's own id {ident.id!r}; "
            "a compliance framework has its own id",
        )
    if ident.supersedes is not None and ident.supersedes == ident.version:
        yield _err(
            ("framework", "supersedes"),
            f"supersedes names this version itself ({ident.version!r})",
        )
