#!/usr/bin/env python3
"""Write the conformance matrix (every registry encoding against every regime) into
docs/regulation.md, between its generated-block markers.

    PYTHONPATH=$PWD/src python scripts/regulation_matrix.py          # rewrite the block
    PYTHONPATH=$PWD/src python scripts/regulation_matrix.py --check  # exit 1 if stale

The block is :func:`redline.regulation.matrix.matrix_markdown`; tests/regulation/
test_matrix_doc.py fails when the committed block differs from it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from redline._io import atomic_write
from redline.regulation.matrix import with_matrix

DOC = Path(__file__).resolve().parents[1] / "docs" / "regulation.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the block is stale")
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    try:
        old = args.doc.read_text(encoding="utf-8")
        new = with_matrix(old)
    except (OSError, ValueError) as exc:
        print(f"{args.doc}: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if new != old:
            print(
                f"{args.doc}: the matrix block is stale; run {Path(__file__).name}", file=sys.stderr
            )
            return 1
        return 0
    if new != old:
        atomic_write(args.doc, new)
        print(f"wrote the matrix block of {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
