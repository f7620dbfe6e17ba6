"""Check every quote of an encoding against the source texts on disk.

A quote matches when its words occur in the document after both are normalised the
same way, and only in these ways: Unicode compatibility forms (NFKC: ligatures,
non-breaking spaces), typographic quote marks and dashes mapped to plain ones, soft
hyphens dropped, all whitespace (spaces, line breaks, form feeds) ignored, and a
hyphen at the end of a line either kept (a compound split across lines) or dropped
(a word hyphenated across lines). Everything else, case and punctuation included,
must be exact: a near miss is a miss.

Which text belongs to which encoding: the sha256 of each file in the sources folder
is compared with the encoding's ``framework.document.text.sha256``; a name map file
(``quote-sources.tsv`` in the folder: ``KEY<TAB>FILE`` per line, where KEY is an
encoding's file name, its ``id@version``, a cited URL or a sha256) covers texts
whose bytes differ (a user's own extraction) and citations of other documents.
A quote whose document is in neither is counted as unchecked, never as passed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.framework.load import PathT, load_file

NAME_MAP = "quote-sources.tsv"

_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\ufeff": None,
    }
)
_LINE_END_HYPHEN = re.compile(r"-[ \t\f\v\r\u00a0]*\n\s*")
_SPACE = re.compile(r"\s+")


def _base(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_MARKS)


def normalise(text: str) -> str:
    """A quote, normalised: marks mapped, whitespace removed."""
    return _SPACE.sub("", _base(text))


@dataclass(frozen=True)
class Document:
    """A source text, normalised twice: line-end hyphens kept, and dropped."""

    name: str
    kept: str
    joined: str

    @classmethod
    def read(cls, path: Path) -> Document:
        text = _base(path.read_text(encoding="utf-8", errors="replace"))
        kept = _SPACE.sub("", text)
        joined = _SPACE.sub("", _LINE_END_HYPHEN.sub("", text))
        return cls(path.name, kept, joined)

    def contains(self, quote: str) -> bool:
        q = normalise(quote)
        return bool(q) and (q in self.kept or q in self.joined)


@dataclass(frozen=True)
class Quote:
    encoding: str
    line: int
    path: PathT
    text: str
    source: str | None  # None: the encoding's own document


@dataclass
class Report:
    checked: int = 0
    misses: list[tuple[Quote, str]] = field(default_factory=list)
    unchecked: list[tuple[Quote, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # encoding -> document

    @property
    def ok(self) -> bool:
        return not self.misses and not self.errors

    def lines(self) -> list[str]:
        return [f"{q.encoding}:{q.line}: quote not found in {doc}" for q, doc in self.misses]

    def as_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "missed": len(self.misses),
            "unchecked": len(self.unchecked),
            "misses": [
                {"encoding": q.encoding, "line": q.line, "document": doc, "quote": q.text}
                for q, doc in self.misses
            ],
            "unchecked_documents": sorted({why for _, why in self.unchecked}),
            "errors": self.errors,
            "documents": self.documents,
        }


class Sources:
    """The texts in a folder, by sha256 and by the name map."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.by_hash: dict[str, Path] = {}
        self.by_key: dict[str, Path] = {}
        self._cache: dict[Path, Document] = {}
        for p in sorted(folder.iterdir()):
            if p.is_file() and p.name != NAME_MAP and not p.name.startswith("."):
                self.by_hash.setdefault(hashlib.sha256(p.read_bytes()).hexdigest(), p)
        names = folder / NAME_MAP
        if names.is_file():
            for n, raw in enumerate(names.read_text(encoding="utf-8").splitlines(), 1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split("\t")
                if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                    raise ValueError(f"{names}:{n}: expected KEY<TAB>FILE, got {raw!r}")
                target = folder / parts[1].strip()
                if not target.is_file():
                    raise ValueError(f"{names}:{n}: no file {parts[1].strip()!r} in {folder}")
                self.by_key[parts[0].strip()] = target

    def find(self, *keys: str | None) -> Document | None:
        for k in keys:
            if not k:
                continue
            p = self.by_key.get(k) or self.by_hash.get(k)
            if p is not None:
                if p not in self._cache:
                    self._cache[p] = Document.read(p)
                return self._cache[p]
        return None


def quotes_in(data: Any, encoding: str, line_of: Any) -> Iterator[Quote]:
    """Every quote under a ``citation`` mapping, with the YAML line it is on."""

    def walk(node: Any, path: PathT) -> Iterator[Quote]:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "citation" and isinstance(v, dict):
                    src = v.get("source") if isinstance(v.get("source"), str) else None
                    q = v.get("quote")
                    if isinstance(q, str):
                        p = (*path, k, "quote")
                        yield Quote(encoding, line_of(p), p, q, src)
                    qs = v.get("quotes")
                    if isinstance(qs, list):
                        for i, item in enumerate(qs):
                            if isinstance(item, str):
                                p = (*path, k, "quotes", i)
                                yield Quote(encoding, line_of(p), p, item, src)
                else:
                    yield from walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, (*path, i))

    yield from walk(data, ())


def _mapping(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def check_file(path: Path, sources: Sources, report: Report, shown: str | None = None) -> None:
    name = shown or path.name
    loaded = load_file(path)
    if loaded.data is None or not isinstance(loaded.data, dict):
        first = loaded.errors[0].format() if loaded.errors else f"{path}: not a framework file"
        report.errors.append(f"{name}: cannot check quotes: {first}")
        return
    ident = _mapping(loaded.data.get("framework"))
    text_block = _mapping(_mapping(ident.get("document")).get("text"))
    own_sha = _text(text_block.get("sha256"))
    own_url = _text(ident.get("source_url"))
    key = f"{ident.get('id')}@{ident.get('version')}"
    own = sources.find(path.name, key, own_sha, own_url)
    if own is not None:
        report.documents[name] = own.name

    def line_of(p: PathT) -> int:
        return loaded.positions.of(p)[0]

    for q in quotes_in(loaded.data, name, line_of):
        if q.source is None or q.source == own_url:
            doc = own
            label = own_sha or own_url or "this encoding's document"
        else:
            doc = sources.find(q.source)
            label = q.source
        if doc is None:
            report.unchecked.append((q, label))
            continue
        report.checked += 1
        if not doc.contains(q.text):
            report.misses.append((q, doc.name))


def check(files: list[Path], folder: Path, *, shown: dict[Path, str] | None = None) -> Report:
    """Check the quotes of ``files`` against the texts in ``folder``."""
    sources = Sources(folder)
    report = Report()
    for f in files:
        check_file(f, sources, report, (shown or {}).get(f))
    return report
