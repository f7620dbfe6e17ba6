"""Lineage files: strict loading with located errors, model strings, the trend's axis."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.framework.located import FrameworkError
from redline.measure.lineage import load_lineage_file, model_for, x_axis

EXAMPLE = Path(__file__).parent.parent / "examples" / "lineage" / "lineage.yaml"

GOOD = """\
family: fam
checkpoints:
  - id: c1
    date: 2026-01-01
    effective_compute: 1.0e24
  - id: c2
    date: 2026-02-01
    effective_compute: 4.0e24
    model: mockllm/model
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "lineage.yaml"
    p.write_text(text)
    return p


def test_the_bundled_example_loads_and_is_labelled_a_demonstration() -> None:
    lin, digest = load_lineage_file(EXAMPLE)
    assert len(lin.checkpoints) == 3 and len(digest) == 64
    assert all("Demonstration" in (c.notes or "") for c in lin.checkpoints)
    assert "made up" in EXAMPLE.read_text()
    assert x_axis(lin)[0] == "effective_compute"


def test_model_comes_from_the_checkpoint_else_the_template(tmp_path: Path) -> None:
    lin, _ = load_lineage_file(_write(tmp_path, GOOD))
    c1, c2 = lin.checkpoints
    assert model_for(c2, "ignored/{checkpoint}") == "mockllm/model"
    assert model_for(c1, "llama_cpp/{checkpoint}") == "llama_cpp/c1"
    with pytest.raises(ValueError, match="names no model"):
        model_for(c1, None)
    with pytest.raises(ValueError, match="only \\{checkpoint\\}"):
        model_for(c1, "x/{step}")


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (("effective_compute: 4.0e24", "effective_compute: -1"), ":8:", "greater than 0"),
        (("id: c2", "id: c1"), ":6:", "appears twice"),
        (("date: 2026-02-01", "date: 2025-12-01"), ":7:", "before the previous"),
        (("model: mockllm/model", "modle: mockllm/model"), ":9:", "modle"),
        (
            ("model: mockllm/model", "generate: {temprature: 0.5}"),
            ":9:",
            "not an Inspect generation setting",
        ),
    ],
)
def test_bad_lineage_is_a_located_error(
    tmp_path: Path, change: tuple[str, str], where: str, words: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(FrameworkError) as info:
        load_lineage_file(path)
    text = "\n".join(p.format() for p in info.value.problems)
    assert f"{path}{where}" in text and words in text, text


def test_axis_falls_back_to_training_compute_then_date(tmp_path: Path) -> None:
    lin, _ = load_lineage_file(
        _write(tmp_path, GOOD.replace("effective_compute", "training_compute"))
    )
    assert x_axis(lin)[0] == "training_compute"
    lin, _ = load_lineage_file(
        _write(tmp_path, GOOD.replace("    effective_compute: 1.0e24\n", ""))
    )
    assert x_axis(lin)[0] == "date"
