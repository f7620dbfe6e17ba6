"""`redline publish`: the static site, its exports, redaction and atomic replacement."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from publish_support import (
    ITEM_MARK,
    OUTPUT_MARK,
    RATIONALE_SECRET,
    SAFEGUARD_SECRET,
    SECRET_VALUES,
    all_files,
    secret_forms,
)
from typer.testing import CliRunner

from redline.cli import app
from redline.framework.load import load_framework
from redline.publish.assessment import PublishError
from redline.publish.diff import diff
from redline.publish.site import MARKER, build_site
from redline.publish.views import framework_view

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "frontier-framework.yaml"
REGISTRY = ROOT / "src" / "redline" / "registry" / "data" / "frameworks"
FIXTURES = sorted(REGISTRY.glob("*.yaml"))
V2_HIGH = 0.6129  # bio-high in version 1.1
runner = CliRunner()


@pytest.fixture(scope="module")
def sites(lab: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sites")
    out = {}
    for audience in ("public", "trusted"):
        result = build_site(
            [lab["v1"], lab["v2"]],
            root / audience,
            audience=audience,
            assessment_dirs=[lab["a1"], lab["a2"], lab["a3"]],
        )
        assert not result.warnings, result.warnings
        out[audience] = root / audience
    return out


def _leaks(files: dict[str, str]) -> list[str]:
    found = []
    for v in (*SECRET_VALUES, V2_HIGH):
        for form in secret_forms(v):
            found += [f"{form} in {name}" for name, text in files.items() if form in text]
    for secret in (
        SAFEGUARD_SECRET.split()[0],
        RATIONALE_SECRET.split()[0],
        ITEM_MARK,
        OUTPUT_MARK,
    ):
        found += [f"{secret} in {name}" for name, text in files.items() if secret in text]
    return found


def test_public_build_contains_no_withheld_value_in_any_file(sites: dict[str, Path]) -> None:
    files = all_files(sites["public"])
    assert any(n.endswith(".json") for n in files) and any(n.endswith(".html") for n in files)
    assert _leaks(files) == []
    # ... and says, where it withholds, why.
    page = files["frameworks/testlab-fsf/1.0/index.html"]
    assert "Values invite gaming." in page and "Security by standard only." in page


def test_trusted_build_includes_trusted_only_never_withheld(sites: dict[str, Path]) -> None:
    files = all_files(sites["trusted"])
    text = "\n".join(files.values())
    for v in (0.4617, 0.5873, V2_HIGH):
        assert f"{v}" in text
    assert ITEM_MARK in text and OUTPUT_MARK in text
    assert SAFEGUARD_SECRET.split()[0] not in text
    assert RATIONALE_SECRET.split()[0] not in text
    assert "0.9137" not in text  # the verification rule is a withheld safeguard detail


def test_site_layout_and_exports(sites: dict[str, Path]) -> None:
    site = sites["public"]
    files = all_files(site)
    for page in (
        "index.html",
        "index.json",
        "frameworks/testlab-fsf/history.html",
        "frameworks/testlab-fsf/assessments.html",
        "frameworks/testlab-fsf/1.0/index.html",
        "frameworks/testlab-fsf/1.0/framework.json",
        "frameworks/testlab-fsf/1.1/commitments.html",
        "frameworks/testlab-fsf/1.1/commitments.json",
        "assessments/assess-202602010900/index.html",
        "assessments/assess-202602010900/decision.json",
        "assessments/assess-202602010900/report.json",
    ):
        assert page in files, page
    index = json.loads(files["index.json"])
    [fw] = index["frameworks"]
    assert [v["version"] for v in fw["versions"]] == ["1.0", "1.1"]
    assert len(fw["assessments"]) == 3
    decision = json.loads(files["assessments/assess-202602200900/decision.json"])
    assert {v["action"]: v["verdict"] for v in decision["verdicts"]}[
        "external_deployment"
    ] == "blocked"
    assert (site / MARKER).exists()
    # Every relative link resolves to a file in the site.
    for name, text in files.items():
        if not name.endswith(".html"):
            continue
        for href in re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', text):
            target = (site / name).parent / href
            assert target.resolve().exists(), f"{name} links to missing {href}"


def test_framework_page_shows_the_yaml_content(sites: dict[str, Path]) -> None:
    page = (sites["trusted"] / "frameworks/testlab-fsf/1.1/index.html").read_text()
    for text in (
        "Uplift towards known biological threats.",  # threat model
        "Bio high",
        "Bio eval accuracy ≥ 0.6129",  # trigger with exact value
        "forbidden",  # open weights at bio-high
        "Responsible Scaling Officer",  # governance
        "AI Safety Institute",  # trusted actor
        "Chosen with the institute.",  # how the threshold was chosen
        "With the institute.",  # threshold setting
        "<svg",  # ladder
    ):
        assert text in page, text


def test_version_history_shows_a_readable_diff(sites: dict[str, Path]) -> None:
    trusted = (sites["trusted"] / "frameworks/testlab-fsf/history.html").read_text()
    assert "Version 1.0 → 1.1" in trusted
    assert "0.5873" in trusted and "0.6129" in trusted
    assert "bio-high" in trusted
    public = (sites["public"] / "frameworks/testlab-fsf/history.html").read_text()
    assert "0.5873" not in public and "0.6129" not in public
    assert "Changes to withheld items are not shown" in public


def test_diff_matches_items_by_id() -> None:
    before = {"domains": [{"id": "a", "name": "A", "x": 1}, {"id": "b", "name": "B"}]}
    after = {
        "domains": [
            {"id": "b", "name": "B"},
            {"id": "a", "name": "A", "x": 2},
            {"id": "c", "name": "C"},
        ]
    }
    changes = diff(before, after)
    assert [(c.kind, c.where, c.before, c.after) for c in changes] == [
        ("changed", "domains › a › x", "1", "2"),
        ("added", "domains › c", None, "C (c)"),
    ]


def test_assessments_page_lists_decisions_and_trend(sites: dict[str, Path]) -> None:
    page = (sites["trusted"] / "frameworks/testlab-fsf/assessments.html").read_text()
    assert page.count("lab/ckpt-") >= 3
    assert "Blocked" in page and "Forbidden" in page
    assert "Trend across assessments" in page


def test_real_frameworks_publish(tmp_path: Path) -> None:
    """Every encoded framework and the example render (and several versions of one id diff)."""
    if not FIXTURES:
        pytest.skip(f"no encoded frameworks in {REGISTRY}")
    result = build_site([EXAMPLE, *FIXTURES], tmp_path / "site", audience="public")
    files = all_files(tmp_path / "site")
    assert sum(n.endswith("/index.html") for n in files) == len(FIXTURES) + 1
    histories = [t for n, t in files.items() if n.endswith("/history.html")]
    assert any("Version " in t and " changes" in t for t in histories)  # two xAI versions
    without = [f for f in FIXTURES if load_framework(f).transparency is None]
    assert bool(without) == any("no transparency section" in w for w in result.warnings)
    public = files["frameworks/larkspur-fsf/1.2/index.html"]
    assert "bio_proxy" in public and ">= 0.65" not in public and "≥ 0.65" not in public
    fw_json = json.loads(files["frameworks/larkspur-fsf/1.2/framework.json"])
    assert fw_json["audience"] == "public"


def test_replaces_a_previous_site_and_refuses_other_directories(
    tmp_path: Path, lab: dict[str, Path]
) -> None:
    out = tmp_path / "site"
    build_site([lab["v1"]], out)
    (out / "stale.html").write_text("old")
    build_site([lab["v1"]], out)
    assert not (out / "stale.html").exists()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(PublishError, match="not a site redline built"):
        build_site([lab["v1"]], other)
    assert (other / "notes.txt").read_text() == "keep me"


def test_failure_leaves_the_previous_site(tmp_path: Path, lab: dict[str, Path]) -> None:
    out = tmp_path / "site"
    build_site([lab["v1"]], out)
    before = all_files(out)
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nframework: {id: x}\n")
    result = runner.invoke(app, ["publish", str(lab["v1"]), str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "Traceback" not in result.output
    assert all_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_publish_json_summary(tmp_path: Path, lab: dict[str, Path]) -> None:
    out = tmp_path / "site"
    result = runner.invoke(
        app,
        [
            "publish",
            str(lab["v1"]),
            "--out",
            str(out),
            "--assessments",
            str(lab["a1"]),
            "--json",
            "--audience",
            "trusted",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["audience"] == "trusted" and "index.html" in data["pages"]


def test_assessment_of_unknown_version_is_skipped_with_a_warning(
    tmp_path: Path, lab: dict[str, Path]
) -> None:
    result = build_site([lab["v1"]], tmp_path / "s", assessment_dirs=[lab["a3"]])
    assert any("not among the frameworks given" in w for w in result.warnings)


def test_internal_audience_is_not_a_site(tmp_path: Path, lab: dict[str, Path]) -> None:
    with pytest.raises(PublishError, match="redline report"):
        build_site([lab["v1"]], tmp_path / "s", audience="internal")


def test_framework_view_json_round_trips(lab: dict[str, Path]) -> None:
    from publish_support import load

    view = framework_view(load(lab["v1"]), "public")
    assert json.loads(view.model_dump_json())["identity"]["id"] == "testlab-fsf"
