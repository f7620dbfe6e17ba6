#!/usr/bin/env python3
"""Which commitments I-VIII grades changed between two revisions of the registry.

    python scripts/commitments_diff.py OLD_REV NEW_REV [--json]

For every encoding file in src/redline/registry/data/frameworks/ at either revision,
grade the file's text at OLD_REV and at NEW_REV with the working tree's
``check_commitments`` (so a change in the grading code itself is not mixed in), and
print each commitment whose grade differs, with the new grade's reasons and gaps. A
file present at only one revision is reported as added or removed with all its grades.
Run from the repository root with the tree's src first on the path:

    PYTHONPATH=$PWD/src python scripts/commitments_diff.py main HEAD
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from redline.framework.commitments import check_commitments
from redline.framework.load import load_text

FOLDER = "src/redline/registry/data/frameworks"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def _files(rev: str) -> set[str]:
    out = _git("ls-tree", "--name-only", f"{rev}:{FOLDER}")
    return {n for n in out.splitlines() if n.endswith(".yaml")}


def _grades(rev: str, name: str) -> dict[str, tuple[str, str]] | str:
    text = _git("show", f"{rev}:{FOLDER}/{name}")
    loaded = load_text(text, name)
    if loaded.framework is None:
        first = loaded.errors[0].format() if loaded.errors else "no framework"
        return f"does not load with the current code: {first}"
    out = {}
    for c in check_commitments(loaded.framework):
        why = "; ".join([*c.reasons, *(f"missing: {g}" for g in c.gaps)])
        out[c.commitment.number] = (c.status.value, why)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    old_files, new_files = _files(args.old), _files(args.new)
    rows = []
    for name in sorted(old_files | new_files):
        old = _grades(args.old, name) if name in old_files else None
        new = _grades(args.new, name) if name in new_files else None
        if isinstance(old, str) or isinstance(new, str):
            rows.append({"file": name, "commitment": "-", "old": str(old), "new": str(new)})
            continue
        for number in sorted(set(old or {}) | set(new or {})):
            o = (old or {}).get(number)
            n = (new or {}).get(number)
            if o is None or n is None or o[0] != n[0]:
                rows.append(
                    {
                        "file": name,
                        "commitment": number,
                        "old": o[0] if o else "(no file)",
                        "new": n[0] if n else "(no file)",
                        "why": n[1] if n else (o[1] if o else ""),
                    }
                )
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print("| File | Commitment | Old | New | Why (new grade's reasons and gaps) |")
    print("|---|---|---|---|---|")
    for r in rows:
        why = str(r.get("why", "")).replace("|", "\\|")
        print(f"| {r['file']} | {r['commitment']} | {r['old']} | {r['new']} | {why} |")
    if not rows:
        print("| (no grade changed) | | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
