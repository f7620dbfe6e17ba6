"""``redline sweep --engine ray`` on a real local Ray cluster (two worker nodes) with the
ledger in PostgreSQL: 4 cells on a usage-bearing mockllm, 2 on the bundled GGUF behind
a llama.cpp server, one worker node killed while it runs a cell.

Asserted: every cell is recorded exactly once (the killed cell was attempted twice, on
two nodes), the ledger verifies, no entry is duplicated, a repeated sweep appends
nothing, and the outcomes equal those of a ``local`` sweep of the same grid.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sweep_support import (
    MOCK_CELLS,
    assessments_by_id,
    cells_for,
    comparable,
    kinds,
    served_cells,
    settings_for,
    write_models,
)

from redline.ledger.store import open_ledger
from redline.ledger.verify import verify_ledger
from redline.measure.served import Concurrency
from redline.sweep.cell import CellOutcome
from redline.sweep.engines import prepare, run_local, run_ray

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


def _node_of(cluster: Any, worker: str) -> Any:
    prefix = worker.removeprefix("ray:")
    for node in cluster.worker_nodes:
        if node.node_id.startswith(prefix):
            return node
    raise AssertionError(f"no worker node {prefix} in the cluster")


def test_ray_sweep_survives_a_killed_worker_and_matches_local(
    ray_cluster: Any, pg_ledger: str, llama_server: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("LLAMACPP_API_KEY", "local-test-key")
    models = write_models(tmp_path / "models.yaml", MOCK_CELLS + served_cells(llama_server))
    # One call at a time: with more, how many samples are already in flight when early
    # stopping fires depends on timing, and samples_used could differ between two runs.
    one = Concurrency(max_connections=1)
    settings = prepare(settings_for(tmp_path / "ray-out", concurrency=one))
    cells = cells_for(models, settings)
    assert len(cells) == 6

    result: dict[str, list[CellOutcome]] = {}
    failure: list[BaseException] = []

    def sweep() -> None:
        try:
            result["ray"] = run_ray(cells, settings, retries=3, worker_env=["LLAMACPP_API_KEY"])
        except BaseException as exc:  # surfaced below
            failure.append(exc)

    thread = threading.Thread(target=sweep)
    thread.start()
    # Kill the node that runs cell 0 once it has started measuring (its first attempt).
    attempts = Path(settings.out_dir) / cells[0].dir_name / "attempts.jsonl"
    deadline = time.monotonic() + 240
    while not attempts.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert attempts.exists(), "cell 0 never started"
    first = json.loads(attempts.read_text().splitlines()[0])["worker"]
    ray_cluster.remove_node(_node_of(ray_cluster, first), allow_graceful=False)
    thread.join(timeout=900)
    assert not thread.is_alive(), "the Ray sweep did not finish"
    assert not failure, failure
    ray_outcomes = result["ray"]

    assert [o.status for o in ray_outcomes] == ["assessed"] * 6, [o.error for o in ray_outcomes]
    # The killed cell ran again, elsewhere: two attempts, on two different nodes.
    tries = [json.loads(x)["worker"] for x in attempts.read_text().splitlines()]
    assert len(tries) == 2 and tries[0] != tries[1] and ray_outcomes[0].worker == tries[1]

    with open_ledger() as ledger:
        report = verify_ledger(ledger)
        assert report.ok, report.problem
        counts = assessments_by_id(ledger)
        assert counts == {c.assessment_id: 1 for c in cells}
        assert kinds(ledger) == {
            "key_registered": 1, "framework_adopted": 1,
            "assessment_recorded": 6, "decision_made": 6,
        }  # fmt: skip
        entries_before = ledger.count()

    # Served cells were measured over HTTP, and say so.
    served = json.loads((Path(ray_outcomes[4].out_dir or "") / "results.json").read_text())
    assert served["run"]["access"] == "served"
    assert served["run"]["concurrency"]["max_connections"] == 1
    assert served["run"]["base_url"] == llama_server
    assert "local-test-key" not in json.dumps(served)

    # The same sweep again: every cell is found in the ledger, nothing is appended.
    again = run_ray(cells, settings, retries=0, worker_env=["LLAMACPP_API_KEY"])
    assert [o.status for o in again] == ["already recorded"] * 6
    assert comparable(again) == comparable(ray_outcomes)
    with open_ledger() as ledger:
        assert ledger.count() == entries_before

    # The same grid on the local engine, into its own SQLite ledger.
    monkeypatch.delenv("REDLINE_DATABASE_URL")
    monkeypatch.delenv("REDLINE_EVIDENCE_DIR")
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path / "local-ws"))
    local_settings = prepare(settings_for(tmp_path / "local-out", concurrency=one))
    local = run_local(cells_for(models, local_settings), local_settings)
    assert [o.status for o in local] == ["assessed"] * 6
    for mine, theirs in zip(comparable(local), comparable(ray_outcomes), strict=True):
        assert mine == theirs
    # And the grid is not trivial: verdicts differ between checkpoints.
    assert ray_outcomes[0].verdicts["external_deployment"] == "allowed"
    assert ray_outcomes[2].verdicts["external_deployment"] == "blocked"
    assert ray_outcomes[3].verdicts["external_deployment"] == "forbidden"
