"""Sweep engines side by side: the same grid on ``local`` and on Ray with two workers.

One run measures both, on fresh ledgers (SQLite for local, PostgreSQL for Ray, as the
command requires), with a local Ray cluster on 127.0.0.1 (a head with no CPUs and two
one-CPU worker nodes, no dashboard). The grid is ``--cells`` cells of the usage-bearing
mock model of ``tests/fixtures/sweep`` (each call sleeps ``--delay`` seconds, standing in
for a served model's latency), plus ``--served N`` cells on the bundled GGUF behind a
llama.cpp server started here. Printed: wall time per engine, cells per minute, the
throughput ratio ray/local, Ray's start-up time, and the overhead per cell (driver
wall time divided by cells, minus the mean time a cell spent measuring and recording).

    source scripts/ci-postgres.sh       # sets REDLINE_TEST_POSTGRES_URL
    python benchmarks/sweep.py [--cells 6] [--delay 0.05] [--served 0] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# Keep Ray on loopback (it would otherwise rewrite 127.0.0.1 to this machine's address).
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # and sends no usage statistics

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "sweep"


def _pg_database(base: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"redline_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _server(port: int) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    from redline.measure.local_model import bundled_model_path

    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()),
           "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
           "--n_ctx", "2048", "--n_threads", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    for _ in range(360):
        try:
            if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the llama.cpp server did not start")


def _grid(path: Path, cells: int, delay: float, served: int, base_url: str | None) -> Path:
    lines = ["models:"]
    for i in range(cells):
        args = {"skill": round(0.1 + 0.8 * i / max(cells - 1, 1), 3), "delay": delay}
        entry = {"model": "sweepmock/toy", "checkpoint": f"c{i}", "args": args}
        lines.append(f"  - {json.dumps(entry)}")
    for i in range(served):
        entry = {"model": "openai-api/llamacpp/smollm2", "checkpoint": f"s{i}",
                 "args": {"base_url": base_url}}  # fmt: skip
        lines.append(f"  - {json.dumps(entry)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _settings(out: Path, workspace: Path, url: str | None) -> Any:
    from redline.decide.model import Inputs
    from redline.ledger.record import sha256_file
    from redline.measure.served import Concurrency
    from redline.sweep.cell import SweepSettings, today

    fw = FIXTURES / "framework.yaml"
    return SweepSettings(
        framework_path=str(fw), framework_sha256=sha256_file(fw), out_dir=str(out),
        inputs=Inputs(date=today()), database_url=url, workspace=str(workspace),
        concurrency=Concurrency(max_connections=1),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=6, help="mock cells")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per mock call")
    parser.add_argument("--served", type=int, default=0, help="cells on the served GGUF")
    parser.add_argument("--json", action="store_true")
    a = parser.parse_args()
    base_pg = os.environ.get("REDLINE_TEST_POSTGRES_URL")
    if not base_pg:
        raise SystemExit("set REDLINE_TEST_POSTGRES_URL (source scripts/ci-postgres.sh)")

    import ray
    from ray.cluster_utils import Cluster

    from redline.sweep.cell import plan_cells
    from redline.sweep.engines import prepare, run_local, run_ray
    from redline.sweep.grid import load_grid

    tmp = Path(tempfile.mkdtemp(prefix="redline-sweep-bench-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ["LLAMACPP_API_KEY"] = "local-bench"
    server = None
    base_url = None
    if a.served:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server, base_url = _server(port)
    try:
        grid = _grid(tmp / "models.yaml", a.cells, a.delay, a.served, base_url)
        entries = load_grid(grid).entries
        timings: dict[str, Any] = {}

        # local: this process, a SQLite ledger
        os.environ["REDLINE_HOME"] = str(tmp / "local-ws")
        os.environ.pop("REDLINE_DATABASE_URL", None)
        settings = prepare(_settings(tmp / "local-out", tmp / "local-ws", None))
        t0 = time.perf_counter()
        local = run_local(plan_cells(entries, settings), settings)
        timings["local"] = {"wall_s": time.perf_counter() - t0,
                            "cell_s": [o.duration_s for o in local]}  # fmt: skip

        # ray: two one-CPU workers, the ledger in PostgreSQL
        t0 = time.perf_counter()
        small = {"object_store_memory": 80 * 1024 * 1024, "node_ip_address": "127.0.0.1"}
        head = {"num_cpus": 0, "include_dashboard": False, **small}
        cluster = Cluster(initialize_head=True, head_node_args=head)
        for _ in range(2):
            cluster.add_node(num_cpus=1, **small)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, log_to_driver=False)
        startup = time.perf_counter() - t0
        try:
            url = _pg_database(base_pg)
            os.environ["REDLINE_DATABASE_URL"] = url
            os.environ["REDLINE_HOME"] = str(tmp / "ray-ws")
            os.environ["REDLINE_EVIDENCE_DIR"] = str(tmp / "ray-evidence")
            settings = prepare(_settings(tmp / "ray-out", tmp / "ray-ws", url))
            t0 = time.perf_counter()
            remote = run_ray(plan_cells(entries, settings), settings, retries=1,
                             worker_env=["LLAMACPP_API_KEY"])  # fmt: skip
            timings["ray"] = {"wall_s": time.perf_counter() - t0, "startup_s": startup,
                              "cell_s": [o.duration_s for o in remote]}  # fmt: skip
        finally:
            ray.shutdown()
            cluster.shutdown()
        same = [(o.measured, o.verdicts) for o in local] == [
            (o.measured, o.verdicts) for o in remote
        ]
        failed = [o.label for o in local + remote if o.status == "failed"]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)

    n = len(entries)
    report: dict[str, Any] = {
        "cells": n, "mock_cells": a.cells, "served_cells": a.served, "delay_s": a.delay,
        "failed": failed, "same_outcomes": same,
    }  # fmt: skip
    for engine, t in timings.items():
        mean_cell = sum(t["cell_s"]) / n
        report[engine] = {
            "wall_s": round(t["wall_s"], 2),
            "cells_per_min": round(60 * n / t["wall_s"], 2),
            "mean_cell_s": round(mean_cell, 2),
            # What the engine adds per cell beyond measuring and recording it: for local,
            # wall/cells - mean cell; for Ray (2 in parallel), 2*wall/cells - mean cell.
            "overhead_per_cell_s": round(
                (2 if engine == "ray" else 1) * t["wall_s"] / n - mean_cell, 2
            ),
        }
    report["ray"]["startup_s"] = round(timings["ray"]["startup_s"], 2)
    report["throughput_ratio_ray_over_local"] = round(
        timings["local"]["wall_s"] / timings["ray"]["wall_s"], 2
    )
    if a.json:
        print(json.dumps(report, indent=2))
        return
    print(f"grid: {n} cells ({a.cells} mock at {a.delay}s per call, {a.served} served GGUF)")
    print(
        f"{'engine':<8}{'wall s':>9}{'cells/min':>11}{'mean cell s':>13}{'overhead/cell s':>17}"
    )
    for engine in ("local", "ray"):
        r = report[engine]
        print(f"{engine:<8}{r['wall_s']:>9}{r['cells_per_min']:>11}{r['mean_cell_s']:>13}"
              f"{r['overhead_per_cell_s']:>17}")  # fmt: skip
    print(f"ray start-up (cluster of 2 workers, not in wall): {report['ray']['startup_s']} s")
    print(f"throughput ratio ray/local: {report['throughput_ratio_ray_over_local']}x")
    print(f"same measurements and verdicts on both engines: {same}; failed cells: {failed or 0}")


if __name__ == "__main__":
    main()
