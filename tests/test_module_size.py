"""No module under src/ grows past 800 lines: rooms stay small enough to hold in mind.

Templates and data files are exempt (only ``.py`` files count). The layers and the
absence of import circles are checked by ``lint-imports`` (contracts in .importlinter).
"""

from __future__ import annotations

from pathlib import Path

LIMIT = 800
SRC = Path(__file__).resolve().parent.parent / "src"


def oversized(root: Path, limit: int = LIMIT) -> list[tuple[str, int]]:
    out = []
    for path in sorted(root.rglob("*.py")):
        with path.open(encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > limit:
            out.append((str(path.relative_to(root)), n))
    return out


def test_no_module_over_the_limit() -> None:
    big = oversized(SRC)
    listed = ", ".join(f"{p} ({n})" for p, n in big)
    assert not big, f"modules over {LIMIT} lines: {listed}"


def test_the_check_sees_an_oversized_module(tmp_path: Path) -> None:
    (tmp_path / "small.py").write_text("x = 1\n" * LIMIT)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "big.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "pkg" / "template.html").write_text("<p>\n" * 5000)
    assert oversized(tmp_path) == [("pkg/big.py", LIMIT + 1)]
