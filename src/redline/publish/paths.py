"""Paths on the published site, made from untrusted text."""

from __future__ import annotations

import re


def slug(text: str) -> str:
    """A path component from untrusted text: no separators, no leading dots."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")
    return s[:80] or "item"
