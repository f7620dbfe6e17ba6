from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from publish_support import PAYLOAD, make_assessment, make_log, write_framework


@pytest.fixture(scope="session")
def inspect_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_log(tmp_path_factory.mktemp("log"))


@pytest.fixture(scope="session")
def xss_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_log(tmp_path_factory.mktemp("xsslog"), PAYLOAD)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, inspect_log: Path) -> dict[str, Path]:
    """Two framework versions and three assessments of one lineage."""
    root = tmp_path_factory.mktemp("lab")
    v1 = write_framework(root / "fw-1.0.yaml", version="1.0", date="2026-01-05")
    v2 = write_framework(root / "fw-1.1.yaml", version="1.1", date="2026-03-01", high=0.6129)
    a1 = make_assessment(
        root / "a1",
        v1,
        log=inspect_log,
        bio=(0.21, 0.08, 0.43),
        created=dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC),
        model="lab/ckpt-100",
    )
    a2 = make_assessment(
        root / "a2",
        v1,
        log=inspect_log,
        bio=(0.31, 0.16, 0.62),
        created=dt.datetime(2026, 2, 20, 9, 0, tzinfo=dt.UTC),
        model="lab/ckpt-200",
    )
    a3 = make_assessment(
        root / "a3",
        v2,
        log=inspect_log,
        bio=(0.36, 0.21, 0.66),
        refusal=(0.97, 0.93, 0.99),
        created=dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC),
        model="lab/ckpt-400",
    )
    return {"root": root, "v1": v1, "v2": v2, "a1": a1, "a2": a2, "a3": a3}


@pytest.fixture(scope="session")
def xss_lab(tmp_path_factory: pytest.TempPathFactory, xss_log: Path) -> dict[str, Path]:
    """Every user-provided string carries script payloads; nothing is withheld."""
    root = tmp_path_factory.mktemp("xss")
    fw = write_framework(
        root / "fw.yaml",
        text=PAYLOAD,
        url="javascript:window.__pwned=10",
        transparency={"public": ["framework"]},
    )
    a1 = make_assessment(
        root / "a1",
        fw,
        log=xss_log,
        model="evil/<script>window.__pwned=11</script>",
        rationale="Rationale " + PAYLOAD,
        created=dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC),
    )
    a2 = make_assessment(
        root / "a2",
        fw,
        log=xss_log,
        model='evil/"><img src=x onerror=window.__pwned=12>',
        rationale="Rationale " + PAYLOAD,
        created=dt.datetime(2026, 2, 9, 9, 0, tzinfo=dt.UTC),
        bio=(0.3, 0.2, 0.45),
    )
    return {"root": root, "fw": fw, "a1": a1, "a2": a2}
